import type { MessageElement, StreamChunk } from '../messages/elements.ts';
import type { CallOptions } from './options.ts';

/** Options of {@link TencentChatClient.createRobot}. */
export interface CreateRobotOptions extends CallOptions {
  /** Robot account id; must start with `@RBT#` (≤ 32 bytes). */
  robotId: string;
  /** Display name. */
  nick?: string | undefined;
  /** Avatar URL. */
  faceUrl?: string | undefined;
  /** Signature (≤ 500 bytes). */
  selfSignature?: string | undefined;
}

/** Options of {@link TencentChatClient.deleteRobot}. */
export interface DeleteRobotOptions extends CallOptions {
  /** Robot account id. */
  robotId: string;
}

/** What {@link TencentChatClient.listRobots} returns. */
export interface ListRobotsResult {
  /** Robot account ids of the app. */
  robotIds: string[];
}

/** Options of {@link TencentChatClient.sendRobotStreamMessage}. */
export interface SendRobotStreamMessageOptions extends CallOptions {
  /** The robot speaking. */
  robotId: string;
  /** The user. */
  toUserId: string;
  /** This piece of text. */
  chunk: string;
  /** The `msgKey` returned by the first call; omit on the first call. */
  msgKey?: string | undefined;
  /** True on the last call. */
  finish?: boolean | undefined;
}

/** Options of {@link TencentChatClient.importAccount}. */
export interface ImportAccountOptions extends CallOptions {
  /** User id (≤ 32 bytes). */
  userId: string;
  /** Display name. */
  nick?: string | undefined;
  /** Avatar URL. */
  faceUrl?: string | undefined;
}

/** One friend to add with {@link TencentChatClient.addFriends}. */
export interface FriendToAdd {
  /** The friend's user id (e.g. a robot). */
  userId: string;
  /** Source tag; `AddSource_Type_` is prefixed when missing. @default 'AddSource_Type_imbridge' */
  addSource?: string | undefined;
  /** Remark. */
  remark?: string | undefined;
  /** Friend group (one). */
  groupName?: string | undefined;
  /** Greeting. */
  addWording?: string | undefined;
}

/** Options of {@link TencentChatClient.addFriends}. */
export interface AddFriendsOptions extends CallOptions {
  /** The user whose friend list grows. */
  userId: string;
  /** Who to add. */
  friends: FriendToAdd[];
  /** Two-way or one-way. @default 'both' */
  addType?: 'both' | 'single' | undefined;
  /** Skip the friend's verification setting (admin force-add). @default true */
  force?: boolean | undefined;
}

/** What {@link TencentChatClient.addFriends} returns. */
export interface AddFriendsResult {
  /** Per-friend outcome (`resultCode` 0 = added). */
  results: Array<{ userId: string; resultCode: number; resultInfo: string }>;
  /** Friends that could not be added. */
  failedUserIds: string[];
}

/** Webhooks a message can skip. */
export type ForbiddenCallback = 'before-send' | 'after-send';

/** Options of {@link TencentChatClient.sendC2CMessage}. */
export interface SendC2CMessageOptions extends CallOptions {
  /** Sender (e.g. a robot); the admin when absent. */
  fromUserId?: string | undefined;
  /** Receiver. */
  toUserId: string;
  /** Message elements. */
  elements: MessageElement[];
  /** Sync to the sender's other devices and roaming. @default false */
  syncToSender?: boolean | undefined;
  /** Offline storage time in seconds (0 = online only; max 7 days). */
  lifetimeSeconds?: number | undefined;
  /**
   * `MsgSeq`: part of Tencent's dedupe key (sender + `MsgSeq` + `MsgRandom` + content, 120 s)
   * and of the history order within one second. Pass the same value (with the same `random`
   * and elements) to re-send a message whose answer was lost.
   * @default 4_294_966_296 plus the milliseconds within the current second (the top 1000 of
   * the uint32 range, above what clients use), chosen once per call: the message sorts after the
   * user's messages of the same second, and the bot's own in the order they were sent
   */
  sequence?: number | undefined;
  /** `MsgRandom`, part of the dedupe key. @default a random uint32, chosen once per call */
  random?: number | undefined;
  /** Data stored with the message and delivered to the peer. */
  cloudCustomData?: string | undefined;
  /** Webhooks this message must not trigger (e.g. the bot's own replies). */
  forbidCallbacks?: ForbiddenCallback[] | undefined;
  /** Do not count as unread. */
  noUnread?: boolean | undefined;
  /** Do not update the conversation's last message. */
  noLastMessage?: boolean | undefined;
}

/** What {@link TencentChatClient.sendC2CMessage} returns. */
export interface SendC2CMessageResult {
  /** Key for modify and withdraw (`seq_random_time`). */
  msgKey: string;
  /** Server time of the message, in seconds. */
  timeSeconds: number;
  /** Message id, when returned. */
  messageId?: string | undefined;
}

/** Options of {@link TencentChatClient.sendGroupMessage}. */
export interface SendGroupMessageOptions extends CallOptions {
  /** Group. */
  groupId: string;
  /** Sender; the admin when absent. */
  fromUserId?: string | undefined;
  /** Message elements. */
  elements: MessageElement[];
  /**
   * `Random`: Tencent drops a message with the same `Random` and content within 5 minutes. Pass
   * the same value (with the same elements) to re-send a message whose answer was lost.
   * @default a random uint32, chosen once per call
   */
  random?: number | undefined;
  /** Deliver to online members only. */
  onlineOnly?: boolean | undefined;
  /** Webhooks this message must not trigger. */
  forbidCallbacks?: ForbiddenCallback[] | undefined;
  /** Data stored with the message. */
  cloudCustomData?: string | undefined;
  /** Members @-mentioned. */
  atUserIds?: string[] | undefined;
  /** Community topic. */
  topicId?: string | undefined;
}

/** What {@link TencentChatClient.sendGroupMessage} returns. */
export interface SendGroupMessageResult {
  /** Group sequence of the message (identifies it with the group id for modify and recall). */
  sequence: number;
  /** Server time, in seconds. */
  timeSeconds: number;
  /** Non-empty when the message was dropped by frequency control. */
  dropReason?: string | undefined;
}

/** Options of {@link TencentChatClient.modifyC2CMessage}. */
export interface ModifyC2CMessageOptions extends CallOptions {
  /** Sender of the original message. */
  fromUserId: string;
  /** Receiver of the original message. */
  toUserId: string;
  /** Key of the message. */
  msgKey: string;
  /** New elements (replace the old ones). */
  elements?: MessageElement[] | undefined;
  /** New cloud custom data. */
  cloudCustomData?: string | undefined;
}

/** Options of {@link TencentChatClient.modifyGroupMessage}. */
export interface ModifyGroupMessageOptions extends CallOptions {
  /** Group. */
  groupId: string;
  /** Group sequence of the message. */
  sequence: number;
  /** New elements. */
  elements?: MessageElement[] | undefined;
  /** New cloud custom data. */
  cloudCustomData?: string | undefined;
  /** Community topic. */
  topicId?: string | undefined;
}

/** Options of {@link TencentChatClient.withdrawC2CMessage}. */
export interface WithdrawC2CMessageOptions extends CallOptions {
  /** Sender of the message. */
  fromUserId: string;
  /** Receiver of the message. */
  toUserId: string;
  /** Key of the message. */
  msgKey: string;
}

/** Options of {@link TencentChatClient.recallGroupMessages}. */
export interface RecallGroupMessagesOptions extends CallOptions {
  /** Group. */
  groupId: string;
  /** Sequences to recall (≤ 10 per call). */
  sequences: number[];
  /** Reason (≤ 100 bytes). */
  reason?: string | undefined;
  /** Community topic. */
  topicId?: string | undefined;
}

/** What {@link TencentChatClient.recallGroupMessages} returns. */
export interface RecallGroupMessagesResult {
  /** Per-message outcome (`resultCode` 0 = recalled). */
  results: Array<{ sequence: number; resultCode: number }>;
}

/** Options of {@link TencentChatClient.sendC2CStreamMessage}. */
export interface SendC2CStreamMessageOptions extends CallOptions {
  /** Sender (e.g. a robot). */
  fromUserId: string;
  /** Receiver. */
  toUserId: string;
  /** Text for clients that cannot render stream messages. */
  compatibleText: string;
  /** Delta chunks of this call. */
  chunks: StreamChunk[];
  /** Stream id from the first call; absent on the first call. */
  streamMessageId?: string | undefined;
  /**
   * `MsgSeq` of the first call (dedupe key and history order, as for
   * {@link SendC2CMessageOptions.sequence}).
   * @default 4_294_966_296 plus the milliseconds within the current second, chosen once per call
   */
  sequence?: number | undefined;
  /** `MsgRandom` of the first call (dedupe key). @default a random uint32, chosen once per call */
  random?: number | undefined;
  /** Cloud custom data. */
  cloudCustomData?: string | undefined;
}

/** Options of {@link TencentChatClient.sendGroupStreamMessage}. */
export interface SendGroupStreamMessageOptions extends CallOptions {
  /** Sender (e.g. a robot). */
  fromUserId: string;
  /** Group. */
  groupId: string;
  /** Text for clients that cannot render stream messages. */
  compatibleText: string;
  /** Delta chunks of this call. */
  chunks: StreamChunk[];
  /** Stream id from the first call; absent on the first call. */
  streamMessageId?: string | undefined;
  /** `MsgRandom` of the first call (dedupe key). @default a random uint32, chosen once per call */
  random?: number | undefined;
}

/** What the stream message calls return. */
export interface SendStreamMessageResult {
  /** Stream id to echo on continuations. */
  streamMessageId: string;
  /** Message key (C2C), when returned. */
  msgKey?: string | undefined;
  /** Group sequence, when returned. */
  sequence?: number | undefined;
}

/**
 * A typed Tencent Cloud Chat REST client. Every method takes an options object with an optional
 * `signal`, `timeoutMs` and `retry`, and throws `APICallError` (`kind`, `retryable`, `hint`;
 * `providerCode` = Tencent `ErrorCode`; kind `timeout` or `network` when no answer came) or
 * `AbortedError`.
 */
export interface TencentChatClient {
  /** The app's SDKAppID. */
  readonly sdkAppId: number;
  /** The admin account calls are made as. */
  readonly adminUserId: string;
  /** Creates (or re-creates) a robot account. @see https://cloud.tencent.com/document/product/269/89991 */
  createRobot(options: CreateRobotOptions): Promise<void>;
  /** Invalidates a robot account. @see https://cloud.tencent.com/document/product/269/89992 */
  deleteRobot(options: DeleteRobotOptions): Promise<void>;
  /** Lists the app's robots. */
  listRobots(options?: CallOptions): Promise<ListRobotsResult>;
  /** Robot stream reply (`send_stream_msg`, the legacy robot stream). @see https://cloud.tencent.com/document/product/269/104537 */
  sendRobotStreamMessage(options: SendRobotStreamMessageOptions): Promise<{ msgKey: string }>;
  /** Imports a user account (users must exist before they can be messaged). */
  importAccount(options: ImportAccountOptions): Promise<void>;
  /** Adds friends for a user (users cannot add robots themselves). @see https://cloud.tencent.com/document/product/269/1643 */
  addFriends(options: AddFriendsOptions): Promise<AddFriendsResult>;
  /** Sends a one-to-one message. @see https://cloud.tencent.com/document/product/269/2282 */
  sendC2CMessage(options: SendC2CMessageOptions): Promise<SendC2CMessageResult>;
  /** Sends a group message. @see https://cloud.tencent.com/document/product/269/1629 */
  sendGroupMessage(options: SendGroupMessageOptions): Promise<SendGroupMessageResult>;
  /** Replaces the body of a one-to-one message. @see https://cloud.tencent.com/document/product/269/74740 */
  modifyC2CMessage(options: ModifyC2CMessageOptions): Promise<void>;
  /** Replaces the body of a group message. @see https://cloud.tencent.com/document/product/269/74741 */
  modifyGroupMessage(options: ModifyGroupMessageOptions): Promise<void>;
  /** Withdraws a one-to-one message. @see https://cloud.tencent.com/document/product/269/38980 */
  withdrawC2CMessage(options: WithdrawC2CMessageOptions): Promise<void>;
  /** Recalls group messages. @see https://cloud.tencent.com/document/product/269/12341 */
  recallGroupMessages(options: RecallGroupMessagesOptions): Promise<RecallGroupMessagesResult>;
  /** Sends or continues a native one-to-one stream message (`TIMStreamElem`). @see https://cloud.tencent.com/document/product/269/128596 */
  sendC2CStreamMessage(options: SendC2CStreamMessageOptions): Promise<SendStreamMessageResult>;
  /** Sends or continues a native group stream message. @see https://cloud.tencent.com/document/product/269/128597 */
  sendGroupStreamMessage(options: SendGroupStreamMessageOptions): Promise<SendStreamMessageResult>;
  /**
   * Calls any REST API by service and command with a vendor-shaped body; returns the checked
   * response body. An escape hatch for APIs without a typed method.
   */
  call(
    service: string,
    command: string,
    body: unknown,
    options?: CallOptions,
  ): Promise<Record<string, unknown>>;
}
