/**
 * `fromAiSdk` over a real AI SDK provider (`@ai-sdk/openai-compatible` 2.x, the one `ai` 6
 * uses) talking real HTTP to a Chat Completions stand-in on 127.0.0.1.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AbortedError, APICallError, type ModelMessage } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from '../__fixtures__/openai-compatible/fixtures.ts';
import {
  type ChatCompletionsStandIn,
  chunk,
  type StandInReply,
  startChatCompletionsStandIn,
} from './chat-completions-stand-in.test-kit.ts';
import { fromAiSdk } from './from-ai-sdk.ts';
import { collect, HELLO } from './mock-parts.test-kit.ts';

const API_KEY = 'sk-loopback-secret-0123456789abcdef';
let standIn: ChatCompletionsStandIn | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function modelFor(replies: StandInReply[], options: Parameters<typeof fromAiSdk>[1] = {}) {
  standIn = await startChatCompletionsStandIn(replies);
  const provider = createOpenAICompatible({
    name: 'loopback',
    baseURL: standIn.baseURL,
    apiKey: API_KEY,
    includeUsage: true,
  });
  return fromAiSdk(provider('stand-in-model'), options);
}

const WEATHER_TOOL = {
  name: 'weather',
  description: 'Current weather of a city',
  inputSchema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};

describe('fromAiSdk over @ai-sdk/openai-compatible on loopback', () => {
  it('streams a recorded OpenAI answer as text deltas and a stop finish', async () => {
    const model = await modelFor([{ raw: new TextDecoder().decode(readFixture('normal')) }]);
    const { events, thrown } = await collect(model, { ...HELLO, instructions: 'Be brief.' });
    expect(thrown).toBeUndefined();
    const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
    expect(text).toBe(FIXTURES.normal.text);
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    expect(standIn?.requests[0]?.path).toBe('/v1/chat/completions');
    expect(standIn?.requests[0]?.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello?' },
    ]);
    expect(standIn?.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('makes a tool call round trip: tool call events, then the result sent back, then text', async () => {
    const model = await modelFor([
      {
        chunks: [
          chunk({
            role: 'assistant',
            tool_calls: [
              {
                index: 0,
                id: 'call_1',
                type: 'function',
                function: { name: 'weather', arguments: '' },
              },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"Shenzhen"}' } }] }),
          {
            ...chunk({}, 'tool_calls'),
            usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 },
          },
        ],
      },
      {
        chunks: [
          chunk({ role: 'assistant', content: 'Shenzhen is ' }),
          chunk({ content: '28 °C.' }, 'stop'),
        ],
      },
    ]);
    const messages: ModelMessage[] = [{ role: 'user', content: 'Weather in Shenzhen?' }];
    const first = await collect(model, { messages, tools: [WEATHER_TOOL] });
    expect(first.events.filter((event) => event.type === 'tool-call-delta').length).toBeGreaterThan(
      0,
    );
    const call = first.events.find((event) => event.type === 'tool-call');
    expect(call).toEqual({
      type: 'tool-call',
      toolCallId: 'call_1',
      toolName: 'weather',
      input: '{"city":"Shenzhen"}',
    });
    expect(first.events.at(-1)).toMatchObject({
      type: 'finish',
      reason: 'tool-calls',
      usage: { inputTokens: 20, outputTokens: 9, totalTokens: 29 },
    });
    expect(standIn?.requests[0]?.body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Current weather of a city',
          parameters: WEATHER_TOOL.inputSchema,
        },
      },
    ]);

    messages.push(
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_1', name: 'weather', input: '{"city":"Shenzhen"}' }],
      },
      { role: 'tool', toolCallId: 'call_1', toolName: 'weather', content: '{"celsius":28}' },
    );
    const second = await collect(model, { messages, tools: [WEATHER_TOOL] });
    const text = second.events.map((event) => (event.type === 'text-delta' ? event.text : ''));
    expect(text.join('')).toBe('Shenzhen is 28 °C.');
    expect(second.events.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    const sent = standIn?.requests[1]?.body.messages as Array<Record<string, unknown>>;
    expect(sent.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Shenzhen"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":28}' },
    ]);
  });

  it.each([
    [429, 'rate-limit'],
    [500, 'server'],
  ] as const)(
    'maps an HTTP %i to a typed retryable APICallError without the key',
    async (status, kind) => {
      const model = await modelFor(
        [
          {
            status,
            headers: { 'retry-after': '2', 'x-request-id': 'req-loop' },
            json: { error: { message: `try later, key ${API_KEY}` } },
          },
        ],
        { retry: false },
      );
      const { events } = await collect(model, HELLO);
      expect(events.map((event) => event.type)).toEqual(['error']);
      const error = events[0]?.type === 'error' ? events[0].error : undefined;
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        provider: 'loopback.chat',
        kind,
        retryable: true,
        statusCode: status,
        retryAfterMs: 2000,
        requestId: 'req-loop',
      });
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(API_KEY);
    },
  );

  it('retries an HTTP 503 before the first token, honouring Retry-After', async () => {
    const model = await modelFor([
      { status: 503, headers: { 'retry-after-ms': '20' }, json: { error: { message: 'busy' } } },
      { chunks: [chunk({ content: 'ok' }, 'stop')] },
    ]);
    const { events } = await collect(model, HELLO);
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'finish']);
    expect(standIn?.requests).toHaveLength(2);
  });

  it('stops mid-stream on abort and closes the HTTP response', async () => {
    const model = await modelFor([{ chunks: [chunk({ content: 'first' })], stall: true }]);
    const controller = new AbortController();
    const iterator = model.stream({ ...HELLO, signal: controller.signal })[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({
      done: false,
      value: { type: 'text-delta', text: 'first' },
    });
    const pending = iterator.next();
    const startedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(Date.now() - startedAt).toBeLessThan(500);
    await expect.poll(() => standIn?.closedEarly()).toBe(1);
  });
});
