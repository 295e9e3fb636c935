import { AbortedError } from '../errors/errors.ts';
import { createLogEmitter, describeError } from '../logging/logger.ts';
import type { ChatAdapter, ReceiveResult } from '../spec/chat-adapter.ts';
import { isInProcessState, memoryState } from '../state/memory-state.ts';
import { checkInteger } from '../util/option-checks.ts';
import { textResponse } from '../util/text-response.ts';
import { createBucketLookup, type RuntimeContext } from './context.ts';
import { endHandoff, postMessage, startHandoff } from './conversation-actions.ts';
import { drainConversation } from './conversation-drain.ts';
import { createHookCaller } from './hooks.ts';
import { acceptMessage, publishInterrupt } from './intake.ts';
import type { Middleware } from './middleware.ts';
import {
  type Bot,
  type BotOptions,
  type CloseOptions,
  checkMiddleware,
  type HandlerContext,
  resolveBotSettings,
  type WebhookContext,
  type WebhookHandler,
} from './options.ts';
import { sweepConversations } from './recovery.ts';
import { inSpan } from './telemetry.ts';
import { withStateTimeouts } from './timed-state.ts';
import { prepareTools } from './tools.ts';
import { TurnRegistry } from './turn-registry.ts';

const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
/** After the deadline's abort, how long `close()` waits for the aborted calls to settle. */
const CLOSE_SETTLE_MS = 1_000;
/** Back-off of a conversation's drain after state failures: 0.5 s doubling to 30 s. */
const RESUME_FIRST_MS = 500;
const RESUME_MAX_MS = 30_000;
const SEPARATOR = '\u0000';

/** A timer that does not keep the process alive (where the runtime supports it). */
function unrefTimer<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

function jsonResponse(status: number, body: Record<string, string>): Response {
  return textResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Creates the bot runtime: it turns an IM webhook into a streamed LLM answer, with dedupe,
 * per-conversation turn locks (queue or interrupt), multi-turn memory, interruption, error
 * messages, and pacing under the platform's rate limits. Options are checked here: a wrong
 * option throws a `ValidationError` naming it, not a failure on the first webhook.
 *
 * The model owns its timeouts and its retries before the first token; the adapter's client owns
 * the retries of platform calls. The runtime retries neither (decision 0010).
 *
 * @throws {ValidationError} when an option is invalid.
 * @example
 * ```ts
 * const bot = createBot({ model, instructions: 'You are a helpful assistant.' });
 * const handler = bot.webhook(createTencentChatAdapter({ ... }));
 * // Node: serve handler; edge: export default { fetch: (request, env, context) => handler(request, context) }
 * ```
 */
export function createBot(options: BotOptions): Bot {
  const settings = resolveBotSettings(options);
  const log = createLogEmitter(options.logger);
  const prefix = settings.keyPrefix;
  const pending = new Set<Promise<unknown>>();
  const resumeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const failureCounts = new Map<string, number>();
  const sweepTimers = new Map<ChatAdapter, ReturnType<typeof setInterval>>();
  let subscription: Promise<() => Promise<void>> | undefined;
  let closed = false;

  /** Keeps background work until it settles (a failure is logged); returns it, never rejecting. */
  const track = (promise: Promise<unknown>, webhookContext?: WebhookContext): Promise<void> => {
    const guarded = promise.then(
      () => undefined,
      (error: unknown) => {
        log('error', { event: 'background-failed', error: describeError(error) });
      },
    );
    pending.add(guarded);
    void guarded.finally(() => pending.delete(guarded));
    webhookContext?.waitUntil?.(guarded);
    return guarded;
  };

  // One drain per conversation in this process. A drain started while one runs asks it to look
  // once more before it ends, so a turn whose lock lapsed during a long stall (the event loop
  // blocked past lock.ttlMs) is never run a second time by this same process's sweep.
  const draining = new Map<string, { again: boolean; done: Promise<void> }>();
  const startDrain = (
    adapter: ChatAdapter,
    conversationId: string,
    webhookContext?: WebhookContext,
  ): void => {
    const key = adapter.platform + SEPARATOR + conversationId;
    const active = draining.get(key);
    if (active !== undefined) {
      active.again = true;
      webhookContext?.waitUntil?.(active.done);
      return;
    }
    const entry = { again: false, done: Promise.resolve() };
    const run = async (): Promise<void> => {
      try {
        do {
          entry.again = false;
          await drainConversation(context, adapter, conversationId);
        } while (entry.again && !closed);
      } finally {
        draining.delete(key);
      }
    };
    draining.set(key, entry);
    entry.done = track(run(), webhookContext);
  };

  const resumeLater = (adapter: ChatAdapter, conversationId: string, delayMs: number): void => {
    if (closed) return;
    const key = adapter.platform + SEPARATOR + conversationId;
    if (resumeTimers.has(key)) return;
    const timer = setTimeout(() => {
      resumeTimers.delete(key);
      if (!closed) startDrain(adapter, conversationId);
    }, delayMs);
    resumeTimers.set(key, unrefTimer(timer));
  };

  const inProcessState = options.state === undefined || isInProcessState(options.state);
  // The built-in memory state cannot hang; a store over the network gets a timeout per call.
  const state =
    options.state === undefined
      ? memoryState()
      : inProcessState
        ? options.state
        : withStateTimeouts(options.state, settings.stateTimeoutMs);
  const key: RuntimeContext['key'] = (kind, platform, id) => `${prefix}:${kind}:${platform}:${id}`;
  const context: RuntimeContext = {
    options,
    settings,
    model: options.model,
    state,
    log,
    hook: createHookCaller(options.hooks, log),
    tools: prepareTools(options.tools),
    middleware: [...(options.middleware ?? [])],
    turns: new TurnRegistry(log),
    cancelChannel: `${prefix}:cancel`,
    key,
    // Instances on one shared store share each adapter's budget there too (decision 0014).
    bucketFor: createBucketLookup(
      inProcessState || options.sharedRateLimit === false ? undefined : { state, key, log },
    ),
    get closed() {
      return closed;
    },
    resumeLater,
    retryLater(adapter, conversationId) {
      const key = adapter.platform + SEPARATOR + conversationId;
      const failures = failureCounts.get(key) ?? 0;
      failureCounts.set(key, failures + 1);
      const delayMs = Math.min(RESUME_MAX_MS, RESUME_FIRST_MS * 2 ** failures);
      resumeLater(adapter, conversationId, delayMs);
      return delayMs;
    },
    resetRetries(platform, conversationId) {
      if (failureCounts.size > 0) failureCounts.delete(platform + SEPARATOR + conversationId);
    },
    finishedRecords: new Map(),
    ephemeralState: options.state === undefined,
  };

  const ensureSubscribed = (): Promise<() => Promise<void>> => {
    subscription ??= context.state.subscribe(context.cancelChannel, (message) =>
      context.turns.onCancel(message),
    );
    return subscription;
  };

  /**
   * Starts the recovery sweep of an adapter: now, then every `recovery.intervalMs`. Called when
   * the webhook handler is made and again on every webhook: edge runtimes (Cloudflare Workers)
   * refuse timers outside a request, so there it starts with the first webhook.
   */
  const watch = (adapter: ChatAdapter): void => {
    if (closed || settings.recoveryIntervalMs === 0 || sweepTimers.has(adapter)) return;
    const sweep = (): void => {
      if (closed) return;
      track(
        sweepConversations(context, adapter, (conversationId) =>
          startDrain(adapter, conversationId),
        ),
      );
    };
    try {
      sweepTimers.set(adapter, unrefTimer(setInterval(sweep, settings.recoveryIntervalMs)));
      unrefTimer(setTimeout(sweep, 0));
    } catch {
      // Timers are not allowed here (a Worker's global scope): the first webhook starts them.
    }
  };

  const defaultWebhookContext: WebhookContext | undefined =
    options.waitUntil === undefined ? undefined : { waitUntil: options.waitUntil };

  async function handle(
    adapter: ChatAdapter,
    request: Request,
    handlerContext: HandlerContext | undefined,
  ): Promise<Response> {
    const webhookContext =
      handlerContext !== undefined && 'waitUntil' in handlerContext
        ? (handlerContext as WebhookContext)
        : defaultWebhookContext;
    if (closed) return jsonResponse(503, { error: 'bot is shutting down' });
    watch(adapter);
    try {
      await ensureSubscribed();
    } catch (error) {
      subscription = undefined;
      log('error', { event: 'subscribe-failed', error: describeError(error) });
      return jsonResponse(503, { error: 'temporarily unavailable' });
    }
    let received: ReceiveResult;
    try {
      received = await adapter.receive(request);
    } catch (error) {
      log('error', {
        event: 'webhook-failed',
        platform: adapter.platform,
        error: describeError(error),
      });
      return jsonResponse(500, { error: 'internal error' });
    }
    let failed = false;
    const conversations = new Set<string>();
    for (const event of received.events) {
      if (event.type === 'ignored') {
        log('debug', { event: 'ignored', platform: adapter.platform, reason: event.reason });
      } else if (event.type === 'interrupt') {
        try {
          await publishInterrupt(context, adapter, event);
        } catch (error) {
          failed = true;
          log('error', {
            event: 'background-failed',
            platform: adapter.platform,
            error: describeError(error),
          });
        }
      } else {
        const outcome = await acceptMessage(context, adapter, event.message);
        if (outcome === 'queued') conversations.add(event.message.target.conversationId);
        else if (outcome === 'failed') failed = true;
      }
    }
    for (const conversationId of conversations) {
      startDrain(adapter, conversationId, webhookContext);
    }
    if (failed) return jsonResponse(503, { error: 'temporarily unavailable' });
    return received.response;
  }

  const waitForPending = async (deadlineMs: number): Promise<boolean> => {
    while (pending.size > 0) {
      const leftMs = deadlineMs - Date.now();
      if (leftMs <= 0) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), leftMs);
      });
      const settled = await Promise.race([Promise.all([...pending]), timedOut]);
      clearTimeout(timer);
      if (settled === 'timeout') return false;
    }
    return true;
  };

  return {
    webhook(adapter: ChatAdapter): WebhookHandler {
      watch(adapter);
      const telemetry = options.telemetry;
      if (telemetry === undefined) {
        return (request, webhookContext) => handle(adapter, request, webhookContext);
      }
      return (request, webhookContext) =>
        inSpan(
          telemetry,
          'imbridge.webhook',
          { 'imbridge.platform': adapter.platform },
          async (span) => {
            const response = await handle(adapter, request, webhookContext);
            span?.setAttributes({ 'http.response.status_code': response.status });
            return response;
          },
        );
    },

    use(...middleware: Middleware[]) {
      context.middleware.push(...checkMiddleware(middleware, 'use'));
      return this;
    },

    post(adapter, target, text, postOptions = {}) {
      return postMessage(context, adapter, target, text, postOptions.signal);
    },

    handoff(adapter, conversationId, handoffOptions) {
      return startHandoff(context, adapter.platform, conversationId, handoffOptions);
    },

    resume(adapter, conversationId, resumeOptions) {
      return endHandoff(context, adapter.platform, conversationId, resumeOptions);
    },

    async idle(): Promise<void> {
      while (pending.size > 0) {
        await Promise.all([...pending]);
      }
    },

    async close(closeOptions: CloseOptions = {}): Promise<void> {
      const timeoutMs =
        closeOptions.timeoutMs === undefined
          ? DEFAULT_CLOSE_TIMEOUT_MS
          : checkInteger(closeOptions.timeoutMs, { owner: 'close', name: 'timeoutMs' }, { min: 0 });
      const deadlineMs = Date.now() + timeoutMs;
      closed = true;
      for (const timer of sweepTimers.values()) clearInterval(timer);
      sweepTimers.clear();
      for (const timer of resumeTimers.values()) clearTimeout(timer);
      resumeTimers.clear();
      context.turns.abortAll();
      if (!(await waitForPending(deadlineMs))) {
        // Past the deadline: stop the platform calls still running. Their turns stay in state.
        for (const turn of context.turns.running()) {
          turn.platformController.abort(new AbortedError({ message: 'Bot closed: deadline' }));
        }
        await waitForPending(Date.now() + CLOSE_SETTLE_MS);
      }
      if (subscription !== undefined) {
        const unsubscribe = await subscription.catch(() => undefined);
        subscription = undefined;
        await unsubscribe?.().catch(() => undefined);
      }
    },
  };
}
