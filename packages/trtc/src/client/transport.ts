import { optionError, TokenBucket, ValidationError } from '@imbridge/core';
import { createVendorHttp, type RetryEvent, resolveSecret } from '@imbridge/provider-utils';
import { signTc3Request } from '../signing/tc3.ts';
import { classifyTrtcResponse } from './errors.ts';
import {
  type CallOptions,
  checkRegion,
  OWNER,
  resolveTrtcSettings,
  SECRET_ID_OPTION,
  SECRET_KEY_OPTION,
  SESSION_TOKEN_OPTION,
  TRTC_API_VERSION,
  TRTC_SERVICE,
  type TRTCClientOptions,
  type TRTCCredentials,
} from './options.ts';

/** The `Response` object of a successful API 3.0 answer (its fields are the action's output). */
export type TRTCResponse = Readonly<Record<string, unknown>>;

/** Low-level caller of TRTC's API 3.0 with signing, limits, retries and typed errors. */
export interface TRTCTransport {
  /** The default region. */
  readonly region: string;
  /** The base URL calls go to. */
  readonly baseUrl: string;
  /**
   * POSTs `params` as `action` and returns the answer's `Response` object. `secrets` are values
   * of this call (an LLM API key inside `LLMConfig`) kept out of every error while it runs.
   */
  call(
    action: string,
    params?: Readonly<Record<string, unknown>>,
    options?: CallOptions,
    secrets?: readonly string[],
  ): Promise<TRTCResponse>;
}

/** Options of {@link createTrtcTransport} beyond the client's. */
export interface TRTCTransportHooks {
  /** Called before each retry (tests count them; logs). */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

const ACTION = /^[A-Z][A-Za-z0-9]*$/;

/** Call secrets kept for redaction while their call runs (a count per value: calls overlap). */
class SecretRegistry {
  private readonly counts = new Map<string, number>();

  add(values: readonly string[]): void {
    for (const value of values) this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }

  remove(values: readonly string[]): void {
    for (const value of values) {
      const count = (this.counts.get(value) ?? 0) - 1;
      if (count > 0) this.counts.set(value, count);
      else this.counts.delete(value);
    }
  }

  values(): IterableIterator<string> {
    return this.counts.keys();
  }
}

/** Credentials resolved for one attempt. */
interface ResolvedCredentials {
  secretId: string;
  secretKey: string;
  sessionToken: string | undefined;
}

/**
 * Creates the transport on `@imbridge/provider-utils`' HTTP layer: signs every attempt with TC3
 * over the exact body sent (a fresh timestamp each time, the credentials resolved again), paces
 * each action with a token bucket, classifies the `Response.Error` envelope, and leaves retries,
 * timeouts and secret-free typed errors to the HTTP layer — the one retry loop of a call.
 */
export function createTrtcTransport(
  options: TRTCClientOptions & TRTCTransportHooks,
): TRTCTransport {
  const settings = resolveTrtcSettings(options);
  const buckets = new Map<string, TokenBucket>();
  /** The secrets of the last attempts, kept out of every error. */
  const seenSecrets = new Set<string>();
  const callSecrets = new SecretRegistry();

  const remember = (secret: string | undefined): void => {
    if (secret === undefined || seenSecrets.has(secret)) return;
    if (seenSecrets.size >= 8) {
      const oldest = seenSecrets.values().next();
      if (oldest.done !== true) seenSecrets.delete(oldest.value);
    }
    seenSecrets.add(secret);
  };

  const resolveCredentials = async (): Promise<ResolvedCredentials> => {
    let credentials: TRTCCredentials;
    if (typeof settings.credentials === 'function') {
      let value: unknown;
      try {
        value = await settings.credentials();
      } catch (error) {
        // The provider's own error may hold a secret: only its type is kept.
        throw new ValidationError({
          message: `${OWNER}: the credentials provider failed (${error instanceof Error ? error.name : typeof error})`,
          code: 'secret-resolver-failed',
        });
      }
      if (typeof value !== 'object' || value === null) {
        throw optionError(
          { owner: OWNER, name: 'credentials (resolved)' },
          '{ secretId, secretKey, sessionToken? }',
          value,
        );
      }
      credentials = value as TRTCCredentials;
    } else {
      credentials = settings.credentials;
    }
    const secretKey = await resolveSecret(credentials.secretKey, SECRET_KEY_OPTION);
    remember(secretKey);
    const sessionToken =
      credentials.sessionToken === undefined
        ? undefined
        : await resolveSecret(credentials.sessionToken, SESSION_TOKEN_OPTION);
    remember(sessionToken);
    if (typeof credentials.secretId !== 'string' || credentials.secretId.trim() === '') {
      throw optionError(SECRET_ID_OPTION, 'a non-empty string', credentials.secretId);
    }
    return { secretId: credentials.secretId, secretKey, sessionToken };
  };

  const bucketFor = (action: string): TokenBucket => {
    let bucket = buckets.get(action);
    if (bucket === undefined) {
      bucket = new TokenBucket({ ratePerSecond: settings.actionsPerSecond });
      buckets.set(action, bucket);
    }
    return bucket;
  };

  const http = createVendorHttp({
    provider: 'trtc',
    label: 'TRTC',
    baseUrls: [settings.baseUrl],
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    retry: settings.retry,
    classify: classifyTrtcResponse,
    *secrets() {
      const credentials = settings.credentials;
      if (typeof credentials !== 'function') {
        if (typeof credentials.secretKey === 'string') yield credentials.secretKey;
        if (typeof credentials.sessionToken === 'string') yield credentials.sessionToken;
      }
      yield* seenSecrets;
      yield* callSecrets.values();
    },
    onRetry: options.onRetry,
    async prepare(request, context) {
      const action = request.headers.get('x-tc-action') ?? '';
      // One token per attempt: a retry is a call Tencent counts too.
      const wait = bucketFor(action).take(context.signal);
      if (wait !== undefined) await wait;
      const credentials = await resolveCredentials();
      // A fresh timestamp per attempt: a retry after a long back-off is never SignatureExpire.
      const signed = signTc3Request({
        ...credentials,
        service: TRTC_SERVICE,
        host: request.url.host,
        action,
        version: TRTC_API_VERSION,
        region: request.headers.get('x-tc-region') ?? undefined,
        timestampSeconds: Math.floor(Date.now() / 1000),
        payload: request.body ?? '',
        language: settings.language,
      });
      for (const [name, value] of Object.entries(signed.headers)) {
        // fetch sends Host from the URL: the value signed.
        if (name !== 'Host' && value !== undefined) request.headers.set(name, value);
      }
    },
  });

  return {
    region: settings.region,
    baseUrl: settings.baseUrl,
    async call(action, params = {}, callOptions, secrets = []) {
      if (typeof action !== 'string' || !ACTION.test(action)) {
        throw optionError(
          { owner: 'TRTCClient.call', name: 'action' },
          'an action name such as StartAIConversation',
          action,
        );
      }
      const region =
        callOptions?.region === undefined
          ? settings.region
          : checkRegion(callOptions.region, { owner: 'TRTCClient.call', name: 'region' });
      callSecrets.add(secrets);
      try {
        const response = await http.request({
          path: '/',
          operation: action,
          json: params,
          headers: { 'X-TC-Action': action, 'X-TC-Region': region },
          signal: callOptions?.signal,
          timeoutMs: callOptions?.timeoutMs,
          retry: callOptions?.retry,
        });
        // The classifier let only a `{ Response: {…} }` envelope through.
        return (response.body as { Response: TRTCResponse }).Response;
      } finally {
        callSecrets.remove(secrets);
      }
    },
  };
}
