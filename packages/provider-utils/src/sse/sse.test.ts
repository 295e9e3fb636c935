import { inspect } from 'node:util';
import { AbortedError, APICallError } from '@imbridge/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ReadSSEOptions, readServerSentEventBatches, type SSEEvent } from './sse.ts';

const encoder = new TextEncoder();

afterEach(() => {
  vi.useRealTimers();
});

/** A body that delivers the pieces with a delay before each, and records cancellation. */
function body(pieces: ReadonlyArray<string | Uint8Array>, delayMs = 0) {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const piece of pieces) {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (cancelled) return;
        controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
      }
      if (!cancelled) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, wasCancelled: () => cancelled };
}

/** A body that sends the pieces (one per read), then fails the next read with an error holding a URL. */
function breaking(pieces: readonly string[]) {
  let index = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const piece = pieces[index];
        index += 1;
        if (piece !== undefined) controller.enqueue(encoder.encode(piece));
        else {
          controller.error(
            new TypeError('terminated: other side closed https://llm.example/v1?key=sk-secret'),
          );
        }
      },
    },
    { highWaterMark: 0 },
  );
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

const options: ReadSSEOptions = {
  provider: 'test',
  signal: undefined,
  firstTokenTimeoutMs: 1000,
  stallTimeoutMs: 1000,
};

/** Reads a whole body and returns its events in order (batches flattened). */
async function readAll(
  stream: ReadableStream<Uint8Array>,
  extra: Partial<ReadSSEOptions> = {},
): Promise<{ events: SSEEvent[]; batches: SSEEvent[][]; error: unknown }> {
  const { items, error } = await collect(
    readServerSentEventBatches(stream, { ...options, ...extra }),
  );
  return { events: items.flat(), batches: items, error };
}

describe('readServerSentEventBatches', () => {
  it('parses events split across chunks (CRLF included), skips data-less keep-alives, flushes a last unterminated event', async () => {
    const { stream } = body([
      'data: {"a"',
      ':1}\r\n\r\nevent: ping\r\n\r\n: comment\n\nda',
      'ta: two\n\ndata: last',
    ]);
    const { events, error } = await readAll(stream);
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: 'two' },
      { event: undefined, data: 'last' },
    ]);
  });

  it('keeps the event name and joins multi-line data with \\n', async () => {
    const { stream } = body(['event: delta\ndata: line 1\ndata: line 2\n\nevent: done\ndata:\n\n']);
    const { events } = await readAll(stream);
    expect(events).toEqual([
      { event: 'delta', data: 'line 1\nline 2' },
      { event: 'done', data: '' },
    ]);
  });

  it('yields one non-empty batch per network read', async () => {
    const { stream } = body(['data: 1\n\ndata: 2\n\n', ': keep-alive\n\n', 'data: 3', '\n\n']);
    const { batches } = await readAll(stream);
    expect(batches).toEqual([
      [
        { event: undefined, data: '1' },
        { event: undefined, data: '2' },
      ],
      [{ event: undefined, data: '3' }],
    ]);
  });

  it.each([
    ['a data line without its line end', ['data: last'], [{ data: 'last' }]],
    ['several data lines', ['data: a\ndata: ', 'b'], [{ data: 'a\nb' }]],
    [
      'a named event without its blank line',
      ['event: done\ndata: x\n'],
      [{ event: 'done', data: 'x' }],
    ],
    [
      'a CR line end at the very end',
      ['data: one\r\rdata: last\r'],
      [{ data: 'one' }, { data: 'last' }],
    ],
    ['an event with no data', ['data: one\n\nevent: only'], [{ data: 'one' }]],
  ])(
    'flushes the last event of a body that ends mid-event (%s)',
    async (_label, pieces, expected) => {
      const { events, error } = await readAll(body(pieces).stream);
      expect(error).toBeUndefined();
      expect(events).toEqual(expected.map((event) => ({ event: undefined, ...event })));
    },
  );

  it('decodes a multi-byte character split across reads', async () => {
    const bytes = encoder.encode('data: 你好🚀\n\n');
    const { events } = await readAll(
      body([bytes.slice(0, 7), bytes.slice(7, 12), bytes.slice(12)]).stream,
    );
    expect(events).toEqual([{ event: undefined, data: '你好🚀' }]);
  });

  describe('chunk boundaries', () => {
    const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
    const line = fc
      .string({ unit: 'grapheme', maxLength: 12 })
      .map((text) => text.replace(/[\r\n]/g, ' '));
    interface GeneratedEvent {
      name: string | undefined;
      lines: string[];
      comment: string | undefined;
    }
    const event: fc.Arbitrary<GeneratedEvent> = fc.record({
      name: fc.option(fc.stringMatching(/^[a-z][a-z_-]{0,7}$/), { nil: undefined }),
      lines: fc.array(line, { minLength: 1, maxLength: 3 }),
      comment: fc.option(line, { nil: undefined }),
    });
    const stream = fc.tuple(fc.array(event, { minLength: 1, maxLength: 5 }), lineEnd);

    /** The text of the events (each closed by a blank line) and what a reader must yield. */
    function serialise(events: readonly GeneratedEvent[], end: string) {
      let text = '';
      for (const { name, lines, comment } of events) {
        if (comment !== undefined) text += `:${comment}${end}`;
        if (name !== undefined) text += `event: ${name}${end}`;
        for (const data of lines) text += `data: ${data}${end}`;
        text += end;
      }
      const expected = events.map(({ name, lines }) => ({ event: name, data: lines.join('\n') }));
      return { bytes: encoder.encode(text), expected };
    }

    function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
      const edges = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
      return edges.slice(1).map((end, index) => bytes.slice(edges[index], end));
    }

    it('property: one cut at every byte position gives the same events as one chunk', async () => {
      await fc.assert(
        fc.asyncProperty(stream, async ([events, end]) => {
          const { bytes, expected } = serialise(events, end);
          expect((await readAll(body([bytes]).stream)).events).toEqual(expected);
          for (let position = 0; position <= bytes.length; position += 1) {
            const read = await readAll(body(split(bytes, [position])).stream);
            expect(read.error).toBeUndefined();
            expect(read.events).toEqual(expected);
          }
        }),
        { numRuns: 60 },
      );
    });

    it('property: any chunking gives the same events', async () => {
      await fc.assert(
        fc.asyncProperty(
          stream,
          fc.array(fc.nat(), { maxLength: 10 }),
          async ([events, end], cuts) => {
            const { bytes, expected } = serialise(events, end);
            const chunks = split(
              bytes,
              cuts.map((cut) => cut % (bytes.length + 1)),
            );
            expect((await readAll(body(chunks).stream)).events).toEqual(expected);
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe('timeouts', () => {
    it('throws a retryable APICallError of phase first-token when no event comes, cancelling the body', async () => {
      vi.useFakeTimers();
      const silent = body(['data: late\n\n'], 300);
      const reading = readAll(silent.stream, { firstTokenTimeoutMs: 50 });
      await vi.advanceTimersByTimeAsync(50);
      const { events, error } = await reading;
      expect(events).toEqual([]);
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        kind: 'timeout',
        retryable: true,
        timeoutMs: 50,
        timeoutPhase: 'first-token',
        provider: 'test',
        message: 'test sent nothing for 50 ms',
      });
      expect(silent.wasCancelled()).toBe(true);
    });

    it('throws phase stall with stallTimeoutMs when the stream goes silent after an event', async () => {
      vi.useFakeTimers();
      const stalling = body(['data: one\n\n', 'data: two\n\n'], 150);
      const reading = readAll(stalling.stream, { firstTokenTimeoutMs: 1000, stallTimeoutMs: 60 });
      await vi.advanceTimersByTimeAsync(150 + 60);
      const { events, error } = await reading;
      expect(events).toEqual([{ event: undefined, data: 'one' }]);
      expect(error).toMatchObject({
        kind: 'timeout',
        retryable: true,
        timeoutMs: 60,
        timeoutPhase: 'stall',
        message: 'test sent nothing for 60 ms',
      });
      expect(stalling.wasCancelled()).toBe(true);
    });

    it('uses firstTokenTimeoutMs before the first event and stallTimeoutMs after it', async () => {
      vi.useFakeTimers();
      // 300 ms before the first event is within firstTokenTimeoutMs (500), though over the stall limit.
      const slowStart = body(['data: one\n\n', 'data: two\n\n'], 300);
      const reading = readAll(slowStart.stream, { firstTokenTimeoutMs: 500, stallTimeoutMs: 200 });
      await vi.advanceTimersByTimeAsync(300 + 200);
      const { events, error } = await reading;
      expect(events).toEqual([{ event: undefined, data: 'one' }]);
      expect(error).toMatchObject({ timeoutPhase: 'stall', timeoutMs: 200 });
    });

    it('counts only the server silence: a slow consumer does not time the stream out', async () => {
      vi.useFakeTimers();
      const { stream } = body(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']);
      const consumed: string[] = [];
      const reading = (async () => {
        for await (const batch of readServerSentEventBatches(stream, {
          ...options,
          stallTimeoutMs: 50,
        })) {
          for (const event of batch) consumed.push(event.data);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      await vi.advanceTimersByTimeAsync(1_000);
      await reading;
      expect(consumed).toEqual(['1', '2', '3']);
    });

    it('counts comments and keep-alives as activity between events', async () => {
      vi.useFakeTimers();
      const { stream } = body(
        ['data: start\n\n', ': ping\n\n', ': ping\n\n', ': ping\n\n', 'data: done\n\n'],
        40,
      );
      const reading = readAll(stream, { stallTimeoutMs: 60 });
      await vi.advanceTimersByTimeAsync(1_000);
      const { events, error } = await reading;
      expect(error).toBeUndefined();
      expect(events.map((event) => event.data)).toEqual(['start', 'done']);
    });

    it('leaves no timer behind once the body ended', async () => {
      vi.useFakeTimers();
      await readAll(body(['data: 1\n\n']).stream, { stallTimeoutMs: 60_000 });
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('cancellation', () => {
    it('stops at once on abort, cancelling the body', async () => {
      const slow = body(['data: one\n\n', 'data: two\n\n'], 200);
      const controller = new AbortController();
      const started = Date.now();
      const reading = readAll(slow.stream, { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      const { error, events } = await reading;
      expect(AbortedError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe('test stream aborted');
      expect(events).toEqual([]);
      expect(Date.now() - started).toBeLessThan(180);
      expect(slow.wasCancelled()).toBe(true);
    });

    it('does not read an already aborted body, and cancels it', async () => {
      const unread = body(['data: one\n\n']);
      const { events, error } = await readAll(unread.stream, { signal: AbortSignal.abort() });
      expect(AbortedError.isInstance(error)).toBe(true);
      expect(events).toEqual([]);
      expect(unread.wasCancelled()).toBe(true);
    });

    it('ends with an AbortedError when aborted while the consumer holds a batch, yielding nothing more', async () => {
      const { stream, wasCancelled } = body(['data: one\n\n', 'data: two\n\n']);
      const controller = new AbortController();
      const batches: SSEEvent[][] = [];
      let error: unknown;
      try {
        for await (const batch of readServerSentEventBatches(stream, {
          ...options,
          signal: controller.signal,
        })) {
          batches.push(batch);
          controller.abort();
        }
      } catch (caught) {
        error = caught;
      }
      expect(batches).toEqual([[{ event: undefined, data: 'one' }]]);
      expect(AbortedError.isInstance(error)).toBe(true);
      expect(wasCancelled()).toBe(true);
    });

    it("keeps the caller's own abort reason as the AbortedError's cause", async () => {
      const controller = new AbortController();
      controller.abort('user pressed stop');
      const { error } = await readAll(body(['data: one\n\n']).stream, {
        signal: controller.signal,
      });
      expect((error as Error).cause).toBe('user pressed stop');
    });

    it('cancels the body when the consumer stops early, freeing the connection', async () => {
      const open = body(['data: one\n\n', 'data: two\n\n'], 50);
      for await (const batch of readServerSentEventBatches(open.stream, options)) {
        expect(batch).toEqual([{ event: undefined, data: 'one' }]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(open.wasCancelled()).toBe(true);
    });

    it('cancels the body when the consumer throws', async () => {
      const open = body(['data: one\n\n', 'data: two\n\n'], 50);
      const failing = (async () => {
        for await (const _batch of readServerSentEventBatches(open.stream, options)) {
          throw new Error('consumer failed');
        }
      })();
      await expect(failing).rejects.toThrow('consumer failed');
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(open.wasCancelled()).toBe(true);
    });
  });

  describe('failures', () => {
    it('rejects an event larger than maxEventSize with a server error that is not retried, cancelling the body', async () => {
      const oversized = body([`data: ${'x'.repeat(5000)}`, '\n\n', 'data: after\n\n']);
      const { events, error } = await readAll(oversized.stream, { maxEventSize: 1000 });
      expect(events).toEqual([]);
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        kind: 'server',
        retryable: false,
        provider: 'test',
        message: 'test sent an event larger than the limit',
      });
      expect(oversized.wasCancelled()).toBe(true);
    });

    it('rejects an event larger than maxEventSize that arrives in a single read', async () => {
      const { events, error } = await readAll(body([`data: ${'x'.repeat(5000)}\n\n`]).stream, {
        maxEventSize: 1000,
      });
      expect(events.map((event) => event.data.length)).toEqual([]);
      expect(error).toMatchObject({ kind: 'server', retryable: false });
    });

    it('accepts events up to maxEventSize', async () => {
      const { events, error } = await readAll(
        body([`data: ${'x'.repeat(900)}`, '\n\n', `data: ${'y'.repeat(900)}\n\n`]).stream,
        { maxEventSize: 1000 },
      );
      expect(error).toBeUndefined();
      expect(events.map((event) => event.data.length)).toEqual([900, 900]);
    });

    it('turns a broken body into a retryable network error that names no transport detail', async () => {
      const { events, error } = await readAll(breaking(['data: one\n\n']));
      expect(events).toEqual([{ event: undefined, data: 'one' }]);
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        kind: 'network',
        retryable: true,
        message: 'test stream broke off (TypeError)',
      });
      expect(inspect(error, { depth: 5 })).not.toContain('sk-secret');
    });

    it('puts no cause on its APICallErrors (timeout, network, oversized)', async () => {
      vi.useFakeTimers();
      const timedOut = readAll(body(['data: late\n\n'], 100).stream, { firstTokenTimeoutMs: 10 });
      await vi.advanceTimersByTimeAsync(10);
      vi.useRealTimers();
      const failures = [
        (await timedOut).error,
        (await readAll(breaking([]))).error,
        (await readAll(body(['data: xxxxxxxx', 'x\n\n']).stream, { maxEventSize: 4 })).error,
      ];
      expect(failures.map((error) => (error as APICallError).kind)).toEqual([
        'timeout',
        'network',
        'server',
      ]);
      for (const error of failures) {
        expect(APICallError.isInstance(error)).toBe(true);
        expect((error as Error).cause).toBeUndefined();
        expect(Object.hasOwn(error as Error, 'cause')).toBe(false);
      }
    });
  });
});
