import {
  type AppendToListOptions,
  describeError,
  type JsonValue,
  type LockOptions,
  optionError,
  type RateLimitOptions,
  type RateLimitResult,
  type StateAdapter,
  type StateLock,
  type StateMessageListener,
  type StateSetOptions,
} from '@imbridge/core';
import { RedisCaller } from './call.ts';
import { decodeJson, encodeJson } from './codec.ts';
import { isIORedisClient } from './connection/client-types.ts';
import type { CommandConnection, ConnectionEvents } from './connection/connection.ts';
import { connectionLog } from './connection/connection-log.ts';
import { connectUrl } from './connection/from-url.ts';
import { ioredisConnection } from './connection/ioredis.ts';
import { nodeRedisConnection } from './connection/node-redis.ts';
import {
  type RedisStateOptions,
  type ResolvedRedisStateOptions,
  resolveRedisStateOptions,
} from './options.ts';
import {
  APPEND_TO_LIST,
  CONSUME_RATE_LIMIT,
  EXTEND_LOCK,
  RELEASE_LOCK,
  runScript,
} from './scripts.ts';
import { ChannelRegistry } from './subscriptions.ts';

/** `Symbol.asyncDispose`, or its registered stand-in on runtimes that lack it. */
const ASYNC_DISPOSE: typeof Symbol.asyncDispose = ((Symbol as { asyncDispose?: symbol })
  .asyncDispose ?? Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;

/** A {@link StateAdapter} on Redis, made by {@link redisState}. */
export interface RedisStateAdapter extends StateAdapter {
  /**
   * Closes the connections redisState opened: the subscriber connection, and the command
   * connection when it was made from a `url` (a `client` you passed stays open). Every
   * subscription ends; later calls reject with an `IMBridgeError` of code `state-closed`.
   * Calling it again does nothing more.
   */
  close(): Promise<void>;
  /** {@link RedisStateAdapter.close}, for `await using state = redisState(…)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The command connection: from a URL (a client of our own) or on the client passed. */
function openConnection(
  source: ResolvedRedisStateOptions['source'],
  events: ConnectionEvents,
): Promise<CommandConnection> {
  if ('url' in source) return connectUrl(source.url, events);
  const { client } = source;
  return Promise.resolve(
    isIORedisClient(client)
      ? ioredisConnection(client, events)
      : nodeRedisConnection(client, events, false),
  );
}

/** A TTL as Redis takes it: whole milliseconds, at least 1; `undefined` is `fallbackMs`. */
function ttlOf(ttlMs: unknown, fallbackMs: number, operation: string): number {
  if (ttlMs === undefined || ttlMs === Number.POSITIVE_INFINITY) return fallbackMs;
  if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs)) {
    throw optionError({ owner: operation, name: 'ttlMs' }, 'a number of milliseconds', ttlMs);
  }
  return Math.max(1, Math.ceil(ttlMs));
}

function positive(value: unknown, owner: string, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw optionError({ owner, name }, 'a positive finite number', value);
  }
  return value;
}

/**
 * Shared state on Redis for bots running as several instances: dedupe keys, turn locks,
 * history, queues, cross-instance interrupts and a vendor's app-wide rate budget.
 *
 * - `setIfAbsent` is `SET NX PX`; locks are `SET NX PX` with a random token, extended and
 *   released by Lua scripts that compare the token first;
 * - `appendToList` pushes, trims and sets the TTL in one Lua script (one round trip);
 * - `consumeRateLimit` is a token bucket in a Lua script on the server's clock, so every
 *   instance draws from one bucket;
 * - `publish`/`subscribe` use Redis pub/sub; subscriptions live on one dedicated connection
 *   (`client.duplicate()`), which the client re-subscribes after a reconnect;
 * - every key and channel starts with `keyPrefix`, and every key has a TTL (`defaultTtlMs`
 *   when the caller gives none).
 *
 * Scripts run with `EVALSHA`, falling back to `EVAL` when the server does not know them yet.
 * Failures reject with an `APICallError` of `provider: 'redis'` whose `kind` says what
 * happened (`network` while Redis is unreachable, `timeout` after `timeoutMs`, `auth`…),
 * never with the client's own error and never with the password. Nothing is retried here.
 *
 * @example
 * ```ts
 * import { createBot } from '@imbridge/core';
 * import { redisState } from '@imbridge/redis';
 *
 * const state = redisState({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
 * const bot = createBot({ model, state });
 * ```
 * @throws ValidationError (code `invalid-option`) for a missing or malformed `url` or `client`.
 */
export function redisState(options: RedisStateOptions): RedisStateAdapter {
  const resolved = resolveRedisStateOptions(options);
  const { keyPrefix, defaultTtlMs, log, secrets } = resolved;
  const events = connectionLog(log, secrets);
  const caller = new RedisCaller({
    open: () => openConnection(resolved.source, events),
    timeoutMs: resolved.timeoutMs,
    secrets,
  });
  const channels = new ChannelRegistry({
    open: (onMessage) => {
      // Subscribing happens inside a call, after the connection was opened.
      if (caller.connection === undefined) throw new Error('no connection to duplicate yet');
      return caller.connection.openSubscriber(onMessage);
    },
    report: (error) => log('error', { event: 'background-failed', error: describeError(error) }),
  });
  const key = (name: string): string => keyPrefix + name;
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      const opened = await caller.close();
      await channels.close();
      await opened?.close();
    })();
    return closing;
  };

  return {
    get: <T = JsonValue>(name: string): Promise<T | undefined> =>
      caller.run('get', async ({ send }) => {
        const reply = await send(['GET', key(name)]);
        return reply === null ? undefined : (decodeJson(reply, 'get') as T);
      }),

    async set(name: string, value: JsonValue, setOptions?: StateSetOptions): Promise<void> {
      const text = encodeJson(value, 'set');
      const ttlMs = ttlOf(setOptions?.ttlMs, defaultTtlMs, 'set');
      await caller.run('set', ({ send }) => send(['SET', key(name), text, 'PX', String(ttlMs)]));
    },

    async delete(name: string): Promise<void> {
      await caller.run('delete', ({ send }) => send(['DEL', key(name)]));
    },

    async setIfAbsent(
      name: string,
      value: JsonValue,
      setOptions?: StateSetOptions,
    ): Promise<boolean> {
      const text = encodeJson(value, 'setIfAbsent');
      const ttlMs = ttlOf(setOptions?.ttlMs, defaultTtlMs, 'setIfAbsent');
      const reply = await caller.run('setIfAbsent', ({ send }) =>
        send(['SET', key(name), text, 'NX', 'PX', String(ttlMs)]),
      );
      return reply !== null;
    },

    async appendToList(
      name: string,
      value: JsonValue,
      listOptions?: AppendToListOptions,
    ): Promise<void> {
      const text = encodeJson(value, 'appendToList');
      const maxLength = listOptions?.maxLength;
      if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 0)) {
        throw optionError(
          { owner: 'appendToList', name: 'maxLength' },
          'an integer ≥ 0',
          maxLength,
        );
      }
      // 0: keep the list's TTL (a new list gets defaultTtlMs), as memoryState keeps its expiry.
      const ttlMs =
        listOptions?.ttlMs === undefined
          ? 0
          : ttlOf(listOptions.ttlMs, defaultTtlMs, 'appendToList');
      await caller.run('appendToList', ({ send }) =>
        runScript(
          send,
          APPEND_TO_LIST,
          [key(name)],
          [text, String(maxLength ?? -1), String(ttlMs), String(defaultTtlMs)],
        ),
      );
    },

    getList: <T = JsonValue>(name: string): Promise<T[]> =>
      caller.run('getList', async ({ send }) => {
        const reply = await send(['LRANGE', key(name), '0', '-1']);
        if (!Array.isArray(reply)) return [];
        return reply.map((item) => decodeJson(item, 'getList') as T);
      }),

    shiftFromList: <T = JsonValue>(name: string): Promise<T | undefined> =>
      caller.run('shiftFromList', async ({ send }) => {
        const reply = await send(['LPOP', key(name)]);
        return reply === null ? undefined : (decodeJson(reply, 'shiftFromList') as T);
      }),

    async acquireLock(name: string, lockOptions: LockOptions): Promise<StateLock | null> {
      const ttlMs = ttlOf(lockOptions.ttlMs, defaultTtlMs, 'acquireLock');
      const token = crypto.randomUUID();
      const reply = await caller.run('acquireLock', ({ send }) =>
        send(['SET', key(name), token, 'NX', 'PX', String(ttlMs)]),
      );
      return reply === null ? null : { key: name, token, expiresAtMs: Date.now() + ttlMs };
    },

    async extendLock(lock: StateLock, lockOptions: LockOptions): Promise<boolean> {
      const ttlMs = ttlOf(lockOptions.ttlMs, defaultTtlMs, 'extendLock');
      const reply = await caller.run('extendLock', ({ send }) =>
        runScript(send, EXTEND_LOCK, [key(lock.key)], [lock.token, String(ttlMs)]),
      );
      if (reply !== 1) return false;
      lock.expiresAtMs = Date.now() + ttlMs;
      return true;
    },

    async releaseLock(lock: StateLock): Promise<boolean> {
      const reply = await caller.run('releaseLock', ({ send }) =>
        runScript(send, RELEASE_LOCK, [key(lock.key)], [lock.token]),
      );
      return reply === 1;
    },

    async publish(channel: string, message: JsonValue): Promise<void> {
      const text = encodeJson(message, 'publish');
      await caller.run('publish', ({ send }) => send(['PUBLISH', key(channel), text]));
    },

    subscribe: (channel: string, listener: StateMessageListener) =>
      caller.run('subscribe', async ({ call }) => {
        const name = key(channel);
        const leave = await channels.add(
          name,
          listener,
          (subscriber) => caller.whenUsable(subscriber, 'subscribe'),
          call,
        );
        let left = false;
        const unsubscribe = async (): Promise<void> => {
          if (left) return;
          left = true;
          leave();
          // Deliveries stopped above; a failed UNSUBSCRIBE only leaves a channel nobody hears.
          await caller.run('unsubscribe', () => channels.release(name)).catch(() => undefined);
        };
        // The caller was already told this call failed: nobody could ever unsubscribe it.
        if (call.timedOut) await unsubscribe();
        return unsubscribe;
      }),

    async consumeRateLimit(name: string, limit: RateLimitOptions): Promise<RateLimitResult> {
      const rate = positive(limit.ratePerSecond, 'consumeRateLimit', 'ratePerSecond');
      const burst = positive(limit.burst, 'consumeRateLimit', 'burst');
      const cost = limit.cost ?? 1;
      if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
        throw optionError({ owner: 'consumeRateLimit', name: 'cost' }, 'a number ≥ 0', cost);
      }
      const reply = await caller.run('consumeRateLimit', ({ send }) =>
        runScript(
          send,
          CONSUME_RATE_LIMIT,
          [key(name)],
          [String(rate), String(burst), String(cost)],
        ),
      );
      const [allowed, retryAfterMs] = Array.isArray(reply) ? reply : [];
      return {
        allowed: allowed === 1,
        retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : 0,
      };
    },

    close,
    [ASYNC_DISPOSE]: close,
  };
}
