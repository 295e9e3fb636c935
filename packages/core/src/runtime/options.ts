import type { IMBridgeError } from '../errors/errors.ts';
import type { LoggerOption } from '../logging/logger.ts';
import type { ChatAdapter, InboundMessage, PostResult, ReplyTarget } from '../spec/chat-adapter.ts';
import type { LanguageModel } from '../spec/language-model.ts';
import type { StateAdapter } from '../spec/state-adapter.ts';
import {
  checkInteger,
  checkNonEmptyString,
  checkOneOf,
  optionError,
} from '../util/option-checks.ts';
import type { BotHooks } from './hooks.ts';
import type { HandoffOptions, Middleware } from './middleware.ts';
import type { OverflowPolicy } from './reply-writer.ts';
import type { TelemetryOptions } from './telemetry.ts';
import type { ToolSet } from './tools.ts';

/** How a conversation handles a message that arrives while a reply is running. */
export type ConcurrencyPolicy = 'queue' | 'interrupt';

/** History (multi-turn memory) settings. */
export interface HistoryOptions {
  /** Messages (user and assistant) kept per conversation. @default 20 */
  maxMessages?: number | undefined;
  /** Forget a conversation after this much silence, in milliseconds (sliding). @default 86_400_000 (24 h) */
  ttlMs?: number | undefined;
}

/**
 * Streaming settings. Timeouts and retries of the model call are the model's own (see
 * `@imbridge/llm`'s `timeoutMs`, `firstTokenTimeoutMs`, `stallTimeoutMs` and `retry`): the
 * runtime neither retries a model nor runs a second set of timers.
 */
export interface StreamingOptions {
  /** Minimum time between two updates of one reply. @default the adapter's `limits.minUpdateIntervalMs` */
  minIntervalMs?: number | undefined;
  /** What to do when a reply outgrows the platform's size cap. @default 'split' */
  overflow?: OverflowPolicy | undefined;
  /** Appended to a reply stopped by the `stop` overflow policy. @default '…(reply too long, truncated)' */
  overflowNotice?: string | undefined;
}

/** Turn-lock settings. */
export interface LockSettings {
  /** Lock lifetime without a heartbeat, in milliseconds. @default 30_000 */
  ttlMs?: number | undefined;
  /** Heartbeat period while a reply runs, in milliseconds. @default ttlMs / 3 */
  heartbeatMs?: number | undefined;
}

/** What {@link BotOptions.instructions} and {@link BotOptions.errorMessage} functions receive. */
export interface TurnContext {
  /** The message being answered. */
  message: InboundMessage;
  /** The adapter's platform id. */
  platform: string;
}

/** Options of {@link createBot}. */
export interface BotOptions {
  /** The model that writes the answers (it owns its timeouts and retries). */
  model: LanguageModel;
  /** Shared state. @default memoryState() (one process) */
  state?: StateAdapter | undefined;
  /** System instructions, fixed or per turn. */
  instructions?: string | ((context: TurnContext) => string | Promise<string>) | undefined;
  /** Multi-turn memory; `false` sends only the newest message. */
  history?: HistoryOptions | false | undefined;
  /** Streaming and pacing. */
  streaming?: StreamingOptions | undefined;
  /** What happens to a message that arrives while a reply runs. @default 'queue' */
  concurrency?: ConcurrencyPolicy | undefined;
  /**
   * Decides whether to answer a message from a human. Default: direct messages always, group
   * messages only when they mention the bot. Bot senders are never answered.
   */
  shouldRespond?: ((message: InboundMessage) => boolean | Promise<boolean>) | undefined;
  /**
   * What the user sees when a reply fails. The error's detail goes to the logger only.
   * @default 'Sorry, something went wrong. Please try again later.'
   */
  errorMessage?: string | ((error: IMBridgeError, context: TurnContext) => string) | undefined;
  /**
   * Where the runtime logs: console, pino, winston or any `{ debug, info, warn, error }` logger;
   * `false` for silence. @default warnings and errors to the console
   */
  logger?: LoggerOption;
  /** How long a message id is remembered for dedupe, in milliseconds. @default 86_400_000 (24 h) */
  dedupeTtlMs?: number | undefined;
  /** Turn lock. */
  lock?: LockSettings | undefined;
  /** Prefix of every state key and channel. @default 'imbridge' */
  keyPrefix?: string | undefined;
  /**
   * Longest wait for one state call, in milliseconds. A hung store fails the call (logged as
   * `state-failed`); the conversation's queued work resumes on a timer, so it never blocks a
   * conversation or `close()`. @default 5_000
   */
  stateTimeoutMs?: number | undefined;
  /**
   * Appended (after a blank line) to a reply cut short by `close()` or by a crashed instance,
   * when it is finished. @default '(The answer was cut short because the service restarted. Please ask again.)'
   */
  shutdownNotice?: string | undefined;
  /**
   * Taking over turns of crashed or closed instances on the same state: every `intervalMs` the
   * bot looks for conversations with queued messages or an open reply whose turn lock expired,
   * and finishes or answers them. `false` turns the sweep off (queued work then waits for the
   * conversation's next message). @default { intervalMs: lock.ttlMs }
   */
  recovery?: { intervalMs?: number | undefined } | false | undefined;
  /**
   * Shares each adapter's reply budget (`limits.callsPerSecond`, and `openCallsPerSecond` when
   * set) among every instance on the same state, through `StateAdapter.consumeRateLimit`: N
   * instances together stay within the vendor's app-wide limit instead of N times it. Each
   * instance still paces its own calls too. A failing store is logged (`state-failed`,
   * operation `rate-limit`) and replies go on, paced per instance. Has no effect on the
   * in-process `memoryState()`, which is not shared.
   * @default true
   */
  sharedRateLimit?: boolean | undefined;
  /**
   * Message handlers, run in order before the default answer (the model). Each can answer
   * itself, call `next()`, or wrap what follows. More can be added with `bot.use()`.
   */
  middleware?: Middleware[] | undefined;
  /**
   * Tools the model may call (`v2` models; see `tool()`). The runtime validates the arguments,
   * runs the tool with the turn's abort signal, sends the result back and calls the model again,
   * at most `maxSteps` times per answer. A `v1` model with tools is refused at creation.
   */
  tools?: ToolSet | undefined;
  /** Most model calls per answer when tools are used (the last one may not call tools). @default 5 */
  maxSteps?: number | undefined;
  /** Lifecycle hooks: reply started and finished, tool calls, errors. */
  hooks?: BotHooks | undefined;
  /** OpenTelemetry spans (webhook, turn, model call, tool call, vendor call). Off without it. */
  telemetry?: TelemetryOptions | undefined;
  /**
   * What the model vendor learns of the end user's id (`ModelRequest.user` and
   * `metadata.userId`): `'send'` the platform's id, `'hash'` a SHA-256 pseudonym (salted with
   * `endUserIdSalt`: stable per user, not reversible without the salt), `'drop'` nothing.
   * @default 'send'
   */
  endUserId?: 'send' | 'hash' | 'drop' | undefined;
  /** Salt of `endUserId: 'hash'`. Keep it secret and stable. @default keyPrefix */
  endUserIdSalt?: string | undefined;
  /**
   * Hands the work that outlives a webhook's response (the reply) to the platform when the
   * handler is not given a `waitUntil`: Next.js `after` from `next/server`, or `waitUntil` from
   * `@vercel/functions`. Called during the request. A handler's own `{ waitUntil }` wins.
   */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
}

/** Options of {@link Bot.close}. */
export interface CloseOptions {
  /**
   * Longest time `close()` takes, in milliseconds. Open replies are finished with the
   * `shutdownNotice` within it; platform calls still running at the deadline are aborted and the
   * turn stays in state for another instance to finish. @default 10_000
   */
  timeoutMs?: number | undefined;
}

/** Serverless context: hand background work to the platform so it outlives the response. */
export interface WebhookContext {
  /** e.g. Vercel/Cloudflare `waitUntil`, or Next.js `after`. Without it, the process keeps the work alive. */
  waitUntil?(promise: Promise<unknown>): void;
}

/**
 * What a handler accepts as its second argument: a {@link WebhookContext} (a Worker's
 * `ExecutionContext` is one), or the per-request context of a Next.js App Router route handler
 * (`{ params }`), whose members are ignored: a `route.ts` passes its `(request, context)` on as
 * they are (with `createBot({ waitUntil: after })` for the background work).
 */
export type HandlerContext = WebhookContext | { readonly params?: unknown };

/**
 * A Web-standard request handler: what every imbridge server part is (the bot's webhook, the
 * OpenAI-compatible endpoint of `@imbridge/llm`), and what `toNodeListener` serves on Node.
 */
export type RequestHandler = (request: Request, context?: HandlerContext) => Promise<Response>;

/** The bot's webhook handler: a {@link RequestHandler}. */
export type WebhookHandler = RequestHandler;

/** A bot created by {@link createBot}. */
export interface Bot {
  /**
   * A handler for the adapter's webhook URL. The vendor is answered at once; the reply continues
   * in the background.
   */
  webhook(adapter: ChatAdapter): WebhookHandler;
  /** Resolves when no reply or queued message is being worked on (tests, graceful shutdown). */
  idle(): Promise<void>;
  /**
   * Shuts the bot down within `timeoutMs`: webhooks are answered 503 (the vendor redelivers
   * them), every model call stops, replies already shown are finished with the `shutdownNotice`,
   * and messages whose reply had not started stay in state, for the next instance on that state
   * to answer (decision 0011). Stops the recovery sweep and the cancel subscription.
   */
  close(options?: CloseOptions): Promise<void>;
  /** Adds message handlers after those of `BotOptions.middleware`. Returns the bot. */
  use(...middleware: Middleware[]): Bot;
  /**
   * Sends a message on the bot's own initiative (a script, a scheduler), within the adapter's
   * rate budget, and records it in the conversation's history so the model knows it next turn.
   */
  post(
    adapter: ChatAdapter,
    target: ReplyTarget,
    text: string,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<PostResult>;
  /**
   * A human takes the conversation over: the bot stops answering it (messages are still kept in
   * history, handlers still run) until `durationMs` passes or {@link Bot.resume}.
   */
  handoff(adapter: ChatAdapter, conversationId: string, options?: HandoffOptions): Promise<void>;
  /** Ends a handoff: the bot answers the conversation again. */
  resume(
    adapter: ChatAdapter,
    conversationId: string,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<void>;
}

/** {@link BotOptions} checked, with defaults filled in. */
export interface BotSettings {
  historyMaxMessages: number;
  historyTtlMs: number;
  /** False when `history: false`. */
  historyEnabled: boolean;
  minIntervalMs: number | undefined;
  overflow: OverflowPolicy;
  overflowNotice: string;
  policy: ConcurrencyPolicy;
  dedupeTtlMs: number;
  lockTtlMs: number;
  heartbeatMs: number;
  keyPrefix: string;
  stateTimeoutMs: number;
  shutdownNotice: string;
  /** 0 when the recovery sweep is off. */
  recoveryIntervalMs: number;
  /** TTL of queues, turn records and the conversation index. */
  turnRecordTtlMs: number;
  maxSteps: number;
  endUserId: 'send' | 'hash' | 'drop';
  endUserIdSalt: string;
}

const DAY_MS = 86_400_000;
const DEFAULT_SHUTDOWN_NOTICE =
  '(The answer was cut short because the service restarted. Please ask again.)';
const OWNER = 'createBot';

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  return value === undefined ? fallback : checkInteger(value, { owner: OWNER, name }, { min: 1 });
}

/**
 * Checks {@link BotOptions} when the bot is created (not on the first webhook) and fills in the
 * defaults. Throws a `ValidationError` that names the option and the value received.
 */
export function resolveBotSettings(options: BotOptions): BotSettings {
  const model: unknown = options.model;
  if (
    typeof model !== 'object' ||
    model === null ||
    typeof (model as { stream?: unknown }).stream !== 'function'
  ) {
    throw optionError(
      { owner: OWNER, name: 'model' },
      'a LanguageModel (an object with stream())',
      model,
    );
  }
  if (
    options.tools !== undefined &&
    Object.keys(options.tools).length > 0 &&
    (model as LanguageModel).specificationVersion === 'v1'
  ) {
    throw optionError(
      { owner: OWNER, name: 'tools' },
      'used with a v2 model (this model implements LanguageModel v1, without tool calling)',
      Object.keys(options.tools).join(', '),
    );
  }
  const history = options.history === false ? undefined : (options.history ?? {});
  const streaming = options.streaming ?? {};
  const lockTtlMs = positiveInteger(options.lock?.ttlMs, 'lock.ttlMs', 30_000);
  const heartbeatMs = positiveInteger(
    options.lock?.heartbeatMs,
    'lock.heartbeatMs',
    Math.max(1, Math.floor(lockTtlMs / 3)),
  );
  if (heartbeatMs >= lockTtlMs) {
    throw optionError(
      { owner: OWNER, name: 'lock.heartbeatMs' },
      `shorter than lock.ttlMs (${lockTtlMs})`,
      heartbeatMs,
    );
  }
  const keyPrefix =
    options.keyPrefix === undefined
      ? 'imbridge'
      : checkNonEmptyString(options.keyPrefix, { owner: OWNER, name: 'keyPrefix' });
  if (options.middleware !== undefined) checkMiddleware(options.middleware, 'middleware');
  if (options.waitUntil !== undefined && typeof options.waitUntil !== 'function') {
    throw optionError({ owner: OWNER, name: 'waitUntil' }, 'a function', options.waitUntil);
  }
  return {
    historyEnabled: history !== undefined,
    historyMaxMessages: positiveInteger(history?.maxMessages, 'history.maxMessages', 20),
    historyTtlMs: positiveInteger(history?.ttlMs, 'history.ttlMs', DAY_MS),
    minIntervalMs:
      streaming.minIntervalMs === undefined
        ? undefined
        : checkInteger(
            streaming.minIntervalMs,
            { owner: OWNER, name: 'streaming.minIntervalMs' },
            { min: 0 },
          ),
    overflow:
      streaming.overflow === undefined
        ? 'split'
        : checkOneOf(streaming.overflow, { owner: OWNER, name: 'streaming.overflow' }, [
            'split',
            'stop',
          ]),
    overflowNotice: streaming.overflowNotice ?? '…(reply too long, truncated)',
    policy:
      options.concurrency === undefined
        ? 'queue'
        : checkOneOf(options.concurrency, { owner: OWNER, name: 'concurrency' }, [
            'queue',
            'interrupt',
          ]),
    dedupeTtlMs: positiveInteger(options.dedupeTtlMs, 'dedupeTtlMs', DAY_MS),
    lockTtlMs,
    heartbeatMs,
    keyPrefix,
    stateTimeoutMs: positiveInteger(options.stateTimeoutMs, 'stateTimeoutMs', 5_000),
    shutdownNotice:
      options.shutdownNotice === undefined
        ? DEFAULT_SHUTDOWN_NOTICE
        : checkNonEmptyString(options.shutdownNotice, { owner: OWNER, name: 'shutdownNotice' }),
    recoveryIntervalMs:
      options.recovery === false
        ? 0
        : positiveInteger(options.recovery?.intervalMs, 'recovery.intervalMs', lockTtlMs),
    turnRecordTtlMs: DAY_MS,
    maxSteps: positiveInteger(options.maxSteps, 'maxSteps', 5),
    endUserId:
      options.endUserId === undefined
        ? 'send'
        : checkOneOf(options.endUserId, { owner: OWNER, name: 'endUserId' }, [
            'send',
            'hash',
            'drop',
          ]),
    endUserIdSalt:
      options.endUserIdSalt === undefined
        ? keyPrefix
        : checkNonEmptyString(options.endUserIdSalt, {
            owner: OWNER,
            name: 'endUserIdSalt',
            secret: true,
          }),
  };
}

/** Checks a list of handlers (`middleware` option, `bot.use`). */
export function checkMiddleware(middleware: unknown, name: string): Middleware[] {
  if (!Array.isArray(middleware)) {
    throw optionError({ owner: OWNER, name }, 'an array of functions', middleware);
  }
  middleware.forEach((handler, index) => {
    if (typeof handler !== 'function') {
      throw optionError({ owner: OWNER, name: `${name}[${index}]` }, 'a function', handler);
    }
  });
  return middleware as Middleware[];
}
