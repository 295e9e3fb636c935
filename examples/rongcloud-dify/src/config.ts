import {
  RONGCLOUD_REGIONS,
  type RongCloudAdapterOptions,
  type RongCloudRegion,
} from '@imbridge/rongcloud';

/** The example's settings, read from the environment (see `.env.example`). */
export interface ExampleConfig {
  /**
   * The app and where its Server API is (`region`, or one `baseUrl` such as the local
   * RongCloud); the server adds the bot user id it answers for.
   */
  rongcloud: RongCloudAdapterOptions;
  /** The bot user answered by this example's server (`webhook` integration). */
  webhookBotUserId: string;
  /** The bot user RongCloud answers with Dify itself (`dify_chatflow` integration). */
  difyBotUserId: string;
  /** The Dify app: its Service API base URL and its API key (`app-…`). */
  dify: { baseUrl: string; apiKey: string };
  /** The HTTP port the webhook server listens on. */
  port: number;
  /** The public URL of this server's webhook, given to RongCloud by `setup-bots`. */
  publicWebhookUrl: string | undefined;
}

/** A setting that is missing or malformed; the message names the variable, never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The environment variable to fix. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${message} (see .env.example)`);
    this.variable = variable;
  }
}

/** The path of the webhook on this example's server. */
export const WEBHOOK_PATH = '/rongcloud/webhook';
/** Dify Cloud's Service API, used when `DIFY_BASE_URL` is not set. */
export const DIFY_CLOUD_BASE_URL = 'https://api.dify.ai/v1';

const REGIONS = Object.keys(RONGCLOUD_REGIONS) as RongCloudRegion[];
const DIFY_PATHS = /\/(chat|completion)-messages\/*$/;

type Env = Readonly<Record<string, string | undefined>>;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value.length === 0 ? undefined : value;
}

function required(env: Env, name: string, what: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, `Set ${name}: ${what}`);
  return value;
}

function httpUrl(env: Env, name: string, example: string): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ConfigError(name, `${name} must be an http(s) URL, e.g. ${example}`);
  }
  return value.replace(/\/+$/, '');
}

function botUserId(env: Env, name: string, fallback: string): string {
  const value = optional(env, name) ?? fallback;
  if (value.length > 64 || /\s/.test(value)) {
    throw new ConfigError(name, `${name} must be a user id of 1 to 64 characters without spaces`);
  }
  return value;
}

function rongCloudConnection(env: Env): Pick<RongCloudAdapterOptions, 'region' | 'baseUrl'> {
  const baseUrl = httpUrl(env, 'RONGCLOUD_BASE_URL', 'http://127.0.0.1:8080');
  const region = optional(env, 'RONGCLOUD_REGION');
  if (baseUrl !== undefined && region !== undefined) {
    throw new ConfigError(
      'RONGCLOUD_BASE_URL',
      'Set RONGCLOUD_REGION or RONGCLOUD_BASE_URL, not both',
    );
  }
  if (baseUrl !== undefined) return { baseUrl };
  if (region !== undefined && !(REGIONS as string[]).includes(region)) {
    throw new ConfigError(
      'RONGCLOUD_REGION',
      `RONGCLOUD_REGION must be one of ${REGIONS.join(', ')} (the data centre of the app), received "${region}"`,
    );
  }
  return { region: (region ?? 'china') as RongCloudRegion };
}

/**
 * Reads and checks the settings. Throws a {@link ConfigError} naming the variable that is missing
 * or malformed and what it should look like; a secret's value is never part of the message.
 * `requirePublicWebhookUrl` is for `setup-bots`, which gives that URL to RongCloud.
 */
export function readConfig(
  env: Env = process.env,
  options: { requirePublicWebhookUrl?: boolean } = {},
): ExampleConfig {
  const appKey = required(
    env,
    'RONGCLOUD_APP_KEY',
    'the App Key of your RongCloud app (console → App Key & Secret)',
  );
  const appSecret = required(
    env,
    'RONGCLOUD_APP_SECRET',
    'the App Secret of the same app (console → App Key & Secret; not the App Key)',
  );
  if (appSecret === appKey) {
    throw new ConfigError(
      'RONGCLOUD_APP_SECRET',
      'RONGCLOUD_APP_SECRET holds the App Key: set it to the App Secret shown next to it in the console',
    );
  }
  const webhookBotUserId = botUserId(env, 'RONGCLOUD_BOT_USER_ID', 'bot-assistant');
  const difyBotUserId = botUserId(env, 'RONGCLOUD_DIFY_BOT_USER_ID', 'bot-dify');
  if (webhookBotUserId === difyBotUserId) {
    throw new ConfigError(
      'RONGCLOUD_DIFY_BOT_USER_ID',
      'RONGCLOUD_DIFY_BOT_USER_ID must differ from RONGCLOUD_BOT_USER_ID: they are two bots',
    );
  }
  const difyBaseUrl = httpUrl(env, 'DIFY_BASE_URL', DIFY_CLOUD_BASE_URL) ?? DIFY_CLOUD_BASE_URL;
  if (DIFY_PATHS.test(new URL(difyBaseUrl).pathname)) {
    throw new ConfigError(
      'DIFY_BASE_URL',
      `DIFY_BASE_URL must be the Service API base URL, e.g. ${DIFY_CLOUD_BASE_URL} or https://dify.example.com/v1, without /chat-messages (RongCloud and the model append it)`,
    );
  }
  const apiKey = required(
    env,
    'DIFY_API_KEY',
    "the API key of your Dify app (app-…, from the app's API Access page)",
  );
  const portText = optional(env, 'PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new ConfigError(
      'PORT',
      `PORT must be a port number (0 to 65535), received "${portText}"`,
    );
  }
  const publicWebhookUrl = httpUrl(
    env,
    'PUBLIC_WEBHOOK_URL',
    `https://bot.example.com${WEBHOOK_PATH}`,
  );
  if (options.requirePublicWebhookUrl === true && publicWebhookUrl === undefined) {
    throw new ConfigError(
      'PUBLIC_WEBHOOK_URL',
      `Set PUBLIC_WEBHOOK_URL: the public URL RongCloud posts the webhook bot's messages to, e.g. https://bot.example.com${WEBHOOK_PATH}`,
    );
  }
  return {
    rongcloud: { appKey, appSecret, ...rongCloudConnection(env) },
    webhookBotUserId,
    difyBotUserId,
    dify: { baseUrl: difyBaseUrl, apiKey },
    port,
    publicWebhookUrl,
  };
}
