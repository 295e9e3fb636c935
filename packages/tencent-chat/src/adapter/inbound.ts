import type { InboundEvent, InboundMessage, ReplyTarget } from '@imbridge/core';
import type { TencentChatMessagePayload, TencentWebhook } from '../webhooks/types.ts';

/** Robot accounts start with this prefix. */
export const ROBOT_PREFIX = '@RBT#';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True for a robot account. */
export function isRobot(userId: string): boolean {
  return userId.startsWith(ROBOT_PREFIX);
}

function directTarget(robotId: string, userId: string): ReplyTarget {
  return { conversationId: `c2c:${robotId}:${userId}`, type: 'direct', userId, botId: robotId };
}

function groupTarget(groupId: string, userId: string, robotId: string): ReplyTarget {
  return { conversationId: `group:${groupId}`, type: 'group', userId, groupId, botId: robotId };
}

function stripMentions(text: string, robots: ReadonlyArray<string>): string {
  let stripped = text;
  for (const robot of robots)
    stripped = stripped.replace(new RegExp(`@${escapeRegExp(robot)}\\s*`, 'g'), '');
  return stripped.trim();
}

/**
 * Turns a verified webhook into the bot's events: a user's message to one of the robots, a
 * `src: 22` stop request (an interrupt of the reply it names), or an ignored event with its
 * reason (robot senders, other robots' messages, chatbot payloads, unknown commands).
 */
export function toInboundEvents(
  webhook: TencentWebhook,
  answers: (robotId: string) => boolean,
  robotIds: readonly string[] | undefined,
): InboundEvent<TencentChatMessagePayload>[] {
  switch (webhook.command) {
    case 'bot.c2c-message':
    case 'c2c.after-send': {
      const { fromUserId, toUserId } = webhook;
      if (isRobot(fromUserId))
        return [{ type: 'ignored', reason: 'robot-sender', raw: webhook.raw }];
      if (!answers(toUserId))
        return [{ type: 'ignored', reason: 'not-a-robot-of-this-bot', raw: webhook.raw }];
      const target = directTarget(toUserId, fromUserId);
      const sender = { id: fromUserId, isBot: false };
      const payload = webhook.chatbotPayload;
      if (payload?.kind === 'interrupt') {
        return [{ type: 'interrupt', target, replyId: payload.msgKey, sender, id: webhook.msgKey }];
      }
      if (payload !== undefined)
        return [{ type: 'ignored', reason: `chatbot-${payload.kind}`, raw: webhook.raw }];
      if (webhook.text.trim().length === 0)
        return [{ type: 'ignored', reason: 'no-text', raw: webhook.raw }];
      const message: InboundMessage<TencentChatMessagePayload> = {
        id: webhook.msgKey,
        target,
        sender,
        text: webhook.text,
        mentionsBot: true,
        sentAtMs: webhook.timeSeconds * 1000,
        raw: webhook.raw as TencentChatMessagePayload,
      };
      return [{ type: 'message', message }];
    }
    case 'bot.group-message':
    case 'group.after-send': {
      const { groupId, fromUserId } = webhook;
      if (isRobot(fromUserId))
        return [{ type: 'ignored', reason: 'robot-sender', raw: webhook.raw }];
      const sender = { id: fromUserId, isBot: false };
      const payload = webhook.chatbotPayload;
      if (payload?.kind === 'interrupt') {
        // A stop request names the reply; it does not @-mention the robot.
        const target: ReplyTarget = {
          conversationId: `group:${groupId}`,
          type: 'group',
          userId: fromUserId,
          groupId,
        };
        return [{ type: 'interrupt', target, replyId: payload.msgKey, sender }];
      }
      if (payload !== undefined)
        return [{ type: 'ignored', reason: `chatbot-${payload.kind}`, raw: webhook.raw }];
      const mentioned = (
        webhook.command === 'bot.group-message' ? webhook.atRobotIds : webhook.atUserIds
      ).filter(answers);
      const robotId = mentioned[0] ?? robotIds?.[0];
      if (robotId === undefined) return [{ type: 'ignored', reason: 'no-robot', raw: webhook.raw }];
      const target = groupTarget(groupId, fromUserId, robotId);
      const text = stripMentions(webhook.text, mentioned);
      if (text.length === 0) return [{ type: 'ignored', reason: 'no-text', raw: webhook.raw }];
      const message: InboundMessage<TencentChatMessagePayload> = {
        id: `${groupId}:${webhook.sequence}`,
        target,
        sender,
        text,
        mentionsBot: mentioned.length > 0,
        sentAtMs: webhook.timeSeconds * 1000,
        raw: webhook.raw as TencentChatMessagePayload,
      };
      return [{ type: 'message', message }];
    }
    case 'unknown':
      return [
        {
          type: 'ignored',
          reason: `unknown-command:${webhook.callbackCommand}`,
          raw: webhook.raw as TencentChatMessagePayload,
        },
      ];
  }
}
