import type { JsonValue } from './language-model.ts';

/** Options of {@link StateAdapter.set} and {@link StateAdapter.setIfAbsent}. */
export interface StateSetOptions {
  /**
   * Time to live in milliseconds. When absent the caller sets no expiry; a store may still bound
   * the key's life (`@imbridge/redis` gives it `defaultTtlMs`, 7 days, so nothing stays forever).
   */
  ttlMs?: number | undefined;
}

/** Options of {@link StateAdapter.appendToList}. */
export interface AppendToListOptions {
  /** Keep only the newest this many items. */
  maxLength?: number | undefined;
  /** Time to live of the whole list, refreshed by every append (a sliding expiry). */
  ttlMs?: number | undefined;
}

/** A held lock. The token proves ownership to `extendLock` and `releaseLock`. */
export interface StateLock {
  /** The locked key. */
  key: string;
  /** Random ownership token. */
  token: string;
  /** When the lock lapses unless extended, in milliseconds since the epoch. */
  expiresAtMs: number;
}

/** Options of {@link StateAdapter.acquireLock} and {@link StateAdapter.extendLock}. */
export interface LockOptions {
  /** How long the lock lives without an extension, in milliseconds. */
  ttlMs: number;
}

/** Options of {@link StateAdapter.consumeRateLimit}. */
export interface RateLimitOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size (largest burst). */
  burst: number;
  /** Tokens to take. @default 1 */
  cost?: number | undefined;
}

/** What {@link StateAdapter.consumeRateLimit} returns. */
export interface RateLimitResult {
  /** True when the tokens were taken. */
  allowed: boolean;
  /** When not allowed: how long until enough tokens are there, in milliseconds. */
  retryAfterMs: number;
}

/** Called with each message published on a channel. */
export type StateMessageListener = (message: JsonValue) => void;

/**
 * Shared state with TTLs: dedupe keys, history, turn locks and queues, cross-instance
 * cancellation and rate limits. `memoryState()` ships in core for one process;
 * `@imbridge/redis` implements the same interface for many instances.
 *
 * Every method is atomic with respect to the others on the same key.
 */
export interface StateAdapter {
  /** Reads a value (undefined when absent or expired). */
  get<T = JsonValue>(key: string): Promise<T | undefined>;
  /** Writes a value. */
  set(key: string, value: JsonValue, options?: StateSetOptions): Promise<void>;
  /** Removes a key of any kind (value or list). */
  delete(key: string): Promise<void>;
  /** Writes only when the key is absent; true when it wrote. */
  setIfAbsent(key: string, value: JsonValue, options?: StateSetOptions): Promise<boolean>;
  /** Appends to a list, trims it to `maxLength` (oldest dropped) and refreshes its TTL. */
  appendToList(key: string, value: JsonValue, options?: AppendToListOptions): Promise<void>;
  /** Reads a whole list, oldest first (empty when absent). */
  getList<T = JsonValue>(key: string): Promise<T[]>;
  /** Removes and returns the oldest item of a list (a queue pop). */
  shiftFromList<T = JsonValue>(key: string): Promise<T | undefined>;
  /** Takes a lock if free (or lapsed); null when someone else holds it. */
  acquireLock(key: string, options: LockOptions): Promise<StateLock | null>;
  /** Extends a lock still held with this token; false when it was lost. */
  extendLock(lock: StateLock, options: LockOptions): Promise<boolean>;
  /** Releases a lock still held with this token; false when it was not held any more. */
  releaseLock(lock: StateLock): Promise<boolean>;
  /** Delivers a message to every subscriber of the channel, in every instance. */
  publish(channel: string, message: JsonValue): Promise<void>;
  /** Listens on a channel; resolves to an unsubscribe function. */
  subscribe(channel: string, listener: StateMessageListener): Promise<() => Promise<void>>;
  /** Token bucket shared by every instance, keyed by `key`. */
  consumeRateLimit(key: string, options: RateLimitOptions): Promise<RateLimitResult>;
}
