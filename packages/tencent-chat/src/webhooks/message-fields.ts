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
  const { clientIp, platform } = query;
  return {
    sdkAppId: query.sdkAppId,
    ...(clientIp !== undefined && clientIp !== '' ? { clientIp } : {}),
    ...(platform !== undefined && platform !== '' ? { platform } : {}),
    raw: json,
  };
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

/** The fields of a `Bot.OnC2CMessage` or `C2C.CallbackAfterSendMsg` result. */
export function mapC2CMessage(
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

/** The fields of a `Bot.OnGroupMessage` or `Group.CallbackAfterSendMsg` result. */
export function mapGroupMessage(
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

/** The result of a checked `Bot.OnC2CMessage` body. */
export function toBotC2CWebhook(
  body: C2CMessageCallback,
  base: TencentWebhookBase,
): TencentBotC2CMessageWebhook {
  return { command: 'bot.c2c-message', ...mapC2CMessage(body, base) };
}

/** The result of a checked `Bot.OnGroupMessage` body. */
export function toBotGroupWebhook(
  body: BotGroupMessageCallback,
  base: TencentWebhookBase,
): TencentBotGroupMessageWebhook {
  return {
    command: 'bot.group-message',
    ...mapGroupMessage(body, base),
    atRobotIds: body.AtRobots_Account ?? [],
  };
}
