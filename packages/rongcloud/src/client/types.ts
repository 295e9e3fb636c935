import type {
  BotIntegrationOptions,
  CreateBotOptions,
  DeleteBotIntegrationOptions,
  DeleteBotOptions,
  GetBotsOptions,
  GetBotsResult,
  ListBotsOptions,
  ListBotsResult,
  UpdateBotOptions,
} from './bot-types.ts';
import type {
  PublishGroupMessageOptions,
  PublishGroupStreamMessageOptions,
  PublishMessageResult,
  PublishPrivateMessageOptions,
  PublishPrivateStreamMessageOptions,
  PublishStreamMessageResult,
  RecallMessageOptions,
} from './message-types.ts';
import type { CallOptions } from './options.ts';

/** Options of {@link RongCloudClient.registerUser}. */
export interface RegisterUserOptions extends CallOptions {
  /** The user id (1–64 bytes of UTF-8). */
  userId: string;
  /** Display name (1–128 bytes of UTF-8), used in push notifications. */
  name: string;
  /** Avatar URL (at most 1024 characters). */
  portraitUri?: string | undefined;
}

/** What {@link RongCloudClient.registerUser} returns. */
export interface RegisterUserResult {
  /** The user id. */
  userId: string;
  /** The token a client SDK connects with. */
  token: string;
}

/**
 * A RongCloud Server API client (see {@link createRongCloudClient}). Every method takes an
 * options object with `signal?`, `timeoutMs?` and `retry?` (`false` for one attempt, or fields
 * overriding the client's), checks it before sending (a `ValidationError` naming the field), and
 * fails with an `APICallError` (`kind`, `providerCode`, `retryable`, `hint`) or an
 * `AbortedError`.
 */
export interface RongCloudClient {
  /** The App Key calls are signed for. */
  readonly appKey: string;
  /** The base URL calls go to now (it moves to the backup host on failover, and stays). */
  readonly baseUrl: string;

  /**
   * Registers a user (or refreshes an existing one's name and avatar) and returns a token for a
   * client SDK: `POST /user/getToken.json`, a form body. A bot's user id should be registered
   * too, so pushes show its name.
   *
   * RongCloud's Dify integration guide gets this step wrong: its "create a real user" step
   * calls the bot API (`/v3/bot/create.json` with a form body `userId=…`), which creates no
   * user. This is the user API.
   *
   * @throws {ValidationError} when `userId` is empty or over 64 bytes, `name` over 128 bytes, or
   *   `portraitUri` over 1024 characters.
   * @see https://docs.rongcloud.cn/platform-chat-api/user/register
   */
  registerUser(options: RegisterUserOptions): Promise<RegisterUserResult>;

  /**
   * Creates a bot with its integrations (`POST /v3/bot/create.json`, JSON). RongCloud allows at
   * most 10 bots per app: the 11th is refused by the server (the client cannot know how many
   * exist). Limits checked before sending: `userId` ≤ 64, `name` and `type` ≤ 128, `profileUrl`
   * ≤ 256 characters, metadata ≤ 16 pairs (see {@link BotMetadata}), a Dify `callbackUrl` that is
   * the API base URL. Dify API keys are resolved here and redacted from every error.
   *
   * @throws {ValidationError} for a field out of its limits.
   * @example
   * ```ts
   * await client.createBot({
   *   userId: 'assistant', name: 'Assistant', type: 'Message AI', profileUrl: 'https://example.com/bot.png',
   *   integrations: [{ type: 'dify_chatflow', callbackUrl: 'https://api.dify.ai/v1', stream: true,
   *     auth: { apiKey: process.env.DIFY_API_KEY ?? '' } }],
   * });
   * ```
   * @see https://docs.rongcloud.cn/platform-chat-api/bot/create-a-bot
   */
  createBot(options: CreateBotOptions): Promise<void>;

  /**
   * Reads up to 20 bots by user id (`POST /v3/bot/get.json`).
   *
   * @see https://docs.rongcloud.cn/platform-chat-api/bot/get-bot
   */
  getBots(options: GetBotsOptions): Promise<GetBotsResult>;

  /**
   * Lists the app's bots, a page at a time (`POST /v3/bot/query.json`). Integrations of types
   * this version does not know come back as `{ type: 'other', vendorType, fields }`.
   *
   * @see https://docs.rongcloud.cn/platform-chat-api/bot/list-bots
   */
  listBots(options?: ListBotsOptions): Promise<ListBotsResult>;

  /** Updates a bot (`POST /v3/bot/update.json`); see {@link UpdateBotOptions}. */
  updateBot(options: UpdateBotOptions): Promise<void>;

  /** Deletes a bot (`POST /v3/bot/delete.json`). */
  deleteBot(options: DeleteBotOptions): Promise<void>;

  /** Adds an integration to a bot (`POST /v3/bot/integration/create.json`). */
  createBotIntegration(options: BotIntegrationOptions): Promise<void>;

  /** Replaces the bot's integration of the same type (`POST /v3/bot/integration/update.json`). */
  updateBotIntegration(options: BotIntegrationOptions): Promise<void>;

  /** Removes the bot's integration of a type (`POST /v3/bot/integration/delete.json`). */
  deleteBotIntegration(options: DeleteBotIntegrationOptions): Promise<void>;

  /**
   * Sends a message to users (`POST /message/private/publish.json`, a form body: `content` is
   * JSON-encoded in its field, each receiver is a repeated `toUserId`).
   *
   * @throws {ValidationError} for no receiver or more than 1000, or content of the wrong shape.
   * @example
   * ```ts
   * await client.publishPrivateMessage({
   *   fromUserId: 'assistant', toUserId: 'alice',
   *   objectName: 'RC:TxtMsg', content: { content: 'Hello!' },
   * });
   * ```
   * @see https://docs.rongcloud.cn/platform-chat-api/message/send-private
   */
  publishPrivateMessage<ObjectName extends string>(
    options: PublishPrivateMessageOptions<ObjectName>,
  ): Promise<PublishMessageResult>;

  /**
   * Sends a message to groups (`POST /message/group/publish.json`, a form body; up to 3 groups).
   *
   * @see https://docs.rongcloud.cn/platform-chat-api/message/send-group
   */
  publishGroupMessage<ObjectName extends string>(
    options: PublishGroupMessageOptions<ObjectName>,
  ): Promise<PublishMessageResult>;

  /**
   * Recalls a message (`POST /message/recall.json`, a form body).
   *
   * @see https://docs.rongcloud.cn/platform-chat-api/message/recall
   */
  recallMessage(options: RecallMessageOptions): Promise<void>;

  /**
   * Sends one chunk of an `RC:StreamMsg` stream message to a user
   * (`POST /v3/message/private/publish_stream.json`, JSON). The first chunk (`seq: 1`) returns
   * the `messageUid` every later chunk must carry; the last has `complete: true`. A call's body
   * is at most 128 KB.
   *
   * @throws {ValidationError} for a body over 128 KB, a `seq` that is not a positive integer, or
   *   a later chunk without `messageUid`.
   * @example
   * ```ts
   * const { messageUid } = await client.publishPrivateStreamMessage({
   *   fromUserId: 'assistant', toUserId: 'alice', content: 'Hel', seq: 1, complete: false, type: 'markdown',
   * });
   * await client.publishPrivateStreamMessage({
   *   fromUserId: 'assistant', toUserId: 'alice', content: 'lo!', seq: 2, complete: true, messageUid,
   * });
   * ```
   * @see https://docs.rongcloud.cn/platform-chat-api/message/send-private-stream
   */
  publishPrivateStreamMessage(
    options: PublishPrivateStreamMessageOptions,
  ): Promise<PublishStreamMessageResult>;

  /**
   * Sends one chunk of an `RC:StreamMsg` stream message to a group
   * (`POST /v3/message/group/publish_stream.json`, JSON); see
   * {@link RongCloudClient.publishPrivateStreamMessage}.
   */
  publishGroupStreamMessage(
    options: PublishGroupStreamMessageOptions,
  ): Promise<PublishStreamMessageResult>;

  /**
   * Calls any Server API path with the client's signing, limits, retries and typed errors, and
   * returns the answer's body once its `code` is 200. The body is JSON for `/v3/*` paths and a
   * form for the others (a field per key; string arrays repeat the key; JSON values must be
   * encoded into a field by the caller).
   *
   * @example
   * ```ts
   * await client.call('user/block.json', { userId: ['alice', 'bob'], minute: 60 });
   * ```
   */
  call(
    path: string,
    fields: Readonly<Record<string, unknown>>,
    options?: CallOptions,
  ): Promise<Record<string, unknown>>;
}
