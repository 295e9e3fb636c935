/**
 * `@imbridge/redis`: `@imbridge/core`'s `StateAdapter` on Redis, so a bot can run as several
 * instances — dedupe, turn locks, history, queues, cross-instance interrupts and a shared vendor
 * rate budget, on node-redis 5/6 or ioredis 5.
 *
 * @example
 * ```ts
 * import { redisState } from '@imbridge/redis';
 * const state = redisState({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
 * ```
 * @module
 */

export type {
  IORedisClient,
  NodeRedisClient,
  NodeRedisMessageListener,
  RedisClient,
} from './connection/client-types.ts';
export { REDIS_PROVIDER } from './errors.ts';
export type {
  RedisStateClientOptions,
  RedisStateCommonOptions,
  RedisStateOptions,
  RedisStateUrlOptions,
} from './options.ts';
export { DEFAULT_TIMEOUT_MS, DEFAULT_TTL_MS } from './options.ts';
export type { RedisStateAdapter } from './redis-state.ts';
export { redisState } from './redis-state.ts';
export { VERSION } from './version.ts';
