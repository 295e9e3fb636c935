import { describeError } from '../logging/logger.ts';
import type { ChatAdapter, PostResult, ReplyTarget } from '../spec/chat-adapter.ts';
import type { JsonValue } from '../spec/language-model.ts';
import { checkInteger } from '../util/option-checks.ts';
import type { RuntimeContext } from './context.ts';
import type { HandoffOptions } from './middleware.ts';
import { inSpan } from './telemetry.ts';

/** Default of {@link HandoffOptions.durationMs}: 30 minutes. */
const DEFAULT_HANDOFF_MS = 30 * 60_000;

/** What a handoff record holds. */
interface HandoffRecord {
  untilMs: number;
}

function handoffKey(context: RuntimeContext, platform: string, conversationId: string): string {
  return context.key('handoff', platform, conversationId);
}

/**
 * Sends a plain message within the adapter's rate budget (the opening calls' bucket, and the
 * budget shared by every instance on a shared state) and records it in the conversation's
 * history as the assistant's. A failure to record is logged; the message was delivered.
 */
export async function postMessage(
  context: RuntimeContext,
  adapter: ChatAdapter,
  target: ReplyTarget,
  text: string,
  signal?: AbortSignal | undefined,
): Promise<PostResult> {
  if (typeof text !== 'string' || text.length === 0) {
    throw new TypeError('post: text must be a non-empty string');
  }
  const platform = adapter.platform;
  const conversationId = target.conversationId;
  const buckets = context.bucketFor(adapter);
  const result = await inSpan(
    context.options.telemetry,
    'imbridge.vendor',
    { 'imbridge.platform': platform, 'imbridge.vendor.call': 'post' },
    async () => {
      await buckets.open.take(signal);
      await buckets.shared?.take('open', signal);
      return adapter.post(target, text, { signal });
    },
  );
  context.log('info', { event: 'posted', platform, conversationId, replyId: result.id });
  await saveAssistantMessage(context, { platform, conversationId }, text, undefined);
  return result;
}

/**
 * Adds what the bot said to the conversation's history (and the model's `providerState`, when
 * given). A failure is logged (`state-failed`, `history-write`): the message was delivered.
 */
export async function saveAssistantMessage(
  context: RuntimeContext,
  where: { platform: string; conversationId: string },
  text: string,
  providerState: JsonValue | undefined,
): Promise<void> {
  const { state, settings } = context;
  if (!settings.historyEnabled) return;
  const { platform, conversationId } = where;
  try {
    if (text.length > 0) {
      await state.appendToList(
        context.key('history', platform, conversationId),
        { role: 'assistant', content: text },
        { maxLength: settings.historyMaxMessages, ttlMs: settings.historyTtlMs },
      );
    }
    if (providerState !== undefined) {
      await state.set(context.key('provider-state', platform, conversationId), providerState, {
        ttlMs: settings.historyTtlMs,
      });
    }
  } catch (error) {
    context.log('warn', {
      event: 'state-failed',
      ...where,
      operation: 'history-write',
      error: describeError(error),
    });
  }
}

/** Starts a handoff: the default answer is skipped in the conversation until it ends. */
export async function startHandoff(
  context: RuntimeContext,
  platform: string,
  conversationId: string,
  options: HandoffOptions = {},
): Promise<void> {
  const durationMs =
    options.durationMs === undefined
      ? DEFAULT_HANDOFF_MS
      : checkInteger(options.durationMs, { owner: 'handoff', name: 'durationMs' }, { min: 1 });
  options.signal?.throwIfAborted();
  const record: HandoffRecord = { untilMs: Date.now() + durationMs };
  await context.state.set(
    handoffKey(context, platform, conversationId),
    { ...record },
    {
      ttlMs: durationMs,
    },
  );
  context.log('info', { event: 'handoff-started', platform, conversationId, durationMs });
}

/** Ends a handoff (nothing happens when there is none). */
export async function endHandoff(
  context: RuntimeContext,
  platform: string,
  conversationId: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  await context.state.delete(handoffKey(context, platform, conversationId));
  context.log('info', { event: 'handoff-ended', platform, conversationId });
}

/**
 * True while the conversation is handed off. A state failure is logged and counts as not handed
 * off (the bot answers rather than staying silent by accident).
 */
export async function isHandedOff(
  context: RuntimeContext,
  platform: string,
  conversationId: string,
): Promise<boolean> {
  try {
    const value = await context.state.get(handoffKey(context, platform, conversationId));
    if (typeof value !== 'object' || value === null) return false;
    const untilMs = (value as Partial<HandoffRecord>).untilMs;
    return typeof untilMs === 'number' && untilMs > Date.now();
  } catch (error) {
    context.log('warn', {
      event: 'state-failed',
      platform,
      conversationId,
      operation: 'handoff-read',
      error: describeError(error),
    });
    return false;
  }
}
