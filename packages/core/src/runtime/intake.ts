import { describeError } from '../logging/logger.ts';
import type { ChatAdapter, InboundMessage, InterruptInboundEvent } from '../spec/chat-adapter.ts';
import type { JsonValue } from '../spec/language-model.ts';
import type { RuntimeContext } from './context.ts';
import { indexConversation } from './recovery.ts';
import type { QueueItem } from './turn-journal.ts';
import type { CancelMessage } from './turn-registry.ts';

/** What became of an inbound message. */
export type AcceptOutcome = 'queued' | 'skipped' | 'failed';

async function shouldAnswer(
  context: RuntimeContext,
  platform: string,
  message: InboundMessage,
): Promise<boolean> {
  if (message.sender.isBot) {
    context.log('debug', {
      event: 'ignored',
      platform,
      messageId: message.id,
      reason: 'bot-sender',
    });
    return false;
  }
  let respond: boolean;
  try {
    const decide = context.options.shouldRespond;
    respond = decide
      ? await decide(message)
      : message.target.type === 'direct' || message.mentionsBot;
  } catch (error) {
    context.log('error', {
      event: 'ignored',
      platform,
      messageId: message.id,
      reason: 'should-respond-failed',
      error: describeError(error),
    });
    return false;
  }
  if (!respond) {
    context.log('debug', {
      event: 'ignored',
      platform,
      messageId: message.id,
      reason: 'not-addressed',
    });
  }
  return respond;
}

/**
 * Accepts one inbound message: skips bots and unaddressed group messages, dedupes by message id
 * (atomic set-if-absent), and appends it to its conversation's queue. A message is only marked
 * seen once it is queued: if queuing fails the mark is removed, so the vendor's redelivery is
 * answered (decision 0003).
 */
export async function acceptMessage(
  context: RuntimeContext,
  adapter: ChatAdapter,
  message: InboundMessage,
): Promise<AcceptOutcome> {
  const platform = adapter.platform;
  const conversationId = message.target.conversationId;
  const fields = { platform, conversationId, messageId: message.id };
  context.log('debug', { event: 'received', ...fields });
  if (!(await shouldAnswer(context, platform, message))) return 'skipped';
  const { state } = context;
  const seenKey = context.key('seen', platform, message.id);
  try {
    if (!(await state.setIfAbsent(seenKey, 1, { ttlMs: context.settings.dedupeTtlMs }))) {
      context.log('info', { event: 'deduped', ...fields });
      return 'skipped';
    }
  } catch (error) {
    context.log('error', {
      event: 'enqueue-failed',
      platform,
      messageId: message.id,
      error: describeError(error),
    });
    return 'failed';
  }
  try {
    const item: QueueItem = { message, queuedAtMs: Date.now() };
    await state.appendToList(
      context.key('queue', platform, conversationId),
      item as unknown as JsonValue,
      { ttlMs: context.settings.turnRecordTtlMs },
    );
  } catch (error) {
    // Not accepted: forget we saw it, so the vendor's redelivery is answered.
    await state.delete(seenKey).catch(() => undefined);
    context.log('error', {
      event: 'enqueue-failed',
      platform,
      messageId: message.id,
      error: describeError(error),
    });
    return 'failed';
  }
  context.log('info', { event: 'queued', ...fields });
  await indexConversation(context, platform, conversationId);
  if (context.settings.policy === 'interrupt') {
    const cancel: CancelMessage = { platform, conversationId, supersededBy: message.id };
    await state
      .publish(context.cancelChannel, cancel as unknown as JsonValue)
      .catch((error: unknown) => {
        context.log('warn', {
          event: 'background-failed',
          platform,
          error: describeError(error),
        });
      });
  }
  return 'queued';
}

/** Publishes a user's stop request, so the instance running that reply aborts it. */
export async function publishInterrupt(
  context: RuntimeContext,
  adapter: ChatAdapter,
  event: InterruptInboundEvent,
): Promise<void> {
  const cancel: CancelMessage = {
    platform: adapter.platform,
    conversationId: event.target.conversationId,
  };
  if (event.replyId !== undefined) cancel.replyId = event.replyId;
  if (event.sender !== undefined) cancel.senderId = event.sender.id;
  await context.state.publish(context.cancelChannel, cancel as unknown as JsonValue);
}
