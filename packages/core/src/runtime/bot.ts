import { createLogEmitter, describeError } from '../logging/logger.ts';
import type { ChatAdapter, ReceiveResult } from '../spec/chat-adapter.ts';
import { memoryState } from '../state/memory-state.ts';
import { createBucketLookup, type RuntimeContext } from './context.ts';
import { acceptMessage, publishInterrupt } from './intake.ts';
import {
  type Bot,
  type BotOptions,
  resolveBotSettings,
  type WebhookContext,
  type WebhookHandler,
} from './options.ts';
import { TurnRegistry } from './turn-registry.ts';
import { drainConversation } from './turn-runner.ts';

function jsonResponse(status: number, body: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
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
  let subscription: Promise<() => Promise<void>> | undefined;
  let closed = false;

  const context: RuntimeContext = {
    options,
    settings,
    model: options.model,
    state: options.state ?? memoryState(),
    log,
    turns: new TurnRegistry(log),
    cancelChannel: `${prefix}:cancel`,
    key: (kind, platform, id) => `${prefix}:${kind}:${platform}:${id}`,
    bucketFor: createBucketLookup(),
    get closed() {
      return closed;
    },
  };

  const ensureSubscribed = (): Promise<() => Promise<void>> => {
    subscription ??= context.state.subscribe(context.cancelChannel, (message) =>
      context.turns.onCancel(message),
    );
    return subscription;
  };

  const track = (promise: Promise<unknown>, webhookContext: WebhookContext | undefined): void => {
    const guarded = promise.catch((error: unknown) => {
      log('error', { event: 'background-failed', error: describeError(error) });
    });
    pending.add(guarded);
    void guarded.finally(() => pending.delete(guarded));
    webhookContext?.waitUntil?.(guarded);
  };

  async function handle(
    adapter: ChatAdapter,
    request: Request,
    webhookContext: WebhookContext | undefined,
  ): Promise<Response> {
    if (closed) return jsonResponse(503, { error: 'bot is shutting down' });
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
      track(drainConversation(context, adapter, conversationId), webhookContext);
    }
    if (failed) return jsonResponse(503, { error: 'temporarily unavailable' });
    return received.response;
  }

  return {
    webhook(adapter: ChatAdapter): WebhookHandler {
      return (request, webhookContext) => handle(adapter, request, webhookContext);
    },

    async idle(): Promise<void> {
      while (pending.size > 0) {
        await Promise.all([...pending]);
      }
    },

    async close(): Promise<void> {
      closed = true;
      context.turns.abortAll();
      while (pending.size > 0) await Promise.all([...pending]);
      if (subscription !== undefined) {
        const unsubscribe = await subscription.catch(() => undefined);
        subscription = undefined;
        await unsubscribe?.();
      }
    },
  };
}
