import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isInProcessState, memoryState } from './memory-state.ts';

describe('memoryState', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores values until their ttl passes', async () => {
    const state = memoryState();
    await state.set('a', { n: 1 }, { ttlMs: 100 });
    await state.set('forever', 'x');
    expect(await state.get('a')).toEqual({ n: 1 });
    vi.advanceTimersByTime(100);
    expect(await state.get('a')).toBeUndefined();
    expect(await state.get('forever')).toBe('x');
  });

  it('returns copies, so callers cannot mutate stored values', async () => {
    const state = memoryState();
    const value = { list: [1] };
    await state.set('a', value);
    value.list.push(2);
    const read = await state.get<{ list: number[] }>('a');
    read?.list.push(3);
    expect(await state.get('a')).toEqual({ list: [1] });
  });

  it('setIfAbsent writes once, atomically, even under concurrent calls', async () => {
    const state = memoryState();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => state.setIfAbsent('k', 1, { ttlMs: 50 })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    vi.advanceTimersByTime(50);
    expect(await state.setIfAbsent('k', 2)).toBe(true);
  });

  it('appendToList trims to maxLength and slides the ttl on every append', async () => {
    const state = memoryState();
    for (const item of [1, 2, 3, 4])
      await state.appendToList('l', item, { maxLength: 3, ttlMs: 100 });
    expect(await state.getList('l')).toEqual([2, 3, 4]);
    vi.advanceTimersByTime(80);
    await state.appendToList('l', 5, { maxLength: 3, ttlMs: 100 });
    vi.advanceTimersByTime(80);
    expect(await state.getList('l')).toEqual([3, 4, 5]);
    vi.advanceTimersByTime(20);
    expect(await state.getList('l')).toEqual([]);
  });

  it('shiftFromList pops the oldest item', async () => {
    const state = memoryState();
    await state.appendToList('q', 'a');
    await state.appendToList('q', 'b');
    expect(await state.shiftFromList('q')).toBe('a');
    expect(await state.shiftFromList('q')).toBe('b');
    expect(await state.shiftFromList('q')).toBeUndefined();
  });

  it('locks: one holder, token-checked extend and release, lapse after ttl', async () => {
    const state = memoryState();
    const lock = await state.acquireLock('lock', { ttlMs: 100 });
    expect(lock).not.toBeNull();
    expect(await state.acquireLock('lock', { ttlMs: 100 })).toBeNull();
    vi.advanceTimersByTime(90);
    expect(await state.extendLock(lock!, { ttlMs: 100 })).toBe(true);
    vi.advanceTimersByTime(90);
    expect(await state.acquireLock('lock', { ttlMs: 100 })).toBeNull();
    vi.advanceTimersByTime(20);
    const other = await state.acquireLock('lock', { ttlMs: 100 });
    expect(other).not.toBeNull();
    // The lapsed holder can neither extend nor release the new holder's lock.
    expect(await state.extendLock(lock!, { ttlMs: 100 })).toBe(false);
    expect(await state.releaseLock(lock!)).toBe(false);
    expect(await state.releaseLock(other!)).toBe(true);
    expect(await state.acquireLock('lock', { ttlMs: 100 })).not.toBeNull();
  });

  it('delivers published messages to every subscriber, asynchronously, until unsubscribed', async () => {
    const state = memoryState();
    const first: unknown[] = [];
    const second: unknown[] = [];
    const unsubscribe = await state.subscribe('c', (message) => first.push(message));
    await state.subscribe('c', (message) => second.push(message));
    const published = state.publish('c', { n: 1 });
    // Never delivered synchronously inside publish (listeners cannot re-enter the publisher).
    expect(first).toEqual([]);
    await published;
    await Promise.resolve();
    expect(first).toEqual([{ n: 1 }]);
    expect(second).toEqual([{ n: 1 }]);
    await unsubscribe();
    await state.publish('c', { n: 2 });
    await Promise.resolve();
    expect(first).toEqual([{ n: 1 }]);
    expect(second).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('consumeRateLimit is a token bucket with a burst and a refill rate', async () => {
    const state = memoryState();
    const options = { ratePerSecond: 10, burst: 3 };
    const taken = [];
    for (let index = 0; index < 4; index += 1)
      taken.push(await state.consumeRateLimit('r', options));
    expect(taken.map((result) => result.allowed)).toEqual([true, true, true, false]);
    expect(taken[3]?.retryAfterMs).toBe(100);
    vi.advanceTimersByTime(100);
    expect((await state.consumeRateLimit('r', options)).allowed).toBe(true);
    expect((await state.consumeRateLimit('r', options)).allowed).toBe(false);
  });

  it('sweeps expired keys so dedupe keys do not pile up', async () => {
    const state = memoryState({ sweepEveryWrites: 10 });
    for (let index = 0; index < 9; index += 1) await state.set(`seen:${index}`, 1, { ttlMs: 10 });
    vi.advanceTimersByTime(10);
    await state.set('fresh', 1);
    expect(state.size()).toBe(1);
  });
});

describe('isInProcessState', () => {
  it('is true for a memoryState() only, not for a wrapper around one', () => {
    const state = memoryState();
    expect(isInProcessState(state)).toBe(true);
    expect(isInProcessState(new Proxy(state, {}))).toBe(false);
    expect(isInProcessState({ ...state })).toBe(false);
  });
});
