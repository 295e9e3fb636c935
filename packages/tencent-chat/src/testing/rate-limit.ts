/**
 * The per-API call-rate limit of the local Tencent Cloud Chat (Tencent documents 200 calls/s
 * per API per app): one token bucket per `{service}/{command}`.
 *
 * @module
 */

/** Takes a token for one call of `api` at `atMs`; false when the API is over its limit. */
export type RateLimiter = (api: string, atMs: number) => boolean;

/** Creates a {@link RateLimiter} with buckets of `callsPerSecond` that refill continuously. */
export function createRateLimiter(callsPerSecond: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; updatedAtMs: number }>();
  return (api, atMs) => {
    const bucket = buckets.get(api) ?? { tokens: callsPerSecond, updatedAtMs: atMs };
    const elapsedMs = Math.max(0, atMs - bucket.updatedAtMs);
    bucket.tokens = Math.min(callsPerSecond, bucket.tokens + (elapsedMs * callsPerSecond) / 1000);
    bucket.updatedAtMs = atMs;
    buckets.set(api, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
}
