import {
  checkInteger,
  checkNonEmptyString,
  checkOneOf,
  type OptionReference,
  optionError,
} from '@imbridge/core';
import {
  checkSecretInput,
  createEnvironmentReader,
  type EnvironmentReader,
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

/**
 * The environment variable of each option of the client, the voice agent and the webhook handler,
 * read when the option is left out (the names of the official Tencent Cloud SDKs, the examples and
 * the `imbridge` CLI). An option given in code always wins.
 */
export const TRTC_ENV_VARIABLES = {
  secretId: 'TENCENTCLOUD_SECRET_ID',
  secretKey: 'TENCENTCLOUD_SECRET_KEY',
  sessionToken: 'TENCENTCLOUD_SESSION_TOKEN',
  region: 'TENCENTCLOUD_REGION',
  endpoint: 'TRTC_ENDPOINT',
  baseUrl: 'TRTC_BASE_URL',
  sdkAppId: 'TRTC_SDK_APP_ID',
  sdkSecretKey: 'TRTC_SECRET_KEY',
  publicUrl: 'TRTC_AGENT_PUBLIC_URL',
  callbackKey: 'TRTC_CALLBACK_KEY',
} as const;

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
   * (the official SDKs' names); the first two are then required.
   */
  credentials?: TRTCCredentialsInput | undefined;
  /**
   * The region sent as `X-TC-Region`: the AI-conversation actions require it, e.g.
   * `'ap-guangzhou'`, `'ap-singapore'`, `'ap-tokyo'`, `'na-siliconvalley'`. A call may override it.
   * Left out: read from `TENCENTCLOUD_REGION`; required from one or the other.
   */
  region?: string | undefined;
  /**
   * The site: `'china'` (`trtc.tencentcloudapi.com`) or `'international'`
   * (`trtc.intl.tencentcloudapi.com`). Left out (and `baseUrl` too): read from `TRTC_ENDPOINT`.
   *
   * @default 'china'
   */
  endpoint?: TRTCEndpoint | undefined;
  /**
   * One base URL replacing the endpoint's, e.g. `http://127.0.0.1:8080` for the local TRTC or a
   * proxy. Requests are still signed with service `trtc`, over the host of this URL. Left out
   * (and `endpoint` too): read from `TRTC_BASE_URL`.
   */
  baseUrl?: string | undefined;
  /**
   * Where the options left out are read from: the environment variables by name, e.g. the `env`
   * a Cloudflare Worker's `fetch` handler receives (values that are not strings are ignored).
   * When given, it is the only source.
   *
   * @default globalThis.process.env where there is one, otherwise nothing
   */
  env?: object | undefined;
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

function credentialsFromEnvironment(environment: EnvironmentReader): TRTCCredentials {
  const names = TRTC_ENV_VARIABLES;
  const secretId = environment.text(names.secretId);
  if (secretId === undefined) {
    throw environment.missing(
      'credentials.secretId',
      names.secretId,
      'the SecretId of a Tencent Cloud API key allowed to call TRTC',
    );
  }
  const secretKey = environment.text(names.secretKey);
  if (secretKey === undefined) {
    throw environment.missing(
      'credentials.secretKey',
      names.secretKey,
      'the SecretKey of that API key (not the TRTC SDK secret key)',
    );
  }
  const sessionToken = environment.text(names.sessionToken);
  return sessionToken === undefined
    ? { secretId, secretKey }
    : { secretId, secretKey, sessionToken };
}

function checkCredentials(value: unknown, environment: EnvironmentReader): TRTCCredentialsInput {
  if (typeof value === 'function') return value as TRTCCredentialsInput;
  if (value === undefined) return credentialsFromEnvironment(environment);
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

function resolveBaseUrl(options: TRTCClientOptions, environment: EnvironmentReader): string {
  const endpoints = Object.keys(TRTC_ENDPOINTS) as TRTCEndpoint[];
  const located = options.endpoint !== undefined || options.baseUrl !== undefined;
  const baseUrl = located
    ? options.baseUrl
    : environment.url('baseUrl', TRTC_ENV_VARIABLES.baseUrl);
  const endpoint = checkOneOf(
    (located
      ? options.endpoint
      : environment.oneOf('endpoint', TRTC_ENV_VARIABLES.endpoint, endpoints)) ?? 'china',
    { owner: OWNER, name: 'endpoint', envVariable: TRTC_ENV_VARIABLES.endpoint },
    endpoints,
  );
  if (baseUrl === undefined) return `https://${TRTC_ENDPOINTS[endpoint]}`;
  const reference = { owner: OWNER, name: 'baseUrl', envVariable: TRTC_ENV_VARIABLES.baseUrl };
  const text = checkNonEmptyString(baseUrl, reference).trim();
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    throw optionError(reference, 'an http(s) URL', baseUrl);
  }
  return text.replace(/\/+$/, '');
}

/**
 * Checks the options when the client is created, reading those left out from the environment
 * ({@link TRTC_ENV_VARIABLES}): a wrong value fails here with a message that names the option,
 * the value received (never a secret's) and the environment variable.
 */
export function resolveTrtcSettings(options: TRTCClientOptions): TRTCSettings {
  if (typeof options !== 'object' || options === null) {
    throw optionError({ owner: OWNER, name: 'options' }, 'an options object', options);
  }
  const environment = createEnvironmentReader(OWNER, options.env);
  const region = options.region ?? environment.text(TRTC_ENV_VARIABLES.region);
  if (region === undefined) {
    throw environment.missing(
      'region',
      TRTC_ENV_VARIABLES.region,
      'the region of the calls, e.g. ap-guangzhou or ap-singapore',
    );
  }
  return {
    credentials: checkCredentials(options.credentials, environment),
    region: checkRegion(region, {
      owner: OWNER,
      name: 'region',
      envVariable: TRTC_ENV_VARIABLES.region,
    }),
    baseUrl: resolveBaseUrl(options, environment),
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
