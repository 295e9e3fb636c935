import { createBot, memoryState, VERSION } from '@imbridge/core';
import * as testing from '@imbridge/core/testing';
import * as llm from '@imbridge/llm';
import * as rongcloud from '@imbridge/rongcloud';
import * as tencent from '@imbridge/tencent-chat';
import { trtcChecks } from './trtc-checks.mjs';

// A bot made at module scope, as edge users do (a Worker refuses timers outside a request: the
// runtime must not start its recovery sweep here, but on the first webhook).
const moduleScopeAdapter = testing.createMemoryAdapter({ limits: { minUpdateIntervalMs: 5 } });
const moduleScopeBot = createBot({
  model: testing.createScriptedModel({ scripts: [{ steps: testing.textSteps('early bird') }] }),
  logger: false,
});
const moduleScopeHandler = moduleScopeBot.webhook(moduleScopeAdapter);

/** The bot made at module scope answers a message. */
async function moduleScopeRoundTrip() {
  const ack = await moduleScopeHandler(
    moduleScopeAdapter.request({ type: 'message', id: 'early', userId: 'smoke', text: 'hi' }),
  );
  await moduleScopeBot.idle();
  await moduleScopeBot.close({ timeoutMs: 1_000 });
  const [reply] = moduleScopeAdapter.messages;
  if (ack.status !== 200 || reply?.text !== 'early bird' || !reply.finished) {
    throw new Error(`the module-scope bot answered ${ack.status}: ${JSON.stringify(reply)}`);
  }
}

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
  const bot = core.createBot({ model, state: core.memoryState(), logger: false });
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

  await moduleScopeRoundTrip();
  const bot = await botRoundTrip();
  const im = await tencentChecks();
  const rc = await rongcloudChecks();
  const rtc = await trtcChecks();
  const models = await llmChecks();
  return `core ${VERSION}, ${bot}, ${im}, ${rc}, ${rtc}, ${models}, sha256 ok, gzip ${payload.byteLength}->${compressed.byteLength} bytes`;
}

/**
 * RongCloud on this runtime: the published signature vector, a signed webhook through the
 * adapter, and a signed client call through an injected fetch (the server checks the signature).
 * @returns {Promise<string>} a summary.
 */
export async function rongcloudChecks(rc = rongcloud) {
  const vector = rc.rongCloudSignature('Y1W2MeFwwwRxa0', '14314', '1408710653000');
  if (vector !== '30be0bbca9c9b2e27578701e9fda2358a814c88f') {
    throw new Error(`RongCloud signature vector mismatch: ${vector}`);
  }
  const adapter = rc.createRongCloudAdapter({
    appKey: 'smoke-key',
    appSecret: 'smoke-secret',
    baseUrl: 'http://127.0.0.1:9',
    botUserIds: ['bot-smoke'],
    logger: false,
  });
  const nonce = '12345';
  const signTimestamp = String(Date.now());
  const query = new URLSearchParams({
    nonce,
    signTimestamp,
    signature: rc.rongCloudSignature('smoke-secret', nonce, signTimestamp),
  });
  const body = {
    type: 'message:private',
    timestamp: Date.now(),
    bot: { userId: 'bot-smoke', name: 'Smoke' },
    data: {
      fromUserId: 'alice',
      toUserId: 'bot-smoke',
      objectName: 'RC:TxtMsg',
      content: JSON.stringify({ content: 'hello' }),
      channelType: 'PERSON',
      msgUID: 'smoke-uid-1',
    },
  };
  const received = await adapter.receive(
    new Request(`http://bot.local/rongcloud?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  const [event] = received.events;
  if (
    received.response.status !== 200 ||
    event?.type !== 'message' ||
    event.message.text !== 'hello'
  ) {
    throw new Error(`the RongCloud webhook was not accepted: ${received.response.status}`);
  }
  const client = rc.createRongCloudClient({
    appKey: 'smoke-key',
    appSecret: 'smoke-secret',
    baseUrl: 'http://rongcloud.local',
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const expected = rc.rongCloudSignature(
        'smoke-secret',
        request.headers.get('Nonce') ?? '',
        request.headers.get('Timestamp') ?? '',
      );
      if (request.headers.get('Signature') !== expected) {
        return Response.json({ code: 1004, errorMessage: 'signature error' }, { status: 401 });
      }
      return Response.json({ code: 200, userId: 'alice', token: 'smoke-token' });
    },
  });
  const registered = await client.registerUser({ userId: 'alice', name: 'Alice' });
  if (registered.token !== 'smoke-token') throw new Error('the RongCloud client call failed');
  return 'rongcloud sign+webhook+rest ok';
}

/**
 * Tencent Cloud Chat on this runtime: UserSig round trip against the published test inputs,
 * the published callback Sign vector, and a signed webhook through the adapter.
 * @returns {Promise<string>} a summary.
 */
export async function tencentChecks(im = tencent) {
  const nowSeconds = 1700000000;
  const userSig = await im.genUserSig({
    sdkAppId: 1,
    secretKey: '2',
    userId: '3',
    expiresInSeconds: 4,
    nowSeconds,
  });
  const verified = await im.verifyUserSig({
    userSig,
    sdkAppId: 1,
    secretKey: '2',
    userId: '3',
    nowSeconds,
  });
  if (!verified.valid)
    throw new Error(`verifyUserSig rejected our own UserSig: ${verified.reason}`);
  const expired = await im.verifyUserSig({
    userSig,
    sdkAppId: 1,
    secretKey: '2',
    nowSeconds: nowSeconds + 5,
  });
  if (expired.valid || expired.reason !== 'expired')
    throw new Error('an expired UserSig was accepted');
  const sign = await im.computeCallbackSign('xxxxyyyy', '1669872112');
  if (sign !== '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061') {
    throw new Error(`callback Sign vector mismatch: ${sign}`);
  }
  const adapter = im.createTencentChatAdapter({
    sdkAppId: 1400000000,
    secretKey: 'smoke-secret',
    adminUserId: 'administrator',
    callbackToken: 'smoke-token',
    baseUrl: 'http://127.0.0.1:9',
    // The forged webhook below is rejected on purpose: keep its warning out of the smoke output.
    logger: false,
  });
  const requestTime = Math.floor(Date.now() / 1000);
  const query = new URLSearchParams({
    SdkAppid: '1400000000',
    CallbackCommand: 'Bot.OnC2CMessage',
    contenttype: 'json',
    Sign: await im.computeCallbackSign('smoke-token', requestTime),
    RequestTime: String(requestTime),
  });
  const body = {
    CallbackCommand: 'Bot.OnC2CMessage',
    From_Account: 'alice',
    To_Account: '@RBT#smoke',
    MsgSeq: 1,
    MsgRandom: 2,
    MsgTime: requestTime,
    MsgKey: `1_2_${requestTime}`,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
  };
  const received = await adapter.receive(
    new Request(`http://bot.local/webhook?${query}`, {
      method: 'POST',
      body: JSON.stringify(body),
    }),
  );
  const event = received.events[0];
  if (
    received.response.status !== 200 ||
    event?.type !== 'message' ||
    event.message.text !== 'hello'
  ) {
    throw new Error(`the adapter did not accept a signed webhook (${received.response.status})`);
  }
  const forged = await adapter.receive(
    new Request(
      `http://bot.local/webhook?${query.toString().replace(/Sign=[0-9a-f]+/, `Sign=${'0'.repeat(64)}`)}`,
      {
        method: 'POST',
        body: JSON.stringify(body),
      },
    ),
  );
  if (forged.response.status !== 401 || forged.events.length > 0)
    throw new Error('a forged webhook was accepted');

  // The REST client on the shared HTTP layer (ky, loaded on this first call) through an injected
  // fetch: a signed URL per attempt, a rate-limit envelope retried, then a typed error with a hint.
  const urls = [];
  const answers = [
    { ActionStatus: 'FAIL', ErrorCode: 60007, ErrorInfo: 'busy' },
    { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', Robot_Account: ['@RBT#smoke'] },
    { ActionStatus: 'FAIL', ErrorCode: 70009, ErrorInfo: 'bad sig' },
  ];
  const client = im.createTencentChatClient({
    sdkAppId: 1400000000,
    secretKey: 'smoke-secret',
    adminUserId: 'administrator',
    baseUrl: 'http://tencent.local',
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 },
    fetch: async (input) => {
      urls.push(new URL(input instanceof Request ? input.url : String(input)));
      return Response.json(answers[urls.length - 1]);
    },
  });
  const robots = await client.listRobots();
  const sigs = new Set(urls.map((url) => url.searchParams.get('usersig')));
  if (robots.robotIds[0] !== '@RBT#smoke' || urls.length !== 2 || sigs.size !== 1) {
    throw new Error(`the REST client saw ${JSON.stringify(robots)} after ${urls.length} requests`);
  }
  const failed = await client.listRobots({ retry: false }).catch((error) => error);
  if (failed?.name !== 'APICallError' || failed.kind !== 'auth' || !failed.hint) {
    throw new Error(`a 70009 answer gave ${failed?.name}: ${failed?.message}`);
  }
  if (String(failed.message).includes([...sigs][0])) throw new Error('an error held the UserSig');
  return 'tencent usersig+sign+webhook+rest ok';
}

// ---- @imbridge/trtc ----

/**
 * @imbridge/llm on this runtime: the OpenAI-compatible client streams from the endpoint handler
 * (through an injected fetch, so no network is needed), and an abort stops the backend model.
 * @returns {Promise<string>} a summary.
 */
export { trtcChecks };

export async function llmChecks(models = llm, kit = testing) {
  const backend = kit.createScriptedModel({
    scripts: [{ steps: kit.textSteps('Streaming through the endpoint.', { chunkSize: 5 }) }],
  });
  const handler = models.createOpenAICompatibleHandler({
    model: backend,
    authenticate: ({ apiKey }) => apiKey === 'smoke-key',
  });
  const client = models.createOpenAICompatible({
    baseUrl: 'http://llm.local/v1',
    apiKey: 'smoke-key',
    model: 'backend',
    fetch: (url, init) => handler(new Request(url, init)),
  });
  let text = '';
  let finished = false;
  for await (const event of client.stream({ messages: [{ role: 'user', content: 'hi' }] })) {
    if (event.type === 'text-delta') text += event.text;
    if (event.type === 'finish') finished = true;
    if (event.type === 'error') throw new Error(`llm stream failed: ${event.error}`);
  }
  if (text !== 'Streaming through the endpoint.' || !finished) {
    throw new Error(`llm round trip saw ${JSON.stringify(text)} (finished: ${finished})`);
  }
  return 'llm endpoint round trip ok';
}
