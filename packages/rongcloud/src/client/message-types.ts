import type { CallOptions } from './options.ts';

/** Who a message shows as sent by (`user` in a message's content). */
export interface MessageUserInfo {
  /** User id. */
  id: string;
  /** Display name. */
  name?: string | undefined;
  /** Avatar URL. */
  portrait?: string | undefined;
  /** Free-form data. */
  extra?: string | undefined;
}

/** Who a group message mentions (`@`). */
export interface MessageMentions {
  /** `'all'`: everyone in the group; `'users'`: the users in `userIds`. */
  type: 'all' | 'users';
  /** The users mentioned, for `type: 'users'`. */
  userIds?: readonly string[] | undefined;
  /** The push text a mentioned user sees. */
  mentionedContent?: string | undefined;
}

/** Content of an `RC:TxtMsg` text message. */
export interface TextMessageContent {
  /** The text. */
  content: string;
  /** Free-form data delivered with the message. */
  extra?: string | undefined;
  /** Sender information shown by clients. */
  user?: MessageUserInfo | undefined;
  /** Mentions (group messages). */
  mentionedInfo?: MessageMentions | undefined;
}

/** The typed content of the object names this package knows. */
export interface MessageContentByObjectName {
  /** A text message. */
  'RC:TxtMsg': TextMessageContent;
}

/**
 * The content of a message with object name `ObjectName`: typed for the known ones
 * ({@link MessageContentByObjectName}), any JSON object for custom ones (`'App:Card'`…).
 */
export type MessageContent<ObjectName extends string> =
  ObjectName extends keyof MessageContentByObjectName
    ? MessageContentByObjectName[ObjectName]
    : Readonly<Record<string, unknown>>;

/** Options every publish call shares. */
export interface PublishMessageFields<ObjectName extends string> extends CallOptions {
  /** Sender (a bot's user id, for a bot's reply). */
  fromUserId: string;
  /** Message type, e.g. `'RC:TxtMsg'` or a custom one. */
  objectName: ObjectName;
  /** Message content: sent JSON-encoded in the `content` form field. */
  content: MessageContent<ObjectName>;
  /** Push notification text (required by RongCloud for custom types to push). */
  pushContent?: string | undefined;
  /** Data attached to the push (iOS `appData`, Android `pushData`). */
  pushData?: string | undefined;
  /** Store the message in history. @default true */
  persisted?: boolean | undefined;
  /** Also deliver to the sender's own devices. @default false */
  includeSender?: boolean | undefined;
  /** Do not push to offline users. @default false */
  disablePush?: boolean | undefined;
  /** Allow message expansion (`extraContent`). @default false */
  expansion?: boolean | undefined;
  /** Message expansion key/values (needs `expansion`). */
  extraContent?: Readonly<Record<string, string>> | undefined;
  /** Do not make this the conversation's last message. @default false */
  disableUpdateLastMessage?: boolean | undefined;
  /** Business channel of the conversation. */
  busChannel?: string | undefined;
}

/** Options of {@link RongCloudClient.publishPrivateMessage}. */
export interface PublishPrivateMessageOptions<ObjectName extends string = string>
  extends PublishMessageFields<ObjectName> {
  /** Receiver(s): up to 1000 user ids per call (sent as repeated `toUserId` fields). */
  toUserId: string | readonly string[];
  /** Count the message as unread. @default true */
  counted?: boolean | undefined;
  /** Drop the message when the sender is in the receiver's blocklist. @default false */
  verifyBlacklist?: boolean | undefined;
}

/** Options of {@link RongCloudClient.publishGroupMessage}. */
export interface PublishGroupMessageOptions<ObjectName extends string = string>
  extends PublishMessageFields<ObjectName> {
  /** Group(s): up to 3 group ids per call (repeated `toGroupId` fields). */
  toGroupId: string | readonly string[];
  /** Deliver only to these members of the group (repeated `toUserId` fields). */
  toUserId?: readonly string[] | undefined;
  /**
   * A mention message (`isMentioned`). @default true when the content has `mentionedInfo`,
   * else false
   */
  mentioned?: boolean | undefined;
}

/** One message id of a publish call. */
export interface PublishedMessageUid {
  /** The receiver, for a private message. */
  userId?: string | undefined;
  /** The group, for a group message. */
  groupId?: string | undefined;
  /** The message's unique id. */
  messageUid: string;
}

/** What a publish call returns. */
export interface PublishMessageResult {
  /** The message's unique id, when RongCloud returns one (one receiver). */
  messageUid?: string | undefined;
  /** Per receiver, when RongCloud returns them. */
  messageUids: PublishedMessageUid[];
}

/** The conversation types of {@link RongCloudClient.recallMessage}. */
export const RONGCLOUD_CONVERSATION_TYPES = {
  /** One-to-one. */
  private: 1,
  /** Group. */
  group: 3,
  /** Chatroom. */
  chatroom: 4,
  /** System conversation. */
  system: 6,
  /** Ultra group. */
  ultragroup: 10,
} as const;

/** A key of {@link RONGCLOUD_CONVERSATION_TYPES}. */
export type RongCloudConversationType = keyof typeof RONGCLOUD_CONVERSATION_TYPES;

/** Options of {@link RongCloudClient.recallMessage}. */
export interface RecallMessageOptions extends CallOptions {
  /** The message's sender. */
  fromUserId: string;
  /** The receiver: a user id, or the group (chatroom…) id. */
  targetId: string;
  /** Kind of conversation. */
  conversationType: RongCloudConversationType;
  /** The message's unique id (from the publish result or the webhook). */
  messageUid: string;
  /** When it was sent, in unix milliseconds. */
  sentTimeMs: number;
  /** Recall as an admin (any sender's message). @default false */
  asAdmin?: boolean | undefined;
  /** Delete it instead of leaving a "message recalled" notice. @default false */
  deleteMessage?: boolean | undefined;
  /** Do not push the recall. @default false */
  disablePush?: boolean | undefined;
  /** Business channel of the conversation. */
  busChannel?: string | undefined;
  /** Do not update the conversation's last message. @default false */
  disableUpdateLastMessage?: boolean | undefined;
}

/** Options every stream call shares. */
export interface PublishStreamMessageFields extends CallOptions {
  /** Sender (the bot). */
  fromUserId: string;
  /** This chunk's text: a delta, not the whole text so far (may be empty on the last chunk). */
  content: string;
  /** Chunk number: 1 for the first, then 2, 3… */
  seq: number;
  /** True on the last chunk. */
  complete: boolean;
  /**
   * The `messageUid` the first chunk's call returned. Required on every chunk after the first
   * (`seq` > 1): it is how RongCloud appends to the same message.
   */
  messageUid?: string | undefined;
  /** Content format, e.g. `'markdown'` (sent on the first chunk). */
  type?: string | undefined;
  /** Sender information shown by clients. */
  user?: MessageUserInfo | undefined;
  /** Free-form data delivered with the message. */
  extra?: string | undefined;
  /** Also deliver to the sender's own devices. @default false */
  includeSender?: boolean | undefined;
  /** Store the message in history. @default true */
  persisted?: boolean | undefined;
  /** Count as unread (send true on the first chunk only). */
  counted?: boolean | undefined;
  /** Do not update the conversation's last message (true until the last chunk). */
  disableUpdateLastMessage?: boolean | undefined;
  /** Message expansion key/values. */
  extraContent?: Readonly<Record<string, string>> | undefined;
}

/** Options of {@link RongCloudClient.publishPrivateStreamMessage}. */
export interface PublishPrivateStreamMessageOptions extends PublishStreamMessageFields {
  /** The receiver (one user). */
  toUserId: string;
}

/** Options of {@link RongCloudClient.publishGroupStreamMessage}. */
export interface PublishGroupStreamMessageOptions extends PublishStreamMessageFields {
  /** The group (one). */
  toGroupId: string;
}

/** What a stream call returns. */
export interface PublishStreamMessageResult {
  /** The stream message's unique id: pass it with every later chunk. */
  messageUid: string;
}
