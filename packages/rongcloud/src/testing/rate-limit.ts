/**
 * The per-API call-rate limits of the local RongCloud: one token bucket per API (shared by both
 * hosts), refilled continuously at the API's calls per second.
 *
 * @module
 */
import type { LocalRongCloudAPI } from './apis.ts';

/**
 * Takes `tokens` for one call of `api` at `atMs`; false (nothing taken) when the API is over its
 * limit. A call to several groups takes one token per group.
 */
export type RateLimiter = (api: LocalRongCloudAPI, atMs: number, tokens: number) => boolean;

/** Creates a {@link RateLimiter} with buckets of `limits[api]` tokens that refill in one second. */
export function createRateLimiter(
  limits: Readonly<Record<LocalRongCloudAPI, number>>,
): RateLimiter {
  const buckets = new Map<LocalRongCloudAPI, { tokens: number; updatedAtMs: number }>();
  return (api, atMs, tokens) => {
    const perSecond = limits[api];
    const bucket = buckets.get(api) ?? { tokens: perSecond, updatedAtMs: atMs };
    const elapsedMs = Math.max(0, atMs - bucket.updatedAtMs);
    bucket.tokens = Math.min(perSecond, bucket.tokens + (elapsedMs * perSecond) / 1000);
    bucket.updatedAtMs = atMs;
    buckets.set(api, bucket);
    if (bucket.tokens < tokens) return false;
    bucket.tokens -= tokens;
    return true;
  };
}
