import {
  AbortedError,
  APICallError,
  type ModelEvent,
  NetworkError,
  TimeoutError,
} from '@imbridge/core';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, postJson, redact } from './http.ts';
import { withRetriesBeforeFirstToken } from './retry.ts';
import { readServerSentEvents } from './sse.ts';

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

const timeouts = {
  provider: 'test',
  signal: undefined,
  firstEventTimeoutMs: 1000,
  idleTimeoutMs: 1000,
};

describe('readServerSentEvents', () => {
  it('parses events split across chunks (CRLF included), skips data-less keep-alives, flushes a last unterminated event', async () => {
    const { stream } = body([
      'data: {"a"',
      ':1}\r\n\r\nevent: ping\r\n\r\n: comment\n\nda',
      'ta: two\n\ndata: last',
    ]);
    const { items, error } = await collect(readServerSentEvents(stream, timeouts));
    expect(error).toBeUndefined();
    expect(items).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: 'two' },
      { event: undefined, data: 'last' },
    ]);
  });

  it('throws a retryable TimeoutError when the first event does not come, and another when the stream stalls', async () => {
    const silent = body(['data: late\n\n'], 300);
    const first = await collect(
      readServerSentEvents(silent.stream, { ...timeouts, firstEventTimeoutMs: 50 }),
    );
    expect(TimeoutError.isInstance(first.error)).toBe(true);
    expect((first.error as TimeoutError).phase).toBe('first-token');
    expect(silent.wasCancelled()).toBe(true);
    const stalling = body(['data: one\n\n', 'data: two\n\n'], 150);
    const stalled = await collect(
      readServerSentEvents(stalling.stream, {
        ...timeouts,
        firstEventTimeoutMs: 1000,
        idleTimeoutMs: 60,
      }),
    );
    expect(stalled.items).toEqual([{ event: undefined, data: 'one' }]);
    expect((stalled.error as TimeoutError).phase).toBe('stall');
  });

  it('stops at once on abort, cancelling the body', async () => {
    const slow = body(['data: one\n\n', 'data: two\n\n'], 200);
    const controller = new AbortController();
    const started = Date.now();
    const reading = collect(
      readServerSentEvents(slow.stream, { ...timeouts, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 20);
    const { error, items } = await reading;
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(items).toEqual([]);
    expect(Date.now() - started).toBeLessThan(180);
    expect(slow.wasCancelled()).toBe(true);
  });

  it('cancels the body when the consumer stops early, freeing the connection', async () => {
    const open = body(['data: one\n\n', 'data: two\n\n'], 50);
    for await (const event of readServerSentEvents(open.stream, timeouts)) {
      expect(event.data).toBe('one');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(open.wasCancelled()).toBe(true);
  });

  it('rejects an event larger than the limit', async () => {
    const { stream } = body([`data: ${'x'.repeat(5000)}`, '\n\n']);
    const { error } = await collect(
      readServerSentEvents(stream, { ...timeouts, maxEventSize: 1000 }),
    );
    expect(APICallError.isInstance(error)).toBe(true);
  });
});

describe('withRetriesBeforeFirstToken', () => {
  const retryable = new APICallError({ message: 'busy', provider: 'p', kind: 'server' });

  it('retries a retryable failure before the first token, then streams', async () => {
    let attempts = 0;
    const events = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          attempts += 1;
          if (attempts < 3) throw retryable;
          yield { type: 'text-delta', text: 'ok' };
          yield { type: 'finish', reason: 'stop' };
        },
        { retry: { initialDelayMs: 1 }, signal: undefined },
      ),
    );
    expect(attempts).toBe(3);
    expect(events.items).toEqual([
      { type: 'text-delta', text: 'ok' },
      { type: 'finish', reason: 'stop' },
    ]);
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
        { retry: { initialDelayMs: 1 }, signal: undefined },
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
        { retry: { initialDelayMs: 1 }, signal: undefined },
      ),
    );
    expect(fatalAttempts).toBe(1);
    expect(notRetried.items).toEqual([{ type: 'error', error: fatal }]);
  });

  it('honours retryAfterMs and stops waiting when aborted', async () => {
    const limited = new APICallError({
      message: 'slow down',
      provider: 'p',
      kind: 'rate-limit',
      retryAfterMs: 5000,
    });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    const { error } = await collect(
      withRetriesBeforeFirstToken(
        async function* (): AsyncGenerator<ModelEvent> {
          yield { type: 'error', error: limited };
        },
        { retry: {}, signal: controller.signal },
      ),
    );
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('postJson', () => {
  const base = {
    provider: 'test',
    url: 'http://llm.local/chat',
    body: { a: 1 },
    headers: { authorization: 'Bearer sk-live-abcdef' },
    signal: undefined,
    requestTimeoutMs: 1000,
    secrets: ['sk-live-abcdef'],
  };

  it('maps HTTP errors to typed errors with kind, retry-after and vendor code, without the key', async () => {
    const error = await postJson({
      ...base,
      fetch: async () =>
        new Response(
          JSON.stringify({
            error: { message: 'Rate limit for key sk-live-abcdef', code: 'rate_limit_exceeded' },
          }),
          {
            status: 429,
            headers: { 'retry-after': '2' },
          },
        ),
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      kind: 'rate-limit',
      retryable: true,
      retryAfterMs: 2000,
      providerCode: 'rate_limit_exceeded',
      statusCode: 429,
    });
    expect((error as Error).message).not.toContain('sk-live-abcdef');
    const auth = await postJson({
      ...base,
      fetch: async () => new Response('nope', { status: 401 }),
    }).catch((caught: unknown) => caught);
    expect(auth).toMatchObject({ kind: 'auth', retryable: false });
  });

  it('reports unreachable hosts as NetworkError and slow ones as TimeoutError', async () => {
    const network = await postJson({
      ...base,
      fetch: async () => {
        throw new TypeError('fetch failed for sk-live-abcdef');
      },
    }).catch((caught: unknown) => caught);
    expect(NetworkError.isInstance(network)).toBe(true);
    expect((network as Error).message).not.toContain('sk-live-abcdef');
    const slow = await postJson({
      ...base,
      requestTimeoutMs: 20,
      fetch: (_url, init) =>
        new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    }).catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(slow)).toBe(true);
  });

  it('parses retry-after in seconds, milliseconds and HTTP dates; redacts secrets', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }))).toBe(3000);
    const date = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(new Headers({ 'retry-after': date }))).toBeGreaterThan(8000);
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(redact('key=sk-123456 and sk-123456', ['sk-123456'])).toBe(
      'key=[redacted] and [redacted]',
    );
  });
});
