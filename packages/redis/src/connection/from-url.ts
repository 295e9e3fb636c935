import { IMBridgeError } from '@imbridge/core';
import type { NodeRedisClient } from './client-types.ts';
import type { CommandConnection, ConnectionEvents } from './connection.ts';
import { nodeRedisConnection } from './node-redis.ts';

/**
 * A node-redis client made from a URL, owned by redisState: loaded on first use (so the
 * package itself loads without `redis` installed, e.g. with an ioredis client), connected at
 * once, with the offline queue off so calls fail at once while Redis is unreachable instead of
 * waiting unseen; node-redis reconnects in the background (back-off up to about 2 s).
 */
export async function connectUrl(
  url: string,
  events: ConnectionEvents,
): Promise<CommandConnection> {
  let createClient: typeof import('redis').createClient;
  try {
    ({ createClient } = await import('redis'));
  } catch {
    throw new IMBridgeError({
      message:
        'redisState({ url }) needs the `redis` package (node-redis 5 or 6): npm install redis, or pass a client',
      code: 'missing-peer-dependency',
    });
  }
  const client: NodeRedisClient = createClient({ url, disableOfflineQueue: true });
  return nodeRedisConnection(client, events, true);
}
