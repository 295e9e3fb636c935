import {
  AbortedError,
  APICallError,
  delay,
  NetworkError,
  TimeoutError,
  TokenBucket,
  ValidationError,
} from '@imbridge/core';
import { z } from 'zod';
import { randomUint32 } from '../internal/random.ts';
import { genUserSig } from '../user-sig/user-sig.ts';
import { classifyTencentError, USER_SIG_EXPIRED_CODE } from './errors.ts';

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

/** A secret given as a value or resolved on demand (from a vault, env...). */
export type SecretInput = string | (() => string | Promise<string>);

/** Retry settings for transient failures. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 2 */
  maxRetries?: number;
  /** First back-off, doubled each retry, with ±20 % jitter. @default 200 */
  initialDelayMs?: number;
  /** Longest back-off. @default 5000 */
  maxDelayMs?: number;
}

/** Connection settings shared by the REST client and the adapter. */
export interface TencentChatClientOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app's secret key (console "密钥"), or a function returning it. Never logged. */
  secretKey: SecretInput;
  /** An App admin account (REST calls must be made as an admin). */
  adminUserId: string;
  /** Data center of the app. @default 'china' */
  region?: TencentChatRegion;
  /** Overrides the regional host, e.g. `http://127.0.0.1:8080` for a local emulator (no backup host). */
  baseUrl?: string;
  /** Custom fetch (proxies, tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Limit per HTTP attempt, in milliseconds. @default 10_000 */
  timeoutMs?: number;
  /** Retries of transient failures (network, 5xx, rate limits, retryable codes); `false` to disable. */
  retry?: RetryOptions | false;
  /** Calls per second allowed per API (Tencent's default limit is 200/s per API per app). @default 200 */
  callsPerSecondPerApi?: number;
  /** Lifetime of the generated admin UserSig, in seconds. @default 86_400 */
  userSigExpiresInSeconds?: number;
}

/** Options every API call takes. */
export interface CallOptions {
  /** Cancels the call (and its retries). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

const envelopeSchema = z.looseObject({
  ActionStatus: z.string().nullish(),
  ErrorCode: z.number().nullish(),
  ErrorInfo: z.string().nullish(),
});

const PROVIDER = 'tencent-chat';
const RENEW_MARGIN_SECONDS = 300;

/** Low-level caller of `POST /v4/{service}/{command}` with auth, limits, retries and errors. */
export interface TencentChatTransport {
  /** The app's SDKAppID. */
  readonly sdkAppId: number;
  /** The admin account calls are made as. */
  readonly adminUserId: string;
  /**
   * Calls an API and returns the whole response body (envelope included) after checking the
   * envelope; throws `APICallError` on `ActionStatus: FAIL`.
   */
  call(
    service: string,
    command: string,
    body: unknown,
    options?: CallOptions,
  ): Promise<Record<string, unknown>>;
}

/**
 * Creates the transport: builds the URL (`sdkappid`, `identifier`, cached admin `usersig`,
 * `random`, `contenttype=json`), paces each API with a token bucket, applies a timeout,
 * retries transient failures with backoff and jitter (switching to the backup host on network
 * errors), renews the UserSig and retries once on 70001, and turns failures into
 * `APICallError` / `NetworkError` / `TimeoutError` without ever including the UserSig or URL.
 */
export function createTencentChatTransport(
  options: TencentChatClientOptions,
): TencentChatTransport {
  if (!Number.isInteger(options.sdkAppId) || options.sdkAppId <= 0) {
    throw new ValidationError({ message: 'sdkAppId must be a positive integer' });
  }
  if (typeof options.adminUserId !== 'string' || options.adminUserId.length === 0) {
    throw new ValidationError({ message: 'adminUserId is required' });
  }
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retry = options.retry === false ? { maxRetries: 0 } : (options.retry ?? {});
  const maxRetries = retry.maxRetries ?? 2;
  const initialDelayMs = retry.initialDelayMs ?? 200;
  const maxDelayMs = retry.maxDelayMs ?? 5000;
  const callsPerSecond = options.callsPerSecondPerApi ?? 200;
  const userSigLifetime = options.userSigExpiresInSeconds ?? 86_400;
  const region = TENCENT_CHAT_REGIONS[options.region ?? 'china'];
  const hosts =
    options.baseUrl !== undefined
      ? [options.baseUrl.replace(/\/+$/, '')]
      : [`https://${region.primary}`, `https://${region.backup}`];
  let hostIndex = 0;
  const buckets = new Map<string, TokenBucket>();
  let cachedSig: { value: string; renewAtSeconds: number } | undefined;
  let pendingSig: Promise<string> | undefined;
  const identifierParam = encodeURIComponent(options.adminUserId);

  const resolveSecret = async (): Promise<string> => {
    const secret =
      typeof options.secretKey === 'function' ? await options.secretKey() : options.secretKey;
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new ValidationError({ message: 'secretKey is empty' });
    }
    return secret;
  };

  const adminUserSig = (forceRenew: boolean): Promise<string> => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (!forceRenew && cachedSig !== undefined && nowSeconds < cachedSig.renewAtSeconds) {
      return Promise.resolve(cachedSig.value);
    }
    if (pendingSig === undefined) {
      pendingSig = (async () => {
        const value = await genUserSig({
          sdkAppId: options.sdkAppId,
          secretKey: await resolveSecret(),
          userId: options.adminUserId,
          expiresInSeconds: userSigLifetime,
          nowSeconds,
        });
        cachedSig = {
          value,
          renewAtSeconds:
            nowSeconds +
            Math.max(1, userSigLifetime - Math.min(RENEW_MARGIN_SECONDS, userSigLifetime / 2)),
        };
        return value;
      })().finally(() => {
        pendingSig = undefined;
      });
    }
    return pendingSig;
  };

  const bucketFor = (api: string): TokenBucket => {
    let bucket = buckets.get(api);
    if (bucket === undefined) {
      bucket = new TokenBucket({ ratePerSecond: callsPerSecond });
      buckets.set(api, bucket);
    }
    return bucket;
  };

  const backoff = (attempt: number): number => {
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  };

  async function attempt(
    api: string,
    body: string,
    userSig: string,
    callOptions: CallOptions | undefined,
  ): Promise<Record<string, unknown>> {
    const host = hosts[hostIndex % hosts.length] as string;
    const url =
      `${host}/v4/${api}?sdkappid=${options.sdkAppId}&identifier=${identifierParam}` +
      `&usersig=${encodeURIComponent(userSig)}&random=${randomUint32()}&contenttype=json`;
    const limitMs = callOptions?.timeoutMs ?? timeoutMs;
    const controller = new AbortController();
    const outer = callOptions?.signal;
    const onOuterAbort = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', onOuterAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, limitMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      if (timedOut) {
        throw new TimeoutError({
          message: `Tencent Chat ${api} timed out after ${limitMs} ms`,
          timeoutMs: limitMs,
        });
      }
      if (outer?.aborted) {
        throw new AbortedError({ message: `Tencent Chat ${api} aborted`, cause: outer.reason });
      }
      // The cause may carry the URL (with the UserSig); keep only its name and message.
      const detail =
        error instanceof Error
          ? `${error.name}: ${error.message.replace(/usersig=[^&\s]+/gi, 'usersig=…')}`
          : 'fetch failed';
      throw new NetworkError({ message: `Tencent Chat ${api} could not be reached (${detail})` });
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
    if (!response.ok) {
      throw new APICallError({
        message: `Tencent Chat ${api} answered HTTP ${response.status}`,
        provider: PROVIDER,
        statusCode: response.status,
        kind:
          response.status === 429
            ? 'rate-limit'
            : response.status >= 500
              ? 'server'
              : 'invalid-request',
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new APICallError({
        message: `Tencent Chat ${api} answered with a body that is not JSON`,
        provider: PROVIDER,
        statusCode: response.status,
        kind: 'server',
        retryable: true,
      });
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      throw new APICallError({
        message: `Tencent Chat ${api} answered without a response envelope`,
        provider: PROVIDER,
        statusCode: response.status,
        kind: 'server',
      });
    }
    const code = envelope.data.ErrorCode ?? 0;
    if (envelope.data.ActionStatus !== 'OK' || code !== 0) {
      const { kind, retryable } = classifyTencentError(code);
      // Vendor text is shown as is, minus the UserSig should it ever be echoed back.
      const info = (envelope.data.ErrorInfo ?? 'no error info').split(userSig).join('…');
      throw new APICallError({
        message: `Tencent Chat ${api} failed: ${info} (code ${code})`,
        provider: PROVIDER,
        statusCode: response.status,
        providerCode: code,
        kind,
        retryable,
      });
    }
    return envelope.data as Record<string, unknown>;
  }

  return {
    sdkAppId: options.sdkAppId,
    adminUserId: options.adminUserId,
    async call(service, command, body, callOptions) {
      const api = `${service}/${command}`;
      const payload = JSON.stringify(body ?? {});
      let renewed = false;
      for (let retries = 0; ; ) {
        if (callOptions?.signal?.aborted) {
          throw new AbortedError({
            message: `Tencent Chat ${api} aborted`,
            cause: callOptions.signal.reason,
          });
        }
        const wait = bucketFor(api).take(callOptions?.signal);
        if (wait !== undefined) await wait;
        try {
          return await attempt(api, payload, await adminUserSig(false), callOptions);
        } catch (error) {
          if (
            APICallError.isInstance(error) &&
            error.providerCode === USER_SIG_EXPIRED_CODE &&
            !renewed
          ) {
            renewed = true;
            await adminUserSig(true);
            continue;
          }
          const transient =
            NetworkError.isInstance(error) ||
            TimeoutError.isInstance(error) ||
            (APICallError.isInstance(error) && error.retryable);
          if (!transient || retries >= maxRetries) throw error;
          // Network failures may be DNS or routing trouble at one host: try the other one.
          if (NetworkError.isInstance(error) || TimeoutError.isInstance(error)) hostIndex += 1;
          await delay(backoff(retries), { signal: callOptions?.signal });
          retries += 1;
        }
      }
    },
  };
}
