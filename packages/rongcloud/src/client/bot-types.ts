import type { SecretInput } from '@imbridge/provider-utils';
import type { CallOptions } from './options.ts';

/** The Dify integration types: the RongCloud server calls a Dify app for the bot. */
export const DIFY_INTEGRATION_TYPES = ['dify_chat', 'dify_completion', 'dify_chatflow'] as const;

/**
 * A Dify integration type: `dify_chat` (a chat assistant or agent: RongCloud calls
 * `{callbackUrl}/chat-messages`), `dify_chatflow` (a chatflow, same path), `dify_completion` (a
 * text generator: `{callbackUrl}/completion-messages`, the user's text in `inputs.query`).
 */
export type DifyIntegrationType = (typeof DIFY_INTEGRATION_TYPES)[number];

/** Fields every integration has. */
export interface BotIntegrationFields {
  /** Whether RongCloud uses this integration. @default RongCloud's default (on) */
  enabled?: boolean | undefined;
  /** Message types that trigger it, e.g. `['RC:TxtMsg']`. @default RongCloud's default */
  objectNames?: readonly string[] | undefined;
  /** Events that trigger it, e.g. `['message:private']`. @default RongCloud's default */
  events?: readonly string[] | undefined;
}

/**
 * RongCloud POSTs the bot's events to your server (JSON, signed in the query string); you answer
 * by publishing as the bot.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
export interface WebhookBotIntegration extends BotIntegrationFields {
  /** Discriminant. */
  type: 'webhook';
  /** Your endpoint, an http(s) URL. */
  callbackUrl: string;
}

/**
 * RongCloud forwards the bot's messages to a Dify app and sends its answer as the bot.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-dify
 */
export interface DifyBotIntegration extends BotIntegrationFields {
  /** Discriminant: which Dify app type. */
  type: DifyIntegrationType;
  /**
   * The Dify API **base URL**, e.g. `https://api.dify.ai/v1` or `https://dify.example.com/v1`.
   * RongCloud appends `/chat-messages` or `/completion-messages` itself, so a URL already ending
   * in one of them is rejected before sending.
   */
  callbackUrl: string;
  /** Stream Dify's answer as `RC:StreamMsg` chunks; `false`: one message at the end. @default true (RongCloud's default) */
  stream?: boolean | undefined;
  /** RongCloud sends Dify's answer as the bot; `false`: it only forwards. @default true (RongCloud's default) */
  handleResponse?: boolean | undefined;
  /** How RongCloud authenticates to Dify. */
  auth: {
    /**
     * The Dify app's API key (`app-…`), sent as `Authorization: Bearer`. A secret: a value or a
     * resolver, resolved when the call is made, and redacted from every error.
     */
    apiKey: SecretInput;
  };
}

/** An integration to create or update: a discriminated union on `type`. */
export type BotIntegration = WebhookBotIntegration | DifyBotIntegration;

/** A webhook integration as RongCloud reports it. */
export interface WebhookBotIntegrationInfo extends BotIntegrationFields {
  /** Discriminant. */
  type: 'webhook';
  /** Your endpoint. */
  callbackUrl: string;
}

/** A Dify integration as RongCloud reports it. */
export interface DifyBotIntegrationInfo extends BotIntegrationFields {
  /** Discriminant. */
  type: DifyIntegrationType;
  /** The Dify API base URL. */
  callbackUrl: string;
  /** Whether answers stream (when reported). */
  stream?: boolean | undefined;
  /** Whether RongCloud sends Dify's answer as the bot (when reported). */
  handleResponse?: boolean | undefined;
  /** How RongCloud authenticates to Dify, when it reports it. */
  auth?:
    | {
        /** The Dify API key. Treat it as a secret. */
        apiKey: string;
      }
    | undefined;
}

/**
 * An integration of a type this version does not know (RongCloud may add some, such as its own
 * agents): kept, not a parse failure.
 */
export interface OtherBotIntegrationInfo {
  /** Discriminant: not one of the known types. */
  type: 'other';
  /** RongCloud's `type` value. */
  vendorType: string;
  /** Whether it is on, when reported. */
  enabled?: boolean | undefined;
  /** Its callback URL, when it has one. */
  callbackUrl?: string | undefined;
  /** Every field as RongCloud sent it (wire names), for what this version does not map. */
  fields: Record<string, unknown>;
}

/** An integration as RongCloud reports it: a discriminated union on `type`. */
export type BotIntegrationInfo =
  | WebhookBotIntegrationInfo
  | DifyBotIntegrationInfo
  | OtherBotIntegrationInfo;

/**
 * Bot metadata: at most 16 pairs, keys 1–32 characters, values 1–128 characters. RongCloud
 * stores strings and passes them to your webhook and to Dify (as `inputs.bot_metadata…`).
 * Numbers and booleans are accepted and **sent as strings** (`{ version: 1 }` goes out as
 * `{"version":"1"}`; RongCloud's own guide sends a number, but its API documents string values);
 * any other value is rejected with a `ValidationError`.
 */
export type BotMetadata = Readonly<Record<string, string | number | boolean>>;

/** Options of {@link RongCloudClient.createBot}. */
export interface CreateBotOptions extends CallOptions {
  /** The bot's IM user id (1–64 characters). */
  userId: string;
  /** Display name (1–128 characters). */
  name: string;
  /** A free-form category (1–128 characters), e.g. `'Message AI'`. */
  type: string;
  /** Avatar URL (1–256 characters). */
  profileUrl: string;
  /** Passed to the webhook and to Dify with every event. */
  metadata?: BotMetadata | undefined;
  /** How the bot's messages are handled (several may be combined, e.g. a webhook and Dify). */
  integrations: readonly BotIntegration[];
}

/**
 * Options of {@link RongCloudClient.updateBot}: the bot's `userId` and the fields to send.
 * RongCloud's documentation does not say whether an update replaces the bot or merges the
 * fields (the official Java SDK sends the whole bot): pass every field to be safe.
 */
export interface UpdateBotOptions extends CallOptions {
  /** The bot to update. */
  userId: string;
  /** Display name (1–128 characters). */
  name?: string | undefined;
  /** Category (1–128 characters). */
  type?: string | undefined;
  /** Avatar URL (1–256 characters). */
  profileUrl?: string | undefined;
  /** Metadata (see {@link BotMetadata}). */
  metadata?: BotMetadata | undefined;
  /** Integrations. */
  integrations?: readonly BotIntegration[] | undefined;
}

/** A bot as RongCloud reports it. */
export interface BotInfo {
  /** The bot's IM user id. */
  userId: string;
  /** Display name. */
  name: string;
  /** Category. */
  type: string;
  /** Avatar URL. */
  profileUrl: string;
  /** Metadata (string values). */
  metadata: Record<string, string>;
  /** Integrations as reported ({@link RongCloudClient.listBots} reports them only when asked). */
  integrations: BotIntegrationInfo[];
  /** When it was created, in unix milliseconds (when reported). */
  createdAtMs?: number | undefined;
  /** When it was last updated, in unix milliseconds (when reported). */
  updatedAtMs?: number | undefined;
}

/** Options of {@link RongCloudClient.getBots}. */
export interface GetBotsOptions extends CallOptions {
  /** The bots' user ids (1 to 20). */
  userIds: readonly string[];
}

/** What {@link RongCloudClient.getBots} returns. */
export interface GetBotsResult {
  /** The bots found (unknown ids are absent). */
  bots: BotInfo[];
}

/** Options of {@link RongCloudClient.listBots}. */
export interface ListBotsOptions extends CallOptions {
  /** Page number, from 1. @default 1 */
  page?: number | undefined;
  /** Bots per page. @default 10 */
  pageSize?: number | undefined;
  /** Include each bot's integrations. @default false */
  includeIntegrations?: boolean | undefined;
}

/** What {@link RongCloudClient.listBots} returns. */
export interface ListBotsResult {
  /** The bots of this page. */
  bots: BotInfo[];
  /** Bots of the app in all. */
  total: number;
  /** Whether another page follows. */
  hasNext: boolean;
}

/** Options of {@link RongCloudClient.deleteBot}. */
export interface DeleteBotOptions extends CallOptions {
  /** The bot to delete. */
  userId: string;
}

/** Options of {@link RongCloudClient.createBotIntegration} and {@link RongCloudClient.updateBotIntegration}. */
export interface BotIntegrationOptions extends CallOptions {
  /** The bot. */
  userId: string;
  /** The integration (an update replaces the bot's integration of the same `type`). */
  integration: BotIntegration;
}

/** Options of {@link RongCloudClient.deleteBotIntegration}. */
export interface DeleteBotIntegrationOptions extends CallOptions {
  /** The bot. */
  userId: string;
  /** Which integration: RongCloud keys a bot's integrations by type. */
  type: BotIntegration['type'];
}
