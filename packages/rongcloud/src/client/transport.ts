import { TokenBucket, ValidationError } from '@imbridge/core';
import { createVendorHttp, resolveSecret } from '@imbridge/provider-utils';
import { signRongCloudRequest } from '../signing/signature.ts';
import { connectionFromEnvironment } from './environment.ts';
import { classifyRongCloudResponse } from './errors.ts';
import {
  APP_SECRET_OPTION,
  type CallOptions,
  type RongCloudClientOptions,
  resolveRongCloudSettings,
} from './options.ts';

/** A form field value: arrays repeat the key (`toUserId=a&toUserId=b`); `undefined` is left out. */
export type FormValue = string | number | boolean | readonly string[] | undefined;

/** How a body is encoded on the wire. */
export type BodyEncoding = 'form' | 'json';

/**
 * The encoding RongCloud expects at `path`: JSON for the `/v3/*` APIs (bots, stream messages),
 * `application/x-www-form-urlencoded` for the rest (`/user/*`, `/message/*`…). Decided by the
 * endpoint, never by the caller.
 */
export function bodyEncodingFor(path: string): BodyEncoding {
  return /^\/?v3\//.test(path) ? 'json' : 'form';
}

/** Low-level caller of RongCloud's Server API with signing, limits, retries and typed errors. */
export interface RongCloudTransport {
  /** The App Key calls are signed for. */
  readonly appKey: string;
  /** The base URL calls go to now (moves to the backup host on failover). */
  readonly baseUrl: string;
  /**
   * POSTs `fields` to `path`, encoded as {@link bodyEncodingFor} says, and returns the answer's
   * body after checking its `code` envelope. `secrets` are values of this call (a Dify API key)
   * to keep out of any error.
   */
  call(
    path: string,
    fields: Readonly<Record<string, unknown>>,
    options?: CallOptions,
    secrets?: readonly string[],
  ): Promise<Record<string, unknown>>;
}

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

function formFields(
  path: string,
  fields: Readonly<Record<string, unknown>>,
): Record<string, string | number | boolean | string[]> {
  const form: Record<string, string | number | boolean | string[]> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'boolean') form[name] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) form[name] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      form[name] = value as string[];
    } else {
      throw new ValidationError({
        message: `RongCloud ${path}: form field ${name} must be a string, a finite number, a boolean or an array of strings (JSON values go in a JSON-encoded field such as content)`,
        issues: [{ path: [name], message: 'not a form value' }],
      });
    }
  }
  return form;
}

/**
 * Creates the transport on `@imbridge/provider-utils`' HTTP layer: signs every attempt afresh
 * (new nonce and millisecond timestamp, the secret resolved again), paces each API with a token
 * bucket, encodes bodies per endpoint, classifies the `code` envelope, and leaves retries,
 * timeouts, sticky failover to the backup host and secret-free typed errors to the HTTP layer —
 * the one retry loop of a call.
 */
export function createRongCloudTransport(options: RongCloudClientOptions = {}): RongCloudTransport {
  const settings = resolveRongCloudSettings(
    connectionFromEnvironment(options, 'createRongCloudClient'),
  );
  const buckets = new Map<string, TokenBucket>();
  const callSecrets = new SecretRegistry();
  let resolvedSecret: string | undefined;

  const bucketFor = (api: string): TokenBucket => {
    let bucket = buckets.get(api);
    if (bucket === undefined) {
      bucket = new TokenBucket({ ratePerSecond: settings.callsPerSecondPerApi });
      buckets.set(api, bucket);
    }
    return bucket;
  };

  const http = createVendorHttp({
    provider: 'rongcloud',
    label: 'RongCloud',
    baseUrls: settings.baseUrls,
    fetch: settings.fetch,
    timeoutMs: settings.timeoutMs,
    retry: settings.retry,
    classify: classifyRongCloudResponse,
    *secrets() {
      if (typeof settings.appSecret === 'string') yield settings.appSecret;
      yield resolvedSecret;
      yield* callSecrets.values();
    },
    async prepare(request, context) {
      // One token per attempt: a retry is a call RongCloud counts too.
      const wait = bucketFor(request.url.pathname).take(context.signal);
      if (wait !== undefined) await wait;
      resolvedSecret = await resolveSecret(settings.appSecret, APP_SECRET_OPTION);
      // A fresh nonce and timestamp per attempt: a retry never replays a signature.
      const signed = signRongCloudRequest({
        appKey: settings.appKey,
        appSecret: resolvedSecret,
        headerStyle: settings.headerStyle,
      });
      for (const [name, value] of Object.entries(signed.headers)) {
        request.headers.set(name, value);
      }
      request.headers.set('X-Request-ID', crypto.randomUUID().replaceAll('-', ''));
    },
  });

  return {
    appKey: settings.appKey,
    get baseUrl() {
      return http.baseUrl;
    },
    async call(path, fields, callOptions, secrets = []) {
      const operation = path.replace(/^\/+/, '').replace(/\.json$/, '');
      const encoded =
        bodyEncodingFor(path) === 'json' ? { json: fields } : { form: formFields(path, fields) };
      callSecrets.add(secrets);
      try {
        const response = await http.request({
          path,
          operation,
          ...encoded,
          signal: callOptions?.signal,
          timeoutMs: callOptions?.timeoutMs,
          retry: callOptions?.retry,
        });
        return response.body as Record<string, unknown>;
      } finally {
        callSecrets.remove(secrets);
      }
    },
  };
}
