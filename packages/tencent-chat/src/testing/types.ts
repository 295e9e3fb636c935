/**
 * Public types of the local Tencent Cloud Chat: its options, stored messages, request records
 * and the handle {@link createLocalTencentChat} returns.
 *
 * @module
 */
import type { MessageElement } from '../messages/elements.ts';
import type { LOCAL_TENCENT_CHAT_ERROR_CODES } from './error-codes.ts';
import type { createLocalTencentChat } from './local-tencent-chat.ts';

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
  adminUserId?: string | undefined;
  /** Where robot webhooks are POSTed (the bot's endpoint). Without it nothing is delivered. */
  callbackUrl?: string | undefined;
  /** Callback authentication token; when set, webhooks carry `Sign` and `RequestTime`. */
  callbackToken?: string | undefined;
  /** Port to listen on (127.0.0.1 only). @default 0 (a free port) */
  port?: number | undefined;
  /**
   * Largest message body, in UTF-8 bytes of `JSON.stringify(MsgBody)`.
   * @default 12288 (12 KB)
   */
  maxMessageBytes?: number | undefined;
  /** Largest native stream message (all chunks so far), measured like `maxMessageBytes`. @default 131072 */
  maxStreamMessageBytes?: number | undefined;
  /**
   * Longest gap allowed between two calls of one native stream message, in milliseconds.
   * Tencent auto-ends a stream whose next chunk comes later: the message keeps the text it had,
   * shows `stream.ended`, and later continuations answer 20023 (`messageRecalled` in
   * {@link LOCAL_TENCENT_CHAT_ERROR_CODES}). Lower it to test that path.
   * @default 15000
   * @see https://cloud.tencent.com/document/product/269/128596
   */
  streamIdleLimitMs?: number | undefined;
  /** Calls per second each REST API accepts before answering 60007 (token bucket). @default 200 */
  apiCallsPerSecond?: number | undefined;
  /** Timeout of each webhook POST, in milliseconds. @default 10000 */
  webhookTimeoutMs?: number | undefined;
  /** Clock in milliseconds since the epoch (UserSig expiry, windows, timestamps). @default Date.now */
  now?: (() => number) | undefined;
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
  /**
   * `ErrorCode` answered (0 = OK). For an injected failure, its `errorCode` when not 0 — also
   * when it answered an HTTP status, closed the connection or only delayed the answer.
   */
  errorCode: number;
}

/**
 * Options of {@link LocalTencentChat.failNext}: what the failure looks like and when it
 * strikes. By default it strikes before the call is processed (nothing is stored) and answers
 * the `errorCode` envelope. With `after: 'store'` the call is processed and stored first and the
 * failure spoils only its answer — what happens when a connection breaks, a gateway times out
 * or a proxy answers 502 after Tencent stored a message: the client cannot tell that the message
 * exists, and a retry that does not repeat the same dedupe keys and body creates a second one.
 *
 * @example
 * ```ts
 * // A gateway error: refused, nothing stored.
 * local.failNext('openim/sendmsg', 91000, 1, { httpStatus: 502 });
 * // Stored, then the connection breaks before the answer (errorCode 0: the call succeeded).
 * local.failNext('openim/sendmsg', 0, 1, { after: 'store', reset: true });
 * // Stored, then answered 1.5 s late (past the client's timeoutMs: it times out).
 * local.failNext('openim/sendmsg', 0, 1, { after: 'store', delayMs: 1_500 });
 * // An outage: every modify answers 502 for the next 3 s.
 * local.failNext('openim/modify_c2c_msg', 502, undefined, { httpStatus: 502, forMs: 3_000 });
 * ```
 */
export interface LocalFaultOptions {
  /** Answer with this HTTP status and a plain-text body instead of a JSON envelope. */
  httpStatus?: number | undefined;
  /**
   * `'store'`: the call is first processed — checked, stored, deduplicated — exactly as without
   * a fault; then the failure (`errorCode`, `httpStatus`, `reset`, `delayMs`) replaces its
   * answer. With `errorCode` 0 and neither `httpStatus` nor `reset`, the call's own answer is
   * sent (after `delayMs`). @default the failure strikes before the call is processed
   */
  after?: 'store' | undefined;
  /**
   * Close the connection without any answer (the client sees a network error). Before the
   * store: nothing is stored; with `after: 'store'`: the call was stored. @default false
   */
  reset?: boolean | undefined;
  /**
   * Hold the answer (or the reset) this long, in milliseconds. Longer than the client's
   * `timeoutMs`, the client times out and never sees it. @default 0
   */
  delayMs?: number | undefined;
  /**
   * The failure lasts this long from now, in milliseconds: every call of the API fails until
   * then (an outage), or until `times` calls when `times` is given.
   */
  forMs?: number | undefined;
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
  signOverride?: string | undefined;
  /** `RequestTime` (unix seconds) to send; `Sign` is computed over it unless overridden. */
  requestTimeOverride?: number | string | undefined;
  /** `SdkAppid` query parameter to send instead of the app's. */
  sdkAppIdOverride?: number | string | undefined;
  /** Send neither `Sign` nor `RequestTime`, even with a token. @default false */
  omitSign?: boolean | undefined;
  /** `OptPlatform` query parameter. @default 'Web' */
  optPlatform?: string | undefined;
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
   * the URL and UserSig checks (`requests` records `errorCode`). With `httpStatus`, answers that
   * HTTP status with a text body; `options` also make a failure strike after the call was
   * stored (`after: 'store'`), close the connection (`reset`), answer late (`delayMs`) or last a
   * while (`forMs`). Failures of one API apply in the order they were added.
   *
   * @param times calls the failure applies to. @default 1, or every call within `forMs`
   * @example
   * ```ts
   * local.failNext('openim/sendmsg', 0, 1, { after: 'store', reset: true });
   * ```
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
