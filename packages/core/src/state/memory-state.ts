import type { JsonValue } from '../spec/language-model.ts';
import type {
  AppendToListOptions,
  LockOptions,
  RateLimitOptions,
  RateLimitResult,
  StateAdapter,
  StateLock,
  StateMessageListener,
  StateSetOptions,
} from '../spec/state-adapter.ts';
import { cloneJson } from '../util/clone-json.ts';

/** Options of {@link memoryState}. */
export interface MemoryStateOptions {
  /** Clock, for tests. @default Date.now */
  now?: (() => number) | undefined;
  /** Sweep expired keys after this many writes (bounds memory of dedupe keys). @default 1000 */
  sweepEveryWrites?: number | undefined;
}

interface Entry {
  kind: 'value' | 'list' | 'lock' | 'bucket';
  value: JsonValue | JsonValue[] | string | BucketState;
  expiresAtMs: number;
}

interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

function randomToken(): string {
  return crypto.randomUUID();
}

/** The states made by {@link memoryState}: in process, they cannot hang, so need no timeouts. */
const inProcessStates = new WeakSet<StateAdapter>();

/**
 * True for a state made by {@link memoryState} itself (not a wrapper around one): its calls
 * settle at once, so the runtime does not put a timer on each of them.
 */
export function isInProcessState(state: StateAdapter): boolean {
  return inProcessStates.has(state);
}

/** A {@link StateAdapter} that also reports its size, for tests and diagnostics. */
export interface MemoryStateAdapter extends StateAdapter {
  /** Number of live keys (expired ones excluded). */
  size(): number;
}

/**
 * In-process {@link StateAdapter}. Correct for one process (locks, dedupe, queues, pub/sub and
 * rate limits all work within it); use `@imbridge/redis` when several instances serve one bot.
 *
 * Values are stored as copies (JSON values, as a serialising store keeps them), so callers cannot
 * mutate stored state by accident.
 *
 * @example
 * ```ts
 * const bot = createBot({ model, state: memoryState() });
 * ```
 */
export function memoryState(options: MemoryStateOptions = {}): MemoryStateAdapter {
  const now = options.now ?? Date.now;
  const sweepEvery = options.sweepEveryWrites ?? 1000;
  const entries = new Map<string, Entry>();
  const channels = new Map<string, Set<StateMessageListener>>();
  let writes = 0;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const write = (key: string, entry: Entry): void => {
    entries.set(key, entry);
    writes += 1;
    if (writes >= sweepEvery) {
      writes = 0;
      const at = now();
      for (const [entryKey, value] of entries) {
        if (value.expiresAtMs <= at) entries.delete(entryKey);
      }
    }
  };

  const expiry = (ttlMs: number | undefined): number =>
    ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + Math.max(0, ttlMs);

  const state: MemoryStateAdapter = {
    async get<T = JsonValue>(key: string): Promise<T | undefined> {
      const entry = live(key);
      if (entry === undefined || entry.kind !== 'value') return undefined;
      return cloneJson(entry.value as JsonValue) as T;
    },

    async set(key: string, value: JsonValue, setOptions?: StateSetOptions): Promise<void> {
      write(key, {
        kind: 'value',
        value: cloneJson(value),
        expiresAtMs: expiry(setOptions?.ttlMs),
      });
    },

    async delete(key: string): Promise<void> {
      entries.delete(key);
    },

    async setIfAbsent(
      key: string,
      value: JsonValue,
      setOptions?: StateSetOptions,
    ): Promise<boolean> {
      if (live(key) !== undefined) return false;
      write(key, {
        kind: 'value',
        value: cloneJson(value),
        expiresAtMs: expiry(setOptions?.ttlMs),
      });
      return true;
    },

    async appendToList(
      key: string,
      value: JsonValue,
      listOptions?: AppendToListOptions,
    ): Promise<void> {
      const entry = live(key);
      const list = entry?.kind === 'list' ? (entry.value as JsonValue[]) : [];
      list.push(cloneJson(value));
      const maxLength = listOptions?.maxLength;
      if (maxLength !== undefined && list.length > maxLength) {
        list.splice(0, list.length - maxLength);
      }
      const expiresAtMs =
        listOptions?.ttlMs !== undefined
          ? expiry(listOptions.ttlMs)
          : (entry?.expiresAtMs ?? Number.POSITIVE_INFINITY);
      write(key, { kind: 'list', value: list, expiresAtMs });
    },

    async getList<T = JsonValue>(key: string): Promise<T[]> {
      const entry = live(key);
      if (entry === undefined || entry.kind !== 'list') return [];
      return cloneJson(entry.value as JsonValue) as T[];
    },

    async shiftFromList<T = JsonValue>(key: string): Promise<T | undefined> {
      const entry = live(key);
      if (entry === undefined || entry.kind !== 'list') return undefined;
      const list = entry.value as JsonValue[];
      const first = list.shift();
      if (list.length === 0) entries.delete(key);
      return first as T | undefined;
    },

    async acquireLock(key: string, lockOptions: LockOptions): Promise<StateLock | null> {
      if (live(key) !== undefined) return null;
      const token = randomToken();
      const expiresAtMs = expiry(lockOptions.ttlMs);
      write(key, { kind: 'lock', value: token, expiresAtMs });
      return { key, token, expiresAtMs };
    },

    async extendLock(lock: StateLock, lockOptions: LockOptions): Promise<boolean> {
      const entry = live(lock.key);
      if (entry === undefined || entry.kind !== 'lock' || entry.value !== lock.token) return false;
      entry.expiresAtMs = expiry(lockOptions.ttlMs);
      lock.expiresAtMs = entry.expiresAtMs;
      return true;
    },

    async releaseLock(lock: StateLock): Promise<boolean> {
      const entry = live(lock.key);
      if (entry === undefined || entry.kind !== 'lock' || entry.value !== lock.token) return false;
      entries.delete(lock.key);
      return true;
    },

    async publish(channel: string, message: JsonValue): Promise<void> {
      const listeners = channels.get(channel);
      if (listeners === undefined) return;
      for (const listener of [...listeners]) {
        const copy = cloneJson(message);
        // Delivered asynchronously, like a real broker, so publishers never re-enter listeners.
        queueMicrotask(() => listener(copy));
      }
    },

    async subscribe(channel: string, listener: StateMessageListener): Promise<() => Promise<void>> {
      let listeners = channels.get(channel);
      if (listeners === undefined) {
        listeners = new Set();
        channels.set(channel, listeners);
      }
      const wrapped: StateMessageListener = (message) => listener(message);
      listeners.add(wrapped);
      return async () => {
        listeners.delete(wrapped);
        if (listeners.size === 0) channels.delete(channel);
      };
    },

    async consumeRateLimit(key: string, limitOptions: RateLimitOptions): Promise<RateLimitResult> {
      const at = now();
      const cost = limitOptions.cost ?? 1;
      const entry = live(key);
      const bucket: BucketState =
        entry?.kind === 'bucket'
          ? (entry.value as BucketState)
          : { tokens: limitOptions.burst, updatedAtMs: at };
      const refill = ((at - bucket.updatedAtMs) / 1000) * limitOptions.ratePerSecond;
      bucket.tokens = Math.min(limitOptions.burst, bucket.tokens + refill);
      bucket.updatedAtMs = at;
      const fullInMs = (limitOptions.burst / limitOptions.ratePerSecond) * 1000;
      write(key, { kind: 'bucket', value: bucket, expiresAtMs: at + fullInMs + 1000 });
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return { allowed: true, retryAfterMs: 0 };
      }
      const missing = cost - bucket.tokens;
      return {
        allowed: false,
        retryAfterMs: Math.ceil((missing / limitOptions.ratePerSecond) * 1000),
      };
    },

    size(): number {
      const at = now();
      let count = 0;
      for (const entry of entries.values()) if (entry.expiresAtMs > at) count += 1;
      return count;
    },
  };
  inProcessStates.add(state);
  return state;
}
