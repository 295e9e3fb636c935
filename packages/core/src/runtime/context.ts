import type { LogEmitter } from '../logging/logger.ts';
import { TokenBucket } from '../pacer/token-bucket.ts';
import type { ChatAdapter } from '../spec/chat-adapter.ts';
import type { LanguageModel } from '../spec/language-model.ts';
import type { StateAdapter } from '../spec/state-adapter.ts';
import type { BotOptions, BotSettings } from './options.ts';
import type { TurnRegistry } from './turn-registry.ts';

/** What the parts of one bot share: its options, state, log, running turns and rate buckets. */
export interface RuntimeContext {
  readonly options: BotOptions;
  readonly settings: BotSettings;
  readonly model: LanguageModel;
  readonly state: StateAdapter;
  readonly log: LogEmitter;
  readonly turns: TurnRegistry;
  /** The state channel cancel messages travel on. */
  readonly cancelChannel: string;
  /** A state key: `<prefix>:<kind>:<platform>:<id>`. */
  key(kind: string, platform: string, id: string): string;
  /** The app-wide token buckets of an adapter (one set per adapter object). */
  bucketFor(adapter: ChatAdapter): AdapterBuckets;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /**
   * Drains the conversation again after `delayMs` (a state call failed, or the lock is held by
   * an instance that may have died). One timer per conversation; none after `close()`.
   */
  resumeLater(adapter: ChatAdapter, conversationId: string, delayMs: number): void;
  /** {@link resumeLater} after a state failure, with a back-off per conversation; the delay. */
  retryLater(adapter: ChatAdapter, conversationId: string): number;
  /** Forgets a conversation's state failures (its drain completed). */
  resetRetries(platform: string, conversationId: string): void;
  /**
   * True with the built-in `memoryState()`: the state dies with the process, so nothing can be
   * handed back at `close()` — the users waiting are told instead (the shutdown notice).
   */
  readonly ephemeralState: boolean;
  /** Turn records this process finished but could not delete (the key, its `startedAtMs`). */
  readonly finishedRecords: Map<string, number>;
}

/** The app-wide buckets of one adapter. */
export interface AdapterBuckets {
  /** Calls that change an open reply message (and open it too, without `open`'s own budget). */
  update: TokenBucket;
  /** Calls that open a reply message (the same bucket as `update` unless the adapter splits). */
  open: TokenBucket;
}

/** Builds the per-adapter bucket lookup: Tencent counts its 200 calls/s per app, not per chat. */
export function createBucketLookup(): (adapter: ChatAdapter) => AdapterBuckets {
  const buckets = new WeakMap<ChatAdapter, AdapterBuckets>();
  return (adapter) => {
    let found = buckets.get(adapter);
    if (found === undefined) {
      const { limits } = adapter;
      const update = new TokenBucket({
        ratePerSecond: limits.callsPerSecond,
        burst: limits.burst ?? limits.callsPerSecond,
      });
      const open =
        limits.openCallsPerSecond === undefined
          ? update
          : new TokenBucket({
              ratePerSecond: limits.openCallsPerSecond,
              burst: limits.openBurst ?? limits.openCallsPerSecond,
            });
      found = { update, open };
      buckets.set(adapter, found);
    }
    return found;
  };
}
