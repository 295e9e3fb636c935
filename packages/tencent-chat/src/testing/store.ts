/**
 * The state of one local Tencent Cloud Chat — resolved options, accounts, groups, friends,
 * messages and request records — and the operations over it that several modules share.
 *
 * @module
 */
import { formatMsgKey } from '../chatbot/payload.ts';
import type { MessageElement, StreamChunk } from '../messages/elements.ts';
import type {
  LocalConversation,
  LocalConversationSelector,
  LocalGroupType,
  LocalMessage,
  LocalRequestRecord,
  LocalTencentChatOptions,
} from './types.ts';
import { UINT32_MAX } from './wire.ts';

/** An imported account (administrator and robots included). */
export interface Account {
  userId: string;
  nick?: string;
  faceUrl?: string;
  isRobot: boolean;
  robotActive: boolean;
}

/** A group created with `createGroup`. */
export interface Group {
  groupId: string;
  type: LocalGroupType;
  memberIds: Set<string>;
  /** `MsgSeq` of the group's last message (0 before the first). */
  lastSeq: number;
}

/** A native `TIMStreamElem` message in progress (or ended). */
export interface NativeStreamState {
  streamMessageId: string;
  compatibleText: string;
  chunks: StreamChunk[];
  lastIndex: number;
  lastChunkAtMs: number;
  continuationTimesMs: number[];
  ended: boolean;
}

/** A legacy robot `send_stream_msg` message. */
export interface RobotStreamState {
  chunks: string[];
  finished: boolean;
}

/** A message as stored: the public shape plus stream state. */
export interface StoredMessage extends LocalMessage {
  nativeStream?: NativeStreamState;
  robotStream?: RobotStreamState;
}

/** {@link LocalTencentChatOptions} with every default applied. */
export interface LocalChatConfig {
  sdkAppId: number;
  secretKey: string;
  adminUserId: string;
  callbackToken: string | undefined;
  port: number;
  maxMessageBytes: number;
  maxStreamMessageBytes: number;
  streamIdleLimitMs: number;
  apiCallsPerSecond: number;
  webhookTimeoutMs: number;
  now: () => number;
}

/** Everything one local server holds; the modules share it instead of one closure. */
export interface LocalChatState {
  readonly config: LocalChatConfig;
  /** Where webhooks go; `undefined` delivers nothing. */
  callbackUrl: string | undefined;
  readonly accounts: Map<string, Account>;
  readonly groups: Map<string, Group>;
  readonly friends: Map<string, Set<string>>;
  /** Every message, in creation order. */
  readonly messages: StoredMessage[];
  /** C2C messages by `MsgKey`. */
  readonly c2cByKey: Map<string, StoredMessage>;
  /** Native stream messages by `StreamMsgID`. */
  readonly streamsById: Map<string, StoredMessage>;
  /** C2C messages received, per receiver (`UnreadMsgNum`). */
  readonly unreadCounts: Map<string, number>;
  readonly requests: LocalRequestRecord[];
  /** Last generated C2C `MsgSeq`. */
  sequenceCounter: number;
  /** Messages created so far (the `MsgId` counter). */
  messageIdCounter: number;
}

/** Resolves the options' defaults and creates the state with the administrator imported. */
export function createLocalChatState(options: LocalTencentChatOptions): LocalChatState {
  const adminUserId = options.adminUserId ?? 'administrator';
  const state: LocalChatState = {
    config: {
      sdkAppId: options.sdkAppId,
      secretKey: options.secretKey,
      adminUserId,
      callbackToken: options.callbackToken,
      port: options.port ?? 0,
      maxMessageBytes: options.maxMessageBytes ?? 12 * 1024,
      maxStreamMessageBytes: options.maxStreamMessageBytes ?? 128 * 1024,
      streamIdleLimitMs: options.streamIdleLimitMs ?? 15_000,
      apiCallsPerSecond: options.apiCallsPerSecond ?? 200,
      webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
      now: options.now ?? Date.now,
    },
    callbackUrl: options.callbackUrl,
    accounts: new Map(),
    groups: new Map(),
    friends: new Map(),
    messages: [],
    c2cByKey: new Map(),
    streamsById: new Map(),
    unreadCounts: new Map(),
    requests: [],
    sequenceCounter: 0,
    messageIdCounter: 0,
  };
  state.accounts.set(adminUserId, { userId: adminUserId, isRobot: false, robotActive: false });
  return state;
}

/** The state's clock in unix seconds. */
export function nowSeconds(state: LocalChatState): number {
  return Math.floor(state.config.now() / 1000);
}

/** The two ids of a C2C conversation, sorted. */
export function sortedPair(first: string, second: string): readonly [string, string] {
  return first <= second ? [first, second] : [second, first];
}

function cloneElements(elements: ReadonlyArray<MessageElement>): MessageElement[] {
  return structuredClone([...elements]);
}

// ---- accounts ----

/** Imports (or updates) an account, keeping its robot flags and any profile field not given. */
export function importAccount(
  state: LocalChatState,
  userId: string,
  profile: { nick?: string | undefined; faceUrl?: string | undefined } = {},
): void {
  const existing = state.accounts.get(userId);
  const nick = profile.nick ?? existing?.nick;
  const faceUrl = profile.faceUrl ?? existing?.faceUrl;
  state.accounts.set(userId, {
    userId,
    isRobot: existing?.isRobot ?? false,
    robotActive: existing?.robotActive ?? false,
    ...(nick !== undefined ? { nick } : {}),
    ...(faceUrl !== undefined ? { faceUrl } : {}),
  });
}

/** True when `userId` is a robot that has not been deleted. */
export function isActiveRobot(state: LocalChatState, userId: string): boolean {
  return state.accounts.get(userId)?.robotActive === true;
}

/** Ids of the active robots. */
export function activeRobotIds(state: LocalChatState): string[] {
  return [...state.accounts.values()]
    .filter((account) => account.robotActive)
    .map((account) => account.userId);
}

/** Makes `friendId` a friend of `userId` (one direction). */
export function addFriend(state: LocalChatState, userId: string, friendId: string): void {
  const set = state.friends.get(userId) ?? new Set<string>();
  set.add(friendId);
  state.friends.set(userId, set);
}

// ---- messages ----

/** The next generated C2C `MsgSeq` (1, 2, ... wrapping below 2^32). */
export function nextC2CSequence(state: LocalChatState): number {
  state.sequenceCounter = (state.sequenceCounter % UINT32_MAX) + 1;
  return state.sequenceCounter;
}

/** A message to store; C2C messages have `to`, group messages `groupId`. */
export interface NewMessage {
  conversation: LocalConversation;
  from: string;
  to?: string;
  groupId?: string;
  msgSeq: number;
  msgRandom: number;
  msgTimeSeconds: number;
  elements: MessageElement[];
  cloudCustomData?: string | undefined;
  onlineOnly: boolean;
  origin: 'rest' | 'client';
}

/**
 * Stores a message with a fresh `MsgId`; a C2C message also gets its `MsgKey` and counts as
 * unread for the receiver.
 */
export function storeMessage(state: LocalChatState, input: NewMessage): StoredMessage {
  const atMs = state.config.now();
  state.messageIdCounter += 1;
  const message: StoredMessage = {
    conversation: input.conversation,
    from: input.from,
    msgSeq: input.msgSeq,
    msgRandom: input.msgRandom,
    msgTimeSeconds: input.msgTimeSeconds,
    msgId: `${state.messageIdCounter}-${input.msgTimeSeconds}-${input.msgRandom}`,
    elements: cloneElements(input.elements),
    versions: [cloneElements(input.elements)],
    versionTimesMs: [atMs],
    recalled: false,
    onlineOnly: input.onlineOnly,
    origin: input.origin,
    createdAtMs: atMs,
  };
  if (input.to !== undefined) message.to = input.to;
  if (input.groupId !== undefined) message.groupId = input.groupId;
  if (input.cloudCustomData !== undefined) message.cloudCustomData = input.cloudCustomData;
  if (input.to !== undefined) {
    message.msgKey = formatMsgKey({
      sequence: input.msgSeq,
      random: input.msgRandom,
      timeSeconds: input.msgTimeSeconds,
    });
    state.c2cByKey.set(message.msgKey, message);
    state.unreadCounts.set(input.to, (state.unreadCounts.get(input.to) ?? 0) + 1);
  }
  state.messages.push(message);
  return message;
}

/** Replaces a message's elements, keeping the new version and its time. */
export function addVersion(
  state: LocalChatState,
  message: StoredMessage,
  elements: MessageElement[],
): void {
  message.elements = cloneElements(elements);
  message.versions.push(cloneElements(elements));
  message.versionTimesMs.push(state.config.now());
}

/** The message of a group with this `MsgSeq`. */
export function findGroupMessage(
  state: LocalChatState,
  groupId: string,
  msgSeq: number,
): StoredMessage | undefined {
  return state.messages.find((message) => message.groupId === groupId && message.msgSeq === msgSeq);
}

/**
 * Ends a native stream whose last chunk is older than `streamIdleLimitMs`, as Tencent does on
 * its own; the message keeps the text it had.
 */
export function endIdleStream(
  state: LocalChatState,
  stream: NativeStreamState,
  atMs: number,
): void {
  if (!stream.ended && atMs - stream.lastChunkAtMs > state.config.streamIdleLimitMs) {
    stream.ended = true;
  }
}

/** A public copy of a stored message (stream state reduced to `stream`). */
export function toPublic(state: LocalChatState, message: StoredMessage): LocalMessage {
  const { nativeStream, robotStream, ...rest } = message;
  const copy = structuredClone(rest);
  if (nativeStream !== undefined) {
    endIdleStream(state, nativeStream, state.config.now());
    copy.stream = { streamMessageId: nativeStream.streamMessageId, ended: nativeStream.ended };
  }
  return copy;
}

/** Public copies of the messages of one C2C pair or group, in creation order. */
export function conversationOf(
  state: LocalChatState,
  selector: LocalConversationSelector,
): LocalMessage[] {
  if ('groupId' in selector) {
    return state.messages
      .filter((message) => message.groupId === selector.groupId)
      .map((message) => toPublic(state, message));
  }
  const [first, second] = sortedPair(selector.userId, selector.robotId);
  return state.messages
    .filter(
      (message) =>
        message.conversation.type === 'c2c' &&
        message.conversation.userIds[0] === first &&
        message.conversation.userIds[1] === second,
    )
    .map((message) => toPublic(state, message));
}
