import { APICallError, ValidationError } from '@imbridge/core';
import { z } from 'zod';
import { randomUint32 } from '../internal/random.ts';
import { type MessageElement, type StreamChunk, toWireMessageBody } from '../messages/elements.ts';
import {
  type CallOptions,
  createTencentChatTransport,
  type TencentChatClientOptions,
  type TencentChatTransport,
} from './transport.ts';

/** Options of {@link TencentChatClient.createRobot}. */
export interface CreateRobotOptions extends CallOptions {
  /** Robot account id; must start with `@RBT#` (≤ 32 bytes). */
  robotId: string;
  /** Display name. */
  nick?: string;
  /** Avatar URL. */
  faceUrl?: string;
  /** Signature (≤ 500 bytes). */
  selfSignature?: string;
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
  msgKey?: string;
  /** True on the last call. */
  finish?: boolean;
}

/** Options of {@link TencentChatClient.importAccount}. */
export interface ImportAccountOptions extends CallOptions {
  /** User id (≤ 32 bytes). */
  userId: string;
  /** Display name. */
  nick?: string;
  /** Avatar URL. */
  faceUrl?: string;
}

/** One friend to add with {@link TencentChatClient.addFriends}. */
export interface FriendToAdd {
  /** The friend's user id (e.g. a robot). */
  userId: string;
  /** Source tag; `AddSource_Type_` is prefixed when missing. @default 'AddSource_Type_imbridge' */
  addSource?: string;
  /** Remark. */
  remark?: string;
  /** Friend group (one). */
  groupName?: string;
  /** Greeting. */
  addWording?: string;
}

/** Options of {@link TencentChatClient.addFriends}. */
export interface AddFriendsOptions extends CallOptions {
  /** The user whose friend list grows. */
  userId: string;
  /** Who to add. */
  friends: FriendToAdd[];
  /** Two-way or one-way. @default 'both' */
  addType?: 'both' | 'single';
  /** Skip the friend's verification setting (admin force-add). @default true */
  force?: boolean;
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
  fromUserId?: string;
  /** Receiver. */
  toUserId: string;
  /** Message elements. */
  elements: MessageElement[];
  /** Sync to the sender's other devices and roaming. @default false */
  syncToSender?: boolean;
  /** Offline storage time in seconds (0 = online only; max 7 days). */
  lifetimeSeconds?: number;
  /** Message sequence (caller-chosen). */
  sequence?: number;
  /** Random used for dedupe; generated when absent. */
  random?: number;
  /** Data stored with the message and delivered to the peer. */
  cloudCustomData?: string;
  /** Webhooks this message must not trigger (e.g. the bot's own replies). */
  forbidCallbacks?: ForbiddenCallback[];
  /** Do not count as unread. */
  noUnread?: boolean;
  /** Do not update the conversation's last message. */
  noLastMessage?: boolean;
}

/** What {@link TencentChatClient.sendC2CMessage} returns. */
export interface SendC2CMessageResult {
  /** Key for modify and withdraw (`seq_random_time`). */
  msgKey: string;
  /** Server time of the message, in seconds. */
  timeSeconds: number;
  /** Message id, when returned. */
  messageId?: string;
}

/** Options of {@link TencentChatClient.sendGroupMessage}. */
export interface SendGroupMessageOptions extends CallOptions {
  /** Group. */
  groupId: string;
  /** Sender; the admin when absent. */
  fromUserId?: string;
  /** Message elements. */
  elements: MessageElement[];
  /** Random used for dedupe; generated when absent. */
  random?: number;
  /** Deliver to online members only. */
  onlineOnly?: boolean;
  /** Webhooks this message must not trigger. */
  forbidCallbacks?: ForbiddenCallback[];
  /** Data stored with the message. */
  cloudCustomData?: string;
  /** Members @-mentioned. */
  atUserIds?: string[];
  /** Community topic. */
  topicId?: string;
}

/** What {@link TencentChatClient.sendGroupMessage} returns. */
export interface SendGroupMessageResult {
  /** Group sequence of the message (identifies it with the group id for modify and recall). */
  sequence: number;
  /** Server time, in seconds. */
  timeSeconds: number;
  /** Non-empty when the message was dropped by frequency control. */
  dropReason?: string;
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
  elements?: MessageElement[];
  /** New cloud custom data. */
  cloudCustomData?: string;
}

/** Options of {@link TencentChatClient.modifyGroupMessage}. */
export interface ModifyGroupMessageOptions extends CallOptions {
  /** Group. */
  groupId: string;
  /** Group sequence of the message. */
  sequence: number;
  /** New elements. */
  elements?: MessageElement[];
  /** New cloud custom data. */
  cloudCustomData?: string;
  /** Community topic. */
  topicId?: string;
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
  reason?: string;
  /** Community topic. */
  topicId?: string;
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
  streamMessageId?: string;
  /** Random; generated when absent. */
  random?: number;
  /** Cloud custom data. */
  cloudCustomData?: string;
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
  streamMessageId?: string;
  /** Random; generated when absent. */
  random?: number;
}

/** What the stream message calls return. */
export interface SendStreamMessageResult {
  /** Stream id to echo on continuations. */
  streamMessageId: string;
  /** Message key (C2C), when returned. */
  msgKey?: string;
  /** Group sequence, when returned. */
  sequence?: number;
}

/**
 * A typed Tencent Cloud Chat REST client. Every method takes an options object with an optional
 * `signal` and `timeoutMs`, and throws `APICallError` (with `providerCode` = Tencent
 * `ErrorCode`, `kind` and `retryable`), `NetworkError`, `TimeoutError` or `AbortedError`.
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

function callOptions(options: CallOptions): CallOptions {
  return {
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

function forbidList(forbid: ForbiddenCallback[] | undefined): string[] | undefined {
  if (forbid === undefined || forbid.length === 0) return undefined;
  return forbid.map((item) =>
    item === 'before-send' ? 'ForbidBeforeSendMsgCallback' : 'ForbidAfterSendMsgCallback',
  );
}

function parseResponse<T>(schema: z.ZodType<T>, body: Record<string, unknown>, api: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new APICallError({
      message: `Tencent Chat ${api} answered with an unexpected body`,
      provider: 'tencent-chat',
      kind: 'server',
      retryable: false,
      cause: new ValidationError({
        message: 'unexpected response',
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
          message: issue.message,
        })),
      }),
    });
  }
  return parsed.data;
}

function requireRobotId(robotId: string): void {
  if (!robotId.startsWith('@RBT#')) {
    throw new ValidationError({ message: 'a robot id must start with @RBT#' });
  }
}

const sendC2CSchema = z.looseObject({
  MsgTime: z.number(),
  MsgKey: z.string(),
  MsgId: z.string().nullish(),
});
const sendGroupSchema = z.looseObject({
  MsgTime: z.number(),
  MsgSeq: z.number(),
  MsgDropReason: z.string().nullish(),
});
const streamSchema = z.looseObject({
  StreamMsgID: z.string(),
  MsgKey: z.string().nullish(),
  MsgSeq: z.number().nullish(),
});

/**
 * Creates a Tencent Cloud Chat REST client: regional hosts with a backup host, a cached admin
 * UserSig renewed before expiry (and on error 70001), a token bucket per API, timeouts, retries
 * with backoff and jitter for transient failures, and typed results.
 *
 * @example
 * ```ts
 * const client = createTencentChatClient({ sdkAppId: 1400000000, secretKey, adminUserId: 'administrator' });
 * await client.createRobot({ robotId: '@RBT#assistant', nick: 'Assistant' });
 * await client.addFriends({ userId: 'alice', friends: [{ userId: '@RBT#assistant' }] });
 * ```
 */
export function createTencentChatClient(
  options: TencentChatClientOptions & { transport?: TencentChatTransport },
): TencentChatClient {
  const transport = options.transport ?? createTencentChatTransport(options);
  return {
    sdkAppId: transport.sdkAppId,
    adminUserId: transport.adminUserId,
    call: (service, command, body, callOpts) => transport.call(service, command, body, callOpts),

    async createRobot(input) {
      requireRobotId(input.robotId);
      await transport.call(
        'openim_robot_http_svc',
        'create_robot',
        {
          UserID: input.robotId,
          ...(input.nick !== undefined ? { Nick: input.nick } : {}),
          ...(input.faceUrl !== undefined ? { FaceUrl: input.faceUrl } : {}),
          ...(input.selfSignature !== undefined ? { SelfSignature: input.selfSignature } : {}),
        },
        callOptions(input),
      );
    },

    async deleteRobot(input) {
      await transport.call(
        'openim_robot_http_svc',
        'delete_robot',
        { Robot_Account: input.robotId },
        callOptions(input),
      );
    },

    async listRobots(input = {}) {
      const body = await transport.call(
        'openim_robot_http_svc',
        'get_all_robots',
        {},
        callOptions(input),
      );
      const parsed = parseResponse(
        z.looseObject({ Robot_Account: z.array(z.string()).nullish() }),
        body,
        'get_all_robots',
      );
      return { robotIds: parsed.Robot_Account ?? [] };
    },

    async sendRobotStreamMessage(input) {
      requireRobotId(input.robotId);
      const body = await transport.call(
        'openim_robot_http_svc',
        'send_stream_msg',
        {
          From_Account: input.robotId,
          To_Account: input.toUserId,
          Chunk: input.chunk,
          ...(input.msgKey !== undefined ? { MsgKey: input.msgKey } : {}),
          ...(input.finish === true ? { Finish: 1 } : {}),
        },
        callOptions(input),
      );
      const parsed = parseResponse(
        z.looseObject({ MsgKey: z.string().nullish() }),
        body,
        'send_stream_msg',
      );
      return { msgKey: parsed.MsgKey ?? input.msgKey ?? '' };
    },

    async importAccount(input) {
      await transport.call(
        'im_open_login_svc',
        'account_import',
        {
          UserID: input.userId,
          ...(input.nick !== undefined ? { Nick: input.nick } : {}),
          ...(input.faceUrl !== undefined ? { FaceUrl: input.faceUrl } : {}),
        },
        callOptions(input),
      );
    },

    async addFriends(input) {
      if (input.friends.length === 0) throw new ValidationError({ message: 'friends is empty' });
      const body = await transport.call(
        'sns',
        'friend_add',
        {
          From_Account: input.userId,
          AddFriendItem: input.friends.map((friend) => {
            const source = friend.addSource ?? 'imbridge';
            return {
              To_Account: friend.userId,
              AddSource: source.startsWith('AddSource_Type_') ? source : `AddSource_Type_${source}`,
              ...(friend.remark !== undefined ? { Remark: friend.remark } : {}),
              ...(friend.groupName !== undefined ? { GroupName: friend.groupName } : {}),
              ...(friend.addWording !== undefined ? { AddWording: friend.addWording } : {}),
            };
          }),
          AddType: input.addType === 'single' ? 'Add_Type_Single' : 'Add_Type_Both',
          ForceAddFlags: input.force === false ? 0 : 1,
        },
        callOptions(input),
      );
      const parsed = parseResponse(
        z.looseObject({
          ResultItem: z
            .array(
              z.looseObject({
                To_Account: z.string(),
                ResultCode: z.number().nullish(),
                ResultInfo: z.string().nullish(),
              }),
            )
            .nullish(),
          Fail_Account: z.array(z.string()).nullish(),
        }),
        body,
        'friend_add',
      );
      return {
        results: (parsed.ResultItem ?? []).map((item) => ({
          userId: item.To_Account,
          resultCode: item.ResultCode ?? 0,
          resultInfo: item.ResultInfo ?? '',
        })),
        failedUserIds: parsed.Fail_Account ?? [],
      };
    },

    async sendC2CMessage(input) {
      const control = [
        ...(input.noUnread === true ? ['NoUnread'] : []),
        ...(input.noLastMessage === true ? ['NoLastMsg'] : []),
      ];
      const forbid = forbidList(input.forbidCallbacks);
      const body = await transport.call(
        'openim',
        'sendmsg',
        {
          SyncOtherMachine: input.syncToSender === true ? 1 : 2,
          ...(input.fromUserId !== undefined ? { From_Account: input.fromUserId } : {}),
          To_Account: input.toUserId,
          ...(input.lifetimeSeconds !== undefined ? { MsgLifeTime: input.lifetimeSeconds } : {}),
          ...(input.sequence !== undefined ? { MsgSeq: input.sequence } : {}),
          MsgRandom: input.random ?? randomUint32(),
          MsgBody: toWireMessageBody(input.elements),
          ...(input.cloudCustomData !== undefined
            ? { CloudCustomData: input.cloudCustomData }
            : {}),
          ...(forbid !== undefined ? { ForbidCallbackControl: forbid } : {}),
          ...(control.length > 0 ? { SendMsgControl: control } : {}),
        },
        callOptions(input),
      );
      const parsed = parseResponse(sendC2CSchema, body, 'sendmsg');
      return {
        msgKey: parsed.MsgKey,
        timeSeconds: parsed.MsgTime,
        ...(parsed.MsgId != null ? { messageId: parsed.MsgId } : {}),
      };
    },

    async sendGroupMessage(input) {
      const forbid = forbidList(input.forbidCallbacks);
      const body = await transport.call(
        'group_open_http_svc',
        'send_group_msg',
        {
          GroupId: input.groupId,
          Random: input.random ?? randomUint32(),
          MsgBody: toWireMessageBody(input.elements),
          ...(input.fromUserId !== undefined ? { From_Account: input.fromUserId } : {}),
          ...(input.onlineOnly === true ? { OnlineOnlyFlag: 1 } : {}),
          ...(forbid !== undefined ? { ForbidCallbackControl: forbid } : {}),
          ...(input.cloudCustomData !== undefined
            ? { CloudCustomData: input.cloudCustomData }
            : {}),
          ...(input.topicId !== undefined ? { TopicId: input.topicId } : {}),
          ...(input.atUserIds !== undefined && input.atUserIds.length > 0
            ? {
                GroupAtInfo: input.atUserIds.map((userId) => ({
                  GroupAtAllFlag: 0,
                  GroupAt_Account: userId,
                })),
              }
            : {}),
        },
        callOptions(input),
      );
      const parsed = parseResponse(sendGroupSchema, body, 'send_group_msg');
      return {
        sequence: parsed.MsgSeq,
        timeSeconds: parsed.MsgTime,
        ...(parsed.MsgDropReason ? { dropReason: parsed.MsgDropReason } : {}),
      };
    },

    async modifyC2CMessage(input) {
      if (input.elements === undefined && input.cloudCustomData === undefined) {
        throw new ValidationError({
          message: 'modifyC2CMessage needs elements or cloudCustomData',
        });
      }
      await transport.call(
        'openim',
        'modify_c2c_msg',
        {
          From_Account: input.fromUserId,
          To_Account: input.toUserId,
          MsgKey: input.msgKey,
          ...(input.elements !== undefined ? { MsgBody: toWireMessageBody(input.elements) } : {}),
          ...(input.cloudCustomData !== undefined
            ? { CloudCustomData: input.cloudCustomData }
            : {}),
        },
        callOptions(input),
      );
    },

    async modifyGroupMessage(input) {
      if (input.elements === undefined && input.cloudCustomData === undefined) {
        throw new ValidationError({
          message: 'modifyGroupMessage needs elements or cloudCustomData',
        });
      }
      await transport.call(
        'openim',
        'modify_group_msg',
        {
          GroupId: input.groupId,
          MsgSeq: input.sequence,
          ...(input.elements !== undefined ? { MsgBody: toWireMessageBody(input.elements) } : {}),
          ...(input.cloudCustomData !== undefined
            ? { CloudCustomData: input.cloudCustomData }
            : {}),
          ...(input.topicId !== undefined ? { TopicId: input.topicId } : {}),
        },
        callOptions(input),
      );
    },

    async withdrawC2CMessage(input) {
      await transport.call(
        'openim',
        'admin_msgwithdraw',
        { From_Account: input.fromUserId, To_Account: input.toUserId, MsgKey: input.msgKey },
        callOptions(input),
      );
    },

    async recallGroupMessages(input) {
      if (input.sequences.length === 0 || input.sequences.length > 10) {
        throw new ValidationError({ message: 'recallGroupMessages takes 1 to 10 sequences' });
      }
      const body = await transport.call(
        'group_open_http_svc',
        'group_msg_recall',
        {
          GroupId: input.groupId,
          MsgSeqList: input.sequences.map((sequence) => ({ MsgSeq: sequence })),
          ...(input.reason !== undefined ? { Reason: input.reason } : {}),
          ...(input.topicId !== undefined ? { TopicId: input.topicId } : {}),
        },
        callOptions(input),
      );
      const parsed = parseResponse(
        z.looseObject({
          RecallRetList: z
            .array(z.looseObject({ MsgSeq: z.number(), RetCode: z.number().nullish() }))
            .nullish(),
        }),
        body,
        'group_msg_recall',
      );
      return {
        results: (parsed.RecallRetList ?? []).map((item) => ({
          sequence: item.MsgSeq,
          resultCode: item.RetCode ?? 0,
        })),
      };
    },

    async sendC2CStreamMessage(input) {
      const body = await transport.call(
        'stream_msg',
        'send_c2c_stream_msg',
        {
          SyncOtherMachine: 2,
          From_Account: input.fromUserId,
          To_Account: input.toUserId,
          MsgRandom: input.random ?? randomUint32(),
          MsgBody: toWireMessageBody([
            {
              type: 'stream',
              compatibleText: input.compatibleText,
              chunks: input.chunks,
              ...(input.streamMessageId !== undefined
                ? { streamMessageId: input.streamMessageId }
                : {}),
            },
          ]),
          ...(input.cloudCustomData !== undefined
            ? { CloudCustomData: input.cloudCustomData }
            : {}),
        },
        callOptions(input),
      );
      const parsed = parseResponse(streamSchema, body, 'send_c2c_stream_msg');
      return {
        streamMessageId: parsed.StreamMsgID,
        ...(parsed.MsgKey != null ? { msgKey: parsed.MsgKey } : {}),
      };
    },

    async sendGroupStreamMessage(input) {
      const body = await transport.call(
        'stream_msg',
        'send_group_stream_msg',
        {
          From_Account: input.fromUserId,
          GroupId: input.groupId,
          MsgRandom: input.random ?? randomUint32(),
          MsgBody: toWireMessageBody([
            {
              type: 'stream',
              compatibleText: input.compatibleText,
              chunks: input.chunks,
              ...(input.streamMessageId !== undefined
                ? { streamMessageId: input.streamMessageId }
                : {}),
            },
          ]),
        },
        callOptions(input),
      );
      const parsed = parseResponse(streamSchema, body, 'send_group_stream_msg');
      return {
        streamMessageId: parsed.StreamMsgID,
        ...(parsed.MsgSeq != null ? { sequence: parsed.MsgSeq } : {}),
      };
    },
  };
}
