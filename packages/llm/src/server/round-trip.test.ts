import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APICallError, type ModelEvent, toNodeListener } from '@imbridge/core';
import {
  createScriptedModel,
  languageModelContract,
  type Script,
  textSteps,
} from '@imbridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { chunk, sse } from '../__fixtures__/openai-compatible/fixtures.ts';
import { createOpenAICompatible } from '../openai-compatible/openai-compatible.ts';
import { createOpenAICompatibleHandler } from './openai-compatible-handler.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves a scripted model through the endpoint handler on 127.0.0.1; returns the base URL. */
async function endpoint(scripts: Script[] | ((index: number) => Script), key = 'endpoint-key') {
  const model = createScriptedModel({
    modelId: 'backend',
    scripts: typeof scripts === 'function' ? (_request, index) => scripts(index) : scripts,
  });
  const handler = createOpenAICompatibleHandler({ model, apiKey: key, logger: false });
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model };
}

async function collect(iterable: AsyncIterable<ModelEvent>) {
  const events: ModelEvent[] = [];
  try {
    for await (const event of iterable) events.push(event);
    return { events, thrown: undefined as unknown };
  } catch (thrown) {
    return { events, thrown };
  }
}

describe('createOpenAICompatible ↔ createOpenAICompatibleHandler (loopback round trip)', () => {
  it('carries text, reasoning, instructions, user and usage across the wire', async () => {
    const { baseUrl, model: backend } = await endpoint([
      {
        steps: [
          { type: 'reasoning', text: 'Let me think.' },
          ...textSteps('Round trip works.', { chunkSize: 5 }),
        ],
        usage: { inputTokens: 7, outputTokens: 3 },
      },
    ]);
    const client = createOpenAICompatible({
      baseUrl,
      apiKey: 'endpoint-key',
      model: 'backend',
      includeUsage: true,
    });
    const { events, thrown } = await collect(
      client.stream({
        messages: [{ role: 'user', content: 'Hello' }],
        instructions: 'Be brief.',
        user: 'u-1',
      }),
    );
    expect(thrown).toBeUndefined();
    const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
    const reasoning = events
      .map((event) => (event.type === 'reasoning-delta' ? event.text : ''))
      .join('');
    expect(text).toBe('Round trip works.');
    expect(reasoning).toBe('Let me think.');
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 7, outputTokens: 3 },
    });
    const request = backend.calls[0]?.request;
    expect(request?.instructions).toBe('Be brief.');
    expect(request?.user).toBe('u-1');
    expect(request?.messages).toEqual([{ role: 'user', content: 'Hello' }]);
  });

  it('surfaces the endpoint’s refusal and the backend’s failures as typed errors', async () => {
    const { baseUrl } = await endpoint([
      {
        steps: [
          {
            type: 'error',
            error: new APICallError({
              message: 'slow down',
              provider: 'x',
              kind: 'rate-limit',
              statusCode: 429,
            }),
          },
        ],
      },
    ]);
    const wrongKey = createOpenAICompatible({
      baseUrl,
      apiKey: 'wrong',
      model: 'backend',
      retry: false,
    });
    const refused = await collect(wrongKey.stream({ messages: [{ role: 'user', content: 'Hi' }] }));
    const refusal = refused.events.find((event) => event.type === 'error');
    expect(refusal?.type === 'error' && refusal.error).toMatchObject({
      kind: 'auth',
      statusCode: 401,
    });
    const client = createOpenAICompatible({
      baseUrl,
      apiKey: 'endpoint-key',
      model: 'backend',
      retry: false,
    });
    const limited = await collect(client.stream({ messages: [{ role: 'user', content: 'Hi' }] }));
    const failure = limited.events.find((event) => event.type === 'error');
    expect(failure?.type === 'error' && failure.error).toMatchObject({
      kind: 'rate-limit',
      statusCode: 429,
    });
  });

  it('passes a truncated upstream stream on as an error after its text, never as a finish', async () => {
    // An upstream OpenAI-compatible server whose body ends with no finish_reason and no [DONE].
    const upstream = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        sse(chunk({ role: 'assistant', content: 'Once' }), chunk({ content: ' upon a' })),
      );
    });
    servers.push(upstream);
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    const handler = createOpenAICompatibleHandler({
      model: createOpenAICompatible({ baseUrl: upstreamUrl, model: 'upstream', retry: false }),
      apiKey: 'endpoint-key',
      logger: false,
    });
    const server = createServer(toNodeListener(handler));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createOpenAICompatible({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      apiKey: 'endpoint-key',
      model: 'upstream',
      retry: false,
    });
    const { events, thrown } = await collect(
      client.stream({ messages: [{ role: 'user', content: 'Tell me a story' }] }),
    );
    expect(thrown).toBeUndefined();
    const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
    expect(text).toBe('Once upon a');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(events.at(-1)?.type).toBe('error');
    const last = events.at(-1);
    expect(last?.type === 'error' && APICallError.isInstance(last.error)).toBe(true);
  });

  it('aborting the client aborts the backend model through the endpoint', async () => {
    const { baseUrl, model: backend } = await endpoint([
      { steps: [{ type: 'text', text: 'start' }, { type: 'stall' }] },
    ]);
    const client = createOpenAICompatible({ baseUrl, apiKey: 'endpoint-key', model: 'backend' });
    const controller = new AbortController();
    const iterator = client
      .stream({ messages: [{ role: 'user', content: 'Hi' }], signal: controller.signal })
      [Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({ type: 'text-delta', text: 'start' });
    controller.abort();
    await iterator.next().catch(() => undefined);
    const deadline = Date.now() + 3000;
    while (!backend.calls[0]?.aborted && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(backend.calls[0]?.aborted).toBe(true);
  });

  describe('the pair passes the language model contract', () => {
    let baseUrl = '';
    const cases = languageModelContract({
      expectedText: 'Contract over the wire',
      createModel: async (scenario) => {
        const served = await endpoint([
          scenario === 'text'
            ? { steps: textSteps('Contract over the wire', { chunkSize: 4 }) }
            : scenario === 'slow'
              ? {
                  steps: [
                    { type: 'text', text: 'first' },
                    { type: 'text', text: ' late', delayMs: 5000 },
                  ],
                }
              : {
                  steps: [
                    {
                      type: 'throw',
                      error: new APICallError({
                        message: 'backend down',
                        provider: 'x',
                        kind: 'server',
                        statusCode: 500,
                      }),
                    },
                  ],
                },
        ]);
        baseUrl = served.baseUrl;
        return createOpenAICompatible({
          baseUrl,
          apiKey: 'endpoint-key',
          model: 'backend',
          retry: false,
        });
      },
    });
    for (const test of cases) it(test.name, test.run);
  });
});
