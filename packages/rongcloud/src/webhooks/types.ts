/**
 * The bot a RongCloud webhook was sent for (the body's `bot` object): the bot as it was created
 * with `/v3/bot/create.json`.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
export interface RongCloudWebhookBot {
  /** The bot's IM user id (`bot.userId`). */
  userId: string;
  /** Display name (`bot.name`), when given. */
  name?: string;
  /** Avatar URL (`bot.profileUrl`), when given. */
  profileUrl?: string;
  /** The free-form bot category (`bot.type`, e.g. `Message AI`), when given. */
  type?: string;
  /**
   * The bot's metadata (`bot.metadata`). RongCloud documents string values; a number or boolean
   * (the Dify guide's own example sends `{"version":1}`) is converted to its decimal string, and
   * any other value (object, array, null) is left out. Empty when the body has none.
   */
  metadata: Readonly<Record<string, string>>;
}

/** Fields every parsed message webhook carries. */
export interface RongCloudMessageWebhookFields {
  /** The bot the message is for (`bot.userId`); the sender of the reply. */
  botUserId: string;
  /** The bot as described in the body. */
  bot: RongCloudWebhookBot;
  /** The sender's user id (`data.fromUserId`). */
  fromUserId: string;
  /**
   * The RongCloud message UID, when the body carries one. The bot-webhook documentation does not
   * list the field (reference "Open questions"), so the first non-empty string of `data.msgUID`,
   * `data.messageUID`, `data.messageId` is taken. Use it to deduplicate redelivered webhooks.
   */
  messageId?: string;
  /** The message type (`data.objectName`): `RC:TxtMsg`, `RC:ImgMsg`, a custom name… */
  objectName: string;
  /**
   * The text of an `RC:TxtMsg` (`content.content`), as sent (a group message keeps its `@name`
   * text). Absent for every other object name.
   */
  text?: string;
  /**
   * The message content: `data.content`, which RongCloud sends as a string holding JSON, parsed
   * into an object (at most 32 levels deep). Its shape depends on `objectName`.
   */
  content: Readonly<Record<string, unknown>>;
  /** The conversation type (`data.channelType`: `PERSON`, `GROUP`, `TEMPGROUP`…), when given. */
  channelType?: string;
  /**
   * When the message was sent, in unix milliseconds, when the body carries it. Not in the
   * documented field list (reference "Open questions"): the first of `data.msgTimestamp`,
   * `data.msgTimeStamp`, `data.sentTime` that is a non-negative integer (or a string of digits).
   */
  sentAtMs?: number;
  /** When RongCloud raised the event (the body's `timestamp`), unix milliseconds, when given. */
  eventTimeMs?: number;
  /** The whole JSON body, unvalidated beyond the fields mapped into this result. */
  raw: Readonly<Record<string, unknown>>;
}

/**
 * The JSON body of a bot message webhook as RongCloud sends it: the RongCloud adapter's
 * `InboundMessage.raw` (typed in handlers through `ctx.from(adapter)`). The fields the adapter
 * reads are typed; every other field of the body is there too.
 */
export interface RongCloudMessagePayload {
  /** The event, e.g. `message:private`. */
  readonly type?: string;
  /** When RongCloud raised the event, unix milliseconds. */
  readonly timestamp?: number;
  /** The message. */
  readonly data?: {
    /** The sender. */
    readonly fromUserId?: string;
    /** The receiver of a one-to-one message (the bot). */
    readonly toUserId?: string;
    /** The message type, e.g. `RC:TxtMsg`. */
    readonly objectName?: string;
    /** The content: a string holding JSON (as sent). */
    readonly content?: unknown;
    /** `PERSON`, `GROUP`… */
    readonly channelType?: string;
    /** Any other field RongCloud sends. */
    readonly [field: string]: unknown;
  };
  /** Any other field RongCloud sends. */
  readonly [field: string]: unknown;
}

/**
 * `message:private`: a user sent a one-to-one message to the bot.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
export interface RongCloudPrivateMessageWebhook extends RongCloudMessageWebhookFields {
  /** Discriminant. */
  kind: 'private-message';
  /** The receiver's user id (`data.toUserId`): the bot. */
  toUserId: string;
}

/**
 * `message:group` (assumed name): a group message for the bot, normally one that @-mentions it.
 *
 * RongCloud documents only `message:private` by name; its Dify guide says the bot answers
 * "@ mentions" in groups and its webhook page says other events carry other `data`. This shape
 * is imbridge's assumption until RongCloud confirms it (reference "Open questions"): the event
 * `message:group`, the group in `data.toGroupId` (or `data.groupId`), and the mentions in the
 * content's `mentionedInfo` (`{ type: 1 | 2, userIdList }`, as sent by RongCloud's clients), or
 * in `data.mentionedInfo` when the content has none.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
export interface RongCloudGroupMessageWebhook extends RongCloudMessageWebhookFields {
  /** Discriminant. */
  kind: 'group-message';
  /** The group id (`data.toGroupId`, else `data.groupId`). */
  groupId: string;
  /** True when `mentionedInfo` names the bot (`type: 2` with `botUserId` in `userIdList`). */
  mentionsBot: boolean;
  /** True when the message @-mentions everyone (`mentionedInfo.type: 1`). */
  mentionsAll: boolean;
}

/** Any other event type: acknowledge it and report it as ignored. */
export interface RongCloudUnknownWebhook {
  /** Discriminant. */
  kind: 'unknown';
  /** The vendor event name (the body's `type`), e.g. `message:ultragroup`. */
  type: string;
  /** The whole JSON body, unvalidated beyond `type`. */
  raw: Readonly<Record<string, unknown>>;
}

/**
 * A verified, validated RongCloud bot webhook, discriminated by `kind`.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
export type RongCloudWebhook =
  | RongCloudPrivateMessageWebhook
  | RongCloudGroupMessageWebhook
  | RongCloudUnknownWebhook;

/** The `kind` values of {@link RongCloudWebhook}. */
export type RongCloudWebhookKind = RongCloudWebhook['kind'];
