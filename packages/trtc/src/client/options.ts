import {
  checkInteger,
  checkNonEmptyString,
  checkOneOf,
  type OptionReference,
  optionError,
} from '@imbridge/core';
import {
  checkSecretInput,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  type SecretInput,
} from '@imbridge/provider-utils';
import { TC3_LANGUAGES, type TC3Language } from '../signing/tc3.ts';

/**
 * TRTC's API hosts: the China site and the international site (the international SDK's default).
 * Both sign with service `trtc`.
 *
 * @see https://trtc.io/document/34262
 */
export const TRTC_ENDPOINTS = {
  china: 'trtc.tencentcloudapi.com',
  international: 'trtc.intl.tencentcloudapi.com',
} as const;

/** A key of {@link TRTC_ENDPOINTS}. */
export type TRTCEndpoint = keyof typeof TRTC_ENDPOINTS;

/** The TRTC API version every action is called with (`X-TC-Version`). */
export const TRTC_API_VERSION = '2019-07-22';

/** The credential-scope service of every TRTC host. */
export const TRTC_SERVICE = 'trtc';

/** A Tencent Cloud API key: permanent, or temporary (STS) with its session token. */
export interface TRTCCredentials {
  /** The SecretId (`TENCENTCLOUD_SECRET_ID`), sent in clear in `Authorization`. */
  secretId: string;
  /** The SecretKey (`TENCENTCLOUD_SECRET_KEY`), or a function returning it. Signs; never sent. */
  secretKey: SecretInput;
  /** The session token of temporary credentials (`TENCENTCLOUD_SESSION_TOKEN`), sent as `X-TC-Token`. */
  sessionToken?: SecretInput | undefined;
}

/**
 * Credentials as values, or an async provider called before every attempt (temporary credentials
 * from STS or a role: return the current ones, a rotated key is picked up at once).
 */
export type TRTCCredentialsInput =
  | TRTCCredentials
  | (() => TRTCCredentials | Promise<TRTCCredentials>);

/** Options of {@link createTrtcClient}. */
export interface TRTCClientOptions {
  /**
   * The API key. Left out: read once, at creation, from the environment variables
   * `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and `TENCENTCLOUD_SESSION_TOKEN`
   * (the official SDKs' names).
   */
  credentials?: TRTCCredentialsInput | undefined;
  /**
   * The region sent as `X-TC-Region` (`TENCENTCLOUD_REGION` in the examples): the AI-conversation
   * actions require it, e.g. `'ap-guangzhou'`, `'ap-singapore'`, `'ap-tokyo'`, `'na-siliconvalley'`.
   * A call may override it.
   */
  region: string;
  /**
   * The site: `'china'` (`trtc.tencentcloudapi.com`) or `'international'`
   * (`trtc.intl.tencentcloudapi.com`).
   *
   * @default 'china'
   */
  endpoint?: TRTCEndpoint | undefined;
  /**
   * One base URL replacing the endpoint's, e.g. `http://127.0.0.1:8080` for the local TRTC or a
   * proxy. Requests are still signed with service `trtc`, over the host of this URL.
   */
  baseUrl?: string | undefined;
  /**
   * Custom fetch (proxies, tests).
   *
   * @default globalThis.fetch
   */
  fetch?: typeof fetch | undefined;
  /**
   * Limit per HTTP attempt (answer headers and body), in milliseconds.
   *
   * @default 10_000
   */
  timeoutMs?: number | undefined;
  /**
   * Retries of transient failures (network errors, timeouts, 5xx, `RequestLimitExceeded*`,
   * `InternalError`, `ServiceUnavailable`) — the only retry loop of a call; `false` for one
   * attempt. Every attempt is signed afresh with a new timestamp.
   *
   * @default { maxRetries: 2, initialDelayMs: 1_000, maxDelayMs: 8_000 }
   */
  retry?: RetryOptions | false | undefined;
  /**
   * Calls per second allowed per action (one token bucket per action; a retry takes a token too).
   * Tencent's international docs give 20 calls/s for the AI-conversation actions, the Chinese docs
   * 50 for StartAIConversation.
   *
   * @default 20
   */
  actionsPerSecond?: number | undefined;
  /** `X-TC-Language`: the language of Tencent's error messages. Left out: Tencent's default. */
  language?: TC3Language | undefined;
}

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call (and its retries, and a wait for a rate-limit token). */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's retries for this call (`false`: one attempt). */
  retry?: RetryOptions | false | undefined;
  /** Overrides the client's region for this call. */
  region?: string | undefined;
}

/** The client's retries unless told otherwise (Tencent's SDKs back off 1, 2, 4 s on rate limits). */
export const DEFAULT_TRTC_RETRY: ResolvedRetryOptions = {
  maxRetries: 2,
  initialDelayMs: 1_000,
  maxDelayMs: 8_000,
};

/** {@link TRTCClientOptions} checked, with defaults. */
export interface TRTCSettings {
  credentials: TRTCCredentialsInput;
  region: string;
  baseUrl: string;
  fetch: typeof fetch | undefined;
  timeoutMs: number;
  retry: ResolvedRetryOptions;
  actionsPerSecond: number;
  language: TC3Language | undefined;
}

/** Who checks the options, in messages. */
export const OWNER = 'createTrtcClient';

/** Option references (the secret's value is never shown). */
export const SECRET_ID_OPTION: OptionReference = {
  owner: OWNER,
  name: 'credentials.secretId',
  envVariable: 'TENCENTCLOUD_SECRET_ID',
};
/** The SecretKey option. */
export const SECRET_KEY_OPTION: OptionReference = {
  owner: OWNER,
  name: 'credentials.secretKey',
  envVariable: 'TENCENTCLOUD_SECRET_KEY',
  secret: true,
};
/** The session token option. */
export const SESSION_TOKEN_OPTION: OptionReference = {
  owner: OWNER,
  name: 'credentials.sessionToken',
  envVariable: 'TENCENTCLOUD_SESSION_TOKEN',
  secret: true,
};
const REGION = /^[a-z]{2}-[a-z]+(?:-[a-z0-9]+)*$/;

/** Checks a region (`ap-guangzhou`): the client's and a call's. */
export function checkRegion(value: unknown, reference: OptionReference): string {
  const text = checkNonEmptyString(value, reference);
  if (!REGION.test(text)) throw optionError(reference, 'a region such as ap-guangzhou', value);
  return text;
}

function environment(): Record<string, string | undefined> {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process;
  return process?.env ?? {};
}

function checkCredentials(value: unknown): TRTCCredentialsInput {
  if (typeof value === 'function') return value as TRTCCredentialsInput;
  if (value === undefined) {
    const env = environment();
    const fromEnv: TRTCCredentials = {
      secretId: env.TENCENTCLOUD_SECRET_ID ?? '',
      secretKey: env.TENCENTCLOUD_SECRET_KEY ?? '',
    };
    const token = env.TENCENTCLOUD_SESSION_TOKEN;
    if (token !== undefined && token !== '') fromEnv.sessionToken = token;
    return checkCredentials(fromEnv);
  }
  if (typeof value !== 'object' || value === null) {
    throw optionError(
      { owner: OWNER, name: 'credentials' },
      '{ secretId, secretKey, sessionToken? } or a function returning it',
      value,
    );
  }
  const record = value as Record<string, unknown>;
  const credentials: TRTCCredentials = {
    secretId: checkNonEmptyString(record.secretId, SECRET_ID_OPTION),
    secretKey: checkSecretInput(record.secretKey, SECRET_KEY_OPTION),
  };
  if (record.sessionToken !== undefined) {
    credentials.sessionToken = checkSecretInput(record.sessionToken, SESSION_TOKEN_OPTION);
  }
  return credentials;
}

function resolveBaseUrl(options: TRTCClientOptions): string {
  const endpoint = checkOneOf(
    options.endpoint ?? 'china',
    { owner: OWNER, name: 'endpoint' },
    Object.keys(TRTC_ENDPOINTS) as TRTCEndpoint[],
  );
  if (options.baseUrl === undefined) return `https://${TRTC_ENDPOINTS[endpoint]}`;
  const reference = { owner: OWNER, name: 'baseUrl', envVariable: 'TRTC_BASE_URL' };
  const text = checkNonEmptyString(options.baseUrl, reference).trim();
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    throw optionError(reference, 'an http(s) URL', options.baseUrl);
  }
  return text.replace(/\/+$/, '');
}

/**
 * Checks the options when the client is created: a wrong value fails here with a message that
 * names the option, the value received (never a secret's) and the environment variable of the
 * examples.
 */
export function resolveTrtcSettings(options: TRTCClientOptions): TRTCSettings {
  if (typeof options !== 'object' || options === null) {
    throw optionError({ owner: OWNER, name: 'options' }, 'an options object', options);
  }
  return {
    credentials: checkCredentials(options.credentials),
    region: checkRegion(options.region, {
      owner: OWNER,
      name: 'region',
      envVariable: 'TENCENTCLOUD_REGION',
    }),
    baseUrl: resolveBaseUrl(options),
    fetch: options.fetch,
    timeoutMs:
      options.timeoutMs === undefined
        ? 10_000
        : checkInteger(options.timeoutMs, { owner: OWNER, name: 'timeoutMs' }, { min: 1 }),
    retry: resolveRetryOptions(options.retry, DEFAULT_TRTC_RETRY, OWNER),
    actionsPerSecond:
      options.actionsPerSecond === undefined
        ? 20
        : checkInteger(
            options.actionsPerSecond,
            { owner: OWNER, name: 'actionsPerSecond' },
            { min: 1 },
          ),
    language:
      options.language === undefined
        ? undefined
        : checkOneOf(options.language, { owner: OWNER, name: 'language' }, [...TC3_LANGUAGES]),
  };
}
