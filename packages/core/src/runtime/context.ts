import { describeError, type LogEmitter } from '../logging/logger.ts';
import { SharedRateBudget } from '../pacer/shared-budget.ts';
import { TokenBucket } from '../pacer/token-bucket.ts';
import type { ChatAdapter } from '../spec/chat-adapter.ts';
import type { LanguageModel } from '../spec/language-model.ts';
import type { StateAdapter } from '../spec/state-adapter.ts';
import type { HookCaller } from './hooks.ts';
import type { Middleware } from './middleware.ts';
import type { BotOptions, BotSettings } from './options.ts';
import type { PreparedTools } from './tools.ts';
import type { TurnRegistry } from './turn-registry.ts';

/** What the parts of one bot share: its options, state, log, running turns and rate buckets. */
export interface RuntimeContext {
  readonly options: BotOptions;
  readonly settings: BotSettings;
  readonly model: LanguageModel;
  readonly state: StateAdapter;
  readonly log: LogEmitter;
  /** Calls the lifecycle hooks (never throws, never waits). */
  readonly hook: HookCaller;
  /** The bot's tools, checked and described once; none without tools. */
  readonly tools: PreparedTools | undefined;
  /** Handlers run in order before the default answer (`BotOptions.middleware` and `bot.use`). */
  readonly middleware: Middleware[];
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
  /** The same budgets shared by every instance, when the state is shared (not in-process). */
  shared: SharedRateBudget | undefined;
}

/** Where the budgets shared by every instance live (the bot's state and its key scheme). */
export interface SharedBudgetSettings {
  state: StateAdapter;
  key: RuntimeContext['key'];
  log: LogEmitter;
}

/**
 * Builds the per-adapter bucket lookup: Tencent counts its 200 calls/s per app, not per chat.
 * With `shared`, each adapter also gets a {@link SharedRateBudget} in the state under
 * `<prefix>:rate:<platform>:open|update`, so all instances together stay within its limits.
 */
export function createBucketLookup(
  shared?: SharedBudgetSettings | undefined,
): (adapter: ChatAdapter) => AdapterBuckets {
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
      found = { update, open, shared: shared && sharedBudget(shared, adapter) };
      buckets.set(adapter, found);
    }
    return found;
  };
}

/** Logs a failing shared budget at most once a minute per adapter (the calls go on locally). */
const STORE_FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * The burst of a shared bucket: 50 ms worth of calls (at least 1). Calls of several instances
 * reach the vendor with more jitter than one process's, and a bucket's whole second of burst on
 * top of its rate would let any one second see nearly twice the vendor's limit; with this one,
 * every second stays within the rate plus 5 %.
 */
function sharedBurst(ratePerSecond: number, burst: number | undefined): number {
  return Math.max(1, Math.min(burst ?? ratePerSecond, Math.round(ratePerSecond / 20)));
}

function sharedBudget(settings: SharedBudgetSettings, adapter: ChatAdapter): SharedRateBudget {
  const { limits, platform } = adapter;
  const update = {
    ratePerSecond: limits.callsPerSecond,
    burst: sharedBurst(limits.callsPerSecond, limits.burst),
  };
  const open =
    limits.openCallsPerSecond === undefined
      ? update
      : {
          ratePerSecond: limits.openCallsPerSecond,
          burst: sharedBurst(limits.openCallsPerSecond, limits.openBurst),
        };
  // Without a separate opening budget both kinds spend one shared bucket, as they do locally.
  const openKey = limits.openCallsPerSecond === undefined ? 'update' : 'open';
  let loggedAtMs = Number.NEGATIVE_INFINITY;
  return new SharedRateBudget({
    state: settings.state,
    keys: {
      open: settings.key('rate', platform, openKey),
      update: settings.key('rate', platform, 'update'),
    },
    limits: { open, update },
    onError: (error) => {
      const nowMs = Date.now();
      if (nowMs - loggedAtMs < STORE_FAILURE_LOG_INTERVAL_MS) return;
      loggedAtMs = nowMs;
      settings.log('warn', {
        event: 'state-failed',
        platform,
        operation: 'rate-limit',
        error: describeError(error),
      });
    },
  });
}
