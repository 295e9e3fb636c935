import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APICallError } from '../errors/errors.ts';
import type { ReplyFinishReason, ReplySink } from '../spec/chat-adapter.ts';
import { memoryRateLimitError } from '../testing/memory-adapter.ts';
import { ReplyPacer } from './pacer.ts';
import { TokenBucket } from './token-bucket.ts';

interface RecordedCall {
  kind: 'update' | 'finish';
  text: string;
  atMs: number;
  reason?: ReplyFinishReason;
}

/** A sink whose calls take `latencyMs` and can be made to fail. */
function recordingSink(latencyMs = 10) {
  const calls: RecordedCall[] = [];
  const failures: unknown[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let attempts = 0;
  const run = async (call: RecordedCall) => {
    attempts += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      calls.push(call);
    } finally {
      inFlight -= 1;
    }
  };
  const sink: ReplySink = {
    id: 'r1',
    update: (text) => run({ kind: 'update', text, atMs: Date.now() }),
    finish: (text, options) =>
      run({ kind: 'finish', text, atMs: Date.now(), reason: options.reason }),
  };
  return {
    sink,
    calls,
    failNext: (...errors: unknown[]) => failures.push(...errors),
    get maxInFlight() {
      return maxInFlight;
    },
    /** Calls made, failed ones included. */
    get attempts() {
      return attempts;
    },
  };
}

describe('ReplyPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces a burst of tokens into updates at most once per minIntervalMs, never two in flight', async () => {
    const recorder = recordingSink(30);
    const pacer = new ReplyPacer({ sink: recorder.sink, minIntervalMs: 100 });
    let text = '';
    for (let token = 0; token < 100; token += 1) {
      text += 'a';
      pacer.push(text);
      await vi.advanceTimersByTimeAsync(5);
    }
    const finishing = pacer.finish(text, 'complete');
    await vi.runAllTimersAsync();
    await finishing;
    expect(recorder.maxInFlight).toBe(1);
    const starts = recorder.calls.map((call) => call.atMs);
    for (let index = 1; index < starts.length; index += 1) {
      expect((starts[index] ?? 0) - (starts[index - 1] ?? 0)).toBeGreaterThanOrEqual(100);
    }
    // 500 ms of tokens at one call per 100 ms: about six calls, not a hundred.
    expect(recorder.calls.length).toBeLessThanOrEqual(7);
    expect(recorder.calls.at(-1)).toMatchObject({ kind: 'finish', text, reason: 'complete' });
  });

  it('sends the first update at once and skips unchanged text', async () => {
    const recorder = recordingSink(1);
    const pacer = new ReplyPacer({ sink: recorder.sink, minIntervalMs: 50 });
    pacer.push('hello');
    await vi.advanceTimersByTimeAsync(1);
    expect(recorder.calls).toEqual([{ kind: 'update', text: 'hello', atMs: 0 }]);
    pacer.push('hello');
    await vi.advanceTimersByTimeAsync(200);
    expect(recorder.calls).toHaveLength(1);
  });

  it('waits for the update in flight and the interval before the final call', async () => {
    const recorder = recordingSink(40);
    const pacer = new ReplyPacer({ sink: recorder.sink, minIntervalMs: 100 });
    pacer.push('a');
    const finishing = pacer.finish('ab', 'complete');
    await vi.runAllTimersAsync();
    await finishing;
    expect(recorder.calls.map((call) => [call.kind, call.text, call.atMs])).toEqual([
      ['update', 'a', 0],
      ['finish', 'ab', 100],
    ]);
  });

  it('backs off after a rate-limit error, skipping intermediate text, and delivers the final text', async () => {
    const recorder = recordingSink(1);
    const limited: number[] = [];
    const pacer = new ReplyPacer({
      sink: recorder.sink,
      minIntervalMs: 10,
      onPaused: (_error, waitMs) => limited.push(waitMs),
    });
    recorder.failNext(memoryRateLimitError(500));
    pacer.push('one');
    await vi.advanceTimersByTimeAsync(20);
    pacer.push('one two');
    pacer.push('one two three');
    await vi.advanceTimersByTimeAsync(100);
    // Still cooling down: nothing sent.
    expect(recorder.calls).toHaveLength(0);
    expect(limited).toEqual([500]);
    await vi.advanceTimersByTimeAsync(450);
    expect(recorder.calls.map((call) => call.text)).toEqual(['one two three']);
    expect(recorder.calls[0]?.atMs).toBeGreaterThanOrEqual(500);
    recorder.failNext(memoryRateLimitError());
    pacer.push('one two three four');
    await vi.advanceTimersByTimeAsync(20);
    // Exponential pause without retryAfterMs: 1 s; the final call waits it out.
    expect(limited).toEqual([500, 1000]);
    const finishing = pacer.finish('one two three four five', 'complete');
    await vi.advanceTimersByTimeAsync(900);
    expect(recorder.calls.at(-1)?.kind).toBe('update');
    await vi.runAllTimersAsync();
    await finishing;
    expect(recorder.calls.at(-1)).toMatchObject({
      kind: 'finish',
      text: 'one two three four five',
    });
    expect(recorder.calls.at(-1)?.atMs).toBeGreaterThanOrEqual(1500);
  });

  it("makes the final call once and rejects with its error: retrying is the adapter client's job", async () => {
    const recorder = recordingSink(1);
    const pacer = new ReplyPacer({ sink: recorder.sink, minIntervalMs: 0 });
    const limited = memoryRateLimitError(10);
    recorder.failNext(limited, memoryRateLimitError(10));
    const finishing = pacer.finish('x', 'complete');
    const outcome = finishing.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await vi.runAllTimersAsync();
    expect(await outcome).toBe(limited);
    expect(recorder.attempts).toBe(1);
  });

  it('pauses after a transient (5xx) intermediate failure instead of breaking the reply', async () => {
    const recorder = recordingSink(1);
    const failures: unknown[] = [];
    const paused: number[] = [];
    const pacer = new ReplyPacer({
      sink: recorder.sink,
      minIntervalMs: 0,
      onFailure: (error) => failures.push(error),
      onPaused: (_error, waitMs) => paused.push(waitMs),
    });
    recorder.failNext(
      new APICallError({ message: 'bad gateway', provider: 'memory', statusCode: 502 }),
    );
    pacer.push('a');
    await vi.advanceTimersByTimeAsync(10);
    pacer.push('ab');
    await vi.advanceTimersByTimeAsync(1100);
    expect(failures).toEqual([]);
    expect(paused).toEqual([1000]);
    expect(recorder.calls.map((call) => call.text)).toEqual(['ab']);
  });

  it('reports a non-retryable failure once and stops updating', async () => {
    const recorder = recordingSink(1);
    const failures: unknown[] = [];
    const pacer = new ReplyPacer({
      sink: recorder.sink,
      minIntervalMs: 0,
      onFailure: (error) => failures.push(error),
    });
    const broken = new APICallError({ message: 'gone', provider: 'memory', kind: 'not-found' });
    recorder.failNext(broken);
    pacer.push('a');
    await vi.advanceTimersByTimeAsync(10);
    pacer.push('ab');
    await vi.advanceTimersByTimeAsync(10);
    expect(failures).toEqual([broken]);
    expect(recorder.calls).toHaveLength(0);
  });

  it('takes a token from the shared bucket before every call', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const first = recordingSink(1);
    const second = recordingSink(1);
    const a = new ReplyPacer({ sink: first.sink, minIntervalMs: 0, bucket });
    const b = new ReplyPacer({ sink: second.sink, minIntervalMs: 0, bucket });
    a.push('a');
    b.push('b');
    await vi.advanceTimersByTimeAsync(50);
    expect(first.calls.length + second.calls.length).toBe(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(first.calls.length + second.calls.length).toBe(2);
  });
});

describe('ReplyPacer: the app-wide budget (decision 0014)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A sink without an id until its first call succeeds, like a message not sent yet. */
  function openingSink() {
    const recorder = recordingSink(1);
    let opened = false;
    const sink: ReplySink = {
      get id() {
        return opened ? 'r1' : undefined;
      },
      update: async (text, options) => {
        await recorder.sink.update(text, options);
        opened = true;
      },
      finish: async (text, options) => {
        await recorder.sink.finish(text, options);
        opened = true;
      },
    };
    return { sink, calls: recorder.calls };
  }

  it('takes the opening call from the open bucket and later calls from the update bucket', async () => {
    // Slow refills: the tokens counted at the end are the ones spent.
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 5 });
    const openBucket = new TokenBucket({ ratePerSecond: 1, burst: 5 });
    const recorder = openingSink();
    const pacer = new ReplyPacer({ sink: recorder.sink, minIntervalMs: 0, bucket, openBucket });
    pacer.push('a');
    await vi.advanceTimersByTimeAsync(5);
    pacer.push('ab');
    await vi.advanceTimersByTimeAsync(5);
    const finished = pacer.finish('abc', 'complete');
    await vi.advanceTimersByTimeAsync(5);
    await finished;
    expect(recorder.calls.map((call) => [call.kind, call.text])).toEqual([
      ['update', 'a'],
      ['update', 'ab'],
      ['finish', 'abc'],
    ]);
    // One opening call; the update and the final call from the update bucket.
    expect(5 - bucketTokens(openBucket)).toBe(1);
    expect(5 - bucketTokens(bucket)).toBe(2);
  });

  it('skips an intermediate update when no token is free (spending none), and sends it once one is', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const recorder = recordingSink(1);
    expect(bucket.tryTake()).toBe(true); // someone else's call took the only token
    const pacer = new ReplyPacer({ sink: recorder.sink, minIntervalMs: 0, bucket });
    pacer.push('a');
    await vi.advanceTimersByTimeAsync(50);
    expect(recorder.calls).toHaveLength(0);
    expect(bucket.pending).toBe(0); // not queued
    await vi.advanceTimersByTimeAsync(60);
    expect(recorder.calls.map((call) => call.text)).toEqual(['a']);
  });

  it('lets a final call wait ahead of queued opening calls, so replies finish under saturation', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    bucket.tryTake();
    const order: string[] = [];
    const opens = [1, 2, 3].map((index) => bucket.take()?.then(() => order.push(`open ${index}`)));
    const recorder = recordingSink(1);
    const pacer = new ReplyPacer({ sink: recorder.sink, minIntervalMs: 0, bucket });
    const finished = pacer.finish('done', 'complete').then(() => order.push('final'));
    await vi.advanceTimersByTimeAsync(450);
    await Promise.all([...opens, finished]);
    expect(order).toEqual(['final', 'open 1', 'open 2', 'open 3']);
  });
});

/** The whole tokens left in a bucket right now (for assertions). */
function bucketTokens(bucket: TokenBucket): number {
  let tokens = 0;
  while (bucket.tryTake()) tokens += 1;
  return tokens;
}

describe('TokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('allows a burst, then serves waiters in order at the refill rate', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 100, burst: 2 });
    expect(bucket.take()).toBeUndefined();
    expect(bucket.take()).toBeUndefined();
    const order: number[] = [];
    const waits = [1, 2, 3].map((index) => bucket.take()?.then(() => order.push(index)));
    expect(waits.every((wait) => wait instanceof Promise)).toBe(true);
    await vi.advanceTimersByTimeAsync(10);
    expect(order).toEqual([1]);
    await vi.advanceTimersByTimeAsync(20);
    expect(order).toEqual([1, 2, 3]);
  });

  it('rejects a waiter whose signal aborts and serves the next one', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    bucket.take();
    const controller = new AbortController();
    const aborted = bucket.take(controller.signal);
    const next = bucket.take();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(bucket.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    await expect(next).resolves.toBeUndefined();
  });

  it('serves urgent waiters ahead of ordinary ones, in their own order', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 100, burst: 1 });
    bucket.take();
    const order: string[] = [];
    const waits = [
      bucket.take()?.then(() => order.push('a')),
      bucket.take(undefined, { urgent: true })?.then(() => order.push('urgent 1')),
      bucket.take()?.then(() => order.push('b')),
      bucket.take(undefined, { urgent: true })?.then(() => order.push('urgent 2')),
    ];
    await vi.advanceTimersByTimeAsync(50);
    await Promise.all(waits);
    expect(order).toEqual(['urgent 1', 'urgent 2', 'a', 'b']);
  });

  it('tryTake takes only a free token with nobody waiting; waitMs says when one is due', async () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    expect(bucket.waitMs()).toBe(0);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.waitMs()).toBe(100);
    const queued = bucket.take();
    await vi.advanceTimersByTimeAsync(100);
    expect(bucket.tryTake()).toBe(false); // the queued caller got it
    await queued;
    await vi.advanceTimersByTimeAsync(100);
    expect(bucket.tryTake()).toBe(true);
  });
});
