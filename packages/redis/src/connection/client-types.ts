/** A pub/sub listener of node-redis: the message, then its channel. */
export type NodeRedisMessageListener = (message: string, channel: string) => unknown;

/**
 * The part of a node-redis client (`createClient()` of the `redis` package, versions 5 and 6)
 * that {@link redisState} uses. Pass the client itself; this type only names what is called.
 * Connect it (`await client.connect()`) before the first call.
 *
 * @see https://github.com/redis/node-redis
 */
export interface NodeRedisClient {
  /** True once `connect()` was called and until the client is closed. */
  readonly isOpen: boolean;
  /** True while the socket is connected and commands can be written. */
  readonly isReady: boolean;
  /** Sends a raw command. */
  sendCommand(args: readonly string[]): Promise<unknown>;
  /** A new client with the same options (the dedicated subscriber connection). */
  duplicate(overrides?: { disableOfflineQueue?: boolean }): NodeRedisClient;
  /** Opens the connection. */
  connect(): Promise<unknown>;
  /** Subscribes a listener to a channel. */
  subscribe(channel: string, listener: NodeRedisMessageListener): Promise<void>;
  /** Unsubscribes a listener from a channel. */
  unsubscribe(channel: string, listener: NodeRedisMessageListener): Promise<void>;
  /** Adds an event listener (`error`, `ready`). */
  on(event: 'error' | 'ready', listener: (...args: unknown[]) => void): unknown;
  /** Closes the connection once pending commands are answered. */
  close(): Promise<unknown>;
  /** Closes the connection at once, rejecting pending commands. */
  destroy(): void;
}

/**
 * The part of an ioredis client (`new Redis()` of the `ioredis` package, version 5) that
 * {@link redisState} uses. Pass the client itself; this type only names what is called.
 *
 * @see https://github.com/redis/ioredis
 */
export interface IORedisClient {
  /** Connection status: `'ready'` when commands can be written. */
  readonly status: string;
  /** Sends a raw command. */
  call(command: string, args: string[]): Promise<unknown>;
  /** A new client with the same options (the dedicated subscriber connection). */
  duplicate(): IORedisClient;
  /** Connects a client made with `lazyConnect`. */
  connect(): Promise<unknown>;
  /** Subscribes the connection to channels (messages arrive as `message` events). */
  subscribe(...channels: string[]): Promise<unknown>;
  /** Unsubscribes the connection from channels. */
  unsubscribe(...channels: string[]): Promise<unknown>;
  /** Adds an event listener (`message`, `error`, `ready`). */
  on(event: 'message' | 'error' | 'ready', listener: (...args: unknown[]) => void): unknown;
  /** Closes the connection once pending commands are answered. */
  quit(): Promise<unknown>;
  /** Closes the connection at once. */
  disconnect(): void;
}

/** A Redis client {@link redisState} accepts: node-redis 5/6 or ioredis 5. */
export type RedisClient = NodeRedisClient | IORedisClient;

/** True for an ioredis-shaped client (it has `call` and a `status`). */
export function isIORedisClient(client: RedisClient): client is IORedisClient {
  return (
    typeof (client as Partial<IORedisClient>).call === 'function' &&
    typeof (client as Partial<IORedisClient>).status === 'string'
  );
}

/** True for a node-redis-shaped client (it has `sendCommand` and `isOpen`). */
export function isNodeRedisClient(client: RedisClient): client is NodeRedisClient {
  return (
    typeof (client as Partial<NodeRedisClient>).sendCommand === 'function' &&
    typeof (client as Partial<NodeRedisClient>).isOpen === 'boolean'
  );
}
