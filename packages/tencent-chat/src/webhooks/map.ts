import { ValidationError, type ValidationIssue } from '@imbridge/core';
import type { z } from 'zod';
import { type ChatbotPayload, decodeChatbotPayload, formatMsgKey } from '../chatbot/payload.ts';
import { fromWireMessageBody, type MessageElement, textOfElements } from '../messages/elements.ts';
import type {
  TencentC2CMessageFields,
  TencentGroupMessageFields,
  TencentWebhook,
  TencentWebhookBase,
} from './types.ts';
import {
  type BotGroupMessageCallback,
  botGroupMessageCallbackSchema,
  type C2CMessageCallback,
  CALLBACK_COMMANDS,
  c2cMessageCallbackSchema,
  type GroupAfterSendCallback,
  groupAfterSendCallbackSchema,
} from './wire-schemas.ts';

export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    message: issue.message,
  }));
}

function invalidPayload(callbackCommand: string, error: z.ZodError): ValidationError {
  return new ValidationError({
    code: 'invalid-payload',
    message: `The ${callbackCommand} webhook body does not have the expected shape`,
    issues: toIssues(error),
  });
}

function firstChatbotPayload(elements: ReadonlyArray<MessageElement>): ChatbotPayload | undefined {
  for (const element of elements) {
    if (element.type !== 'custom') continue;
    const payload = decodeChatbotPayload(element.data);
    if (payload !== undefined) return payload;
  }
  return undefined;
}

/** Optional fields shared by every message result, without `undefined` values. */
function messageExtras(body: {
  MsgId?: string | null | undefined;
  CloudCustomData?: string | null | undefined;
  EventTime?: number | null | undefined;
}): { messageId?: string; cloudCustomData?: string; eventTimeMs?: number } {
  return {
    ...(body.MsgId != null && body.MsgId !== '' ? { messageId: body.MsgId } : {}),
    ...(body.CloudCustomData != null && body.CloudCustomData !== ''
      ? { cloudCustomData: body.CloudCustomData }
      : {}),
    ...(body.EventTime != null ? { eventTimeMs: body.EventTime } : {}),
  };
}

function elementsAndText(body: { MsgBody: C2CMessageCallback['MsgBody'] }): {
  elements: MessageElement[];
  text: string;
  chatbotPayload?: ChatbotPayload;
} {
  const elements = fromWireMessageBody(body.MsgBody);
  const chatbotPayload = firstChatbotPayload(elements);
  return {
    elements,
    text: textOfElements(elements),
    ...(chatbotPayload !== undefined ? { chatbotPayload } : {}),
  };
}

function mapC2CMessage(
  body: C2CMessageCallback,
  base: TencentWebhookBase,
): TencentC2CMessageFields {
  return {
    ...base,
    fromUserId: body.From_Account,
    toUserId: body.To_Account,
    sequence: body.MsgSeq,
    random: body.MsgRandom,
    timeSeconds: body.MsgTime,
    msgKey:
      body.MsgKey ??
      formatMsgKey({ sequence: body.MsgSeq, random: body.MsgRandom, timeSeconds: body.MsgTime }),
    ...elementsAndText(body),
    ...messageExtras(body),
    onlineOnly: body.OnlineOnlyFlag === 1,
    ...(body.SendMsgResult != null ? { sendResultCode: body.SendMsgResult } : {}),
    ...(body.UnreadMsgNum != null ? { unreadCount: body.UnreadMsgNum } : {}),
  };
}

function mapGroupMessage(
  body: BotGroupMessageCallback | GroupAfterSendCallback,
  base: TencentWebhookBase,
): TencentGroupMessageFields {
  return {
    ...base,
    groupId: body.GroupId,
    groupType: body.Type,
    fromUserId: body.From_Account,
    ...(body.Operator_Account != null && body.Operator_Account !== ''
      ? { operatorUserId: body.Operator_Account }
      : {}),
    sequence: body.MsgSeq,
    random: body.Random,
    timeSeconds: body.MsgTime,
    ...elementsAndText(body),
    ...messageExtras(body),
    onlineOnly: body.OnlineOnlyFlag === 1,
    ...(body.TopicId != null && body.TopicId !== '' ? { topicId: body.TopicId } : {}),
  };
}

function mapGroupAtInfo(body: GroupAfterSendCallback): { atUserIds: string[]; atAll: boolean } {
  const atUserIds: string[] = [];
  let atAll = false;
  for (const entry of body.GroupAtInfo ?? []) {
    if (entry.GroupAtAllFlag === 1) atAll = true;
    else if (entry.GroupAt_Account != null && entry.GroupAt_Account !== '') {
      atUserIds.push(entry.GroupAt_Account);
    }
  }
  return { atUserIds, atAll };
}

export function dispatch(
  callbackCommand: string,
  body: unknown,
  base: TencentWebhookBase,
): TencentWebhook {
  switch (callbackCommand) {
    case CALLBACK_COMMANDS.botC2CMessage:
    case CALLBACK_COMMANDS.c2cAfterSend: {
      const parsed = c2cMessageCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      const fields = mapC2CMessage(parsed.data, base);
      return callbackCommand === CALLBACK_COMMANDS.botC2CMessage
        ? { command: 'bot.c2c-message', ...fields }
        : { command: 'c2c.after-send', ...fields };
    }
    case CALLBACK_COMMANDS.botGroupMessage: {
      const parsed = botGroupMessageCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      return {
        command: 'bot.group-message',
        ...mapGroupMessage(parsed.data, base),
        atRobotIds: parsed.data.AtRobots_Account ?? [],
      };
    }
    case CALLBACK_COMMANDS.groupAfterSend: {
      const parsed = groupAfterSendCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      return {
        command: 'group.after-send',
        ...mapGroupMessage(parsed.data, base),
        ...mapGroupAtInfo(parsed.data),
      };
    }
    default:
      return { command: 'unknown', callbackCommand, ...base };
  }
}
