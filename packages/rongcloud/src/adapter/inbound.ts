import type { InboundEvent, InboundMessage, ReplyTarget } from '@imbridge/core';
import type { RongCloudMessagePayload, RongCloudWebhook } from '../webhooks/types.ts';

/** The reply target of a private chat between a user and a bot. */
export function privateTarget(botUserId: string, userId: string): ReplyTarget {
  return {
    conversationId: `private:${botUserId}:${userId}`,
    type: 'direct',
    userId,
    botId: botUserId,
  };
}

/**
 * The reply target of a group conversation with one bot: each bot of a group keeps its own
 * history and turn lock there.
 */
export function groupTarget(groupId: string, userId: string, botUserId: string): ReplyTarget {
  return {
    conversationId: `group:${groupId}:${botUserId}`,
    type: 'group',
    userId,
    groupId,
    botId: botUserId,
  };
}

/**
 * The id deliveries of one message share, for dedupe: RongCloud's message UID. Bot webhooks do
 * not document it (reference "Open questions"); without one, the sender and send time stand in,
 * and a message carrying neither cannot be deduplicated (a fresh id).
 */
function messageIdOf(webhook: Exclude<RongCloudWebhook, { kind: 'unknown' }>): string {
  if (webhook.messageId !== undefined) return webhook.messageId;
  if (webhook.sentAtMs !== undefined) {
    return `${webhook.botUserId}:${webhook.fromUserId}:${webhook.sentAtMs}`;
  }
  return crypto.randomUUID();
}

/**
 * Turns a verified webhook into the bot's events: a user's text message to one of the bots, or
 * an ignored event with its reason (bot senders, other bots, messages without text, group
 * messages that do not mention the bot, unknown events). RongCloud has no stop signal a user can
 * send to a streaming reply, so no interrupt events come from it.
 */
export function toInboundEvents(
  webhook: RongCloudWebhook,
  answers: (botUserId: string) => boolean,
  isBot: (userId: string) => boolean,
): InboundEvent<RongCloudMessagePayload>[] {
  if (webhook.kind === 'unknown') {
    return [{ type: 'ignored', reason: `unknown-event:${webhook.type}`, raw: webhook.raw }];
  }
  if (isBot(webhook.fromUserId))
    return [{ type: 'ignored', reason: 'bot-sender', raw: webhook.raw }];
  if (!answers(webhook.botUserId)) {
    return [{ type: 'ignored', reason: 'not-a-bot-of-this-adapter', raw: webhook.raw }];
  }
  const text = webhook.text?.trim() ?? '';
  if (text.length === 0) {
    return [{ type: 'ignored', reason: `no-text:${webhook.objectName}`, raw: webhook.raw }];
  }
  const target =
    webhook.kind === 'group-message'
      ? groupTarget(webhook.groupId, webhook.fromUserId, webhook.botUserId)
      : privateTarget(webhook.botUserId, webhook.fromUserId);
  const message: InboundMessage<RongCloudMessagePayload> = {
    id: messageIdOf(webhook),
    target,
    sender: { id: webhook.fromUserId, isBot: false },
    text,
    mentionsBot: webhook.kind === 'private-message' || webhook.mentionsBot,
    sentAtMs: webhook.sentAtMs,
    raw: webhook.raw as RongCloudMessagePayload,
  };
  return [{ type: 'message', message }];
}
