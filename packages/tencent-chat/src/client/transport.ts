import { TokenBucket } from '@imbridge/core';
import {
  createVendorHttp,
  type ErrorClassification,
  isRecord,
  type RetryEvent,
  resolveSecret,
} from '@imbridge/provider-utils';
import { randomUint32 } from '../internal/random.ts';
import { genUserSig } from '../user-sig/user-sig.ts';
import { connectionFromEnvironment } from './environment.ts';
import { classifyTencentError, USER_SIG_EXPIRED_CODE } from './errors.ts';
import {
  type CallOptions,
  resolveTencentChatSettings,
  type TencentChatClientOptions,
} from './options.ts';

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

const RENEW_MARGIN_SECONDS = 300;

/**
 * Reads Tencent's envelope: `ActionStatus: 'OK'` and `ErrorCode: 0` is success; anything else
 * is classified by its `ErrorCode`. Non-2xx answers are left to the HTTP status.
 */
function classifyEnvelope(response: Response, body: unknown): ErrorClassification | undefined {
  if (!response.ok) return undefined;
  if (!isRecord(body)) {
    return {
      kind: 'server',
      retryable: true,
      message: 'a body that is not a JSON envelope',
    };
  }
  const code = typeof body.ErrorCode === 'number' ? body.ErrorCode : 0;
  if (body.ActionStatus === 'OK' && code === 0) return undefined;
  if (typeof body.ActionStatus !== 'string' && typeof body.ErrorCode !== 'number') {
    return { kind: 'server', retryable: false, message: 'an answer without a response envelope' };
  }
  return {
    ...classifyTencentError(code),
    providerCode: code,
    message:
      typeof body.ErrorInfo === 'string' && body.ErrorInfo !== '' ? body.ErrorInfo : undefined,
    renewCredentials: code === USER_SIG_EXPIRED_CODE,
  };
}

/** Options of {@link createTencentChatTransport} beyond the client's. */
export interface TencentChatTransportHooks {
  /** Called before each retry (tests count them; logs). */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

/**
 * Creates the transport on `@imbridge/provider-utils`' HTTP layer: signs every attempt with
 * `sdkappid`, `identifier`, the cached admin `usersig` (renewed before expiry, and at once on
 * 70001 with one extra attempt) and a fresh `random`; paces each API with a token bucket;
 * classifies the `ActionStatus`/`ErrorCode` envelope; and leaves retries, timeouts, failover to
 * the backup host and secret-free typed errors to the HTTP layer — the one retry loop of a call.
 */
export function createTencentChatTransport(
  options: TencentChatClientOptions & TencentChatTransportHooks,
): TencentChatTransport {
  const settings = resolveTencentChatSettings(
    connectionFromEnvironment(options, 'createTencentChatClient'),
  );
  const buckets = new Map<string, TokenBucket>();
  let cachedSig: { value: string; renewAtSeconds: number } | undefined;
  let pendingSig: Promise<string> | undefined;
  const secretOption = {
    owner: 'createTencentChatClient',
    name: 'secretKey',
    envVariable: 'TENCENT_IM_SECRET_KEY',
  };

  const adminUserSig = (forceRenew: boolean): Promise<string> => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (!forceRenew && cachedSig !== undefined && nowSeconds < cachedSig.renewAtSeconds) {
      return Promise.resolve(cachedSig.value);
    }
    pendingSig ??= (async () => {
      const lifetime = settings.userSigExpiresInSeconds;
      const value = await genUserSig({
        sdkAppId: settings.sdkAppId,
        secretKey: await resolveSecret(settings.secretKey, secretOption),
        userId: settings.adminUserId,
        expiresInSeconds: lifetime,
        nowSeconds,
      });
      cachedSig = {
        value,
        renewAtSeconds:
          nowSeconds + Math.max(1, lifetime - Math.min(RENEW_MARGIN_SECONDS, lifetime / 2)),
      };
      return value;
    })().finally(() => {
      pendingSig = undefined;
    });
    return pendingSig;
  };

  const bucketFor = (api: string): TokenBucket => {
    let bucket = buckets.get(api);
    if (bucket === undefined) {
      bucket = new TokenBucket({ ratePerSecond: settings.callsPerSecondPerApi });
      buckets.set(api, bucket);
    }
    return bucket;
  };

  const http = createVendorHttp({
    provider: 'tencent-chat',
    label: 'Tencent Chat',
    baseUrls: settings.baseUrls,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    retry: settings.retry,
    classify: classifyEnvelope,
    secrets: () => [
      cachedSig?.value,
      typeof settings.secretKey === 'string' ? settings.secretKey : undefined,
    ],
    onRetry: options.onRetry,
    async prepare(request, context) {
      // One token per attempt: a retry is a call the vendor counts too.
      const wait = bucketFor(request.url.pathname).take(context.signal);
      if (wait !== undefined) await wait;
      const userSig = await adminUserSig(context.renewCredentials);
      request.url.searchParams.set('usersig', userSig);
      request.url.searchParams.set('random', String(randomUint32()));
      request.url.searchParams.set('contenttype', 'json');
    },
  });
  const query = { sdkappid: settings.sdkAppId, identifier: settings.adminUserId };

  return {
    sdkAppId: settings.sdkAppId,
    adminUserId: settings.adminUserId,
    async call(service, command, body, callOptions) {
      const operation = `${service}/${command}`;
      const response = await http.request({
        path: `v4/${operation}`,
        operation,
        json: body ?? {},
        query,
        signal: callOptions?.signal,
        timeoutMs: callOptions?.timeoutMs,
        retry: callOptions?.retry,
      });
      return response.body as Record<string, unknown>;
    },
  };
}
