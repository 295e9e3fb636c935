import { inspect } from 'node:util';
import { AbortedError, APICallError, type ModelEvent, ValidationError } from '@imbridge/core';
import type { ResolvedRetryOptions } from '@imbridge/provider-utils';
import { describe, expect, it } from 'vitest';
import { createModelHttp, readEventBatches, withBearer } from './model-http.ts';
import {
  checkBaseUrl,
  MODEL_RETRY_DEFAULTS,
  type ResolvedConnection,
  resolveConnection,
} from './model-options.ts';
import { createModelSecrets, toModelError } from './model-secrets.ts';
import { withRetriesBeforeFirstToken } from './retry.ts';

const encoder = new TextEncoder();

/** A body that delivers the pieces with a delay between them, and records cancellation. */
function body(pieces: string[], delayMs = 0) {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const piece of pieces) {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (cancelled) return;
        controller.enqueue(encoder.encode(piece));
      }
      if (!cancelled) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, wasCancelled: () => cancelled };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) items.push(item);
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

const connection: ResolvedConnection = {
  ...resolveConnection({}, 'test'),
  firstTokenTimeoutMs: 1000,
  stallTimeoutMs: 1000,
};

/** The events of a body read with the model's SSE reader, one at a time. */
async function* events(
  stream: ReadableStream<Uint8Array>,
  settings: Partial<ResolvedConnection> = {},
  signal?: AbortSignal,
) {
  for await (const batch of readEventBatches(new Response(stream), 'test', signal, {
    ...connection,
    ...settings,
  })) {
    yield* batch;
  }
}

// The reader itself is tested beside it in @imbridge/provider-utils (src/sse/sse.test.ts); here,
// what the model's wrapper adds: its connection's limits, and a missing body.
describe('readEventBatches', () => {
  it('fails with a retryable first-token timeout when the first event does not come, and a stall timeout when the stream stalls', async () => {
    const silent = body(['data: late\n\n'], 300);
    const first = await collect(events(silent.stream, { firstTokenTimeoutMs: 50 }));
    expect(APICallError.isInstance(first.error)).toBe(true);
    expect(first.error).toMatchObject({
      kind: 'timeout',
      timeoutPhase: 'first-token',
      timeoutMs: 50,
      retryable: true,
    });
    expect(silent.wasCancelled()).toBe(true);
    const stalling = body(['data: one\n\n', 'data: two\n\n'], 150);
    const stalled = await collect(
      events(stalling.stream, { firstTokenTimeoutMs: 1000, stallTimeoutMs: 60 }),
    );
    expect(stalled.items.map((item) => item.data)).toEqual(['one']);
    expect(stalled.error).toMatchObject({ kind: 'timeout', timeoutPhase: 'stall', timeoutMs: 60 });
  });

  it('reports an answer without a body as a retryable server error', () => {
    expect(() => readEventBatches(new Response(null), 'test', undefined, connection)).toThrow(
      expect.objectContaining({ kind: 'server', retryable: true }),
    );
  });
});

const FAST: ResolvedRetryOptions = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 50 };

describe('withRetriesBeforeFirstToken', () => {
  const retryable = new APICallError({ message: 'busy', provider: 'p', kind: 'server' });

  it('retries a retryable failure before the first token, then streams', async () => {
    let attempts = 0;
    const result = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          attempts += 1;
          if (attempts < 3) throw retryable;
          yield { type: 'text-delta', text: 'ok' };
          yield { type: 'finish', reason: 'stop' };
        },
        { retry: FAST, signal: undefined },
      ),
    );
    expect(attempts).toBe(3);
    expect(result.items).toEqual([
      { type: 'text-delta', text: 'ok' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('makes exactly 1 + maxRetries attempts, then reports the last failure as an error event', async () => {
    let attempts = 0;
    const result = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          attempts += 1;
          yield { type: 'error', error: retryable };
        },
        { retry: { ...FAST, maxRetries: 3 }, signal: undefined },
      ),
    );
    expect(attempts).toBe(4);
    expect(result.items).toEqual([{ type: 'error', error: retryable }]);
  });

  it('never retries after text was produced, nor a non-retryable error; reports an error event', async () => {
    let attempts = 0;
    const afterText = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          attempts += 1;
          yield { type: 'text-delta', text: 'part' };
          yield { type: 'error', error: retryable };
        },
        { retry: FAST, signal: undefined },
      ),
    );
    expect(attempts).toBe(1);
    expect(afterText.items.at(-1)).toEqual({ type: 'error', error: retryable });
    const fatal = new APICallError({ message: 'bad key', provider: 'p', kind: 'auth' });
    let fatalAttempts = 0;
    const notRetried = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          fatalAttempts += 1;
          yield { type: 'error', error: fatal };
        },
        { retry: FAST, signal: undefined },
      ),
    );
    expect(fatalAttempts).toBe(1);
    expect(notRetried.items).toEqual([{ type: 'error', error: fatal }]);
  });

  it('waits the retryAfterMs a server asked for, but does not retry when it exceeds maxDelayMs', async () => {
    const soon = new APICallError({
      message: 'slow down',
      provider: 'p',
      kind: 'rate-limit',
      retryAfterMs: 40,
    });
    let attempts = 0;
    const started = performance.now();
    await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          attempts += 1;
          if (attempts === 1) throw soon;
          yield { type: 'finish', reason: 'stop' };
        },
        { retry: FAST, signal: undefined },
      ),
    );
    expect(attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    const later = new APICallError({
      message: 'slow down',
      provider: 'p',
      kind: 'rate-limit',
      retryAfterMs: 60_000,
    });
    let laterAttempts = 0;
    const result = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          laterAttempts += 1;
          yield { type: 'error', error: later };
        },
        { retry: MODEL_RETRY_DEFAULTS, signal: undefined },
      ),
    );
    expect(laterAttempts).toBe(1);
    expect(result.items).toEqual([{ type: 'error', error: later }]);
  });

  it('stops waiting when aborted, and starts no attempt when already aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    const { error } = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          yield { type: 'error', error: retryable };
        },
        { retry: { ...FAST, initialDelayMs: 5000, maxDelayMs: 5000 }, signal: controller.signal },
      ),
    );
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    let attempts = 0;
    const aborted = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          attempts += 1;
          yield { type: 'finish', reason: 'stop' };
        },
        { retry: FAST, signal: controller.signal },
      ),
    );
    expect(attempts).toBe(0);
    expect(AbortedError.isInstance(aborted.error)).toBe(true);
  });
});

describe('resolveConnection and checkBaseUrl', () => {
  it('fills in the documented defaults', () => {
    expect(resolveConnection({}, 'owner')).toEqual({
      fetch: undefined,
      headers: {},
      timeoutMs: 30_000,
      firstTokenTimeoutMs: 60_000,
      stallTimeoutMs: 30_000,
      retry: { maxRetries: 2, initialDelayMs: 1000, maxDelayMs: 10_000 },
    });
    expect(resolveConnection({ retry: false }, 'owner').retry.maxRetries).toBe(0);
    expect(resolveConnection({ retry: { maxRetries: 5 } }, 'owner').retry).toEqual({
      maxRetries: 5,
      initialDelayMs: 1000,
      maxDelayMs: 10_000,
    });
  });

  it.each([
    [{ timeoutMs: -1 }, /owner: timeoutMs must be .*received -1/],
    [{ firstTokenTimeoutMs: Number.NaN }, /owner: firstTokenTimeoutMs must be .*received NaN/],
    [{ stallTimeoutMs: 0 }, /owner: stallTimeoutMs must be/],
    [{ retry: { initialDelayMs: -5 } }, /owner: retry\.initialDelayMs must be/],
    [{ headers: { 'x-api-key': 42 as unknown as string } }, /headers\.x-api-key must be a string/],
  ])('rejects %j with a ValidationError naming the option', (options, message) => {
    expect(() => resolveConnection(options, 'owner')).toThrow(ValidationError);
    expect(() => resolveConnection(options, 'owner')).toThrow(message);
  });

  it('accepts absolute http(s) base URLs, trims trailing slashes, and names the env variable otherwise', () => {
    const option = { owner: 'owner', name: 'baseUrl', envVariable: 'LLM_BASE_URL' };
    expect(checkBaseUrl('https://api.example.com/v1//', option)).toBe('https://api.example.com/v1');
    expect(() => checkBaseUrl('api.example.com', option)).toThrow(
      'owner: baseUrl must be an absolute http(s) URL, received "api.example.com" (examples read it from LLM_BASE_URL)',
    );
    expect(() => checkBaseUrl('ftp://example.com', option)).toThrow(/absolute http\(s\) URL/);
    expect(() => checkBaseUrl(undefined, option)).toThrow(
      'owner: baseUrl must be a non-empty string, received nothing (undefined) (examples read it from LLM_BASE_URL)',
    );
  });
});

describe('model secrets and errors', () => {
  const KEY = 'sk-live-abcdef0123456789';

  it('resolves a key resolver per call and remembers each value for redaction', async () => {
    let calls = 0;
    const secrets = createModelSecrets(
      async () => {
        calls += 1;
        return `${KEY}-${calls}`;
      },
      { owner: 'o', name: 'apiKey' },
      { 'x-api-key': 'header-secret-value', 'x-trace': 'visible' },
    );
    expect(await secrets.resolve()).toBe(`${KEY}-1`);
    expect(await secrets.resolve()).toBe(`${KEY}-2`);
    expect(secrets.values()).toEqual(['header-secret-value', `${KEY}-2`, `${KEY}-1`]);
  });

  it('fails with a ValidationError naming the option when a resolver returns an empty key', async () => {
    const secrets = createModelSecrets(
      async () => '',
      {
        owner: 'createMiniMax',
        name: 'apiKey',
        envVariable: 'MINIMAX_API_KEY',
      },
      {},
    );
    await expect(secrets.resolve()).rejects.toThrow(/createMiniMax: apiKey \(resolved\) must be/);
  });

  it('wraps a foreign error without a cause and without the key', () => {
    const error = toModelError(new RangeError(`bad ${KEY}`), 'p', [KEY]);
    expect(error.message).toBe('p: RangeError: bad [redacted]');
    expect(error.cause).toBeUndefined();
    expect(inspect(error, { depth: 5 })).not.toContain(KEY);
  });

  it('puts one Authorization header, replacing any given in the headers option', () => {
    expect(withBearer({ Authorization: 'Basic x', 'x-trace': 'a' }, KEY)).toEqual({
      'x-trace': 'a',
      authorization: `Bearer ${KEY}`,
    });
    expect(withBearer({ Authorization: 'Basic x' }, undefined)).toEqual({
      Authorization: 'Basic x',
    });
  });
});

describe('createModelHttp', () => {
  const KEY = 'sk-live-abcdef';
  function http(fetch: typeof globalThis.fetch, timeoutMs = 1000) {
    const secrets = createModelSecrets(KEY, { owner: 'o', name: 'apiKey' }, {});
    return createModelHttp({
      provider: 'test',
      label: 'Test',
      baseUrl: 'http://llm.local/v1',
      connection: { ...connection, fetch, timeoutMs },
      secrets,
    });
  }

  it('turns an HTTP error into an APICallError with kind, retryAfterMs and text, without the key, in one request', async () => {
    let requests = 0;
    const error = await http(async () => {
      requests += 1;
      return new Response(JSON.stringify({ error: { message: `Rate limit for key ${KEY}` } }), {
        status: 429,
        headers: { 'retry-after': '2' },
      });
    })
      .stream({ path: 'chat', json: {} })
      .catch((caught: unknown) => caught);
    expect(requests).toBe(1);
    expect(error).toMatchObject({
      kind: 'rate-limit',
      retryable: true,
      retryAfterMs: 2000,
      statusCode: 429,
    });
    expect((error as Error).message).toContain('Rate limit for key [redacted]');
    expect((error as Error).cause).toBeUndefined();
  });

  it('reports unreachable hosts as kind network and slow ones as a request timeout', async () => {
    const network = await http(async () => {
      throw new TypeError(`fetch failed for ${KEY}`);
    })
      .stream({ path: 'chat', json: {} })
      .catch((caught: unknown) => caught);
    expect(network).toMatchObject({ kind: 'network', retryable: true });
    expect(inspect(network)).not.toContain(KEY);
    const slow = await http(
      (input, init) =>
        new Promise((_, reject) =>
          (init?.signal ?? (input as Request).signal)?.addEventListener('abort', () =>
            reject(new Error('aborted')),
          ),
        ),
      20,
    )
      .stream({ path: 'chat', json: {} })
      .catch((caught: unknown) => caught);
    expect(slow).toMatchObject({ kind: 'timeout', timeoutPhase: 'request', timeoutMs: 20 });
  });
});
