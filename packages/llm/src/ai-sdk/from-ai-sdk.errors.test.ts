import { APICallError as AISDKAPICallError, LoadAPIKeyError } from '@ai-sdk/provider';
import { AbortedError, APICallError, IMBridgeError } from '@imbridge/core';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { fromAiSdk } from './from-ai-sdk.ts';
import {
  collect,
  finishV3,
  HELLO,
  mockModel,
  stallingStream,
  streamOf,
  textPartsV3,
} from './mock-parts.test-kit.ts';

const SECRET_KEY = 'sk-live-0123456789abcdef0123456789';

/** An AI SDK APICallError as `@ai-sdk/provider-utils`' `postJsonToApi` builds it. */
function aiSdkCallError(statusCode: number, headers: Record<string, string> = {}) {
  return new AISDKAPICallError({
    message: `Incorrect API key provided: ${SECRET_KEY}`,
    url: `https://api.example.com/v1/chat/completions?key=${SECRET_KEY}`,
    requestBodyValues: { messages: [{ role: 'user', content: 'private prompt' }] },
    statusCode,
    responseHeaders: { 'content-type': 'application/json', ...headers },
    responseBody: `{"error":{"message":"key ${SECRET_KEY} is wrong"}}`,
    isRetryable: statusCode === 429 || statusCode >= 500,
  });
}

function throwingModel(error: unknown): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    provider: 'mock-provider',
    modelId: 'mock-model',
    doStream: () => Promise.reject(error),
  });
}

async function failureOf(model: MockLanguageModelV3): Promise<APICallError> {
  const { events, thrown } = await collect(fromAiSdk(model, { retry: false }), HELLO);
  expect(thrown).toBeUndefined();
  expect(events.map((event) => event.type)).toEqual(['error']);
  const event = events[0];
  if (event?.type !== 'error' || !APICallError.isInstance(event.error)) {
    throw new Error(`not an APICallError event: ${JSON.stringify(event)}`);
  }
  return event.error;
}

describe('fromAiSdk errors', () => {
  it('maps an AI SDK 429 to a retryable rate-limit APICallError with Retry-After and request id', async () => {
    const error = await failureOf(
      throwingModel(aiSdkCallError(429, { 'retry-after': '3', 'x-request-id': 'req-9' })),
    );
    expect(error).toMatchObject({
      provider: 'mock-provider',
      kind: 'rate-limit',
      retryable: true,
      statusCode: 429,
      retryAfterMs: 3000,
      requestId: 'req-9',
    });
  });

  it.each([
    [500, 'server', true],
    [503, 'server', true],
    [401, 'auth', false],
    [400, 'invalid-request', false],
  ] as const)(
    'maps an AI SDK HTTP %i to kind %s (retryable: %s)',
    async (status, kind, retryable) => {
      expect(await failureOf(throwingModel(aiSdkCallError(status)))).toMatchObject({
        kind,
        retryable,
        statusCode: status,
      });
    },
  );

  it('keeps the request body, URL, response body, key and cause out of the error', async () => {
    const error = await failureOf(throwingModel(aiSdkCallError(401)));
    const shown = `${error.message} ${String(error)} ${JSON.stringify(error)} ${error.stack ?? ''}`;
    expect(shown).not.toContain(SECRET_KEY);
    expect(shown).not.toContain('private prompt');
    expect(shown).not.toContain('api.example.com');
    expect(error.cause).toBeUndefined();
    expect(error.message).toContain('HTTP 401');
  });

  it('redacts values listed in the secrets option from messages', async () => {
    const model = throwingModel(new Error('proxy said: token tok_abc123xyz rejected'));
    const { events } = await collect(
      fromAiSdk(model, { retry: false, secrets: ['tok_abc123xyz'] }),
      HELLO,
    );
    const event = events[0];
    expect(event?.type).toBe('error');
    expect(String(event?.type === 'error' ? event.error : '')).not.toContain('tok_abc123xyz');
  });

  it('maps an AI SDK vendor code (insufficient_quota on a 429) to a non-retryable quota error', async () => {
    const error = new AISDKAPICallError({
      message: 'You exceeded your current quota',
      url: 'https://api.example.com/v1/chat/completions',
      requestBodyValues: {},
      statusCode: 429,
      isRetryable: true,
      data: { error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } },
    });
    expect(await failureOf(throwingModel(error))).toMatchObject({
      kind: 'quota',
      retryable: false,
      providerCode: 'insufficient_quota',
    });
  });

  it('maps a missing API key to a non-retryable auth error', async () => {
    const error = new LoadAPIKeyError({ message: 'API key is missing. Pass it as apiKey.' });
    expect(await failureOf(throwingModel(error))).toMatchObject({ kind: 'auth', retryable: false });
  });

  it('maps a plain thrown error to a non-retryable IMBridgeError without cause', async () => {
    const error = await failureOf(throwingModel(new TypeError('boom')));
    expect(IMBridgeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'unknown', retryable: false });
    expect(error.cause).toBeUndefined();
  });

  it('ends with the error part after the text already streamed, and nothing after it', async () => {
    const model = mockModel([
      { type: 'text-delta', id: 't', delta: 'Half an ans' },
      {
        type: 'error',
        error: {
          message: 'Rate limit reached',
          type: 'rate_limit_exceeded',
          code: 'rate_limit_exceeded',
        },
      },
      { type: 'text-delta', id: 't', delta: 'wer' },
      finishV3('stop'),
    ]);
    const { events } = await collect(fromAiSdk(model), HELLO);
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'error']);
    const event = events[1];
    expect(event?.type === 'error' ? event.error : undefined).toMatchObject({
      kind: 'rate-limit',
      retryable: true,
    });
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it('retries a retryable failure before the first token and then streams the answer', async () => {
    let calls = 0;
    const model = new MockLanguageModelV3({
      doStream: async () => {
        calls += 1;
        if (calls === 1) throw aiSdkCallError(503, { 'retry-after-ms': '10' });
        return {
          stream: streamOf(textPartsV3(['ok'])),
        };
      },
    });
    const { events } = await collect(fromAiSdk(model), HELLO);
    expect(calls).toBe(2);
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'finish']);
  });

  it('reports a stream that ends without a finish part as a retryable network error', async () => {
    const model = mockModel([{ type: 'text-delta', id: 't', delta: 'cut' }]);
    const { events } = await collect(fromAiSdk(model, { retry: false }), HELLO);
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'error']);
    expect(events[1]).toMatchObject({ error: { kind: 'network', retryable: true } });
  });
});

describe('fromAiSdk abort and timeouts', () => {
  it('stops promptly on abort even when the model ignores its signal, and cancels its stream', async () => {
    const stalled = stallingStream([{ type: 'text-delta', id: 't', delta: 'first' }]);
    const model = new MockLanguageModelV3({ doStream: async () => ({ stream: stalled.stream }) });
    const controller = new AbortController();
    const iterator = fromAiSdk(model)
      .stream({ ...HELLO, signal: controller.signal })
      [Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({
      done: false,
      value: { type: 'text-delta', text: 'first' },
    });
    const pending = iterator.next();
    const startedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(Date.now() - startedAt).toBeLessThan(200);
    expect(model.doStreamCalls[0]?.abortSignal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stalled.cancelled()).toBe(true);
  });

  it('does not call the model when the signal is already aborted', async () => {
    const model = mockModel(textPartsV3(['x']));
    const controller = new AbortController();
    controller.abort();
    const { events, thrown } = await collect(fromAiSdk(model), {
      ...HELLO,
      signal: controller.signal,
    });
    expect(events).toEqual([]);
    expect(AbortedError.isInstance(thrown)).toBe(true);
    expect(model.doStreamCalls).toHaveLength(0);
  });

  it('ends a stalled stream with a stall timeout error after the text', async () => {
    const stalled = stallingStream([{ type: 'text-delta', id: 't', delta: 'first' }]);
    const model = new MockLanguageModelV3({ doStream: async () => ({ stream: stalled.stream }) });
    const { events } = await collect(fromAiSdk(model, { stallTimeoutMs: 50 }), HELLO);
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'error']);
    expect(events[1]).toMatchObject({
      error: { kind: 'timeout', timeoutPhase: 'stall', timeoutMs: 50 },
    });
    expect(stalled.cancelled()).toBe(true);
  });

  it('times out a model that sends nothing (first-token) and one whose doStream never resolves (request)', async () => {
    const silent = new MockLanguageModelV3({
      doStream: async () => ({ stream: stallingStream([]).stream }),
    });
    const first = await collect(
      fromAiSdk(silent, { firstTokenTimeoutMs: 50, retry: false }),
      HELLO,
    );
    expect(first.events[0]).toMatchObject({
      error: { kind: 'timeout', timeoutPhase: 'first-token' },
    });
    const hanging = new MockLanguageModelV3({ doStream: () => new Promise(() => undefined) });
    const request = await collect(fromAiSdk(hanging, { timeoutMs: 50, retry: false }), HELLO);
    expect(request.events[0]).toMatchObject({
      error: { kind: 'timeout', timeoutPhase: 'request' },
    });
    expect(hanging.doStreamCalls[0]?.abortSignal?.aborted).toBe(true);
  });
});
