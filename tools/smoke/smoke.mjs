import { createBot, memoryState, VERSION } from '@imbridge/core';
import * as testing from '@imbridge/core/testing';

/**
 * A bot round trip with the built runtime: a streamed reply, an interrupted one and an error.
 * @returns {Promise<string>} what the client saw, summarised.
 */
export async function botRoundTrip(core = { createBot, memoryState }, kit = testing) {
  const adapter = kit.createMemoryAdapter({ limits: { minUpdateIntervalMs: 5 } });
  const model = kit.createScriptedModel({
    scripts: (request) => {
      const question = request.messages.at(-1)?.content;
      if (question === 'stop') {
        return { steps: [{ type: 'text', text: 'never finished' }, { type: 'stall' }] };
      }
      if (question === 'fail') {
        return { steps: [{ type: 'throw', error: new Error('model down') }] };
      }
      return { steps: kit.textSteps('Hello from imbridge!', { chunkSize: 3, delayMs: 2 }) };
    },
  });
  const bot = core.createBot({ model, state: core.memoryState(), streaming: { maxRetries: 0 } });
  const handler = bot.webhook(adapter);
  const send = (body) => handler(adapter.request(body));
  const ack = await send({ type: 'message', id: 'm1', userId: 'smoke', text: 'hi' });
  if (ack.status !== 200) throw new Error(`webhook answered ${ack.status}`);
  await bot.idle();
  await send({ type: 'message', id: 'm2', userId: 'smoke', text: 'stop' });
  for (let tries = 0; adapter.messages.length < 2 && tries < 500; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await send({ type: 'interrupt', userId: 'smoke', replyId: adapter.messages[1]?.id });
  await bot.idle();
  await send({ type: 'message', id: 'm3', userId: 'smoke', text: 'fail' });
  await bot.idle();
  await bot.close();
  const seen = adapter.messages.map((message) => `${message.kind}:${message.finishReason ?? '-'}`);
  const expected = 'reply:complete,reply:interrupted,error:-';
  if (seen.join(',') !== expected || adapter.messages[0]?.text !== 'Hello from imbridge!') {
    throw new Error(`bot round trip saw ${JSON.stringify(adapter.messages)}`);
  }
  if (!model.calls[1]?.aborted) throw new Error('the interrupted model call did not see its abort');
  return `bot ${seen.join(' ')}`;
}

/**
 * Runtime-neutral smoke check of the built `@imbridge/*` packages. Uses only Web platform APIs,
 * so the same function runs on Node, Bun, Deno and workerd.
 *
 * @returns A one-line summary of what was checked.
 * @throws {Error} When any check fails.
 */
export async function smoke() {
  if (typeof VERSION !== 'string' || VERSION.length === 0) {
    throw new Error(`@imbridge/core VERSION is not a non-empty string: ${String(VERSION)}`);
  }
  if (Object.keys(testing).length === 0) {
    throw new Error('@imbridge/core/testing has no exports');
  }

  const toHex = (buffer) =>
    Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const encoder = new TextEncoder();

  // Web Crypto: SHA-256 of 'abc' is a published test vector (FIPS 180-2, appendix B.1).
  const abcDigest = toHex(await crypto.subtle.digest('SHA-256', encoder.encode('abc')));
  const expectedAbcDigest = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  if (abcDigest !== expectedAbcDigest) {
    throw new Error(`crypto.subtle.digest('SHA-256', 'abc') returned ${abcDigest}`);
  }

  // CompressionStream / DecompressionStream: gzip round trip of a repetitive payload.
  const payload = encoder.encode(`imbridge ${VERSION} smoke\n`.repeat(256));
  const pipe = async (bytes, transform) =>
    new Uint8Array(
      await new Response(new Blob([bytes]).stream().pipeThrough(transform)).arrayBuffer(),
    );
  const compressed = await pipe(payload, new CompressionStream('gzip'));
  const restored = await pipe(compressed, new DecompressionStream('gzip'));
  if (compressed.byteLength >= payload.byteLength) {
    throw new Error(
      `gzip did not shrink the payload (${payload.byteLength} -> ${compressed.byteLength})`,
    );
  }
  const payloadDigest = toHex(await crypto.subtle.digest('SHA-256', payload));
  const restoredDigest = toHex(await crypto.subtle.digest('SHA-256', restored));
  if (restoredDigest !== payloadDigest) {
    throw new Error('gzip round trip changed the payload');
  }

  const bot = await botRoundTrip();
  return `core ${VERSION}, ${bot}, sha256 ok, gzip ${payload.byteLength}->${compressed.byteLength} bytes`;
}
