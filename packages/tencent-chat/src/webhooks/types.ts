import type { ChatbotPayload } from '../chatbot/payload.ts';
import type { MessageElement } from '../messages/elements.ts';

/**
 * The JSON body of a robot message callback as Tencent sends it: the Tencent adapter's
 * `InboundMessage.raw` (typed in handlers through `ctx.from(adapter)`). The fields the adapter
 * reads are typed; every other field of the body is there too.
 */
export interface TencentChatMessagePayload {
  /** `Bot.OnC2CMessage` or `Bot.OnGroupMessage`. */
  readonly CallbackCommand?: string;
  /** The sender. */
  readonly From_Account?: string;
  /** The receiver of a one-to-one message (the robot). */
  readonly To_Account?: string;
  /** The group of a group message. */
  readonly GroupId?: string;
  /** The robots a group message @-mentions. */
  readonly AtRobots_Account?: ReadonlyArray<string>;
  /** Message sequence number. */
  readonly MsgSeq?: number;
  /** Random number of a one-to-one message. */
  readonly MsgRandom?: number;
  /** Random number of a group message. */
  readonly Random?: number;
  /** Message time, unix seconds. */
  readonly MsgTime?: number;
  /** The message elements (`TIMTextElem`, `TIMCustomElem`…). */
  readonly MsgBody?: ReadonlyArray<{
    readonly MsgType: string;
    readonly MsgContent: Readonly<Record<string, unknown>>;
  }>;
  /** Message-level custom data. */
  readonly CloudCustomData?: string;
  /** Any other field Tencent sends. */
  readonly [field: string]: unknown;
}

/** Fields every parsed webhook carries. */
export interface TencentWebhookBase {
  /** The SDKAppID the callback was sent for (equal to the configured one). */
  sdkAppId: number;
  /** The `ClientIP` query parameter: the sender's IP address, when given. */
  clientIp?: string;
  /** The `OptPlatform` query parameter (`RESTAPI`, `Web`, `Android`, `iOS`...), when given. */
  platform?: string;
  /** The whole JSON body, unvalidated beyond the fields mapped into this result. */
  raw: Readonly<Record<string, unknown>>;
}

/** Fields of a one-to-one (C2C) message callback. */
export interface TencentC2CMessageFields extends TencentWebhookBase {
  /** Sender account. */
  fromUserId: string;
  /** Receiver account (the robot, `@RBT#...`, for bot callbacks). */
  toUserId: string;
  /** `MsgSeq` (uint32). */
  sequence: number;
  /** `MsgRandom` (uint32). */
  random: number;
  /** Message time, unix seconds. */
  timeSeconds: number;
  /** Message key `<seq>_<random>_<time>`, used to modify or withdraw the message. */
  msgKey: string;
  /** Client-side message id, when given. */
  messageId?: string;
  /** The message body in imbridge's element names. */
  elements: MessageElement[];
  /** The text elements joined (empty for a custom-only message). */
  text: string;
  /** The first custom element that is a `chatbotPlugin: 2` payload (e.g. an interrupt), if any. */
  chatbotPayload?: ChatbotPayload;
  /** Message-level custom data; absent when empty. */
  cloudCustomData?: string;
  /** When the event happened, unix milliseconds. */
  eventTimeMs?: number;
  /** True for an online-only message (no offline storage), e.g. a chatbot interrupt. */
  onlineOnly: boolean;
  /** Delivery result (`SendMsgResult`): `0` = delivered. */
  sendResultCode?: number;
  /** The receiver's total C2C unread count; `-1` when delivery failed. */
  unreadCount?: number;
}

/**
 * `Bot.OnC2CMessage`: a user (or the admin through REST) sent a one-to-one message to a robot.
 *
 * @see https://www.tencentcloud.com/document/product/1047/68952
 */
export interface TencentBotC2CMessageWebhook extends TencentC2CMessageFields {
  /** Discriminant. */
  command: 'bot.c2c-message';
}

/**
 * `C2C.CallbackAfterSendMsg`: any one-to-one message was sent, including REST `sendmsg` calls
 * and failed deliveries. A bot using it as a trigger must skip its own messages.
 *
 * @see https://www.tencentcloud.com/document/product/1047/34365
 */
export interface TencentC2CAfterSendWebhook extends TencentC2CMessageFields {
  /** Discriminant. */
  command: 'c2c.after-send';
}

/** Fields of a group message callback. */
export interface TencentGroupMessageFields extends TencentWebhookBase {
  /** Group id. */
  groupId: string;
  /** Group type, e.g. `Public`, `Work`, `Meeting`, `AVChatRoom`, `Community`. */
  groupType: string;
  /** Sender account. */
  fromUserId: string;
  /** Account that made the request (the admin for REST sends), when given. */
  operatorUserId?: string;
  /** Group-scoped `MsgSeq` (uint32); with `groupId` it identifies the message. */
  sequence: number;
  /** `Random` (uint32). */
  random: number;
  /** Message time, unix seconds. */
  timeSeconds: number;
  /** Client-side message id, when given. */
  messageId?: string;
  /** The message body in imbridge's element names. */
  elements: MessageElement[];
  /** The text elements joined (still including the `@` mention text). */
  text: string;
  /** The first custom element that is a `chatbotPlugin: 2` payload (e.g. an interrupt), if any. */
  chatbotPayload?: ChatbotPayload;
  /** Message-level custom data; absent when empty. */
  cloudCustomData?: string;
  /** When the event happened, unix milliseconds. */
  eventTimeMs?: number;
  /** True for a message delivered to online members only. */
  onlineOnly: boolean;
  /** Community topic id, when the message was sent in a topic. */
  topicId?: string;
}

/**
 * `Bot.OnGroupMessage`: one or more robots were @-mentioned in a group (not triggered by @all).
 *
 * @see https://www.tencentcloud.com/document/product/1047/68953
 */
export interface TencentBotGroupMessageWebhook extends TencentGroupMessageFields {
  /** Discriminant. */
  command: 'bot.group-message';
  /** The robots mentioned. */
  atRobotIds: string[];
}

/**
 * `Group.CallbackAfterSendMsg`: any group message was sent.
 *
 * @see https://cloud.tencent.com/document/product/269/2661
 */
export interface TencentGroupAfterSendWebhook extends TencentGroupMessageFields {
  /** Discriminant. */
  command: 'group.after-send';
  /** Accounts @-mentioned individually. */
  atUserIds: string[];
  /** True when the message @-mentions everyone. */
  atAll: boolean;
}

/** Any other callback command: acknowledge it and report it as ignored. */
export interface TencentUnknownWebhook extends TencentWebhookBase {
  /** Discriminant. */
  command: 'unknown';
  /** The vendor `CallbackCommand`, e.g. `State.StateChange`. */
  callbackCommand: string;
}

/**
 * A verified, validated Tencent Cloud Chat webhook, discriminated by `command`.
 *
 * @see https://www.tencentcloud.com/document/product/1047/34354
 */
export type TencentWebhook =
  | TencentBotC2CMessageWebhook
  | TencentBotGroupMessageWebhook
  | TencentC2CAfterSendWebhook
  | TencentGroupAfterSendWebhook
  | TencentUnknownWebhook;

/** The `command` values of {@link TencentWebhook}. */
export type TencentWebhookCommand = TencentWebhook['command'];
