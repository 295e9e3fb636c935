/**
 * Maps checked message callback bodies to imbridge's webhook results. Free of zod: both the
 * zod decoder (`decode.ts`, `map.ts`) and the hand-checked robot path (`bot-decode.ts`) build
 * their results here, so the two cannot drift apart.
 *
 * @internal
 * @module
 */
import { type ChatbotPayload, decodeChatbotPayload, formatMsgKey } from '../chatbot/payload.ts';
import { fromWireMessageBody, type MessageElement, textOfElements } from '../messages/elements.ts';
import type {
  TencentBotC2CMessageWebhook,
  TencentBotGroupMessageWebhook,
  TencentC2CMessageFields,
  TencentGroupMessageFields,
  TencentWebhookBase,
} from './types.ts';
import type {
  BotGroupMessageCallback,
  C2CMessageCallback,
  GroupAfterSendCallback,
} from './wire-schemas.ts';

/** What the webhook URL says besides the signature, read by the parser. */
export interface WebhookQuery {
  /** The configured SDKAppID, already checked against the URL's `SdkAppid`. */
  sdkAppId: number;
  /** `CallbackCommand` of the URL, used when the body names none. */
  callbackCommand: string | undefined;
  /** `ClientIP` of the URL. */
  clientIp: string | undefined;
  /** `OptPlatform` of the URL. */
  platform: string | undefined;
}

/** The fields every result carries: the query's app, IP and platform, and the whole body. */
export function webhookBase(
  json: Readonly<Record<string, unknown>>,
  query: WebhookQuery,
): TencentWebhookBase {
  const base: TencentWebhookBase = { sdkAppId: query.sdkAppId, raw: json };
  if (query.clientIp !== undefined && query.clientIp !== '') base.clientIp = query.clientIp;
  if (query.platform !== undefined && query.platform !== '') base.platform = query.platform;
  return base;
}

function firstChatbotPayload(elements: ReadonlyArray<MessageElement>): ChatbotPayload | undefined {
  for (const element of elements) {
    if (element.type !== 'custom') continue;
    const payload = decodeChatbotPayload(element.data);
    if (payload !== undefined) return payload;
  }
  return undefined;
}

/** The fields every message result has; written onto one object, without spreads (issue 11). */
interface MessageResultFields {
  elements: MessageElement[];
  text: string;
  chatbotPayload?: ChatbotPayload;
  messageId?: string;
  cloudCustomData?: string;
  eventTimeMs?: number;
}

/** A new result object: `command`, then the base's fields. */
function startResult(command: string, base: TencentWebhookBase): Record<string, unknown> {
  const result: Record<string, unknown> = { command, sdkAppId: base.sdkAppId };
  if (base.clientIp !== undefined) result.clientIp = base.clientIp;
  if (base.platform !== undefined) result.platform = base.platform;
  result.raw = base.raw;
  return result;
}

/** Elements, text, chatbot payload and the optional ids shared by every message result. */
function addMessageFields(
  result: Partial<MessageResultFields>,
  body: {
    MsgBody: C2CMessageCallback['MsgBody'];
    MsgId?: string | null | undefined;
    CloudCustomData?: string | null | undefined;
    EventTime?: number | null | undefined;
  },
): void {
  const elements = fromWireMessageBody(body.MsgBody);
  result.elements = elements;
  result.text = textOfElements(elements);
  const chatbotPayload = firstChatbotPayload(elements);
  if (chatbotPayload !== undefined) result.chatbotPayload = chatbotPayload;
  if (body.MsgId != null && body.MsgId !== '') result.messageId = body.MsgId;
  if (body.CloudCustomData != null && body.CloudCustomData !== '') {
    result.cloudCustomData = body.CloudCustomData;
  }
  if (body.EventTime != null) result.eventTimeMs = body.EventTime;
}

/** A `Bot.OnC2CMessage` or `C2C.CallbackAfterSendMsg` result with its `command`. */
export function mapC2CMessage<C extends string>(
  body: C2CMessageCallback,
  base: TencentWebhookBase,
  command: C,
): TencentC2CMessageFields & { command: C } {
  const result = startResult(command, base);
  result.fromUserId = body.From_Account;
  result.toUserId = body.To_Account;
  result.sequence = body.MsgSeq;
  result.random = body.MsgRandom;
  result.timeSeconds = body.MsgTime;
  result.msgKey =
    body.MsgKey ??
    formatMsgKey({ sequence: body.MsgSeq, random: body.MsgRandom, timeSeconds: body.MsgTime });
  addMessageFields(result as Partial<MessageResultFields>, body);
  result.onlineOnly = body.OnlineOnlyFlag === 1;
  if (body.SendMsgResult != null) result.sendResultCode = body.SendMsgResult;
  if (body.UnreadMsgNum != null) result.unreadCount = body.UnreadMsgNum;
  return result as unknown as TencentC2CMessageFields & { command: C };
}

/** A `Bot.OnGroupMessage` or `Group.CallbackAfterSendMsg` result with its `command`. */
export function mapGroupMessage<C extends string>(
  body: BotGroupMessageCallback | GroupAfterSendCallback,
  base: TencentWebhookBase,
  command: C,
): TencentGroupMessageFields & { command: C } {
  const result = startResult(command, base);
  result.groupId = body.GroupId;
  result.groupType = body.Type;
  result.fromUserId = body.From_Account;
  if (body.Operator_Account != null && body.Operator_Account !== '') {
    result.operatorUserId = body.Operator_Account;
  }
  result.sequence = body.MsgSeq;
  result.random = body.Random;
  result.timeSeconds = body.MsgTime;
  addMessageFields(result as Partial<MessageResultFields>, body);
  result.onlineOnly = body.OnlineOnlyFlag === 1;
  if (body.TopicId != null && body.TopicId !== '') result.topicId = body.TopicId;
  return result as unknown as TencentGroupMessageFields & { command: C };
}

/** The result of a checked `Bot.OnC2CMessage` body. */
export function toBotC2CWebhook(
  body: C2CMessageCallback,
  base: TencentWebhookBase,
): TencentBotC2CMessageWebhook {
  return mapC2CMessage(body, base, 'bot.c2c-message');
}

/** The result of a checked `Bot.OnGroupMessage` body. */
export function toBotGroupWebhook(
  body: BotGroupMessageCallback,
  base: TencentWebhookBase,
): TencentBotGroupMessageWebhook {
  const result = mapGroupMessage(body, base, 'bot.group-message') as TencentBotGroupMessageWebhook;
  result.atRobotIds = body.AtRobots_Account ?? [];
  return result;
}
