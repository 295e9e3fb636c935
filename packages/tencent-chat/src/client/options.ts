import { checkInteger, checkNonEmptyString, checkOneOf, optionError } from '@imbridge/core';
import {
  checkSecretInput,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  type SecretInput,
} from '@imbridge/provider-utils';
import type { TencentChatConnectionOptions } from './environment.ts';

/**
 * Regional REST hosts: choose the region where the SDKAppID was created. The backup host is used
 * when the primary cannot be reached.
 *
 * @see https://cloud.tencent.com/document/product/269/1519
 */
export const TENCENT_CHAT_REGIONS = {
  china: { primary: 'console.tim.qq.com', backup: 'adminapi.my-imcloud.com' },
  singapore: { primary: 'adminapisgp.im.qcloud.com', backup: 'adminapisgp.my-imcloud.com' },
  seoul: { primary: 'adminapikr.im.qcloud.com', backup: 'adminapikr.my-imcloud.com' },
  tokyo: { primary: 'adminapijpn.im.qcloud.com', backup: 'adminapijpn.my-imcloud.com' },
  frankfurt: { primary: 'adminapiger.im.qcloud.com', backup: 'adminapiger.my-imcloud.com' },
  mumbai: { primary: 'adminapiind.im.qcloud.com', backup: 'adminapiind.my-imcloud.com' },
  siliconValley: { primary: 'adminapiusa.im.qcloud.com', backup: 'adminapiusa.my-imcloud.com' },
  jakarta: { primary: 'adminapiidn.im.qcloud.com', backup: 'adminapiidn.my-imcloud.com' },
} as const;

/** A key of {@link TENCENT_CHAT_REGIONS}. */
export type TencentChatRegion = keyof typeof TENCENT_CHAT_REGIONS;

/** Connection settings shared by the REST client and the adapter. */
export interface TencentChatClientOptions {
  /**
   * The app's SDKAppID. Left out: read from `TENCENT_IM_SDK_APP_ID` (a decimal integer); required
   * from one or the other.
   */
  sdkAppId?: number | undefined;
  /**
   * The app's secret key (console "密钥"), or a function returning it. Never logged. Left out:
   * read from `TENCENT_IM_SECRET_KEY`; required from one or the other.
   */
  secretKey?: SecretInput | undefined;
  /**
   * An App admin account (REST calls must be made as an admin). Left out: read from
   * `TENCENT_IM_ADMIN_USER_ID`. @default 'administrator' (the admin every new app has)
   */
  adminUserId?: string | undefined;
  /**
   * Data centre of the app. Left out (and `baseUrl` too): read from `TENCENT_IM_REGION`.
   * @default 'china'
   */
  region?: TencentChatRegion | undefined;
  /**
   * Overrides the regional host, e.g. `http://127.0.0.1:8080` for a local emulator (no backup
   * host). Left out (and `region` too): read from `TENCENT_IM_BASE_URL`.
   */
  baseUrl?: string | undefined;
  /**
   * Where the options left out are read from: the environment variables by name, e.g. the `env`
   * a Cloudflare Worker's `fetch` handler receives (values that are not strings are ignored).
   * When given, it is the only source.
   * @default globalThis.process.env where there is one, otherwise nothing
   */
  env?: object | undefined;
  /** Custom fetch (proxies, tests). @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Limit per HTTP attempt (answer headers and body), in milliseconds. @default 10_000 */
  timeoutMs?: number | undefined;
  /**
   * Retries of transient failures (network, timeouts, 5xx, rate limits, retryable codes) — the
   * only retry loop of a call; `false` to disable. @default { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 5_000 }
   */
  retry?: RetryOptions | false | undefined;
  /**
   * Calls per second allowed per API (Tencent's default limit is 200/s per API per app). The
   * client's own buckets run at it; an adapter's replies pace at 98 % of it, with half a second
   * of burst (decision 0014). @default 200
   */
  callsPerSecondPerApi?: number | undefined;
  /** Lifetime of the generated admin UserSig, in seconds. @default 86_400 */
  userSigExpiresInSeconds?: number | undefined;
}

/** Options every API call takes. */
export interface CallOptions {
  /** Cancels the call (and its retries). */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's retries for this call (`false`: one attempt). */
  retry?: RetryOptions | false | undefined;
}

/** The client's retries unless told otherwise. */
export const DEFAULT_TENCENT_RETRY: ResolvedRetryOptions = {
  maxRetries: 2,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
};

/** {@link TencentChatClientOptions} checked, with defaults. */
export interface TencentChatSettings {
  sdkAppId: number;
  secretKey: SecretInput;
  adminUserId: string;
  baseUrls: string[];
  fetch: typeof fetch | undefined;
  timeoutMs: number;
  retry: ResolvedRetryOptions;
  callsPerSecondPerApi: number;
  userSigExpiresInSeconds: number;
}

const OWNER = 'createTencentChatClient';

/**
 * Checks the options when the client is created (after the settings left out were read from the
 * environment): a wrong value fails here with a message that names the option, the value received
 * (never a secret's) and the env variable.
 */
export function resolveTencentChatSettings(
  options: TencentChatConnectionOptions,
): TencentChatSettings {
  const sdkAppId = checkInteger(
    options.sdkAppId,
    { owner: OWNER, name: 'sdkAppId', envVariable: 'TENCENT_IM_SDK_APP_ID' },
    { min: 1 },
  );
  const secretKey = checkSecretInput(options.secretKey, {
    owner: OWNER,
    name: 'secretKey',
    envVariable: 'TENCENT_IM_SECRET_KEY',
  });
  const adminUserId = checkNonEmptyString(options.adminUserId, {
    owner: OWNER,
    name: 'adminUserId',
    envVariable: 'TENCENT_IM_ADMIN_USER_ID',
  });
  const region = checkOneOf(
    options.region ?? 'china',
    { owner: OWNER, name: 'region', envVariable: 'TENCENT_IM_REGION' },
    Object.keys(TENCENT_CHAT_REGIONS) as TencentChatRegion[],
  );
  let baseUrls: string[];
  if (options.baseUrl !== undefined) {
    const reference = { owner: OWNER, name: 'baseUrl', envVariable: 'TENCENT_IM_BASE_URL' };
    const value = checkNonEmptyString(options.baseUrl, reference);
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      throw optionError(reference, 'an http(s) URL', value);
    }
    baseUrls = [value];
  } else {
    const hosts = TENCENT_CHAT_REGIONS[region];
    baseUrls = [`https://${hosts.primary}`, `https://${hosts.backup}`];
  }
  return {
    sdkAppId,
    secretKey,
    adminUserId,
    baseUrls,
    fetch: options.fetch,
    timeoutMs:
      options.timeoutMs === undefined
        ? 10_000
        : checkInteger(options.timeoutMs, { owner: OWNER, name: 'timeoutMs' }, { min: 1 }),
    retry: resolveRetryOptions(options.retry, DEFAULT_TENCENT_RETRY, OWNER),
    callsPerSecondPerApi:
      options.callsPerSecondPerApi === undefined
        ? 200
        : checkInteger(
            options.callsPerSecondPerApi,
            { owner: OWNER, name: 'callsPerSecondPerApi' },
            { min: 1 },
          ),
    userSigExpiresInSeconds:
      options.userSigExpiresInSeconds === undefined
        ? 86_400
        : checkInteger(
            options.userSigExpiresInSeconds,
            { owner: OWNER, name: 'userSigExpiresInSeconds' },
            { min: 60 },
          ),
  };
}
