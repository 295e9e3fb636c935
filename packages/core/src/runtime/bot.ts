import {
  AbortedError,
  IMBridgeError,
  isAbortError,
  isRetryableError,
  TimeoutError,
} from '../errors/errors.ts';
import { describeError, type Logger, type LogLevel, silentLogger } from '../logging/logger.ts';
import { TokenBucket } from '../pacer/token-bucket.ts';
import type { ChatAdapter, InboundMessage, InterruptInboundEvent } from '../spec/chat-adapter.ts';
import type {
  JsonValue,
  LanguageModel,
  ModelEvent,
  ModelMessage,
  ModelUsage,
} from '../spec/language-model.ts';
import type { StateAdapter, StateLock } from '../spec/state-adapter.ts';
import { memoryState } from '../state/memory-state.ts';
import { delay } from '../util/delay.ts';
import { type OverflowPolicy, ReplyWriter } from './reply-writer.ts';

/** How a conversation handles a message that arrives while a reply is running. */
export type ConcurrencyPolicy = 'queue' | 'interrupt';

/** History (multi-turn memory) settings. */
export interface HistoryOptions {
  /** Messages (user and assistant) kept per conversation. @default 20 */
  maxMessages?: number;
  /** Forget a conversation after this much silence, in milliseconds (sliding). @default 86_400_000 (24 h) */
  ttlMs?: number;
}

/** Streaming settings. */
export interface StreamingOptions {
  /** Minimum time between two updates of one reply. @default the adapter's `limits.minUpdateIntervalMs` */
  minIntervalMs?: number;
  /** Give up on a model that sends nothing for this long, in milliseconds. @default 30_000 */
  stallTimeoutMs?: number;
  /** Give up on a model whose first event takes longer than this. @default stallTimeoutMs */
  firstTokenTimeoutMs?: number;
  /** What to do when a reply outgrows the platform's size cap. @default 'split' */
  overflow?: OverflowPolicy;
  /** Appended to a reply stopped by the `stop` overflow policy. @default '…(reply too long, truncated)' */
  overflowNotice?: string;
  /** Retries of a retryable model error, only while no text has reached the user. @default 2 */
  maxRetries?: number;
  /** First retry delay in milliseconds (doubled each time, with jitter). @default 500 */
  retryDelayMs?: number;
}

/** Turn-lock settings. */
export interface LockSettings {
  /** Lock lifetime without a heartbeat, in milliseconds. @default 30_000 */
  ttlMs?: number;
  /** Heartbeat period while a reply runs, in milliseconds. @default ttlMs / 3 */
  heartbeatMs?: number;
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
  /** The model that writes the answers. */
  model: LanguageModel;
  /** Shared state. @default memoryState() (one process) */
  state?: StateAdapter;
  /** System instructions, fixed or per turn. */
  instructions?: string | ((context: TurnContext) => string | Promise<string>);
  /** Multi-turn memory; `false` sends only the newest message. */
  history?: HistoryOptions | false;
  /** Streaming and pacing. */
  streaming?: StreamingOptions;
  /** What happens to a message that arrives while a reply runs. @default 'queue' */
  concurrency?: ConcurrencyPolicy;
  /**
   * Decides whether to answer a message from a human. Default: direct messages always, group
   * messages only when they mention the bot. Bot senders are never answered.
   */
  shouldRespond?: (message: InboundMessage) => boolean | Promise<boolean>;
  /**
   * What the user sees when a reply fails. The error's detail goes to the logger only.
   * @default 'Sorry, something went wrong. Please try again later.'
   */
  errorMessage?: string | ((error: IMBridgeError, context: TurnContext) => string);
  /** Structured log entries. @default silent */
  logger?: Logger;
  /** How long a message id is remembered for dedupe, in milliseconds. @default 86_400_000 (24 h) */
  dedupeTtlMs?: number;
  /** Turn lock. */
  lock?: LockSettings;
  /** Prefix of every state key and channel. @default 'imbridge' */
  keyPrefix?: string;
}

/** Serverless context: hand background work to the platform so it outlives the response. */
export interface WebhookContext {
  /** e.g. Vercel/Cloudflare `waitUntil`. Without it, the process keeps the work alive. */
  waitUntil?(promise: Promise<unknown>): void;
}

/** A Web-standard webhook handler. */
export type WebhookHandler = (request: Request, context?: WebhookContext) => Promise<Response>;

/** A bot created by {@link createBot}. */
export interface Bot {
  /**
   * A handler for the adapter's webhook URL. The vendor is answered at once; the reply continues
   * in the background.
   */
  webhook(adapter: ChatAdapter): WebhookHandler;
  /** Resolves when no reply or queued message is being worked on (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Interrupts every running reply, waits for them, and stops listening for cancellations. */
  close(): Promise<void>;
}

interface QueueItem {
  message: InboundMessage;
  queuedAtMs: number;
}

interface CancelMessage {
  platform: string;
  conversationId?: string;
  replyId?: string;
  supersededBy?: string;
}

interface RunningTurn {
  platform: string;
  conversationId: string;
  messageIds: Set<string>;
  replyIds: Set<string>;
  controller: AbortController;
  interruptedBy: 'user' | 'newer-message' | 'shutdown' | undefined;
}

const DEFAULT_ERROR_MESSAGE = 'Sorry, something went wrong. Please try again later.';
const DAY_MS = 86_400_000;

function jsonResponse(status: number, body: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Creates the bot runtime: it turns an IM webhook into a streamed LLM answer, with dedupe,
 * per-conversation turn locks (queue or interrupt), multi-turn memory, interruption, error
 * messages, retries before the first token, and pacing under the platform's rate limits.
 *
 * @example
 * ```ts
 * const bot = createBot({ model, instructions: 'You are a helpful assistant.' });
 * const handler = bot.webhook(createTencentChatAdapter({ ... }));
 * // Node: serve handler; edge: export default { fetch: (request, env, context) => handler(request, context) }
 * ```
 */
export function createBot(options: BotOptions): Bot {
  const model = options.model;
  const state = options.state ?? memoryState();
  const logger = options.logger ?? silentLogger;
  const prefix = options.keyPrefix ?? 'imbridge';
  const history = options.history === false ? undefined : (options.history ?? {});
  const historyMax = history?.maxMessages ?? 20;
  const historyTtlMs = history?.ttlMs ?? DAY_MS;
  const streaming = options.streaming ?? {};
  const stallTimeoutMs = streaming.stallTimeoutMs ?? 30_000;
  const firstTokenTimeoutMs = streaming.firstTokenTimeoutMs ?? stallTimeoutMs;
  const maxRetries = streaming.maxRetries ?? 2;
  const retryDelayMs = streaming.retryDelayMs ?? 500;
  const policy: ConcurrencyPolicy = options.concurrency ?? 'queue';
  const dedupeTtlMs = options.dedupeTtlMs ?? DAY_MS;
  const lockTtlMs = options.lock?.ttlMs ?? 30_000;
  const heartbeatMs = options.lock?.heartbeatMs ?? Math.max(1, Math.floor(lockTtlMs / 3));
  const cancelChannel = `${prefix}:cancel`;

  const running = new Map<string, RunningTurn>();
  const runningByReply = new Map<string, RunningTurn>();
  const buckets = new WeakMap<ChatAdapter, TokenBucket>();
  const pending = new Set<Promise<unknown>>();
  let subscription: Promise<() => Promise<void>> | undefined;
  let closed = false;

  const log = (level: LogLevel, event: string, fields: Record<string, unknown>): void => {
    try {
      logger.log({ level, event, ...fields });
    } catch {
      // A broken logger must not break replies.
    }
  };

  const key = (kind: string, platform: string, id: string): string =>
    `${prefix}:${kind}:${platform}:${id}`;

  const onCancel = (raw: JsonValue): void => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
    const message = raw as unknown as CancelMessage;
    const turn =
      message.replyId !== undefined
        ? runningByReply.get(`${message.platform}\u0000${message.replyId}`)
        : message.conversationId !== undefined
          ? running.get(`${message.platform}\u0000${message.conversationId}`)
          : undefined;
    if (turn === undefined || turn.controller.signal.aborted) return;
    if (message.supersededBy !== undefined && turn.messageIds.has(message.supersededBy)) return;
    turn.interruptedBy = message.supersededBy !== undefined ? 'newer-message' : 'user';
    log('info', 'interrupted', {
      platform: turn.platform,
      conversationId: turn.conversationId,
      replyId: message.replyId,
      by: turn.interruptedBy,
    });
    turn.controller.abort(new AbortedError({ message: 'Reply interrupted' }));
  };

  const ensureSubscribed = (): Promise<() => Promise<void>> => {
    subscription ??= state.subscribe(cancelChannel, onCancel);
    return subscription;
  };

  const bucketFor = (adapter: ChatAdapter): TokenBucket => {
    let bucket = buckets.get(adapter);
    if (bucket === undefined) {
      bucket = new TokenBucket({
        ratePerSecond: adapter.limits.callsPerSecond,
        burst: adapter.limits.burst ?? adapter.limits.callsPerSecond,
      });
      buckets.set(adapter, bucket);
    }
    return bucket;
  };

  const track = (promise: Promise<unknown>, context: WebhookContext | undefined): void => {
    const guarded = promise.catch((error: unknown) => {
      log('error', 'background-failed', { error: describeError(error) });
    });
    pending.add(guarded);
    void guarded.finally(() => pending.delete(guarded));
    context?.waitUntil?.(guarded);
  };

  const resolveErrorMessage = (error: IMBridgeError, context: TurnContext): string => {
    const configured = options.errorMessage;
    if (typeof configured === 'function') {
      try {
        return configured(error, context);
      } catch {
        return DEFAULT_ERROR_MESSAGE;
      }
    }
    return configured ?? DEFAULT_ERROR_MESSAGE;
  };

  async function accept(
    adapter: ChatAdapter,
    message: InboundMessage,
  ): Promise<'queued' | 'skipped' | 'failed'> {
    const platform = adapter.platform;
    const conversationId = message.target.conversationId;
    log('debug', 'received', { platform, conversationId, messageId: message.id });
    if (message.sender.isBot) {
      log('debug', 'ignored', { platform, messageId: message.id, reason: 'bot-sender' });
      return 'skipped';
    }
    let respond: boolean;
    try {
      respond = options.shouldRespond
        ? await options.shouldRespond(message)
        : message.target.type === 'direct' || message.mentionsBot;
    } catch (error) {
      log('error', 'ignored', {
        platform,
        messageId: message.id,
        reason: 'should-respond-failed',
        error: describeError(error),
      });
      return 'skipped';
    }
    if (!respond) {
      log('debug', 'ignored', { platform, messageId: message.id, reason: 'not-addressed' });
      return 'skipped';
    }
    const seenKey = key('seen', platform, message.id);
    try {
      if (!(await state.setIfAbsent(seenKey, 1, { ttlMs: dedupeTtlMs }))) {
        log('info', 'deduped', { platform, conversationId, messageId: message.id });
        return 'skipped';
      }
    } catch (error) {
      log('error', 'enqueue-failed', {
        platform,
        messageId: message.id,
        error: describeError(error),
      });
      return 'failed';
    }
    try {
      const item: QueueItem = { message, queuedAtMs: Date.now() };
      await state.appendToList(
        key('queue', platform, conversationId),
        item as unknown as JsonValue,
        {
          ttlMs: DAY_MS,
        },
      );
    } catch (error) {
      // Not accepted: forget we saw it, so the vendor's redelivery is answered.
      await state.delete(seenKey).catch(() => undefined);
      log('error', 'enqueue-failed', {
        platform,
        messageId: message.id,
        error: describeError(error),
      });
      return 'failed';
    }
    log('info', 'queued', { platform, conversationId, messageId: message.id });
    if (policy === 'interrupt') {
      const cancel: CancelMessage = { platform, conversationId, supersededBy: message.id };
      await state.publish(cancelChannel, cancel as unknown as JsonValue).catch((error: unknown) => {
        log('warn', 'background-failed', { platform, error: describeError(error) });
      });
    }
    return 'queued';
  }

  async function interrupt(adapter: ChatAdapter, event: InterruptInboundEvent): Promise<void> {
    const cancel: CancelMessage = {
      platform: adapter.platform,
      conversationId: event.target.conversationId,
      ...(event.replyId !== undefined ? { replyId: event.replyId } : {}),
    };
    await state.publish(cancelChannel, cancel as unknown as JsonValue);
  }

  async function drain(adapter: ChatAdapter, conversationId: string): Promise<void> {
    const platform = adapter.platform;
    const lockKey = key('lock', platform, conversationId);
    const queueKey = key('queue', platform, conversationId);
    for (;;) {
      if (closed) return;
      const lock = await state.acquireLock(lockKey, { ttlMs: lockTtlMs });
      // Someone else holds the turn: they drain the queue after their reply.
      if (lock === null) return;
      try {
        for (;;) {
          const batch = await takeBatch(queueKey);
          const last = batch.at(-1);
          if (last === undefined) break;
          await runTurn(adapter, batch, lock);
          if (closed) return;
        }
      } finally {
        await state.releaseLock(lock).catch(() => false);
      }
      // A message may have been queued between our last look and the release.
      const remaining = await state.getList(queueKey);
      if (remaining.length === 0) return;
    }
  }

  async function takeBatch(queueKey: string): Promise<QueueItem[]> {
    const first = await state.shiftFromList<QueueItem>(queueKey);
    if (first === undefined) return [];
    const batch = [first];
    if (policy === 'interrupt') {
      for (;;) {
        const next = await state.shiftFromList<QueueItem>(queueKey);
        if (next === undefined) break;
        batch.push(next);
      }
    }
    return batch;
  }

  async function runTurn(adapter: ChatAdapter, batch: QueueItem[], lock: StateLock): Promise<void> {
    const platform = adapter.platform;
    const message = (batch.at(-1) as QueueItem).message;
    const conversationId = message.target.conversationId;
    const context: TurnContext = { message, platform };
    const historyKey = key('history', platform, conversationId);
    const providerStateKey = key('provider-state', platform, conversationId);
    const startedAtMs = Date.now();

    const turn: RunningTurn = {
      platform,
      conversationId,
      messageIds: new Set(batch.map((item) => item.message.id)),
      replyIds: new Set(),
      controller: new AbortController(),
      interruptedBy: undefined,
    };
    const turnKey = `${platform}\u0000${conversationId}`;
    running.set(turnKey, turn);

    const heartbeat = setInterval(() => {
      state.extendLock(lock, { ttlMs: lockTtlMs }).then(
        (held) => {
          if (!held && !turn.controller.signal.aborted) {
            log('warn', 'lock-lost', { platform, conversationId });
          }
        },
        (error: unknown) =>
          log('warn', 'lock-lost', { platform, conversationId, error: describeError(error) }),
      );
    }, heartbeatMs);

    try {
      // History: superseded messages (interrupt policy) and the newest one, then the window.
      let messages: ModelMessage[];
      let providerState: JsonValue | undefined;
      let instructions: string | undefined;
      try {
        if (history !== undefined) {
          for (const item of batch) {
            if (item !== batch.at(-1)) {
              log('info', 'superseded', { platform, conversationId, messageId: item.message.id });
            }
            await state.appendToList(
              historyKey,
              { role: 'user', content: item.message.text },
              { maxLength: historyMax, ttlMs: historyTtlMs },
            );
          }
          messages = await state.getList<ModelMessage>(historyKey);
          providerState = await state.get(providerStateKey);
        } else {
          messages = [{ role: 'user', content: message.text }];
        }
        instructions =
          typeof options.instructions === 'function'
            ? await options.instructions(context)
            : options.instructions;
      } catch (error) {
        // State or instructions failed: the user still hears back.
        log('error', 'turn-failed', {
          platform,
          conversationId,
          messageId: message.id,
          error: describeError(error),
        });
        await postErrorMessage(adapter, message, error);
        return;
      }

      log('info', 'reply-started', { platform, conversationId, messageId: message.id });
      const result = await streamReply({
        adapter,
        message,
        turn,
        messages,
        instructions,
        providerState,
        startedAtMs,
      });

      if (history !== undefined) {
        if (result.text.length > 0) {
          await state.appendToList(
            historyKey,
            { role: 'assistant', content: result.text },
            { maxLength: historyMax, ttlMs: historyTtlMs },
          );
        }
        if (result.providerState !== undefined) {
          await state.set(providerStateKey, result.providerState, { ttlMs: historyTtlMs });
        }
      }
      log(result.reason === 'error' ? 'warn' : 'info', 'reply-finished', {
        platform,
        conversationId,
        messageId: message.id,
        replyId: [...turn.replyIds].at(-1),
        reason: result.reason,
        interruptedBy: turn.interruptedBy,
        timeToFirstTokenMs:
          result.firstTokenAtMs === undefined ? undefined : result.firstTokenAtMs - startedAtMs,
        updateCount: result.updateCount,
        durationMs: Date.now() - startedAtMs,
        attempts: result.attempts,
        usage: result.usage,
      });
    } finally {
      clearInterval(heartbeat);
      running.delete(turnKey);
      for (const replyId of turn.replyIds) runningByReply.delete(`${platform}\u0000${replyId}`);
    }
  }

  interface StreamReplyInput {
    adapter: ChatAdapter;
    message: InboundMessage;
    turn: RunningTurn;
    messages: ModelMessage[];
    instructions: string | undefined;
    providerState: JsonValue | undefined;
    startedAtMs: number;
  }

  interface StreamReplyResult {
    reason: 'complete' | 'interrupted' | 'error';
    text: string;
    providerState: JsonValue | undefined;
    usage: ModelUsage | undefined;
    firstTokenAtMs: number | undefined;
    updateCount: number;
    attempts: number;
  }

  async function streamReply(input: StreamReplyInput): Promise<StreamReplyResult> {
    const { adapter, message, turn } = input;
    const platform = adapter.platform;
    const conversationId = message.target.conversationId;
    const turnSignal = turn.controller.signal;
    let platformFailure: unknown;
    let attemptController: AbortController | undefined;

    const writer = new ReplyWriter({
      adapter,
      message,
      bucket: bucketFor(adapter),
      minIntervalMs: streaming.minIntervalMs ?? adapter.limits.minUpdateIntervalMs,
      maxMessageBytes: adapter.limits.maxMessageBytes,
      overflow: streaming.overflow ?? 'split',
      overflowNotice: streaming.overflowNotice ?? '…(reply too long, truncated)',
      signal: turnSignal,
      onReplyId: (replyId) => {
        turn.replyIds.add(replyId);
        runningByReply.set(`${platform}\u0000${replyId}`, turn);
      },
      onRateLimited: (error, waitMs) =>
        log('warn', 'update-rate-limited', {
          platform,
          conversationId,
          waitMs,
          error: describeError(error),
        }),
      onFailure: (error) => {
        platformFailure ??= error;
        log('error', 'update-failed', { platform, conversationId, error: describeError(error) });
        attemptController?.abort(error);
      },
      onSplit: (segmentIndex) =>
        log('info', 'reply-split', { platform, conversationId, segmentIndex }),
    });

    let text = '';
    let providerState: JsonValue | undefined;
    let usage: ModelUsage | undefined;
    let firstTokenAtMs: number | undefined;
    let failure: unknown;
    let attempts = 0;
    let stoppedForLength = false;

    for (;;) {
      attempts += 1;
      const controller = new AbortController();
      attemptController = controller;
      const onTurnAbort = (): void => controller.abort(turnSignal.reason);
      if (turnSignal.aborted) controller.abort(turnSignal.reason);
      else turnSignal.addEventListener('abort', onTurnAbort, { once: true });
      const outcome = await consumeModel(
        controller,
        (event) => {
          if (event.type === 'finish') {
            providerState = event.providerState;
            usage = event.usage;
            return undefined;
          }
          firstTokenAtMs ??= Date.now();
          if (event.type === 'text-delta') {
            text += event.text;
            return writer.push(text, event.text);
          }
          text = event.text;
          return writer.push(text);
        },
        input,
      );
      turnSignal.removeEventListener('abort', onTurnAbort);

      if (outcome.kind === 'stopped') {
        stoppedForLength = true;
        log('info', 'reply-stopped', { platform, conversationId, reason: 'too-long' });
        break;
      }
      if (outcome.kind === 'done') break;
      if (turnSignal.aborted || platformFailure !== undefined) break;
      failure = outcome.error;
      const canRetry =
        firstTokenAtMs === undefined &&
        !writer.opened &&
        attempts <= maxRetries &&
        isRetryableError(failure);
      log(canRetry ? 'warn' : 'error', 'model-error', {
        platform,
        conversationId,
        messageId: message.id,
        attempt: attempts,
        willRetry: canRetry,
        error: describeError(failure),
      });
      if (!canRetry) break;
      const delayMs = retryDelayMs * 2 ** (attempts - 1) * (0.75 + Math.random() * 0.5);
      log('info', 'model-retry', { platform, conversationId, attempt: attempts + 1, delayMs });
      // An interrupt ends the wait; the loop then sees the aborted signal.
      await delay(delayMs, { signal: turnSignal }).catch(() => undefined);
      if (turnSignal.aborted) break;
      failure = undefined;
    }

    const reason: StreamReplyResult['reason'] = turnSignal.aborted
      ? 'interrupted'
      : platformFailure !== undefined || failure !== undefined
        ? 'error'
        : 'complete';
    const result = (): StreamReplyResult => ({
      reason,
      text,
      providerState,
      usage,
      firstTokenAtMs,
      updateCount: writer.callCount,
      attempts,
    });

    if (reason === 'complete' && text.length === 0 && !stoppedForLength) {
      failure = new IMBridgeError({
        message: 'The model returned an empty answer',
        code: 'empty-response',
      });
      log('error', 'model-error', {
        platform,
        conversationId,
        messageId: message.id,
        error: describeError(failure),
      });
      await sendError(adapter, message, failure, writer, text);
      return { ...result(), reason: 'error' };
    }
    if (reason === 'error') {
      await sendError(adapter, message, platformFailure ?? failure, writer, text);
      return result();
    }
    try {
      await writer.finish(text, reason);
    } catch (error) {
      log('error', 'update-failed', {
        platform,
        conversationId,
        final: true,
        error: describeError(error),
      });
      if (reason === 'complete') {
        await sendError(adapter, message, error, writer, text, true);
        return { ...result(), reason: 'error' };
      }
    }
    return result();
  }

  async function sendError(
    adapter: ChatAdapter,
    message: InboundMessage,
    error: unknown,
    writer: ReplyWriter,
    text: string,
    sinkDone = false,
  ): Promise<void> {
    const platform = adapter.platform;
    if (!sinkDone && writer.opened) {
      try {
        await writer.finish(text, 'error');
      } catch (finishError) {
        log('error', 'update-failed', {
          platform,
          conversationId: message.target.conversationId,
          final: true,
          error: describeError(finishError),
        });
      }
    }
    await postErrorMessage(adapter, message, error);
  }

  async function postErrorMessage(
    adapter: ChatAdapter,
    message: InboundMessage,
    error: unknown,
  ): Promise<void> {
    const platform = adapter.platform;
    const userMessage = resolveErrorMessage(IMBridgeError.from(error), { message, platform });
    try {
      await adapter.postError(message.target, userMessage);
    } catch (postError) {
      log('error', 'error-message-failed', {
        platform,
        conversationId: message.target.conversationId,
        error: describeError(postError),
      });
    }
  }

  type ConsumeOutcome = { kind: 'done' } | { kind: 'stopped' } | { kind: 'failed'; error: unknown };

  /**
   * Reads one model call to its end. Every event passes through `onEvent`; the loop stops at
   * once (without waiting for a model that ignores its signal) on abort, stall or failure.
   */
  async function consumeModel(
    controller: AbortController,
    onEvent: (
      event:
        | { type: 'text-delta'; text: string }
        | { type: 'text-replace'; text: string }
        | { type: 'finish'; providerState?: JsonValue; usage?: ModelUsage },
    ) => Promise<boolean> | boolean | undefined,
    input: StreamReplyInput,
  ): Promise<ConsumeOutcome> {
    const signal = controller.signal;
    // One listener per call; each step's promise is rejected through it on abort. (Racing every
    // step against one long-lived promise would pile up a reaction per chunk until the end.)
    let rejectStep: ((reason: unknown) => void) | undefined;
    const onAbort = (): void => rejectStep?.(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const nextStep = (source: AsyncIterator<ModelEvent>): Promise<IteratorResult<ModelEvent>> =>
      new Promise((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        rejectStep = reject;
        source.next().then(resolve, reject);
      });

    let lastEventAtMs = Date.now();
    let limitMs = firstTokenTimeoutMs;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const watch = (): void => {
      const remainingMs = lastEventAtMs + limitMs - Date.now();
      if (remainingMs <= 0) {
        controller.abort(
          new TimeoutError({
            message: `The model sent nothing for ${limitMs} ms`,
            timeoutMs: limitMs,
            phase:
              limitMs === firstTokenTimeoutMs && limitMs !== stallTimeoutMs
                ? 'first-token'
                : 'stall',
          }),
        );
        return;
      }
      watchdog = setTimeout(watch, remainingMs);
    };
    watchdog = setTimeout(watch, limitMs);

    let iterator: AsyncIterator<ModelEvent> | undefined;
    try {
      iterator = model
        .stream({
          messages: input.messages,
          ...(input.instructions !== undefined ? { instructions: input.instructions } : {}),
          user: input.message.sender.id,
          signal,
          metadata: {
            platform: input.adapter.platform,
            conversationId: input.message.target.conversationId,
            messageId: input.message.id,
            userId: input.message.sender.id,
          },
          ...(input.providerState !== undefined ? { providerState: input.providerState } : {}),
        })
        [Symbol.asyncIterator]();
      for (;;) {
        const step = await nextStep(iterator);
        rejectStep = undefined;
        lastEventAtMs = Date.now();
        limitMs = stallTimeoutMs;
        if (step.done) {
          log('warn', 'model-error', {
            platform: input.adapter.platform,
            reason: 'stream ended without a finish event',
          });
          return { kind: 'done' };
        }
        const event = step.value;
        switch (event.type) {
          case 'text-delta':
          case 'text-replace': {
            if (event.type === 'text-delta' && event.text.length === 0) break;
            const pushed = onEvent(event);
            const open =
              pushed === true || pushed === undefined
                ? true
                : pushed === false
                  ? false
                  : await pushed;
            if (!open) {
              controller.abort(new AbortedError({ message: 'Reply stopped: too long' }));
              return { kind: 'stopped' };
            }
            break;
          }
          case 'reasoning-delta':
            break;
          case 'finish':
            onEvent(event);
            return { kind: 'done' };
          case 'error':
            return { kind: 'failed', error: event.error };
          default:
            break;
        }
      }
    } catch (error) {
      if (signal.aborted) {
        const reason: unknown = signal.reason;
        return { kind: 'failed', error: TimeoutError.isInstance(reason) ? reason : error };
      }
      return { kind: 'failed', error: isAbortError(error) ? error : IMBridgeError.from(error) };
    } finally {
      clearTimeout(watchdog);
      rejectStep = undefined;
      signal.removeEventListener('abort', onAbort);
      if (iterator?.return !== undefined) {
        // Do not wait for a model that ignores its signal.
        void Promise.resolve()
          .then(() => iterator?.return?.())
          .catch(() => undefined);
      }
    }
  }

  return {
    webhook(adapter: ChatAdapter): WebhookHandler {
      return async (request, context) => {
        if (closed) return jsonResponse(503, { error: 'bot is shutting down' });
        try {
          await ensureSubscribed();
        } catch (error) {
          subscription = undefined;
          log('error', 'background-failed', { error: describeError(error) });
          return jsonResponse(503, { error: 'temporarily unavailable' });
        }
        let received: Awaited<ReturnType<ChatAdapter['receive']>>;
        try {
          received = await adapter.receive(request);
        } catch (error) {
          log('error', 'background-failed', {
            platform: adapter.platform,
            error: describeError(error),
          });
          return jsonResponse(500, { error: 'internal error' });
        }
        let failed = false;
        const conversations = new Set<string>();
        for (const event of received.events) {
          if (event.type === 'ignored') {
            log('debug', 'ignored', { platform: adapter.platform, reason: event.reason });
          } else if (event.type === 'interrupt') {
            try {
              await interrupt(adapter, event);
            } catch (error) {
              failed = true;
              log('error', 'background-failed', {
                platform: adapter.platform,
                error: describeError(error),
              });
            }
          } else {
            const status = await accept(adapter, event.message);
            if (status === 'queued') conversations.add(event.message.target.conversationId);
            else if (status === 'failed') failed = true;
          }
        }
        for (const conversationId of conversations) {
          track(drain(adapter, conversationId), context);
        }
        if (failed) return jsonResponse(503, { error: 'temporarily unavailable' });
        return received.response;
      };
    },

    async idle(): Promise<void> {
      while (pending.size > 0) {
        await Promise.all([...pending]);
      }
    },

    async close(): Promise<void> {
      closed = true;
      for (const turn of running.values()) {
        turn.interruptedBy = 'shutdown';
        turn.controller.abort(new AbortedError({ message: 'Bot closed' }));
      }
      while (pending.size > 0) await Promise.all([...pending]);
      if (subscription !== undefined) {
        const unsubscribe = await subscription.catch(() => undefined);
        subscription = undefined;
        await unsubscribe?.();
      }
    },
  };
}
