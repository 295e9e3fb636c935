/**
 * A local Tencent Cloud Chat: a real HTTP server on 127.0.0.1 that answers a subset of the REST
 * API like the vendor does, stores messages, and plays simulated users that trigger robot
 * webhooks. Node only (it imports `node:http`); for tests and demos, never for production.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { utf8ByteLength } from '@imbridge/core';
import { z } from 'zod';
import { encodeChatbotPayload, formatMsgKey } from '../chatbot/payload.ts';
import {
  fromWireMessageBody,
  type MessageElement,
  type StreamChunk,
  toWireMessageBody,
  type WireMessageElement,
} from '../messages/elements.ts';
import { verifyUserSig } from '../user-sig/user-sig.ts';
import { computeCallbackSign } from '../webhooks/sign.ts';

/**
 * Every error code the local server returns. Codes marked "emulator assumption" are ones the
 * vendor documentation does not pin down; the rest are documented Tencent Cloud Chat codes.
 *
 * @example
 * ```ts
 * expect(answer.ErrorCode).toBe(LOCAL_TENCENT_CHAT_ERROR_CODES.rateLimited); // 60007
 * ```
 * @see https://cloud.tencent.com/document/product/679/131708
 */
export const LOCAL_TENCENT_CHAT_ERROR_CODES = {
  /** Bad URL: not POST, `random` not a uint32, `contenttype` not `json` (emulator assumption). */
  badRequestUrl: 60002,
  /** `identifier` or `usersig` missing from the URL (emulator assumption). */
  missingIdentifierOrUserSig: 60004,
  /** `sdkappid` in the URL is not this app's. */
  invalidSdkAppId: 60006,
  /** More than `apiCallsPerSecond` calls of one API within a second. */
  rateLimited: 60007,
  /** Unknown `/v4/{service}/{command}`. */
  badResource: 60009,
  /** `identifier` is not the app administrator. */
  adminRequired: 60010,
  /** `sdkappid` missing from the URL. */
  missingSdkAppId: 60012,
  /** UserSig expired. */
  userSigExpired: 70001,
  /** UserSig cannot be parsed. */
  userSigMalformed: 70003,
  /** UserSig signature does not verify with the secret key. */
  userSigMismatch: 70009,
  /** UserSig was issued for another user than `identifier`. */
  userSigUserIdMismatch: 70013,
  /** UserSig was issued for another SDKAppID. */
  userSigSdkAppIdMismatch: 70014,
  /** Account not imported (friend_add accounts). */
  accountNotFound: 70107,
  /** `account_import` with a missing or too long `UserID` (emulator assumption). */
  accountInvalid: 70402,
  /** Robot and group APIs: invalid parameter. */
  invalidParameter: 10004,
  /** More than 20 robots. */
  robotLimit: 10008,
  /** Group does not exist. */
  groupNotFound: 10010,
  /**
   * More than 5 continuations per second of one native stream message (emulator assumption:
   * Tencent documents the limit, not the code; 10023 is its "message frequency" code).
   */
  streamContinuationRateLimited: 10023,
  /** Message (or stream) to modify, recall or continue does not exist. */
  messageNotFound: 20022,
  /** Message already recalled, or stream already ended (the latter an emulator assumption). */
  messageRecalled: 20023,
  /** `AddFriendItem` not an array, or a malformed friend request. */
  friendDecodeError: 30001,
  /**
   * Message body over `maxMessageBytes`; `ErrorInfo` contains "msg too long" (emulator
   * assumption: the REST code is undocumented, 80002 is the emulator's choice).
   */
  messageTooLong: 80002,
  /** Body is not a JSON object. */
  invalidJson: 90001,
  /** `MsgBody` missing, not an array, or with a malformed element. */
  invalidMsgBody: 90002,
  /** `To_Account` missing or not imported. */
  toAccountNotFound: 90003,
  /** `MsgRandom` missing or not a uint32. */
  invalidMsgRandom: 90005,
  /** `From_Account` missing (where required) or not imported. */
  fromAccountNotFound: 90008,
  /** `MsgKey` missing or malformed. */
  invalidMsgKey: 90054,
} as const;

const CODES = LOCAL_TENCENT_CHAT_ERROR_CODES;
const UINT32_MAX = 4_294_967_295;
const MAX_ROBOTS = 20;
const ROBOT_PREFIX = '@RBT#';
const MAX_USER_ID_BYTES = 32;
const MAX_REQUEST_BYTES = 1024 * 1024;
const C2C_DEDUPE_WINDOW_MS = 120_000;
const GROUP_DEDUPE_WINDOW_MS = 300_000;
const STREAM_IDLE_LIMIT_MS = 15_000;
const STREAM_CONTINUATIONS_PER_SECOND = 5;
const MAX_RECALL_SEQUENCES = 10;

/** Group types of Tencent Cloud Chat (`Work` is the newer name of `Private`, `Meeting` of `ChatRoom`). */
export type LocalGroupType =
  | 'Private'
  | 'Work'
  | 'Public'
  | 'ChatRoom'
  | 'Meeting'
  | 'AVChatRoom'
  | 'Community';

/**
 * Options of {@link createLocalTencentChat}.
 *
 * @example
 * ```ts
 * const options: LocalTencentChatOptions = { sdkAppId: 1400000000, secretKey: 'secret' };
 * ```
 */
export interface LocalTencentChatOptions {
  /** The app id REST calls and UserSigs must carry. */
  sdkAppId: number;
  /** The app secret key UserSigs are verified with. */
  secretKey: string;
  /** The app administrator (the only `identifier` REST calls may use). @default 'administrator' */
  adminUserId?: string;
  /** Where robot webhooks are POSTed (the bot's endpoint). Without it nothing is delivered. */
  callbackUrl?: string;
  /** Callback authentication token; when set, webhooks carry `Sign` and `RequestTime`. */
  callbackToken?: string;
  /** Port to listen on (127.0.0.1 only). @default 0 (a free port) */
  port?: number;
  /**
   * Largest message body, in UTF-8 bytes of `JSON.stringify(MsgBody)`.
   * @default 12288 (12 KB)
   */
  maxMessageBytes?: number;
  /** Largest native stream message (all chunks so far), measured like `maxMessageBytes`. @default 131072 */
  maxStreamMessageBytes?: number;
  /** Calls per second each REST API accepts before answering 60007 (token bucket). @default 200 */
  apiCallsPerSecond?: number;
  /** Timeout of each webhook POST, in milliseconds. @default 10000 */
  webhookTimeoutMs?: number;
  /** Clock in milliseconds since the epoch (UserSig expiry, windows, timestamps). @default Date.now */
  now?: () => number;
}

/**
 * The conversation a {@link LocalMessage} belongs to: a C2C pair (ids sorted) or a group.
 *
 * @example
 * ```ts
 * const conversation: LocalConversation = { type: 'group', groupId: 'team' };
 * ```
 */
export type LocalConversation =
  | { type: 'c2c'; userIds: readonly [string, string] }
  | { type: 'group'; groupId: string };

/**
 * One stored message, as the server keeps it.
 *
 * @example
 * ```ts
 * const [reply] = local.conversation({ userId: 'alice', robotId: '@RBT#bot' });
 * console.log(reply?.versions.length, reply?.recalled);
 * ```
 */
export interface LocalMessage {
  /** C2C pair or group. */
  conversation: LocalConversation;
  /** Sender. */
  from: string;
  /** Receiver (C2C only). */
  to?: string;
  /** Group (group messages only). */
  groupId?: string;
  /** `{MsgSeq}_{MsgRandom}_{MsgTime}` (C2C only). */
  msgKey?: string;
  /** C2C: sender-chosen or generated; group: strictly +1 per group from 1. */
  msgSeq: number;
  /** `MsgRandom` (C2C) or `Random` (group). */
  msgRandom: number;
  /** `MsgTime`, unix seconds. */
  msgTimeSeconds: number;
  /** `MsgId` (opaque). */
  msgId: string;
  /** Current elements. */
  elements: MessageElement[];
  /** Every version of the elements: the initial one, then one per modification or stream call. */
  versions: MessageElement[][];
  /** When each version was stored, in milliseconds since the epoch. */
  versionTimesMs: number[];
  /** `CloudCustomData`, when set. */
  cloudCustomData?: string;
  /** True once withdrawn (C2C) or recalled (group). */
  recalled: boolean;
  /** When it was withdrawn or recalled, in milliseconds since the epoch. */
  recalledAtMs?: number;
  /** Online-only (`MsgLifeTime: 0`, `OnlineOnlyFlag: 1`, or a client interrupt). */
  onlineOnly: boolean;
  /** Sent through the REST API or by a simulated client. */
  origin: 'rest' | 'client';
  /** Native stream state (`TIMStreamElem` messages only). */
  stream?: { streamMessageId: string; ended: boolean };
  /** When it was created, in milliseconds since the epoch. */
  createdAtMs: number;
}

/**
 * Selects a conversation: a C2C pair (any two accounts; the names are for the usual case) or a
 * group.
 *
 * @example
 * ```ts
 * local.conversation({ userId: 'alice', robotId: '@RBT#bot' });
 * local.conversation({ groupId: 'team' });
 * ```
 */
export type LocalConversationSelector = { userId: string; robotId: string } | { groupId: string };

/**
 * One REST call, as logged in {@link LocalTencentChat.requests}.
 *
 * @example
 * ```ts
 * const rejected = local.requests.filter((request) => request.errorCode === 60007);
 * ```
 */
export interface LocalRequestRecord {
  /** `{service}/{command}`, e.g. `openim/sendmsg` (the raw path for malformed URLs). */
  api: string;
  /** When it arrived, in milliseconds since the epoch. */
  atMs: number;
  /** `ErrorCode` answered (0 = OK; the injected code for HTTP faults). */
  errorCode: number;
}

/**
 * Options of {@link LocalTencentChat.failNext}.
 *
 * @example
 * ```ts
 * local.failNext('openim/sendmsg', 91000, 1, { httpStatus: 502 });
 * ```
 */
export interface LocalFaultOptions {
  /** Answer with this HTTP status and a plain-text body instead of a JSON envelope. */
  httpStatus?: number;
}

/**
 * What the bot answered to a webhook.
 *
 * @example
 * ```ts
 * const { status, msgKey } = await local.userSends({ from: 'alice', to: '@RBT#bot', text: 'hi' });
 * ```
 */
export interface LocalDeliveryResult {
  /** HTTP status of the bot's answer; 0 when no webhook was sent. */
  status: number;
  /** The bot's answer body (parsed JSON, else text); `undefined` when no webhook was sent. */
  body: unknown;
  /** True when a webhook was POSTed (a robot was addressed and `callbackUrl` is set). */
  delivered: boolean;
  /** `MsgKey` of the stored C2C message. */
  msgKey?: string;
  /** `MsgSeq` of the stored message. */
  msgSeq?: number;
}

/**
 * Options of {@link LocalTencentChat.deliverWebhook}, for forged, stale or foreign webhooks.
 *
 * @example
 * ```ts
 * await local.deliverWebhook('Bot.OnC2CMessage', body, { requestTimeOverride: now - 3600 });
 * ```
 */
export interface LocalWebhookOptions {
  /** `Sign` to send instead of the computed one. */
  signOverride?: string;
  /** `RequestTime` (unix seconds) to send; `Sign` is computed over it unless overridden. */
  requestTimeOverride?: number | string;
  /** `SdkAppid` query parameter to send instead of the app's. */
  sdkAppIdOverride?: number | string;
  /** Send neither `Sign` nor `RequestTime`, even with a token. @default false */
  omitSign?: boolean;
  /** `OptPlatform` query parameter. @default 'Web' */
  optPlatform?: string;
}

/**
 * A running local Tencent Cloud Chat; see {@link createLocalTencentChat}.
 *
 * @example
 * ```ts
 * const local = await createLocalTencentChat({ sdkAppId: 1400000000, secretKey: 'secret' });
 * try { console.log(local.baseUrl); } finally { await local.close(); }
 * ```
 */
export interface LocalTencentChat {
  /** `http://127.0.0.1:PORT`; REST calls go to `${baseUrl}/v4/{service}/{command}?...`. */
  readonly baseUrl: string;
  /** The app id. */
  readonly sdkAppId: number;
  /** The app administrator. */
  readonly adminUserId: string;
  /** Stops the server and drops open connections. Idempotent. */
  close(): Promise<void>;
  /** Every message (copies), in creation order. */
  readonly messages: ReadonlyArray<LocalMessage>;
  /** Messages (copies) of one C2C pair or group, in creation order. */
  conversation(selector: LocalConversationSelector): LocalMessage[];
  /** Every REST call, in arrival order. */
  readonly requests: ReadonlyArray<LocalRequestRecord>;
  /**
   * Makes the next `times` calls of `api` (`{service}/{command}`) fail with `errorCode`, after
   * the URL and UserSig checks. With `httpStatus`, answers that HTTP status with a text body.
   */
  failNext(api: string, errorCode: number, times?: number, options?: LocalFaultOptions): void;
  /**
   * Sets (or clears) where webhooks go, for bots whose port is known only after this server
   * started.
   */
  setCallbackUrl(url: string | undefined): void;
  /** Imports (or updates) an account, as `account_import` does. */
  importAccount(userId: string, profile?: { nick?: string; faceUrl?: string }): void;
  /** Ids of all accounts (administrator and robots included). */
  readonly accountIds: ReadonlyArray<string>;
  /** Ids of the active robots. */
  readonly robotIds: ReadonlyArray<string>;
  /** Friends of an account. */
  friendIdsOf(userId: string): string[];
  /**
   * Creates a group.
   * @throws {Error} when the group exists.
   */
  createGroup(group: {
    groupId: string;
    type?: LocalGroupType;
    memberIds: ReadonlyArray<string>;
  }): void;
  /**
   * A user sends a C2C text; when `to` is an active robot, delivers `Bot.OnC2CMessage`.
   * @throws {Error} when an account is unknown.
   */
  userSends(message: {
    from: string;
    to: string;
    text: string;
    cloudCustomData?: string;
  }): Promise<LocalDeliveryResult>;
  /**
   * A group member sends a text, @-mentioning `atUserIds` (each `@id` not already in `text` is
   * prepended, as clients do: `@@RBT#001 hello`);
   * when active robots of the group are mentioned, delivers `Bot.OnGroupMessage`.
   * @throws {Error} when the group is unknown or the sender is not a member.
   */
  userSendsToGroup(message: {
    from: string;
    groupId: string;
    text: string;
    atUserIds?: ReadonlyArray<string>;
  }): Promise<LocalDeliveryResult>;
  /**
   * A user presses stop: a C2C custom message with the `src: 22` interrupt payload for
   * `msgKey`, online-only, delivered as `Bot.OnC2CMessage`.
   */
  userInterrupts(interrupt: {
    from: string;
    robotId: string;
    msgKey: string;
  }): Promise<LocalDeliveryResult>;
  /**
   * POSTs any body to `callbackUrl` with the webhook query parameters (strings are sent as-is).
   * @throws {Error} without `callbackUrl`.
   */
  deliverWebhook(
    command: string,
    body: unknown,
    options?: LocalWebhookOptions,
  ): Promise<LocalDeliveryResult>;
}

// ---------------------------------------------------------------------------------------------
// Internal state

interface Account {
  userId: string;
  nick?: string;
  faceUrl?: string;
  isRobot: boolean;
  robotActive: boolean;
}

interface Group {
  groupId: string;
  type: LocalGroupType;
  memberIds: Set<string>;
  lastSeq: number;
}

interface NativeStreamState {
  streamMessageId: string;
  compatibleText: string;
  chunks: StreamChunk[];
  lastIndex: number;
  lastChunkAtMs: number;
  continuationTimesMs: number[];
  ended: boolean;
}

interface RobotStreamState {
  chunks: string[];
  finished: boolean;
}

interface StoredMessage extends LocalMessage {
  nativeStream?: NativeStreamState;
  robotStream?: RobotStreamState;
}

interface Fault {
  errorCode: number;
  remaining: number;
  httpStatus?: number;
}

class RestFailure extends Error {
  readonly errorCode: number;
  constructor(errorCode: number, errorInfo: string) {
    super(errorInfo);
    this.name = 'RestFailure';
    this.errorCode = errorCode;
  }
}

function fail(errorCode: number, errorInfo: string): never {
  throw new RestFailure(errorCode, errorInfo);
}

type JsonObject = Record<string, unknown>;

const jsonObjectSchema = z.record(z.string(), z.unknown());
const uint32Schema = z.number().int().min(0).max(UINT32_MAX);
const wireBodySchema = z
  .array(z.object({ MsgType: z.string().min(1), MsgContent: jsonObjectSchema }))
  .min(1);
const streamContentSchema = z.object({
  CompatibleText: z.string().optional(),
  StreamMsgID: z.string().min(1).optional(),
  Chunks: z
    .array(
      z.object({
        EventType: z.string().optional(),
        Index: z.number().int().min(1).max(UINT32_MAX),
        Markdown: z.string(),
        IsLast: z.union([z.boolean(), z.literal(0), z.literal(1)]).optional(),
      }),
    )
    .min(1),
});
const KNOWN_ELEMENT_TYPES = new Set([
  'TIMTextElem',
  'TIMLocationElem',
  'TIMFaceElem',
  'TIMCustomElem',
  'TIMSoundElem',
  'TIMImageElem',
  'TIMFileElem',
  'TIMVideoFileElem',
  'TIMRelayElem',
]);
const MSG_KEY_PATTERN = /^\d{1,10}_\d{1,10}_\d{1,10}$/;
const API_PATH_PATTERN = /^\/v4\/([^/]+)\/([^/]+)\/?$/;

function readString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readUint32(body: JsonObject, field: string): number | undefined {
  const parsed = uint32Schema.safeParse(body[field]);
  return parsed.success ? parsed.data : undefined;
}

function byteLengthOf(value: unknown): number {
  return utf8ByteLength(JSON.stringify(value));
}

function randomUint32(): number {
  return Math.floor(Math.random() * (UINT32_MAX + 1));
}

function sortedPair(first: string, second: string): readonly [string, string] {
  return first <= second ? [first, second] : [second, first];
}

function cloneElements(elements: ReadonlyArray<MessageElement>): MessageElement[] {
  return structuredClone([...elements]);
}

function envelope(errorCode: number, errorInfo: string, extras: JsonObject = {}): string {
  return JSON.stringify({
    ActionStatus: errorCode === 0 ? 'OK' : 'FAIL',
    ErrorCode: errorCode,
    ErrorInfo: errorInfo,
    ...extras,
  });
}

function parseAnswer(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function readRequestBody(request: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    request.on('error', reject);
  });
}

const USER_SIG_FAILURES = {
  malformed: [CODES.userSigMalformed, 'usersig is malformed'],
  'sdk-app-id-mismatch': [CODES.userSigSdkAppIdMismatch, 'sdkappid in usersig does not match'],
  'user-id-mismatch': [CODES.userSigUserIdMismatch, 'identifier in usersig does not match'],
  expired: [CODES.userSigExpired, 'usersig is expired'],
  'signature-mismatch': [CODES.userSigMismatch, 'usersig signature verification failed'],
} as const;

/**
 * Starts a local Tencent Cloud Chat on 127.0.0.1: the REST API subset a chatbot uses (accounts,
 * robots, friends, C2C and group messages, modify, withdraw/recall, native stream messages,
 * robot `send_stream_msg`) with the vendor's envelope, URL and UserSig checks, error codes and
 * per-API rate limit; plus simulated users whose messages reach the bot as signed
 * `Bot.OnC2CMessage` / `Bot.OnGroupMessage` webhooks.
 *
 * Emulator assumptions (the vendor docs are silent): an oversized body answers 80002 with
 * "msg too long"; native stream rule violations answer 10004 (bad `Index`), 20022 (unknown
 * `StreamMsgID`), 20023 (stream ended) and 10023 (over 5 continuations per second); REST
 * messages never trigger webhooks; see {@link LOCAL_TENCENT_CHAT_ERROR_CODES}.
 *
 * @example
 * ```ts
 * const local = await createLocalTencentChat({
 *   sdkAppId: 1400000000,
 *   secretKey: 'secret',
 *   callbackUrl: 'http://127.0.0.1:3000/tencent/webhook',
 *   callbackToken: 'token',
 * });
 * local.importAccount('alice');
 * // the bot under test creates '@RBT#bot' through the REST API at local.baseUrl, then:
 * const { status } = await local.userSends({ from: 'alice', to: '@RBT#bot', text: 'hello' });
 * console.log(status, local.conversation({ userId: 'alice', robotId: '@RBT#bot' }));
 * await local.close();
 * ```
 * @see https://cloud.tencent.com/document/product/269/1519
 */
export async function createLocalTencentChat(
  options: LocalTencentChatOptions,
): Promise<LocalTencentChat> {
  const sdkAppId = options.sdkAppId;
  const secretKey = options.secretKey;
  const adminUserId = options.adminUserId ?? 'administrator';
  const maxMessageBytes = options.maxMessageBytes ?? 12 * 1024;
  const maxStreamMessageBytes = options.maxStreamMessageBytes ?? 128 * 1024;
  const apiCallsPerSecond = options.apiCallsPerSecond ?? 200;
  const webhookTimeoutMs = options.webhookTimeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  let callbackUrl = options.callbackUrl;
  const nowSeconds = (): number => Math.floor(now() / 1000);

  const accounts = new Map<string, Account>();
  const groups = new Map<string, Group>();
  const friends = new Map<string, Set<string>>();
  const messages: StoredMessage[] = [];
  const c2cByKey = new Map<string, StoredMessage>();
  const streamsById = new Map<string, StoredMessage>();
  const c2cDedupe = new Map<string, { message: StoredMessage; atMs: number }>();
  const groupDedupe = new Map<string, { message: StoredMessage; atMs: number }>();
  const unreadCounts = new Map<string, number>();
  const requests: LocalRequestRecord[] = [];
  const faults = new Map<string, Fault[]>();
  const buckets = new Map<string, { tokens: number; updatedAtMs: number }>();
  let sequenceCounter = 0;
  let messageIdCounter = 0;

  accounts.set(adminUserId, { userId: adminUserId, isRobot: false, robotActive: false });

  // ---- helpers over state ----

  const isActiveRobot = (userId: string): boolean => accounts.get(userId)?.robotActive === true;

  const nextC2CSequence = (): number => {
    sequenceCounter = (sequenceCounter % UINT32_MAX) + 1;
    return sequenceCounter;
  };

  const nextMessageId = (timeSeconds: number, random: number): string => {
    messageIdCounter += 1;
    return `${messageIdCounter}-${timeSeconds}-${random}`;
  };

  const pruneDedupe = (
    map: Map<string, { message: StoredMessage; atMs: number }>,
    windowMs: number,
    atMs: number,
  ): void => {
    for (const [key, entry] of map) if (atMs - entry.atMs > windowMs) map.delete(key);
  };

  const storeMessage = (input: {
    conversation: LocalConversation;
    from: string;
    to?: string;
    groupId?: string;
    msgSeq: number;
    msgRandom: number;
    msgTimeSeconds: number;
    elements: MessageElement[];
    cloudCustomData?: string;
    onlineOnly: boolean;
    origin: 'rest' | 'client';
  }): StoredMessage => {
    const atMs = now();
    const message: StoredMessage = {
      conversation: input.conversation,
      from: input.from,
      msgSeq: input.msgSeq,
      msgRandom: input.msgRandom,
      msgTimeSeconds: input.msgTimeSeconds,
      msgId: nextMessageId(input.msgTimeSeconds, input.msgRandom),
      elements: cloneElements(input.elements),
      versions: [cloneElements(input.elements)],
      versionTimesMs: [atMs],
      recalled: false,
      onlineOnly: input.onlineOnly,
      origin: input.origin,
      createdAtMs: atMs,
      ...(input.to !== undefined ? { to: input.to } : {}),
      ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
      ...(input.cloudCustomData !== undefined ? { cloudCustomData: input.cloudCustomData } : {}),
    };
    if (input.to !== undefined) {
      message.msgKey = formatMsgKey({
        sequence: input.msgSeq,
        random: input.msgRandom,
        timeSeconds: input.msgTimeSeconds,
      });
      c2cByKey.set(message.msgKey, message);
      unreadCounts.set(input.to, (unreadCounts.get(input.to) ?? 0) + 1);
    }
    messages.push(message);
    return message;
  };

  const addVersion = (message: StoredMessage, elements: MessageElement[]): void => {
    message.elements = cloneElements(elements);
    message.versions.push(cloneElements(elements));
    message.versionTimesMs.push(now());
  };

  const toPublic = (message: StoredMessage): LocalMessage => {
    const { nativeStream, robotStream, ...rest } = message;
    const copy = structuredClone(rest);
    if (nativeStream !== undefined) {
      copy.stream = { streamMessageId: nativeStream.streamMessageId, ended: nativeStream.ended };
    }
    return copy;
  };

  const takeToken = (api: string, atMs: number): boolean => {
    const bucket = buckets.get(api) ?? { tokens: apiCallsPerSecond, updatedAtMs: atMs };
    const elapsedMs = Math.max(0, atMs - bucket.updatedAtMs);
    bucket.tokens = Math.min(
      apiCallsPerSecond,
      bucket.tokens + (elapsedMs * apiCallsPerSecond) / 1000,
    );
    bucket.updatedAtMs = atMs;
    buckets.set(api, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const takeFault = (api: string): Fault | undefined => {
    const queue = faults.get(api);
    const fault = queue?.[0];
    if (queue === undefined || fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) queue.shift();
    return fault;
  };

  // ---- body parsing shared by the message APIs ----

  const parseMessageBody = (
    value: unknown,
    errorCode: number,
  ): { wire: WireMessageElement[]; elements: MessageElement[] } => {
    const parsed = wireBodySchema.safeParse(value);
    if (!parsed.success)
      fail(errorCode, 'MsgBody must be a non-empty array of {MsgType, MsgContent}');
    let customCount = 0;
    for (const element of parsed.data) {
      if (!KNOWN_ELEMENT_TYPES.has(element.MsgType)) {
        fail(errorCode, `MsgBody: unsupported MsgType ${element.MsgType}`);
      }
      if (element.MsgType === 'TIMTextElem' && typeof element.MsgContent.Text !== 'string') {
        fail(errorCode, 'MsgBody: TIMTextElem needs a string Text');
      }
      if (element.MsgType === 'TIMCustomElem') {
        customCount += 1;
        const data = element.MsgContent.Data;
        if (data !== undefined && typeof data !== 'string') {
          fail(errorCode, 'MsgBody: TIMCustomElem Data must be a string');
        }
      }
    }
    if (customCount > 1) fail(errorCode, 'MsgBody: only one TIMCustomElem per message');
    return { wire: parsed.data, elements: fromWireMessageBody(parsed.data) };
  };

  const checkSize = (wire: unknown, limit: number): void => {
    const bytes = byteLengthOf(wire);
    if (bytes > limit) {
      fail(CODES.messageTooLong, `msg too long: MsgBody is ${bytes} bytes, limit ${limit}`);
    }
  };

  const requireGroup = (body: JsonObject): Group => {
    const groupId = readString(body, 'GroupId');
    if (groupId === undefined) fail(CODES.invalidParameter, 'GroupId is required');
    const group = groups.get(groupId);
    if (group === undefined) fail(CODES.groupNotFound, `group ${groupId} does not exist`);
    return group;
  };

  const optionalCloudCustomData = (body: JsonObject, errorCode: number): string | undefined => {
    const value = body.CloudCustomData;
    if (value === undefined) return undefined;
    if (typeof value !== 'string') fail(errorCode, 'CloudCustomData must be a string');
    return value;
  };

  const findC2CMessage = (body: JsonObject): StoredMessage => {
    const from = readString(body, 'From_Account');
    if (from === undefined || !accounts.has(from)) {
      fail(CODES.fromAccountNotFound, 'From_Account is missing or does not exist');
    }
    const to = readString(body, 'To_Account');
    if (to === undefined || !accounts.has(to)) {
      fail(CODES.toAccountNotFound, 'To_Account is missing or does not exist');
    }
    const msgKey = readString(body, 'MsgKey');
    if (msgKey === undefined || !MSG_KEY_PATTERN.test(msgKey)) {
      fail(CODES.invalidMsgKey, 'MsgKey is missing or invalid');
    }
    const message = c2cByKey.get(msgKey);
    if (message === undefined || message.from !== from || message.to !== to) {
      fail(CODES.messageNotFound, `message ${msgKey} does not exist`);
    }
    return message;
  };

  const findGroupMessage = (group: Group, msgSeq: number): StoredMessage | undefined =>
    messages.find((message) => message.groupId === group.groupId && message.msgSeq === msgSeq);

  const applyModification = (
    message: StoredMessage,
    body: JsonObject,
    formatErrorCode: number,
  ): void => {
    if (message.recalled) fail(CODES.messageRecalled, 'message has been withdrawn');
    const cloudCustomData = optionalCloudCustomData(body, formatErrorCode);
    const hasBody = body.MsgBody !== undefined;
    if (!hasBody && cloudCustomData === undefined) {
      fail(formatErrorCode, 'MsgBody or CloudCustomData is required');
    }
    let elements = message.elements;
    if (hasBody) {
      const parsed = parseMessageBody(body.MsgBody, formatErrorCode);
      checkSize(parsed.wire, maxMessageBytes);
      elements = parsed.elements;
    }
    if (cloudCustomData !== undefined) message.cloudCustomData = cloudCustomData;
    addVersion(message, elements);
  };

  // ---- native stream messages ----

  const streamElementsOf = (state: NativeStreamState): MessageElement[] => [
    {
      type: 'stream',
      compatibleText: state.compatibleText,
      chunks: state.chunks.map((chunk) => ({ ...chunk })),
      streamMessageId: state.streamMessageId,
    },
  ];

  const parseStreamBody = (
    value: unknown,
  ): { streamMessageId?: string; compatibleText: string; chunks: StreamChunk[] } => {
    const body = wireBodySchema.safeParse(value);
    const first = body.success && body.data.length === 1 ? body.data[0] : undefined;
    if (first === undefined || first.MsgType !== 'TIMStreamElem') {
      fail(CODES.invalidMsgBody, 'MsgBody must hold exactly one TIMStreamElem');
    }
    const content = streamContentSchema.safeParse(first.MsgContent);
    if (!content.success) {
      fail(CODES.invalidMsgBody, 'TIMStreamElem needs Chunks of {Index >= 1, Markdown, IsLast}');
    }
    return {
      compatibleText: content.data.CompatibleText ?? '',
      chunks: content.data.Chunks.map((chunk) => ({
        index: chunk.Index,
        markdown: chunk.Markdown,
        isLast: chunk.IsLast === true || chunk.IsLast === 1,
      })),
      ...(content.data.StreamMsgID !== undefined
        ? { streamMessageId: content.data.StreamMsgID }
        : {}),
    };
  };

  const appendStreamChunks = (state: NativeStreamState, chunks: StreamChunk[]): void => {
    let lastIndex = state.lastIndex;
    let sawLast = false;
    for (const chunk of chunks) {
      if (sawLast) fail(CODES.invalidParameter, 'no chunk may follow an IsLast chunk');
      const valid = lastIndex === 0 ? chunk.index === 1 : chunk.index > lastIndex;
      if (!valid) {
        const expected = lastIndex === 0 ? 'be 1' : `be greater than ${lastIndex}`;
        fail(CODES.invalidParameter, `chunk Index ${chunk.index} must ${expected}`);
      }
      lastIndex = chunk.index;
      sawLast = chunk.isLast;
    }
    const merged = [...state.chunks, ...chunks];
    checkSize(
      toWireMessageBody([{ type: 'stream', compatibleText: state.compatibleText, chunks: merged }]),
      maxStreamMessageBytes,
    );
    state.chunks = merged;
    state.lastIndex = lastIndex;
    state.lastChunkAtMs = now();
    if (chunks.some((chunk) => chunk.isLast)) state.ended = true;
  };

  const continueStream = (
    streamMessageId: string,
    chunks: StreamChunk[],
    belongs: (message: StoredMessage) => boolean,
  ): StoredMessage => {
    const message = streamsById.get(streamMessageId);
    const state = message?.nativeStream;
    if (message === undefined || state === undefined || !belongs(message)) {
      fail(CODES.messageNotFound, `stream ${streamMessageId} does not exist`);
    }
    const atMs = now();
    if (!state.ended && atMs - state.lastChunkAtMs > STREAM_IDLE_LIMIT_MS) state.ended = true;
    if (state.ended) fail(CODES.messageRecalled, `stream ${streamMessageId} has ended`);
    state.continuationTimesMs = state.continuationTimesMs.filter((time) => atMs - time < 1000);
    if (state.continuationTimesMs.length >= STREAM_CONTINUATIONS_PER_SECOND) {
      fail(
        CODES.streamContinuationRateLimited,
        `over ${STREAM_CONTINUATIONS_PER_SECOND} continuations per second for this stream message`,
      );
    }
    appendStreamChunks(state, chunks);
    state.continuationTimesMs.push(atMs);
    addVersion(message, streamElementsOf(state));
    return message;
  };

  const startStream = (
    message: Omit<Parameters<typeof storeMessage>[0], 'elements'>,
    parsed: { compatibleText: string; chunks: StreamChunk[] },
  ): StoredMessage => {
    const state: NativeStreamState = {
      streamMessageId: `stream-${messageIdCounter + 1}-${randomUint32().toString(16)}`,
      compatibleText: parsed.compatibleText,
      chunks: [],
      lastIndex: 0,
      lastChunkAtMs: now(),
      continuationTimesMs: [],
      ended: false,
    };
    appendStreamChunks(state, parsed.chunks);
    const stored = storeMessage({ ...message, elements: streamElementsOf(state) });
    stored.nativeStream = state;
    streamsById.set(state.streamMessageId, stored);
    return stored;
  };

  // ---- REST handlers ----

  type Handler = (body: JsonObject) => JsonObject;

  const resolveSender = (body: JsonObject, errorCode: number): string => {
    if (body.From_Account === undefined) return adminUserId;
    const from = readString(body, 'From_Account');
    if (from === undefined || !accounts.has(from)) {
      fail(errorCode, 'From_Account does not exist');
    }
    return from;
  };

  const handlers = new Map<string, Handler>([
    [
      'im_open_login_svc/account_import',
      (body) => {
        // Current docs name the field `UserID`; older pages say `Identifier`. Accept both.
        const userId = readString(body, 'UserID') ?? readString(body, 'Identifier');
        if (userId === undefined || utf8ByteLength(userId) > MAX_USER_ID_BYTES) {
          fail(CODES.accountInvalid, 'UserID is required (at most 32 bytes)');
        }
        const nick = readString(body, 'Nick');
        const faceUrl = readString(body, 'FaceUrl');
        importAccount(userId, {
          ...(nick !== undefined ? { nick } : {}),
          ...(faceUrl !== undefined ? { faceUrl } : {}),
        });
        return {};
      },
    ],
    [
      'openim_robot_http_svc/create_robot',
      (body) => {
        const userId = readString(body, 'UserID');
        if (
          userId === undefined ||
          !userId.startsWith(ROBOT_PREFIX) ||
          utf8ByteLength(userId) > MAX_USER_ID_BYTES
        ) {
          fail(CODES.invalidParameter, `UserID must start with ${ROBOT_PREFIX} (at most 32 bytes)`);
        }
        if (isActiveRobot(userId)) return {};
        const activeRobots = [...accounts.values()].filter((account) => account.robotActive);
        if (activeRobots.length >= MAX_ROBOTS) {
          fail(CODES.robotLimit, `robot limit reached (${MAX_ROBOTS})`);
        }
        const nick = readString(body, 'Nick');
        const faceUrl = readString(body, 'FaceUrl');
        const existing = accounts.get(userId);
        accounts.set(userId, {
          ...existing,
          userId,
          isRobot: true,
          robotActive: true,
          ...(nick !== undefined ? { nick } : {}),
          ...(faceUrl !== undefined ? { faceUrl } : {}),
        });
        return {};
      },
    ],
    [
      'openim_robot_http_svc/delete_robot',
      (body) => {
        const robotId = readString(body, 'Robot_Account');
        const account = robotId === undefined ? undefined : accounts.get(robotId);
        if (account === undefined || !account.robotActive) {
          fail(CODES.invalidParameter, 'Robot_Account is missing or not an active robot');
        }
        account.robotActive = false;
        return {};
      },
    ],
    ['openim_robot_http_svc/get_all_robots', () => ({ Robot_Account: robotIds() })],
    [
      'sns/friend_add',
      (body) => {
        const from = readString(body, 'From_Account');
        if (from === undefined) fail(CODES.friendDecodeError, 'From_Account is required');
        if (!accounts.has(from)) fail(CODES.accountNotFound, `${from} is not imported`);
        const items = body.AddFriendItem;
        if (!Array.isArray(items)) fail(CODES.friendDecodeError, 'AddFriendItem must be an array');
        const addType = body.AddType ?? 'Add_Type_Both';
        if (addType !== 'Add_Type_Both' && addType !== 'Add_Type_Single') {
          fail(CODES.friendDecodeError, 'AddType must be Add_Type_Both or Add_Type_Single');
        }
        const resultItems: JsonObject[] = [];
        const failAccounts: string[] = [];
        for (const item of items) {
          const parsed = jsonObjectSchema.safeParse(item);
          const toAccount = parsed.success ? readString(parsed.data, 'To_Account') : undefined;
          if (!parsed.success || toAccount === undefined) {
            fail(CODES.friendDecodeError, 'AddFriendItem entries need To_Account');
          }
          const addSource = readString(parsed.data, 'AddSource');
          let resultCode = 0;
          let resultInfo = '';
          if (addSource === undefined || !addSource.startsWith('AddSource_Type_')) {
            resultCode = CODES.friendDecodeError;
            resultInfo = 'AddSource must start with AddSource_Type_';
          } else if (!accounts.has(toAccount)) {
            resultCode = CODES.accountNotFound;
            resultInfo = `${toAccount} is not imported`;
          } else {
            addFriend(from, toAccount);
            if (addType === 'Add_Type_Both') addFriend(toAccount, from);
          }
          if (resultCode !== 0) failAccounts.push(toAccount);
          resultItems.push({
            To_Account: toAccount,
            ResultCode: resultCode,
            ResultInfo: resultInfo,
          });
        }
        return { ResultItem: resultItems, Fail_Account: failAccounts, ErrorDisplay: '' };
      },
    ],
    [
      'openim/sendmsg',
      (body) => {
        const from = resolveSender(body, CODES.fromAccountNotFound);
        const to = readString(body, 'To_Account');
        if (to === undefined || !accounts.has(to)) {
          fail(CODES.toAccountNotFound, 'To_Account is missing or does not exist');
        }
        const random = readUint32(body, 'MsgRandom');
        if (random === undefined) fail(CODES.invalidMsgRandom, 'MsgRandom must be a uint32');
        const requestedSeq = body.MsgSeq === undefined ? undefined : readUint32(body, 'MsgSeq');
        if (body.MsgSeq !== undefined && requestedSeq === undefined) {
          fail(CODES.invalidJson, 'MsgSeq must be a uint32');
        }
        const { wire, elements } = parseMessageBody(body.MsgBody, CODES.invalidMsgBody);
        checkSize(wire, maxMessageBytes);
        const cloudCustomData = optionalCloudCustomData(body, CODES.invalidJson);
        const atMs = now();
        const answer = (message: StoredMessage): JsonObject => ({
          MsgTime: message.msgTimeSeconds,
          MsgKey: message.msgKey,
          MsgId: message.msgId,
        });
        let dedupeKey: string | undefined;
        if (requestedSeq !== undefined) {
          pruneDedupe(c2cDedupe, C2C_DEDUPE_WINDOW_MS, atMs);
          dedupeKey = JSON.stringify([from, requestedSeq, random, wire]);
          const duplicate = c2cDedupe.get(dedupeKey);
          if (duplicate !== undefined) return answer(duplicate.message);
        }
        const timestamp = readUint32(body, 'MsgTimeStamp');
        const message = storeMessage({
          conversation: { type: 'c2c', userIds: sortedPair(from, to) },
          from,
          to,
          msgSeq: requestedSeq ?? nextC2CSequence(),
          msgRandom: random,
          msgTimeSeconds: timestamp ?? nowSeconds(),
          elements,
          onlineOnly: body.MsgLifeTime === 0,
          origin: 'rest',
          ...(cloudCustomData !== undefined ? { cloudCustomData } : {}),
        });
        if (dedupeKey !== undefined) c2cDedupe.set(dedupeKey, { message, atMs });
        return answer(message);
      },
    ],
    [
      'group_open_http_svc/send_group_msg',
      (body) => {
        const group = requireGroup(body);
        const random = readUint32(body, 'Random');
        if (random === undefined) fail(CODES.invalidParameter, 'Random must be a uint32');
        const from = resolveSender(body, CODES.invalidParameter);
        const { wire, elements } = parseMessageBody(body.MsgBody, CODES.invalidParameter);
        checkSize(wire, maxMessageBytes);
        const cloudCustomData = optionalCloudCustomData(body, CODES.invalidParameter);
        const atMs = now();
        pruneDedupe(groupDedupe, GROUP_DEDUPE_WINDOW_MS, atMs);
        const dedupeKey = JSON.stringify([group.groupId, random, wire]);
        const duplicate = groupDedupe.get(dedupeKey);
        if (duplicate !== undefined) {
          return { MsgTime: duplicate.message.msgTimeSeconds, MsgSeq: duplicate.message.msgSeq };
        }
        group.lastSeq += 1;
        const message = storeMessage({
          conversation: { type: 'group', groupId: group.groupId },
          from,
          groupId: group.groupId,
          msgSeq: group.lastSeq,
          msgRandom: random,
          msgTimeSeconds: nowSeconds(),
          elements,
          onlineOnly: body.OnlineOnlyFlag === 1,
          origin: 'rest',
          ...(cloudCustomData !== undefined ? { cloudCustomData } : {}),
        });
        groupDedupe.set(dedupeKey, { message, atMs });
        return { MsgTime: message.msgTimeSeconds, MsgSeq: message.msgSeq, MsgDropReason: '' };
      },
    ],
    [
      'openim/modify_c2c_msg',
      (body) => {
        applyModification(findC2CMessage(body), body, CODES.invalidMsgBody);
        return {};
      },
    ],
    [
      'openim/modify_group_msg',
      (body) => {
        const group = requireGroup(body);
        const msgSeq = readUint32(body, 'MsgSeq');
        if (msgSeq === undefined) fail(CODES.invalidParameter, 'MsgSeq must be a uint32');
        const message = findGroupMessage(group, msgSeq);
        if (message === undefined) fail(CODES.messageNotFound, `message ${msgSeq} does not exist`);
        applyModification(message, body, CODES.invalidParameter);
        return {};
      },
    ],
    [
      'openim/admin_msgwithdraw',
      (body) => {
        const message = findC2CMessage(body);
        if (message.recalled) fail(CODES.messageRecalled, 'message has already been withdrawn');
        message.recalled = true;
        message.recalledAtMs = now();
        return {};
      },
    ],
    [
      'group_open_http_svc/group_msg_recall',
      (body) => {
        const group = requireGroup(body);
        const list = z
          .array(z.object({ MsgSeq: uint32Schema }))
          .min(1)
          .max(MAX_RECALL_SEQUENCES)
          .safeParse(body.MsgSeqList);
        if (!list.success) {
          fail(
            CODES.invalidParameter,
            `MsgSeqList must hold 1 to ${MAX_RECALL_SEQUENCES} {MsgSeq}`,
          );
        }
        const reason = body.Reason;
        if (reason !== undefined && (typeof reason !== 'string' || utf8ByteLength(reason) > 100)) {
          fail(CODES.invalidParameter, 'Reason must be a string of at most 100 bytes');
        }
        const results = list.data.map(({ MsgSeq }) => {
          const message = findGroupMessage(group, MsgSeq);
          if (message === undefined) return { MsgSeq, RetCode: CODES.messageNotFound };
          if (message.recalled) return { MsgSeq, RetCode: CODES.messageRecalled };
          message.recalled = true;
          message.recalledAtMs = now();
          return { MsgSeq, RetCode: 0 };
        });
        return { RecallRetList: results };
      },
    ],
    [
      'stream_msg/send_c2c_stream_msg',
      (body) => {
        const from = resolveSender(body, CODES.fromAccountNotFound);
        const to = readString(body, 'To_Account');
        if (to === undefined || !accounts.has(to)) {
          fail(CODES.toAccountNotFound, 'To_Account is missing or does not exist');
        }
        const parsed = parseStreamBody(body.MsgBody);
        const answer = (message: StoredMessage): JsonObject => ({
          MsgTime: message.msgTimeSeconds,
          MsgKey: message.msgKey,
          StreamMsgID: message.nativeStream?.streamMessageId,
        });
        if (parsed.streamMessageId !== undefined) {
          return answer(
            continueStream(
              parsed.streamMessageId,
              parsed.chunks,
              (message) => message.from === from && message.to === to,
            ),
          );
        }
        const random = readUint32(body, 'MsgRandom');
        if (random === undefined) fail(CODES.invalidMsgRandom, 'MsgRandom must be a uint32');
        const cloudCustomData = optionalCloudCustomData(body, CODES.invalidJson);
        const requestedSeq = readUint32(body, 'MsgSeq');
        return answer(
          startStream(
            {
              conversation: { type: 'c2c', userIds: sortedPair(from, to) },
              from,
              to,
              msgSeq: requestedSeq ?? nextC2CSequence(),
              msgRandom: random,
              msgTimeSeconds: nowSeconds(),
              onlineOnly: false,
              origin: 'rest',
              ...(cloudCustomData !== undefined ? { cloudCustomData } : {}),
            },
            parsed,
          ),
        );
      },
    ],
    [
      'stream_msg/send_group_stream_msg',
      (body) => {
        const group = requireGroup(body);
        const from = resolveSender(body, CODES.invalidParameter);
        const parsed = parseStreamBody(body.MsgBody);
        const answer = (message: StoredMessage): JsonObject => ({
          MsgTime: message.msgTimeSeconds,
          MsgSeq: message.msgSeq,
          StreamMsgID: message.nativeStream?.streamMessageId,
        });
        if (parsed.streamMessageId !== undefined) {
          return answer(
            continueStream(
              parsed.streamMessageId,
              parsed.chunks,
              (message) => message.groupId === group.groupId && message.from === from,
            ),
          );
        }
        const random = readUint32(body, 'MsgRandom') ?? readUint32(body, 'Random');
        if (random === undefined) fail(CODES.invalidParameter, 'MsgRandom must be a uint32');
        const cloudCustomData = optionalCloudCustomData(body, CODES.invalidParameter);
        const message = startStream(
          {
            conversation: { type: 'group', groupId: group.groupId },
            from,
            groupId: group.groupId,
            msgSeq: group.lastSeq + 1,
            msgRandom: random,
            msgTimeSeconds: nowSeconds(),
            onlineOnly: false,
            origin: 'rest',
            ...(cloudCustomData !== undefined ? { cloudCustomData } : {}),
          },
          parsed,
        );
        group.lastSeq = message.msgSeq;
        return answer(message);
      },
    ],
    [
      'openim_robot_http_svc/send_stream_msg',
      (body) => {
        const from = readString(body, 'From_Account');
        if (from === undefined || !isActiveRobot(from)) {
          fail(CODES.invalidParameter, 'From_Account must be an active robot');
        }
        const to = readString(body, 'To_Account');
        if (to === undefined || !accounts.has(to)) {
          fail(CODES.invalidParameter, 'To_Account is missing or does not exist');
        }
        const chunk = body.Chunk;
        if (typeof chunk !== 'string') fail(CODES.invalidParameter, 'Chunk must be a string');
        const finished = body.Finish === 1 || body.Finish === true;
        const elementsOf = (state: RobotStreamState): MessageElement[] => [
          {
            type: 'custom',
            data: JSON.stringify({
              chatbotPlugin: 1,
              src: 2,
              chunks: state.chunks,
              isFinished: state.finished ? 1 : 0,
            }),
          },
        ];
        const msgKey = readString(body, 'MsgKey');
        if (msgKey !== undefined) {
          const message = c2cByKey.get(msgKey);
          const state = message?.robotStream;
          if (message === undefined || state === undefined || message.from !== from) {
            fail(CODES.invalidParameter, `MsgKey ${msgKey} is not a stream of this robot`);
          }
          if (state.finished) fail(CODES.invalidParameter, 'the stream has finished');
          const next = { chunks: [...state.chunks, chunk], finished };
          checkSize(toWireMessageBody(elementsOf(next)), maxMessageBytes);
          message.robotStream = next;
          addVersion(message, elementsOf(next));
          return { MsgKey: msgKey };
        }
        const state: RobotStreamState = { chunks: [chunk], finished };
        checkSize(toWireMessageBody(elementsOf(state)), maxMessageBytes);
        const message = storeMessage({
          conversation: { type: 'c2c', userIds: sortedPair(from, to) },
          from,
          to,
          msgSeq: nextC2CSequence(),
          msgRandom: randomUint32(),
          msgTimeSeconds: nowSeconds(),
          elements: elementsOf(state),
          onlineOnly: false,
          origin: 'rest',
        });
        message.robotStream = state;
        return { MsgKey: message.msgKey };
      },
    ],
  ]);

  // ---- REST dispatch ----

  const checkUrl = async (params: URLSearchParams): Promise<void> => {
    const sdkAppIdText = params.get('sdkappid');
    if (sdkAppIdText === null || sdkAppIdText === '') {
      fail(CODES.missingSdkAppId, 'sdkappid is missing in the url');
    }
    if (!/^\d{1,12}$/.test(sdkAppIdText) || Number(sdkAppIdText) !== sdkAppId) {
      fail(CODES.invalidSdkAppId, `sdkappid ${sdkAppIdText} is invalid`);
    }
    const identifier = params.get('identifier');
    const userSig = params.get('usersig');
    if (identifier === null || identifier === '' || userSig === null || userSig === '') {
      fail(CODES.missingIdentifierOrUserSig, 'identifier or usersig is missing in the url');
    }
    const random = params.get('random');
    if (random === null || !/^\d{1,10}$/.test(random) || Number(random) > UINT32_MAX) {
      fail(CODES.badRequestUrl, 'random must be an unsigned 32-bit integer');
    }
    if (params.get('contenttype') !== 'json') {
      fail(CODES.badRequestUrl, 'contenttype must be json');
    }
    const check = await verifyUserSig({
      userSig,
      sdkAppId,
      secretKey,
      userId: identifier,
      nowSeconds: nowSeconds(),
    });
    if (!check.valid) {
      const [errorCode, errorInfo] = USER_SIG_FAILURES[check.reason];
      fail(errorCode, errorInfo);
    }
    if (identifier !== adminUserId) {
      fail(CODES.adminRequired, 'identifier must be the app administrator');
    }
  };

  const handleRest = async (
    method: string,
    url: URL,
    bodyText: string,
    tooLarge: boolean,
  ): Promise<{ status: number; contentType: string; text: string }> => {
    const atMs = now();
    const match = API_PATH_PATTERN.exec(url.pathname);
    const api = match !== null ? `${match[1]}/${match[2]}` : url.pathname;
    const answer = (errorCode: number, errorInfo: string, extras?: JsonObject) => {
      requests.push({ api, atMs, errorCode });
      return {
        status: 200,
        contentType: 'application/json; charset=utf-8',
        text: envelope(errorCode, errorInfo, extras),
      };
    };
    try {
      if (method !== 'POST') fail(CODES.badRequestUrl, 'only POST is supported');
      await checkUrl(url.searchParams);
      const handler = handlers.get(api);
      if (match === null || handler === undefined) {
        fail(CODES.badResource, `bad resource: ${url.pathname}`);
      }
      const fault = takeFault(api);
      if (fault?.httpStatus !== undefined) {
        requests.push({ api, atMs, errorCode: fault.errorCode });
        return {
          status: fault.httpStatus,
          contentType: 'text/plain; charset=utf-8',
          text: `injected HTTP ${fault.httpStatus}`,
        };
      }
      if (fault !== undefined) fail(fault.errorCode, `injected fault ${fault.errorCode}`);
      if (!takeToken(api, now())) fail(CODES.rateLimited, 'REST API call frequency over limit');
      if (tooLarge) fail(CODES.invalidJson, 'request body too large');
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(bodyText);
      } catch {
        fail(CODES.invalidJson, 'Fail to Parse json data of body, Please check it');
      }
      const body = jsonObjectSchema.safeParse(parsedJson);
      if (!body.success)
        fail(CODES.invalidJson, 'Fail to Parse json data of body, Please check it');
      return answer(0, '', handler(body.data));
    } catch (error) {
      if (error instanceof RestFailure) return answer(error.errorCode, error.message);
      requests.push({ api, atMs, errorCode: -1 });
      return {
        status: 500,
        contentType: 'text/plain; charset=utf-8',
        text: `local-tencent-chat bug: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  };

  // ---- accounts, groups, friends ----

  function importAccount(userId: string, profile: { nick?: string; faceUrl?: string } = {}): void {
    const existing = accounts.get(userId);
    accounts.set(userId, {
      userId,
      isRobot: existing?.isRobot ?? false,
      robotActive: existing?.robotActive ?? false,
      ...(existing?.nick !== undefined ? { nick: existing.nick } : {}),
      ...(existing?.faceUrl !== undefined ? { faceUrl: existing.faceUrl } : {}),
      ...(profile.nick !== undefined ? { nick: profile.nick } : {}),
      ...(profile.faceUrl !== undefined ? { faceUrl: profile.faceUrl } : {}),
    });
  }

  function robotIds(): string[] {
    return [...accounts.values()]
      .filter((account) => account.robotActive)
      .map((account) => account.userId);
  }

  function addFriend(userId: string, friendId: string): void {
    const set = friends.get(userId) ?? new Set<string>();
    set.add(friendId);
    friends.set(userId, set);
  }

  const requireAccount = (userId: string): void => {
    if (!accounts.has(userId)) throw new Error(`local-tencent-chat: unknown account ${userId}`);
  };

  // ---- webhooks ----

  const postWebhook = async (
    command: string,
    body: unknown,
    webhookOptions: LocalWebhookOptions = {},
  ): Promise<{ status: number; body: unknown }> => {
    if (callbackUrl === undefined) {
      throw new Error('local-tencent-chat: no callbackUrl configured');
    }
    const url = new URL(callbackUrl);
    url.searchParams.set('SdkAppid', String(webhookOptions.sdkAppIdOverride ?? sdkAppId));
    url.searchParams.set('CallbackCommand', command);
    url.searchParams.set('contenttype', 'json');
    url.searchParams.set('ClientIP', '127.0.0.1');
    url.searchParams.set('OptPlatform', webhookOptions.optPlatform ?? 'Web');
    const signs =
      webhookOptions.omitSign !== true &&
      (options.callbackToken !== undefined ||
        webhookOptions.signOverride !== undefined ||
        webhookOptions.requestTimeOverride !== undefined);
    if (signs) {
      const requestTime = String(webhookOptions.requestTimeOverride ?? nowSeconds());
      const sign =
        webhookOptions.signOverride ??
        (await computeCallbackSign(options.callbackToken ?? '', requestTime));
      url.searchParams.set('Sign', sign);
      url.searchParams.set('RequestTime', requestTime);
    }
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(webhookTimeoutMs),
    });
    return { status: response.status, body: parseAnswer(await response.text()) };
  };

  const c2cCallbackBody = (message: StoredMessage): JsonObject => ({
    CallbackCommand: 'Bot.OnC2CMessage',
    From_Account: message.from,
    To_Account: message.to,
    MsgSeq: message.msgSeq,
    MsgRandom: message.msgRandom,
    MsgTime: message.msgTimeSeconds,
    MsgKey: message.msgKey,
    MsgId: message.msgId,
    OnlineOnlyFlag: message.onlineOnly ? 1 : 0,
    SendMsgResult: 0,
    ErrorInfo: 'send msg succeed',
    UnreadMsgNum: unreadCounts.get(message.to ?? '') ?? 0,
    MsgBody: toWireMessageBody(message.elements),
    CloudCustomData: message.cloudCustomData ?? '',
    EventTime: now(),
  });

  const clientSendC2C = async (input: {
    from: string;
    to: string;
    elements: MessageElement[];
    onlineOnly: boolean;
    cloudCustomData?: string;
  }): Promise<LocalDeliveryResult> => {
    requireAccount(input.from);
    requireAccount(input.to);
    const message = storeMessage({
      conversation: { type: 'c2c', userIds: sortedPair(input.from, input.to) },
      from: input.from,
      to: input.to,
      msgSeq: nextC2CSequence(),
      msgRandom: randomUint32(),
      msgTimeSeconds: nowSeconds(),
      elements: input.elements,
      onlineOnly: input.onlineOnly,
      origin: 'client',
      ...(input.cloudCustomData !== undefined ? { cloudCustomData: input.cloudCustomData } : {}),
    });
    const identity = {
      msgSeq: message.msgSeq,
      ...(message.msgKey !== undefined ? { msgKey: message.msgKey } : {}),
    };
    if (!isActiveRobot(input.to) || callbackUrl === undefined) {
      return { status: 0, body: undefined, delivered: false, ...identity };
    }
    const answer = await postWebhook('Bot.OnC2CMessage', c2cCallbackBody(message));
    return { ...answer, delivered: true, ...identity };
  };

  let closed = false;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        const { text, tooLarge } = await readRequestBody(request);
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const result = await handleRest(request.method ?? 'GET', url, text, tooLarge);
        response.writeHead(result.status, { 'content-type': result.contentType });
        response.end(result.text);
      } catch (error) {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error instanceof Error ? error.message : 'error');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error('local-tencent-chat: could not read the server address');
  }
  const baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    sdkAppId,
    adminUserId,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    get messages() {
      return messages.map(toPublic);
    },
    conversation: (selector) => {
      if ('groupId' in selector) {
        return messages.filter((message) => message.groupId === selector.groupId).map(toPublic);
      }
      const [first, second] = sortedPair(selector.userId, selector.robotId);
      return messages
        .filter(
          (message) =>
            message.conversation.type === 'c2c' &&
            message.conversation.userIds[0] === first &&
            message.conversation.userIds[1] === second,
        )
        .map(toPublic);
    },
    get requests() {
      return requests.map((request) => ({ ...request }));
    },
    failNext: (api, errorCode, times = 1, faultOptions = {}) => {
      if (times < 1) return;
      const queue = faults.get(api) ?? [];
      queue.push({
        errorCode,
        remaining: times,
        ...(faultOptions.httpStatus !== undefined ? { httpStatus: faultOptions.httpStatus } : {}),
      });
      faults.set(api, queue);
    },
    setCallbackUrl: (url) => {
      callbackUrl = url;
    },
    importAccount,
    get accountIds() {
      return [...accounts.keys()];
    },
    get robotIds() {
      return robotIds();
    },
    friendIdsOf: (userId) => [...(friends.get(userId) ?? [])],
    createGroup: (group) => {
      if (groups.has(group.groupId)) {
        throw new Error(`local-tencent-chat: group ${group.groupId} exists`);
      }
      groups.set(group.groupId, {
        groupId: group.groupId,
        type: group.type ?? 'Public',
        memberIds: new Set(group.memberIds),
        lastSeq: 0,
      });
    },
    userSends: (message) =>
      clientSendC2C({
        from: message.from,
        to: message.to,
        elements: [{ type: 'text', text: message.text }],
        onlineOnly: false,
        ...(message.cloudCustomData !== undefined
          ? { cloudCustomData: message.cloudCustomData }
          : {}),
      }),
    userInterrupts: (interrupt) =>
      clientSendC2C({
        from: interrupt.from,
        to: interrupt.robotId,
        elements: [
          {
            type: 'custom',
            data: encodeChatbotPayload({ kind: 'interrupt', msgKey: interrupt.msgKey }),
          },
        ],
        onlineOnly: true,
      }),
    userSendsToGroup: async (input) => {
      const group = groups.get(input.groupId);
      if (group === undefined)
        throw new Error(`local-tencent-chat: unknown group ${input.groupId}`);
      requireAccount(input.from);
      if (!group.memberIds.has(input.from)) {
        throw new Error(`local-tencent-chat: ${input.from} is not a member of ${input.groupId}`);
      }
      const atUserIds = input.atUserIds ?? [];
      const missingMentions = atUserIds.filter((userId) => !input.text.includes(`@${userId}`));
      const text =
        missingMentions.length > 0
          ? `${missingMentions.map((userId) => `@${userId}`).join(' ')} ${input.text}`
          : input.text;
      group.lastSeq += 1;
      const message = storeMessage({
        conversation: { type: 'group', groupId: group.groupId },
        from: input.from,
        groupId: group.groupId,
        msgSeq: group.lastSeq,
        msgRandom: randomUint32(),
        msgTimeSeconds: nowSeconds(),
        elements: [{ type: 'text', text }],
        onlineOnly: false,
        origin: 'client',
      });
      const atRobots = atUserIds.filter(
        (userId) => isActiveRobot(userId) && group.memberIds.has(userId),
      );
      if (atRobots.length === 0 || callbackUrl === undefined) {
        return { status: 0, body: undefined, delivered: false, msgSeq: message.msgSeq };
      }
      const answer = await postWebhook('Bot.OnGroupMessage', {
        CallbackCommand: 'Bot.OnGroupMessage',
        GroupId: group.groupId,
        Type: group.type,
        From_Account: message.from,
        Operator_Account: message.from,
        Random: message.msgRandom,
        MsgSeq: message.msgSeq,
        MsgTime: message.msgTimeSeconds,
        OnlineOnlyFlag: 0,
        MsgBody: toWireMessageBody(message.elements),
        AtRobots_Account: atRobots,
        CloudCustomData: '',
        EventTime: now(),
      });
      return { ...answer, delivered: true, msgSeq: message.msgSeq };
    },
    deliverWebhook: async (command, body, webhookOptions) => {
      const answer = await postWebhook(command, body, webhookOptions);
      return { ...answer, delivered: true };
    },
  };
}
