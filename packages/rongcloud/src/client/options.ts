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
import type { RongCloudHeaderStyle } from '../signing/signature.ts';
import type { RongCloudConnectionOptions } from './environment.ts';

/**
 * RongCloud's Server API hosts per data centre: a primary and a backup. Choose the region where
 * the app was created. The client starts on the primary and moves to the backup (and stays there)
 * when the primary cannot be reached or answers 5xx.
 *
 * @see https://docs.rongcloud.io/platform-chat-api/base-url
 */
export const RONGCLOUD_REGIONS: Readonly<Record<RongCloudRegion, RongCloudHosts>> = {
  china: { primary: 'api.rong-api.com', backup: 'api-b.rong-api.com' },
  singapore: { primary: 'api.sg-light-api.com', backup: 'api-b.sg-light-api.com' },
  singaporeB: { primary: 'api.sg-b-light-api.com', backup: 'api-b.sg-b-light-api.com' },
  northAmerica: { primary: 'api.us-light-api.com', backup: 'api-b.us-light-api.com' },
  saudiArabia: { primary: 'api.sau-light-api.com', backup: 'api-b.sau-light-api.com' },
};

/** A key of {@link RONGCLOUD_REGIONS}: China (Beijing), Singapore, Singapore B, North America, Saudi Arabia. */
export type RongCloudRegion = 'china' | 'singapore' | 'singaporeB' | 'northAmerica' | 'saudiArabia';

/** The Server API hosts of one region. */
export interface RongCloudHosts {
  /** The host used first. */
  readonly primary: string;
  /** The host used once the primary failed with a network error, a timeout or a 5xx. */
  readonly backup: string;
}

/** Connection settings of {@link createRongCloudClient}. */
export interface RongCloudClientOptions {
  /**
   * The app's App Key; sent in clear as `App-Key`. Left out: read from `RONGCLOUD_APP_KEY`;
   * required from one or the other.
   */
  appKey?: string | undefined;
  /**
   * The app's App Secret, or a function returning it. It signs every attempt and is never sent,
   * logged or shown in an error. A resolver is called before every attempt, so a rotated secret
   * is picked up at once. Left out: read from `RONGCLOUD_APP_SECRET`; required from one or the
   * other.
   */
  appSecret?: SecretInput | undefined;
  /**
   * Data centre of the app: its primary and backup host. Left out (with `hosts` and `baseUrl`):
   * read from `RONGCLOUD_REGION`.
   *
   * @default 'china'
   */
  region?: RongCloudRegion | undefined;
  /**
   * Base URLs in failover order, replacing the region's pair: `https://…` URLs, or bare host
   * names (`https://` is added), e.g. the legacy `['api.cn.ronghub.com', 'api2-cn.ronghub.com']`
   * or a proxy. Leave out when `baseUrl` is given.
   */
  hosts?: readonly string[] | undefined;
  /**
   * One base URL, e.g. `http://127.0.0.1:8080` for the local RongCloud (no backup host then).
   * Leave out when `hosts` is given. Left out (with `region` and `hosts`): read from
   * `RONGCLOUD_BASE_URL`, which wins over `RONGCLOUD_REGION`.
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
   * Retries of transient failures (network errors, timeouts, 5xx, 429 and codes 1008 and 1000) —
   * the only retry loop of a call; `false` for one attempt.
   *
   * @default { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 5_000 }
   */
  retry?: RetryOptions | false | undefined;
  /**
   * Calls per second allowed per API (one token bucket per API path; a retry takes a token too).
   * RongCloud limits the bot and stream message APIs to 100 calls/s each, and most other APIs
   * to 100/s by default (group messages: 20 messages/s).
   *
   * @default 100
   */
  callsPerSecondPerApi?: number | undefined;
  /**
   * Spelling of the authentication headers: `'rc-prefixed'` (`RC-App-Key`, `RC-Nonce`…) for
   * proxies and gateways that strip the plain names.
   *
   * @default 'standard'
   */
  headerStyle?: RongCloudHeaderStyle | undefined;
  /**
   * Where the options left out are read from: the environment variables by name, e.g. the `env`
   * a Cloudflare Worker's `fetch` handler receives (values that are not strings are ignored).
   * When given, it is the only source.
   *
   * @default globalThis.process.env where there is one, otherwise nothing
   */
  env?: object | undefined;
}

/** Options every API call takes. */
export interface CallOptions {
  /** Cancels the call (and its retries, and a wait for a rate-limit token). */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's retries for this call (`false`: one attempt). */
  retry?: RetryOptions | false | undefined;
}

/** The client's retries unless told otherwise. */
export const DEFAULT_RONGCLOUD_RETRY: ResolvedRetryOptions = {
  maxRetries: 2,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
};

/** {@link RongCloudClientOptions} checked, with defaults. */
export interface RongCloudSettings {
  appKey: string;
  appSecret: SecretInput;
  baseUrls: string[];
  fetch: typeof fetch | undefined;
  timeoutMs: number;
  retry: ResolvedRetryOptions;
  callsPerSecondPerApi: number;
  headerStyle: RongCloudHeaderStyle;
}

const OWNER = 'createRongCloudClient';

/** The `appSecret` option in messages (its value is never shown). */
export const APP_SECRET_OPTION: OptionReference = {
  owner: OWNER,
  name: 'appSecret',
  envVariable: 'RONGCLOUD_APP_SECRET',
};

function checkBaseUrl(value: unknown, reference: OptionReference, allowBareHost: boolean): string {
  const text = checkNonEmptyString(value, reference).trim();
  const candidate =
    allowBareHost && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? `https://${text}` : text;
  if (!URL.canParse(candidate) || !/^https?:$/.test(new URL(candidate).protocol)) {
    throw optionError(
      reference,
      allowBareHost ? 'an http(s) URL or a host name' : 'an http(s) URL',
      value,
    );
  }
  return candidate.replace(/\/+$/, '');
}

function resolveBaseUrls(options: RongCloudClientOptions): string[] {
  const region = checkOneOf(
    options.region ?? 'china',
    { owner: OWNER, name: 'region', envVariable: 'RONGCLOUD_REGION' },
    Object.keys(RONGCLOUD_REGIONS) as RongCloudRegion[],
  );
  if (options.baseUrl !== undefined && options.hosts !== undefined) {
    throw optionError(
      { owner: OWNER, name: 'hosts' },
      'left out when baseUrl is given (pass one of them)',
      options.hosts,
    );
  }
  if (options.baseUrl !== undefined) {
    return [
      checkBaseUrl(
        options.baseUrl,
        { owner: OWNER, name: 'baseUrl', envVariable: 'RONGCLOUD_BASE_URL' },
        false,
      ),
    ];
  }
  if (options.hosts !== undefined) {
    if (!Array.isArray(options.hosts) || options.hosts.length === 0) {
      throw optionError(
        { owner: OWNER, name: 'hosts' },
        'a non-empty array of URLs or host names',
        options.hosts,
      );
    }
    return options.hosts.map((host, index) =>
      checkBaseUrl(host, { owner: OWNER, name: `hosts.${index}` }, true),
    );
  }
  const hosts = RONGCLOUD_REGIONS[region];
  return [`https://${hosts.primary}`, `https://${hosts.backup}`];
}

/**
 * Checks the options when the client is created: a wrong value fails here with a message that
 * names the option, the value received (never the secret's) and the environment variable of the
 * examples.
 */
export function resolveRongCloudSettings(options: RongCloudConnectionOptions): RongCloudSettings {
  const appKey = checkNonEmptyString(options.appKey, {
    owner: OWNER,
    name: 'appKey',
    envVariable: 'RONGCLOUD_APP_KEY',
  });
  const appSecret = checkSecretInput(options.appSecret, APP_SECRET_OPTION);
  return {
    appKey,
    appSecret,
    baseUrls: resolveBaseUrls(options),
    fetch: options.fetch,
    timeoutMs:
      options.timeoutMs === undefined
        ? 10_000
        : checkInteger(options.timeoutMs, { owner: OWNER, name: 'timeoutMs' }, { min: 1 }),
    retry: resolveRetryOptions(options.retry, DEFAULT_RONGCLOUD_RETRY, OWNER),
    callsPerSecondPerApi:
      options.callsPerSecondPerApi === undefined
        ? 100
        : checkInteger(
            options.callsPerSecondPerApi,
            { owner: OWNER, name: 'callsPerSecondPerApi' },
            { min: 1 },
          ),
    headerStyle: checkOneOf(
      options.headerStyle ?? 'standard',
      { owner: OWNER, name: 'headerStyle' },
      ['standard', 'rc-prefixed'],
    ),
  };
}
