import type { LanguageModelV2, LanguageModelV2StreamPart } from '@ai-sdk/provider';
import { ValidationError } from '@imbridge/core';
import { describe, expect, it } from 'vitest';
import { fromAiSdk } from './from-ai-sdk.ts';
import {
  collect,
  finishV3,
  HELLO,
  mockModel,
  streamOf,
  textPartsV3,
} from './mock-parts.test-kit.ts';

describe('fromAiSdk', () => {
  it('declares specification v2 and the AI SDK model’s provider and id, or the overrides', () => {
    const model = mockModel(textPartsV3(['x']));
    expect(fromAiSdk(model)).toMatchObject({
      specificationVersion: 'v2',
      provider: 'mock-provider',
      modelId: 'mock-model',
    });
    expect(fromAiSdk(model, { provider: 'deepseek', modelId: 'chat' })).toMatchObject({
      provider: 'deepseek',
      modelId: 'chat',
    });
  });

  it('streams text deltas and one finish with the reason and V3 usage (total = input + output)', async () => {
    const { events, thrown } = await collect(
      fromAiSdk(mockModel(textPartsV3(['Hello, ', 'world']))),
      HELLO,
    );
    expect(thrown).toBeUndefined();
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hello, ' },
      { type: 'text-delta', text: 'world' },
      {
        type: 'finish',
        reason: 'stop',
        usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
      },
    ]);
  });

  it('streams reasoning deltas as reasoning-delta events', async () => {
    const { events } = await collect(
      fromAiSdk(
        mockModel([
          { type: 'reasoning-start', id: 'r1' },
          { type: 'reasoning-delta', id: 'r1', delta: 'Think.' },
          { type: 'reasoning-end', id: 'r1' },
          { type: 'text-delta', id: 't1', delta: 'Answer.' },
          finishV3('stop'),
        ]),
      ),
      HELLO,
    );
    expect(events.slice(0, 2)).toEqual([
      { type: 'reasoning-delta', text: 'Think.' },
      { type: 'text-delta', text: 'Answer.' },
    ]);
  });

  it('streams tool input deltas with the tool name, then the call, and finishes with tool-calls', async () => {
    const { events } = await collect(
      fromAiSdk(
        mockModel([
          { type: 'tool-input-start', id: 'call-1', toolName: 'weather' },
          { type: 'tool-input-delta', id: 'call-1', delta: '{"city":' },
          { type: 'tool-input-delta', id: 'call-1', delta: '"Shenzhen"}' },
          { type: 'tool-input-end', id: 'call-1' },
          {
            type: 'tool-call',
            toolCallId: 'call-1',
            toolName: 'weather',
            input: '{"city":"Shenzhen"}',
          },
          finishV3('tool-calls'),
        ]),
      ),
      HELLO,
    );
    expect(events).toEqual([
      {
        type: 'tool-call-delta',
        toolCallId: 'call-1',
        toolName: 'weather',
        inputDelta: '{"city":',
      },
      {
        type: 'tool-call-delta',
        toolCallId: 'call-1',
        toolName: 'weather',
        inputDelta: '"Shenzhen"}',
      },
      {
        type: 'tool-call',
        toolCallId: 'call-1',
        toolName: 'weather',
        input: '{"city":"Shenzhen"}',
      },
      {
        type: 'finish',
        reason: 'tool-calls',
        usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
      },
    ]);
  });

  it('keeps provider-executed tool calls to itself and reports tool-calls when a provider said stop', async () => {
    const { events } = await collect(
      fromAiSdk(
        mockModel([
          {
            type: 'tool-input-start',
            id: 'search-1',
            toolName: 'web_search',
            providerExecuted: true,
          },
          { type: 'tool-input-delta', id: 'search-1', delta: '{}' },
          {
            type: 'tool-call',
            toolCallId: 'search-1',
            toolName: 'web_search',
            input: '{}',
            providerExecuted: true,
          },
          { type: 'tool-call', toolCallId: 'call-2', toolName: 'lookup', input: '{"id":1}' },
          finishV3('stop'),
        ]),
      ),
      HELLO,
    );
    expect(events.map((event) => event.type)).toEqual(['tool-call', 'finish']);
    expect(events[0]).toMatchObject({ toolCallId: 'call-2', toolName: 'lookup' });
    expect(events[1]).toMatchObject({ reason: 'tool-calls' });
  });

  it('finishes with other, not tool-calls, when every call was provider-executed', async () => {
    const { events } = await collect(
      fromAiSdk(
        mockModel([
          {
            type: 'tool-call',
            toolCallId: 'search-1',
            toolName: 'web_search',
            input: '{}',
            providerExecuted: true,
          },
          finishV3('tool-calls'),
        ]),
      ),
      HELLO,
    );
    expect(events).toEqual([
      {
        type: 'finish',
        reason: 'other',
        usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
      },
    ]);
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content-filter', 'content-filter'],
    ['other', 'other'],
  ] as const)('maps the V3 finish reason %s to %s', async (unified, reason) => {
    const { events } = await collect(
      fromAiSdk(mockModel([{ type: 'text-delta', id: 't', delta: 'a' }, finishV3(unified)])),
      HELLO,
    );
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason });
  });

  it('reports a V3 finish reason of error as an error event, never as a finish', async () => {
    const { events } = await collect(
      fromAiSdk(mockModel([{ type: 'text-delta', id: 't', delta: 'a' }, finishV3('error')]), {
        retry: false,
      }),
      HELLO,
    );
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'error']);
  });

  it('omits usage the provider did not report', async () => {
    const empty = {
      inputTokens: {
        total: undefined,
        noCache: undefined,
        cacheRead: undefined,
        cacheWrite: undefined,
      },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    };
    const { events } = await collect(fromAiSdk(mockModel([finishV3('stop', empty)])), HELLO);
    expect(events).toEqual([{ type: 'finish', reason: 'stop' }]);
  });

  it('sends instructions, history, tool calls, tool results, tools and settings as AI SDK call options', async () => {
    const model = mockModel(textPartsV3(['ok']));
    const imbridge = fromAiSdk(model, {
      maxOutputTokens: 200,
      temperature: 0.2,
      providerOptions: { openai: { reasoningEffort: 'low' } },
      headers: { 'x-team': 'bots' },
      prepareCall: ({ user }) => ({ providerOptions: { openai: { user: user ?? '' } } }),
    });
    await collect(imbridge, {
      instructions: 'Be brief.',
      user: 'user-42',
      metadata: { conversation: 'c-secret-metadata' },
      messages: [
        { role: 'user', content: 'Weather in Shenzhen and Beijing?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'call-1', name: 'weather', input: '{"city":"Shenzhen"}' },
            { id: 'call-2', name: 'weather', input: 'not json' },
          ],
        },
        { role: 'tool', toolCallId: 'call-1', toolName: 'weather', content: '{"celsius":28}' },
        {
          role: 'tool',
          toolCallId: 'call-2',
          toolName: 'weather',
          content: 'no data',
          isError: true,
        },
        { role: 'assistant', content: 'Shenzhen: 28 °C.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        {
          name: 'weather',
          description: 'Current weather of a city',
          inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      toolChoice: 'required',
    });
    const call = model.doStreamCalls[0];
    expect(call?.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Shenzhen and Beijing?' }] },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            toolCallId: 'call-1',
            toolName: 'weather',
            input: { city: 'Shenzhen' },
          },
          { type: 'tool-call', toolCallId: 'call-2', toolName: 'weather', input: 'not json' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call-1',
            toolName: 'weather',
            output: { type: 'json', value: { celsius: 28 } },
          },
          {
            type: 'tool-result',
            toolCallId: 'call-2',
            toolName: 'weather',
            output: { type: 'error-text', value: 'no data' },
          },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Shenzhen: 28 °C.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
    ]);
    expect(call?.tools).toEqual([
      {
        type: 'function',
        name: 'weather',
        description: 'Current weather of a city',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ]);
    expect(call?.toolChoice).toEqual({ type: 'required' });
    expect(call?.maxOutputTokens).toBe(200);
    expect(call?.temperature).toBe(0.2);
    expect(call?.headers).toEqual({ 'x-team': 'bots' });
    expect(call?.providerOptions).toEqual({ openai: { reasoningEffort: 'low', user: 'user-42' } });
    expect(call?.abortSignal).toBeInstanceOf(AbortSignal);
    expect(JSON.stringify(call)).not.toContain('c-secret-metadata');
  });

  it('sends neither tools nor a tool choice, nor the user, when the request has none and no hook asks', async () => {
    const model = mockModel(textPartsV3(['ok']));
    await collect(fromAiSdk(model), { ...HELLO, user: 'user-42', toolChoice: 'none' });
    const call = model.doStreamCalls[0];
    expect(call?.tools).toBeUndefined();
    expect(call?.toolChoice).toBeUndefined();
    expect(call?.providerOptions).toBeUndefined();
    expect(JSON.stringify(call)).not.toContain('user-42');
  });

  it('refuses what is not an AI SDK v3/v2 language model, and wrong options, with a ValidationError', () => {
    const bad = [
      'openai/gpt-4o',
      { specificationVersion: 'v1', provider: 'p', modelId: 'm', doStream: async () => ({}) },
      { specificationVersion: 'v3', provider: 'p', modelId: 'm' },
      null,
    ];
    for (const model of bad) {
      expect(() => fromAiSdk(model as never)).toThrow(ValidationError);
    }
    const model = mockModel(textPartsV3(['x']));
    expect(() => fromAiSdk(model, { temperature: Number.NaN })).toThrow(/temperature/);
    expect(() => fromAiSdk(model, { maxOutputTokens: 0 })).toThrow(/maxOutputTokens/);
    expect(() => fromAiSdk(model, { stallTimeoutMs: -1 })).toThrow(/stallTimeoutMs/);
    expect(() => fromAiSdk(model, { provider: '' })).toThrow(/provider/);
  });
});

describe('fromAiSdk with a LanguageModelV2 (ai 5)', () => {
  function modelV2(parts: LanguageModelV2StreamPart[]): LanguageModelV2 {
    return {
      specificationVersion: 'v2',
      provider: 'v2-provider',
      modelId: 'v2-model',
      supportedUrls: {},
      doGenerate: () => Promise.reject(new Error('not used')),
      doStream: async () => ({ stream: streamOf(parts) }),
    };
  }

  it('maps flat usage, string finish reasons and tool calls', async () => {
    const { events } = await collect(
      fromAiSdk(
        modelV2([
          { type: 'stream-start', warnings: [] },
          { type: 'text-delta', id: 't', delta: 'Let me look.' },
          { type: 'tool-input-start', id: 'c1', toolName: 'lookup' },
          { type: 'tool-input-delta', id: 'c1', delta: '{"q":1}' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":1}' },
          {
            type: 'finish',
            finishReason: 'tool-calls',
            usage: { inputTokens: 10, outputTokens: 4, totalTokens: 15 },
          },
        ]),
      ),
      HELLO,
    );
    expect(events).toEqual([
      { type: 'text-delta', text: 'Let me look.' },
      { type: 'tool-call-delta', toolCallId: 'c1', toolName: 'lookup', inputDelta: '{"q":1}' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":1}' },
      {
        type: 'finish',
        reason: 'tool-calls',
        usage: { inputTokens: 10, outputTokens: 4, totalTokens: 15 },
      },
    ]);
  });

  it.each([
    ['unknown', 'finish'],
    ['other', 'finish'],
    ['error', 'error'],
  ] as const)('maps the V2 finish reason %s to a %s event', async (finishReason, type) => {
    const { events } = await collect(
      fromAiSdk(
        modelV2([
          { type: 'text-delta', id: 't', delta: 'a' },
          {
            type: 'finish',
            finishReason,
            usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          },
        ]),
        { retry: false },
      ),
      HELLO,
    );
    expect(events.at(-1)?.type).toBe(type);
    if (type === 'finish') expect(events.at(-1)).toMatchObject({ reason: 'other' });
  });
});
