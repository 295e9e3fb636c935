/**
 * Public types of the local RongCloud: its options, request records, faults, webhook
 * deliveries and the handle {@link createLocalRongCloud} returns (what it stores is in
 * `stored-types.ts`).
 *
 * @module
 */
import type { LOCAL_RONGCLOUD_DEFAULT_RATE_LIMITS, LocalRongCloudAPI } from './apis.ts';
import type { createLocalRongCloud } from './local-rongcloud.ts';
import type { LocalBot, LocalConversationSelector, LocalMessage } from './stored-types.ts';

/**
 * One of the two hosts of the app's region: RongCloud publishes a primary and a backup host per
 * region, and clients switch to the other on network errors and 5xx.
 *
 * @example
 * ```ts
 * const host: LocalHost = 'backup';
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/base-url
 */
export type LocalHost = 'primary' | 'backup';

/**
 * Options of {@link createLocalRongCloud}.
 *
 * @example
 * ```ts
 * const options: LocalRongCloudOptions = { appKey: 'app-key', appSecret: 'app-secret' };
 * ```
 */
export interface LocalRongCloudOptions {
  /** The App Key requests must carry (`App-Key` / `RC-App-Key`). */
  appKey: string;
  /** The App Secret signatures are verified with and webhooks are signed with. */
  appSecret: string;
  /** Port of the primary host (127.0.0.1 only). @default 0 (a free port) */
  port?: number | undefined;
  /** Port of the backup host (127.0.0.1 only). @default 0 (a free port) */
  backupPort?: number | undefined;
  /**
   * Where every bot webhook is POSTed, in place of the `callbackUrl` of the bot's `webhook`
   * integration (useful when the bot's port is known only after the bot was created). Without
   * it, webhooks go to the integration's `callbackUrl`.
   */
  callbackUrl?: string | undefined;
  /** Clock in milliseconds since the epoch (records, timestamps, rate limits). @default Date.now */
  now?: (() => number) | undefined;
  /**
   * Calls per second an API accepts before answering HTTP 429 with code 1008, per API; APIs left
   * out keep {@link LOCAL_RONGCLOUD_DEFAULT_RATE_LIMITS}.
   */
  rateLimits?: Partial<Record<LocalRongCloudAPI, number>> | undefined;
  /**
   * Largest distance between a request's `Timestamp` (milliseconds, or seconds when it has at
   * most 11 digits) and now, in milliseconds, before the signature is refused with 1004.
   * RongCloud documents no freshness window for Server API signatures, so by default none is
   * enforced; set it to catch a client that signs once and reuses the signature.
   * @default undefined (not enforced)
   */
  timestampToleranceMs?: number | undefined;
  /** Timeout of each webhook POST, in milliseconds. @default 10000 */
  webhookTimeoutMs?: number | undefined;
  /**
   * Timeout of each call a Dify integration makes to Dify (`/chat-messages`,
   * `/completion-messages`), the whole answer included, in milliseconds. @default 60000
   */
  difyTimeoutMs?: number | undefined;
}

/**
 * One Server API request, as logged in {@link LocalRongCloud.requests}.
 *
 * @example
 * ```ts
 * const onBackup = local.requests.filter((request) => request.host === 'backup');
 * ```
 */
export interface LocalRequestRecord {
  /** The path, e.g. `/v3/bot/create.json` (any path, unknown ones included). */
  api: string;
  /** The host that received it. */
  host: LocalHost;
  /** When it arrived, in milliseconds since the epoch. */
  atMs: number;
  /** HTTP status answered; 0 when the connection was reset without an answer. */
  httpStatus: number;
  /**
   * `code` answered (200 = success). For an injected failure, its `code` when not 200 — also when
   * it answered a plain-text HTTP status, reset the connection or only delayed the answer. 0 when
   * the host was down.
   */
  code: number;
  /** The raw body text (empty when the host was down). */
  body: string;
  /** The `Content-Type` header, or `''`. */
  contentType: string;
  /** The `Nonce` (or `RC-Nonce`) header, when sent. */
  nonce?: string;
  /** The `Timestamp` (or `RC-Timestamp`) header, when sent. */
  timestamp?: string;
  /** True when the connection was closed without an answer (a fault's `reset`, or `hostDown`). */
  reset: boolean;
}

/**
 * Options of {@link LocalRongCloud.failNext}: what the failure looks like, where and when it
 * strikes. By default it strikes on either host before the call is processed (nothing is stored)
 * and answers the `code` envelope with the HTTP status RongCloud pairs with it. With
 * `after: 'store'` the call is processed and stored first and the failure spoils only its answer
 * — what happens when a connection breaks or a gateway times out after RongCloud stored a
 * message: the client cannot tell that the message exists.
 *
 * @example
 * ```ts
 * // The primary host's gateway fails: 502, nothing stored; the backup is not affected.
 * local.failNext('/message/private/publish.json', 1000, 1, { host: 'primary', httpStatus: 502 });
 * // Stored, then the connection breaks before the answer (code 200: the call succeeded).
 * local.failNext('/message/private/publish.json', 200, 1, { after: 'store', reset: true });
 * // Stored, then answered 1.5 s late (past the client's timeoutMs: it times out).
 * local.failNext('/v3/message/private/publish_stream.json', 200, 1, { after: 'store', delayMs: 1_500 });
 * // An outage of the primary: every bot query answers 503 for the next 3 s.
 * local.failNext('/v3/bot/query.json', 1000, undefined, { host: 'primary', httpStatus: 503, forMs: 3_000 });
 * ```
 */
export interface LocalFaultOptions {
  /** Only calls to this host fail. @default either host */
  host?: LocalHost | undefined;
  /** Answer with this HTTP status and a plain-text body (a gateway's error page) instead of an envelope. */
  httpStatus?: number | undefined;
  /**
   * `'store'`: the call is first processed — checked, rate-limited, stored — exactly as without a
   * fault; then the failure (`code`, `httpStatus`, `reset`, `delayMs`) replaces its answer. With
   * `code` 200 and neither `httpStatus` nor `reset`, the call's own answer is sent (after
   * `delayMs`). @default the failure strikes before the call is processed
   */
  after?: 'store' | undefined;
  /**
   * Close the connection without any answer (a TCP reset: the client sees a network error).
   * Before the store: nothing is stored; with `after: 'store'`: the call was stored. @default false
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
 * One webhook POST and the bot's answer.
 *
 * @example
 * ```ts
 * const [delivery] = (await local.userSends({ from: 'alice', toBot: 'bot-1', text: 'hi' })).deliveries;
 * console.log(delivery?.url, delivery?.status);
 * ```
 */
export interface LocalWebhookDelivery {
  /** The bot the webhook was for. */
  botUserId: string;
  /** The URL POSTed to, signature query parameters included. */
  url: string;
  /** The JSON body sent. */
  requestBody: unknown;
  /** HTTP status of the bot's answer. */
  status: number;
  /** The bot's answer body (parsed JSON, else text). */
  body: unknown;
}

/**
 * One call RongCloud's own Dify integration made for a bot (`dify_chat`, `dify_completion`,
 * `dify_chatflow`), as logged in {@link LocalRongCloud.difyCalls}. A retry without the
 * conversation (after Dify answered 404 or `conversation_completed`) is a call of its own.
 *
 * @example
 * ```ts
 * const [call] = local.difyCalls;
 * console.log(call?.url, call?.status, call?.conversationId, call?.error);
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-dify
 */
export interface LocalDifyCall {
  /** The bot answering. */
  botUserId: string;
  /** The integration that made the call. */
  integrationType: 'dify_chat' | 'dify_completion' | 'dify_chatflow';
  /** The URL POSTed to: the integration's `callbackUrl` + `/chat-messages` or `/completion-messages`. */
  url: string;
  /** The JSON body sent (the API key travels only in the `Authorization` header). */
  requestBody: Readonly<Record<string, unknown>>;
  /** `streaming` (the integration's `stream`, default true) or `blocking`. */
  responseMode: 'streaming' | 'blocking';
  /** HTTP status of Dify's answer; 0 when no answer came (network error, timeout). */
  status: number;
  /** The conversation Dify answered in (chat apps), else the one sent, else `undefined`. */
  conversationId: string | undefined;
  /** The answer text received (partial when the call failed mid-stream). */
  answer: string;
  /** UID of the bot message the answer was stored as; `undefined` when none was stored. */
  replyMessageUID: string | undefined;
  /**
   * What went wrong — `HTTP 401 unauthorized: …`, `error event invalid_param: …`, `network: …`,
   * `timeout` — or `undefined` when the call succeeded.
   */
  error: string | undefined;
  /** When the call started, in milliseconds since the epoch. */
  atMs: number;
}

/**
 * What a simulated user's message led to.
 *
 * @example
 * ```ts
 * const { delivered, status, messageUID } = await local.userSends({ from: 'alice', toBot: 'bot-1', text: 'hi' });
 * ```
 */
export interface LocalDeliveryResult {
  /** HTTP status of the (first) bot's answer; 0 when no webhook was sent. */
  status: number;
  /** The (first) bot's answer body (parsed JSON, else text); `undefined` when none was sent. */
  body: unknown;
  /** True when at least one webhook was POSTed. */
  delivered: boolean;
  /** UID of the stored message (also `data.msgUID` of the webhook). */
  messageUID: string;
  /** Every webhook POSTed, one per addressed bot with an enabled webhook integration. */
  deliveries: LocalWebhookDelivery[];
  /**
   * Every call to Dify this message caused, one per addressed bot with an enabled Dify
   * integration (two when a conversation was retried), each finished and its answer stored.
   */
  difyCalls: LocalDifyCall[];
}

/**
 * Options of {@link LocalRongCloud.deliverWebhook}, for forged, stale or old-style webhooks.
 *
 * @example
 * ```ts
 * await local.deliverWebhook('message:private', body, { timestampOverride: Date.now() - 3_600_000 });
 * await local.deliverWebhook('message:private', body, { legacySpelling: true });
 * ```
 */
export interface LocalWebhookOptions {
  /** Where to POST. @default the `callbackUrl` option, else the webhook integration of `body.bot.userId` */
  callbackUrl?: string | undefined;
  /** `signature` to send instead of the computed one. */
  signOverride?: string | undefined;
  /**
   * The timestamp to send (milliseconds; seconds with `legacySpelling`); the signature is computed
   * over it unless overridden.
   */
  timestampOverride?: number | string | undefined;
  /** The nonce to send. @default a random one */
  nonceOverride?: string | undefined;
  /**
   * Use the old parameter names: `rc-nonce`, `rc-timestamp` (unix seconds) and `rc-signature`
   * instead of `nonce`, `signTimestamp` (milliseconds) and `signature`. @default false
   */
  legacySpelling?: boolean | undefined;
  /** Send no signature parameters at all. @default false */
  omitSignature?: boolean | undefined;
}

/**
 * A running local RongCloud; see {@link createLocalRongCloud}.
 *
 * @example
 * ```ts
 * const local = await createLocalRongCloud({ appKey: 'key', appSecret: 'secret' });
 * try { console.log(local.primaryUrl, local.backupUrl); } finally { await local.close(); }
 * ```
 */
export interface LocalRongCloud {
  /** The primary host, `http://127.0.0.1:PORT`; calls go to `${primaryUrl}/v3/bot/create.json`… */
  readonly primaryUrl: string;
  /** The backup host, another port serving the same store. */
  readonly backupUrl: string;
  /** The App Key. */
  readonly appKey: string;
  /** Stops both hosts and drops open connections. Idempotent. */
  close(): Promise<void>;
  /** Every message (copies), in creation order. */
  readonly messages: ReadonlyArray<LocalMessage>;
  /** Messages (copies) of one private pair or group, in creation order. */
  conversation(selector: LocalConversationSelector): LocalMessage[];
  /** Every Server API request, in arrival order, on both hosts. */
  readonly requests: ReadonlyArray<LocalRequestRecord>;
  /** Every call made to Dify by the bots' Dify integrations (copies), in order. */
  readonly difyCalls: ReadonlyArray<LocalDifyCall>;
  /**
   * Makes the next `times` calls of `api` fail with `code` (its HTTP status from RongCloud's
   * table, e.g. 1000 → 500), after the signature and content-type checks (`requests` records
   * `code`). `options` choose the host, a plain-text HTTP status, a failure after the call was
   * stored (`after: 'store'`), a reset connection (`reset`), a late answer (`delayMs`) or an
   * outage (`forMs`). Failures of one API apply in the order they were added.
   *
   * @param times calls the failure applies to. @default 1, or every call within `forMs`
   * @example
   * ```ts
   * local.failNext('/message/private/publish.json', 200, 1, { after: 'store', reset: true });
   * ```
   */
  failNext(api: LocalRongCloudAPI, code: number, times?: number, options?: LocalFaultOptions): void;
  /**
   * Takes a host down or brings it back. While it is down, every request to it — on a new or a
   * kept-alive connection — is recorded (`reset: true`, `code` 0) and its connection reset before
   * the body is read, and an answer held by a fault's `delayMs` is not sent.
   *
   * @example
   * ```ts
   * local.hostDown('primary', true); // the client must fail over to backupUrl
   * ```
   */
  hostDown(host: LocalHost, down: boolean): void;
  /** Sets (or clears) the URL every webhook goes to (the `callbackUrl` option). */
  setCallbackUrl(url: string | undefined): void;
  /** Registers (or updates) a user, as `/user/getToken.json` does. */
  registerUser(userId: string, profile?: { name?: string; portraitUri?: string }): void;
  /** Ids of the registered users. */
  readonly userIds: ReadonlyArray<string>;
  /** The bots (copies), in creation order. */
  readonly bots: ReadonlyArray<LocalBot>;
  /** One bot (a copy), or `undefined`. */
  bot(userId: string): LocalBot | undefined;
  /**
   * Creates a group.
   * @throws {Error} when the group exists.
   */
  createGroup(group: { groupId: string; memberIds: ReadonlyArray<string>; name?: string }): void;
  /**
   * A user sends an `RC:TxtMsg` to `toBot`; when it is a bot with an enabled `webhook`
   * integration listening to `message:private`, POSTs the signed webhook; when it has an enabled
   * `dify_*` integration, calls Dify as RongCloud does and stores the answer as the bot's
   * message (see `dify-forwarding.ts`). Resolves once the webhook was answered and Dify's
   * answer is stored. A failing Dify call is logged in `difyCalls`, never thrown.
   * @throws {Error} when `from` is not a registered user, or the webhook POST fails or times out.
   */
  userSends(message: { from: string; toBot: string; text: string }): Promise<LocalDeliveryResult>;
  /**
   * A group member sends an `RC:TxtMsg`, @-mentioning `mentionBotIds` (`mentionedInfo` type 2 in
   * the content; the text is sent as given). Every mentioned bot that is a member and has an
   * enabled `webhook` integration listening to `message:group` gets the signed webhook; one with
   * an enabled `dify_*` integration answers in the group through Dify, as in `userSends`.
   * @throws {Error} when the group is unknown or the sender is not a member, or a POST fails.
   */
  userSendsToGroup(message: {
    from: string;
    groupId: string;
    text: string;
    mentionBotIds?: ReadonlyArray<string>;
  }): Promise<LocalDeliveryResult>;
  /**
   * POSTs any body (a string as is, anything else as JSON) as webhook `type`, signed unless told
   * otherwise.
   * @throws {Error} when there is no URL to POST to.
   */
  deliverWebhook(
    type: string,
    body: unknown,
    options?: LocalWebhookOptions,
  ): Promise<LocalWebhookDelivery>;
}
