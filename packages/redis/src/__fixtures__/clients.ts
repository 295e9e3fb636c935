/**
 * Clients and adapters on the test run's redis-server, each under a fresh key prefix so test
 * files running in parallel on one server never see each other's keys.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { inject } from 'vitest';
import { type RedisStateAdapter, redisState } from '../index.ts';
import type { RedisStateCommonOptions } from '../options.ts';

/** The URL of the server the global setup started. */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix no other test uses. */
export function uniquePrefix(label = 'test'): string {
  return `${label}:${crypto.randomUUID()}:`;
}

/** How an adapter reaches Redis in a test. */
export type ClientKind = 'node-redis client' | 'url' | 'ioredis client';

/** The three ways, for tests that run on each. */
export const CLIENT_KINDS: readonly ClientKind[] = ['node-redis client', 'url', 'ioredis client'];

/** A connected node-redis client (close it with `close()`). */
export async function nodeRedisClient(url = redisUrl()) {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** An ioredis client, ready (close it with `quit()`). */
export async function ioredisClient(url = redisUrl()): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** An adapter of the given kind, and a function closing it and any client made for it. */
export async function openState(
  kind: ClientKind,
  options: RedisStateCommonOptions & { url?: string } = {},
): Promise<{ state: RedisStateAdapter; close: () => Promise<void> }> {
  const { url = redisUrl(), ...common } = options;
  const shared = { logger: false as const, ...common };
  if (kind === 'url') {
    const state = redisState({ url, ...shared });
    return { state, close: () => state.close() };
  }
  if (kind === 'ioredis client') {
    const client = await ioredisClient(url);
    const state = redisState({ client, ...shared });
    return {
      state,
      close: async () => {
        await state.close();
        await client.quit();
      },
    };
  }
  const client = await nodeRedisClient(url);
  const state = redisState({ client, ...shared });
  return {
    state,
    close: async () => {
      await state.close();
      await client.close();
    },
  };
}
