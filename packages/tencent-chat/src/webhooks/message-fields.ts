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

/** The optional fields every message result may have. */
interface OptionalMessageFields {
  clientIp?: string;
  platform?: string;
  chatbotPayload?: ChatbotPayload;
  messageId?: string;
  cloudCustomData?: string;
  eventTimeMs?: number;
}

/**
 * Sets the optional fields shared by every message result on `result`, leaving absent ones out
 * (no `undefined` values). Results are built as one object literal plus these assignments, not
 * from spreads: a webhook used to cost about ten conditional spreads (issue 11).
 */
function addOptionalFields(
  result: OptionalMessageFields,
  base: TencentWebhookBase,
  elements: ReadonlyArray<MessageElement>,
  body: {
    MsgId?: string | null | undefined;
    CloudCustomData?: string | null | undefined;
    EventTime?: number | null | undefined;
  },
): void {
  if (base.clientIp !== undefined) result.clientIp = base.clientIp;
  if (base.platform !== undefined) result.platform = base.platform;
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
  const elements = fromWireMessageBody(body.MsgBody);
  const result: TencentC2CMessageFields & { command: C } = {
    command,
    sdkAppId: base.sdkAppId,
    raw: base.raw,
    fromUserId: body.From_Account,
    toUserId: body.To_Account,
    sequence: body.MsgSeq,
    random: body.MsgRandom,
    timeSeconds: body.MsgTime,
    msgKey:
      body.MsgKey ??
      formatMsgKey({ sequence: body.MsgSeq, random: body.MsgRandom, timeSeconds: body.MsgTime }),
    elements,
    text: textOfElements(elements),
    onlineOnly: body.OnlineOnlyFlag === 1,
  };
  addOptionalFields(result, base, elements, body);
  if (body.SendMsgResult != null) result.sendResultCode = body.SendMsgResult;
  if (body.UnreadMsgNum != null) result.unreadCount = body.UnreadMsgNum;
  return result;
}

/** A `Bot.OnGroupMessage` or `Group.CallbackAfterSendMsg` result with its `command`. */
export function mapGroupMessage<C extends string>(
  body: BotGroupMessageCallback | GroupAfterSendCallback,
  base: TencentWebhookBase,
  command: C,
): TencentGroupMessageFields & { command: C } {
  const elements = fromWireMessageBody(body.MsgBody);
  const result: TencentGroupMessageFields & { command: C } = {
    command,
    sdkAppId: base.sdkAppId,
    raw: base.raw,
    groupId: body.GroupId,
    groupType: body.Type,
    fromUserId: body.From_Account,
    sequence: body.MsgSeq,
    random: body.Random,
    timeSeconds: body.MsgTime,
    elements,
    text: textOfElements(elements),
    onlineOnly: body.OnlineOnlyFlag === 1,
  };
  if (body.Operator_Account != null && body.Operator_Account !== '') {
    result.operatorUserId = body.Operator_Account;
  }
  addOptionalFields(result, base, elements, body);
  if (body.TopicId != null && body.TopicId !== '') result.topicId = body.TopicId;
  return result;
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
  return Object.assign(mapGroupMessage(body, base, 'bot.group-message'), {
    atRobotIds: body.AtRobots_Account ?? [],
  });
}
