import type { IORedisClient } from './client-types.ts';
import {
  type CommandConnection,
  type ConnectionEvents,
  ConnectionTracker,
  passedClientStatus,
  type SubscriberConnection,
} from './connection.ts';

function openSubscriber(
  parent: IORedisClient,
  events: ConnectionEvents,
  onMessage: (channel: string, message: string) => void,
): SubscriberConnection {
  // ioredis connects a duplicate at once (unless `lazyConnect`) and re-subscribes its channels
  // after a reconnect (`autoResubscribe`, on by default).
  const client = parent.duplicate();
  const tracker = new ConnectionTracker('subscriber', events, () => client.status === 'ready');
  client.on('error', (error) => tracker.failed(error));
  client.on('ready', () => tracker.ready());
  client.on('message', (channel, message) => {
    if (typeof channel === 'string' && typeof message === 'string') onMessage(channel, message);
  });
  if (client.status === 'wait') client.connect().catch(() => undefined);
  return {
    status: () => tracker.status(),
    firstAttempt: () => tracker.firstAttempt(),
    lastError: () => tracker.lastError(),
    subscribe: async (channel) => {
      await client.subscribe(channel);
    },
    unsubscribe: async (channel) => {
      await client.unsubscribe(channel);
    },
    close: async () => {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/**
 * The connection of an ioredis client the user passed: commands go through `call`, the client
 * is never closed by redisState. Calls fail at once while it is reconnecting. ioredis has no
 * per-command cancellation, and by default re-sends the commands that were in flight when a
 * connection dropped (`autoResendUnfulfilledCommands`), so such a call may still run after its
 * caller was told it failed.
 */
export function ioredisConnection(
  client: IORedisClient,
  events: ConnectionEvents,
): CommandConnection {
  // `wait` (lazyConnect): the first command connects it.
  const status = passedClientStatus(() => client.status === 'ready' || client.status === 'wait');
  return {
    status,
    firstAttempt: () => Promise.resolve(),
    lastError: () => undefined,
    send: (args) => {
      const [command = '', ...rest] = args;
      return client.call(command, rest);
    },
    openSubscriber: (onMessage) => openSubscriber(client, events, onMessage),
    close: () => Promise.resolve(),
  };
}
