import type { DifyApp } from '@imbridge/llm';
import type { TRTCCredentials, TRTCEndpoint, TTSConfig } from '@imbridge/trtc';

/** The TRTC side of the example: the application, the Cloud API key and where the API is. */
export interface TRTCAppSettings {
  /** The TRTC application (`TRTC_SDK_APP_ID`). */
  sdkAppId: number;
  /** The application's SDK secret key (`TRTC_SECRET_KEY`): signs the agent's UserSig. */
  secretKey: string;
  /** The Tencent Cloud API key that signs the API calls (`TENCENTCLOUD_SECRET_ID` / `_KEY`). */
  credentials: TRTCCredentials;
  /** `X-TC-Region` of the calls (`TENCENTCLOUD_REGION`). */
  region: string;
  /** The site: `china` or `international` (`TRTC_ENDPOINT`). */
  endpoint: TRTCEndpoint;
  /** One base URL instead of the site's, e.g. a local TRTC (`TRTC_BASE_URL`). */
  baseUrl: string | undefined;
}

/** The names of {@link ModelSettings}, as `MODEL` takes them. */
export const MODEL_KINDS = ['scripted', 'openai-compatible', 'dify', 'minimax'] as const;

/** A value of {@link MODEL_KINDS}. */
export type ModelKind = (typeof MODEL_KINDS)[number];

/** The Dify apps that answer a conversation (the others have no memory of their own). */
export const DIFY_CHAT_APPS = ['chat', 'agent', 'chatflow'] as const satisfies readonly DifyApp[];

/** Which model answers, from `MODEL` and the variables of that model. */
export type ModelSettings =
  | { kind: 'scripted' }
  | { kind: 'openai-compatible'; baseUrl: string; model: string; apiKey: string | undefined }
  | { kind: 'dify'; baseUrl: string; apiKey: string; app: (typeof DIFY_CHAT_APPS)[number] }
  | { kind: 'minimax'; baseUrl: string | undefined; model: string; apiKey: string };

/** The example's settings, read from the environment (see `.env.example`). */
export interface ExampleConfig {
  /** The TRTC application, the API key and the API's location. */
  trtc: TRTCAppSettings;
  /** How the agent talks: its system prompt, greeting and voice. */
  agent: { systemPrompt: string; welcomeMessage: string | undefined; ttsConfig: TTSConfig };
  /**
   * Where TRTC reaches the agent's LLM endpoint (`TRTC_AGENT_PUBLIC_URL`), e.g.
   * `https://bot.example.com/trtc/v1`. `undefined` only in the local demo and the tests, where
   * the server's own loopback URL is used.
   */
  publicUrl: string | undefined;
  /** The bearer token of the admin API (`ADMIN_TOKEN`). */
  adminToken: string;
  /** The HTTP port the server listens on (`PORT`). */
  port: number;
  /** The model that answers (`MODEL` and its variables). */
  model: ModelSettings;
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

/** The path prefix of the agent's LLM endpoint on this server. */
export const ENDPOINT_BASE_PATH = '/trtc/v1';
/** The path TRTC posts each utterance to. */
export const ENDPOINT_PATH = `${ENDPOINT_BASE_PATH}/chat/completions`;
/** Dify Cloud's Service API, used when `DIFY_BASE_URL` is not set. */
export const DIFY_CLOUD_BASE_URL = 'https://api.dify.ai/v1';
/** The shortest `ADMIN_TOKEN` accepted. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;
/** What the agent is told when `AGENT_SYSTEM_PROMPT` is not set: answers made to be heard. */
export const DEFAULT_SYSTEM_PROMPT =
  'You are a voice assistant in a live call. Answer in one or two short spoken sentences, ' +
  'without lists, markdown or emoji.';
/** TRTC's built-in voice (`TTSType: "flow"`) used when `TRTC_TTS_VOICE_ID` is not set. */
export const DEFAULT_TTS_VOICE_ID = 'v-female-R2s4N9qJ';
/** The model of that voice, unless `TRTC_TTS_MODEL` is set. */
export const DEFAULT_TTS_MODEL = 'flow_01_turbo';

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

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const value = optional(env, name) ?? fallback;
  if (!(values as readonly string[]).includes(value)) {
    throw new ConfigError(
      name,
      `${name} must be one of ${values.join(', ')}, received "${value.slice(0, 40)}"`,
    );
  }
  return value as T;
}

function trtcSettings(env: Env): TRTCAppSettings {
  const appIdText = required(
    env,
    'TRTC_SDK_APP_ID',
    'the SDKAppID of your TRTC application (TRTC console → Applications)',
  );
  const sdkAppId = Number(appIdText);
  if (!/^\d+$/.test(appIdText) || sdkAppId < 1 || sdkAppId > 4_294_967_295) {
    throw new ConfigError('TRTC_SDK_APP_ID', 'TRTC_SDK_APP_ID must be a number such as 1400000000');
  }
  const secretKey = required(
    env,
    'TRTC_SECRET_KEY',
    "the SDK secret key of that application (TRTC console → the application's Basic Information), which signs the agent's UserSig",
  );
  const secretId = required(
    env,
    'TENCENTCLOUD_SECRET_ID',
    'the SecretId of a Tencent Cloud API key allowed to call TRTC (CAM console → API keys)',
  );
  const apiSecretKey = required(
    env,
    'TENCENTCLOUD_SECRET_KEY',
    'the SecretKey of that API key (not the TRTC SDK secret key)',
  );
  if (apiSecretKey === secretKey) {
    throw new ConfigError(
      'TENCENTCLOUD_SECRET_KEY',
      'TENCENTCLOUD_SECRET_KEY holds the TRTC SDK secret key: set it to the SecretKey of the Cloud API key whose SecretId is TENCENTCLOUD_SECRET_ID',
    );
  }
  const sessionToken = optional(env, 'TENCENTCLOUD_SESSION_TOKEN');
  const region = optional(env, 'TENCENTCLOUD_REGION') ?? 'ap-guangzhou';
  if (!/^[a-z]{2}-[a-z]+(?:-[a-z0-9]+)*$/.test(region)) {
    throw new ConfigError(
      'TENCENTCLOUD_REGION',
      'TENCENTCLOUD_REGION must be a region such as ap-guangzhou, ap-singapore or na-siliconvalley',
    );
  }
  return {
    sdkAppId,
    secretKey,
    credentials: {
      secretId,
      secretKey: apiSecretKey,
      ...(sessionToken === undefined ? {} : { sessionToken }),
    },
    region,
    endpoint: oneOf(env, 'TRTC_ENDPOINT', ['china', 'international'], 'china'),
    baseUrl: httpUrl(env, 'TRTC_BASE_URL', 'http://127.0.0.1:8080'),
  };
}

function publicUrl(env: Env): string {
  const example = `https://bot.example.com${ENDPOINT_BASE_PATH}`;
  const value = httpUrl(env, 'TRTC_AGENT_PUBLIC_URL', example);
  if (value === undefined) {
    throw new ConfigError(
      'TRTC_AGENT_PUBLIC_URL',
      `Set TRTC_AGENT_PUBLIC_URL: the public URL at which TRTC reaches this server's ${ENDPOINT_BASE_PATH}, e.g. ${example}`,
    );
  }
  const url = new URL(value);
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(
      'TRTC_AGENT_PUBLIC_URL',
      `TRTC_AGENT_PUBLIC_URL must not have a query or fragment, e.g. ${example}`,
    );
  }
  return value;
}

function modelSettings(env: Env): ModelSettings {
  const kind = oneOf(env, 'MODEL', MODEL_KINDS, 'scripted');
  switch (kind) {
    case 'scripted':
      return { kind };
    case 'openai-compatible': {
      const baseUrl = httpUrl(env, 'LLM_BASE_URL', 'https://api.deepseek.com');
      if (baseUrl === undefined) {
        throw new ConfigError(
          'LLM_BASE_URL',
          'Set LLM_BASE_URL: the API root of the OpenAI-compatible endpoint for MODEL=openai-compatible, e.g. https://api.deepseek.com',
        );
      }
      const model = required(env, 'LLM_MODEL', 'the model id for MODEL=openai-compatible');
      return { kind, baseUrl, model, apiKey: optional(env, 'LLM_API_KEY') };
    }
    case 'dify':
      return {
        kind,
        baseUrl: httpUrl(env, 'DIFY_BASE_URL', DIFY_CLOUD_BASE_URL) ?? DIFY_CLOUD_BASE_URL,
        apiKey: required(
          env,
          'DIFY_API_KEY',
          "the API key of your Dify app (app-…, from the app's API Access page)",
        ),
        app: oneOf(env, 'DIFY_APP', DIFY_CHAT_APPS, 'chat'),
      };
    case 'minimax':
      return {
        kind,
        baseUrl: httpUrl(env, 'LLM_BASE_URL', 'https://api.minimaxi.com/v1'),
        model: optional(env, 'LLM_MODEL') ?? 'MiniMax-M2',
        apiKey: required(env, 'MINIMAX_API_KEY', 'your MiniMax API key for MODEL=minimax'),
      };
  }
}

/**
 * Reads and checks the settings. Throws a {@link ConfigError} naming the variable that is missing
 * or malformed and what it should look like; a secret's value is never part of the message.
 */
export function readConfig(env: Env = process.env): ExampleConfig {
  const trtc = trtcSettings(env);
  const adminToken = required(
    env,
    'ADMIN_TOKEN',
    'the bearer token that protects starting and stopping agents, e.g. the output of `openssl rand -hex 32`',
  );
  if (adminToken.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(adminToken)) {
    throw new ConfigError(
      'ADMIN_TOKEN',
      `ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without spaces, e.g. the output of \`openssl rand -hex 32\``,
    );
  }
  const portText = optional(env, 'PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new ConfigError(
      'PORT',
      `PORT must be a port number (0 to 65535), received "${portText.slice(0, 20)}"`,
    );
  }
  return {
    trtc,
    agent: {
      systemPrompt: optional(env, 'AGENT_SYSTEM_PROMPT') ?? DEFAULT_SYSTEM_PROMPT,
      welcomeMessage: optional(env, 'AGENT_WELCOME_MESSAGE'),
      ttsConfig: {
        type: 'flow',
        voiceId: optional(env, 'TRTC_TTS_VOICE_ID') ?? DEFAULT_TTS_VOICE_ID,
        model: optional(env, 'TRTC_TTS_MODEL') ?? DEFAULT_TTS_MODEL,
      },
    },
    publicUrl: publicUrl(env),
    adminToken,
    port,
    model: modelSettings(env),
  };
}
