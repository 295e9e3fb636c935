import type { NodeRedisClient, NodeRedisMessageListener } from './client-types.ts';
import {
  type CommandConnection,
  type ConnectionEvents,
  ConnectionTracker,
  passedClientStatus,
  type SubscriberConnection,
} from './connection.ts';

/** Opens a client we own: listens to its events (an unheard `error` would crash the process). */
function watch(client: NodeRedisClient, tracker: ConnectionTracker): void {
  client.on('error', (error) => tracker.failed(error));
  client.on('ready', () => tracker.ready());
  // Resolves on the first connection; node-redis keeps retrying until then (or until closed).
  client.connect().catch(() => undefined);
}

async function shut(client: NodeRedisClient): Promise<void> {
  if (!client.isOpen) return;
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}

function openSubscriber(
  parent: NodeRedisClient,
  events: ConnectionEvents,
  onMessage: (channel: string, message: string) => void,
): SubscriberConnection {
  // Offline queue off: a subscribe while Redis is down fails instead of waiting unseen.
  const client = parent.duplicate({ disableOfflineQueue: true });
  const tracker = new ConnectionTracker('subscriber', events, () => client.isReady);
  // One listener for every channel: node-redis keeps listeners in a set, so subscribing a
  // channel twice never delivers twice, and it re-subscribes them all after a reconnect.
  const listener: NodeRedisMessageListener = (message, channel) => onMessage(channel, message);
  watch(client, tracker);
  return {
    status: () => tracker.status(),
    firstAttempt: () => tracker.firstAttempt(),
    lastError: () => tracker.lastError(),
    subscribe: (channel) => client.subscribe(channel, listener),
    unsubscribe: (channel) => client.unsubscribe(channel, listener),
    close: () => shut(client),
  };
}

/**
 * The connection of a node-redis client. `owned`: redisState created the client (from a URL),
 * so it watches its events, connects it and closes it; a client the user passed is only used.
 */
export function nodeRedisConnection(
  client: NodeRedisClient,
  events: ConnectionEvents,
  owned: boolean,
): CommandConnection {
  const tracker = owned
    ? new ConnectionTracker('commands', events, () => client.isReady)
    : undefined;
  if (tracker !== undefined) watch(client, tracker);
  // A client that was never opened is sent to anyway: its ClientClosedError carries the hint.
  const passed = passedClientStatus(() => client.isReady || !client.isOpen);
  return {
    status: () => tracker?.status() ?? passed(),
    firstAttempt: () => tracker?.firstAttempt() ?? Promise.resolve(),
    lastError: () => tracker?.lastError(),
    send: (args) => client.sendCommand(args),
    openSubscriber: (onMessage) => openSubscriber(client, events, onMessage),
    close: () => (owned ? shut(client) : Promise.resolve()),
  };
}
