import { describe, expect, it } from 'vitest';
import { openState, uniquePrefix } from './__fixtures__/clients.ts';
import type { RedisStateAdapter } from './index.ts';

const RATE_PER_SECOND = 100;
const BURST = 10;
const WINDOW_MS = 1500;
const WORKERS_PER_INSTANCE = 8;

/** Calls consumeRateLimit as fast as the bucket allows until the window ends; counts grants. */
async function drain(state: RedisStateAdapter, until: number): Promise<number> {
  let allowed = 0;
  while (Date.now() < until) {
    const result = await state.consumeRateLimit('vendor-app', {
      ratePerSecond: RATE_PER_SECOND,
      burst: BURST,
    });
    if (result.allowed) allowed += 1;
    else await new Promise((resolve) => setTimeout(resolve, Math.min(result.retryAfterMs, 5)));
  }
  return allowed;
}

describe('redisState consumeRateLimit', () => {
  it('is one budget for several instances: together they never exceed the rate', async () => {
    const keyPrefix = uniquePrefix('rate');
    // Two instances on separate connections and different clients, one bucket.
    const first = await openState('url', { keyPrefix });
    const second = await openState('ioredis client', { keyPrefix });
    try {
      const startedAt = Date.now();
      const until = startedAt + WINDOW_MS;
      const counts = await Promise.all(
        [first.state, second.state].flatMap((state) =>
          Array.from({ length: WORKERS_PER_INSTANCE }, () => drain(state, until)),
        ),
      );
      const elapsedSeconds = (Date.now() - startedAt) / 1000;
      const allowed = counts.reduce((sum, count) => sum + count, 0);
      const ceiling = BURST + RATE_PER_SECOND * elapsedSeconds;
      expect(allowed).toBeLessThanOrEqual(Math.ceil(ceiling));
      // And the budget is really used, by both instances.
      expect(allowed).toBeGreaterThanOrEqual(0.8 * RATE_PER_SECOND * (WINDOW_MS / 1000));
      const perInstance = [
        counts.slice(0, WORKERS_PER_INSTANCE),
        counts.slice(WORKERS_PER_INSTANCE),
      ];
      for (const share of perInstance) {
        expect(share.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
      }
    } finally {
      await first.close();
      await second.close();
    }
  });
});
