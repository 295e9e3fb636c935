import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/errors.ts';
import type { StateAdapter } from '../spec/state-adapter.ts';
import { memoryState } from '../state/memory-state.ts';
import { SharedRateBudget } from './shared-budget.ts';

const LIMITS = { open: { ratePerSecond: 20, burst: 2 }, update: { ratePerSecond: 20, burst: 2 } };
const KEYS = { open: 'rate:open', update: 'rate:update' };

/** A state whose consumeRateLimit calls are counted. */
function countingState(): { state: StateAdapter; asked: () => number } {
  const inner = memoryState();
  let asked = 0;
  const state: StateAdapter = Object.assign(Object.create(inner) as StateAdapter, {
    consumeRateLimit: (...args: Parameters<StateAdapter['consumeRateLimit']>) => {
      asked += 1;
      return inner.consumeRateLimit(...args);
    },
  });
  return { state, asked: () => asked };
}

describe('SharedRateBudget', () => {
  it('two budgets on one state share one bucket: together they get the rate, not twice it', async () => {
    const { state } = countingState();
    const errors: unknown[] = [];
    const budgets = [0, 1].map(
      () =>
        new SharedRateBudget({
          state,
          keys: KEYS,
          limits: LIMITS,
          onError: (e) => errors.push(e),
        }),
    );
    const startedAtMs = Date.now();
    const takenAtMs: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        budgets[index % 2]?.take('open').then(() => takenAtMs.push(Date.now() - startedAtMs)),
      ),
    );
    // 2 at once (the burst), then 10 more at 20/s: about 500 ms for both budgets together.
    expect(Math.max(...takenAtMs)).toBeGreaterThanOrEqual(430);
    expect(errors).toEqual([]);
  });

  it('lets one caller of an instance ask the store at a time; tryTake skips while callers wait', async () => {
    const { state, asked } = countingState();
    const budget = new SharedRateBudget({
      state,
      keys: KEYS,
      limits: { ...LIMITS, update: { ratePerSecond: 10, burst: 1 } },
      onError: () => undefined,
    });
    expect(await budget.tryTake('update')).toBe(0);
    const waiting = Array.from({ length: 50 }, () => budget.take('update'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const askedWhileWaiting = asked();
    // 50 waiting callers, about 30 ms: one asks, waits out retryAfterMs (~100 ms), asks again.
    expect(askedWhileWaiting).toBeLessThanOrEqual(3);
    expect(await budget.tryTake('update')).toBeGreaterThan(0);
    expect(asked()).toBe(askedWhileWaiting); // skipped without asking
    const controller = new AbortController();
    controller.abort();
    await expect(budget.take('update', controller.signal)).rejects.toSatisfy(
      AbortedError.isInstance,
    );
    await Promise.race([Promise.all(waiting), new Promise((r) => setTimeout(r, 10))]);
  });

  it('goes ahead on a failing store and reports it (replies never stop for the budget)', async () => {
    const errors: unknown[] = [];
    const broken = Object.assign(Object.create(memoryState()) as StateAdapter, {
      consumeRateLimit: () => Promise.reject(new Error('redis down')),
    });
    const budget = new SharedRateBudget({
      state: broken,
      keys: KEYS,
      limits: LIMITS,
      onError: (e) => errors.push(e),
    });
    await budget.take('open');
    expect(await budget.tryTake('update')).toBe(0);
    expect(errors).toHaveLength(2);
  });
});
