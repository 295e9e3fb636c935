import {
  checkInteger,
  checkNonEmptyString,
  type OptionReference,
  optionError,
} from '@imbridge/core';
import {
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
} from '@imbridge/provider-utils';

/**
 * Connection settings every model adapter takes: the same names as every imbridge client
 * (`timeoutMs`, `retry`), plus the two limits of a stream.
 */
export interface ModelConnectionOptions {
  /** Custom fetch (proxies, tests). @default globalThis.fetch, looked up at call time */
  fetch?: typeof fetch | undefined;
  /** Extra headers on every request. */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Limit of one attempt until the response headers arrive, in milliseconds.
   * @default 30_000
   */
  timeoutMs?: number | undefined;
  /**
   * Longest wait for the first stream event once the headers arrived, in milliseconds (in
   * blocking mode: for the whole body). A miss is an `APICallError` of kind `timeout` with
   * `timeoutPhase: 'first-token'`, retried like any retryable failure.
   * @default 60_000
   */
  firstTokenTimeoutMs?: number | undefined;
  /**
   * Longest silence between two stream events (keep-alive comments count as activity), in
   * milliseconds. A miss is an `APICallError` of kind `timeout` with `timeoutPhase: 'stall'`;
   * it is not retried once text was streamed.
   * @default 30_000
   */
  stallTimeoutMs?: number | undefined;
  /**
   * Retries of a failed call, made only before the first token — the one retry loop of a model
   * call (the bot runtime does not retry). `false` disables them. A server that asks to wait
   * longer than `maxDelayMs` (`Retry-After`) is not retried.
   * @default { maxRetries: 2, initialDelayMs: 1000, maxDelayMs: 10_000 }
   */
  retry?: RetryOptions | false | undefined;
}

/**
 * The retries of every model adapter unless told otherwise: 2 retries (3 requests at most),
 * back-offs of about 1 s then 2 s. With them a call that keeps failing ends, back-offs included,
 * within `maxTotalBackoffMs(MODEL_RETRY_DEFAULTS)` (3.6 s) plus its three attempts.
 */
export const MODEL_RETRY_DEFAULTS: ResolvedRetryOptions = {
  maxRetries: 2,
  initialDelayMs: 1000,
  maxDelayMs: 10_000,
};

/** {@link ModelConnectionOptions} checked, with defaults. */
export interface ResolvedConnection {
  /** The custom fetch, if any (the HTTP layer looks up `globalThis.fetch` per call otherwise). */
  fetch: typeof fetch | undefined;
  /** Extra headers on every request. */
  headers: Readonly<Record<string, string>>;
  /** Limit of one attempt until the response headers, in milliseconds. */
  timeoutMs: number;
  /** Longest wait for the first stream event, in milliseconds. */
  firstTokenTimeoutMs: number;
  /** Longest silence between stream events, in milliseconds. */
  stallTimeoutMs: number;
  /** The retries of the model's one retry loop. */
  retry: ResolvedRetryOptions;
}

// setTimeout (and ky) take at most 2^31 - 1 ms.
const MAX_TIMEOUT_MS = 2_147_483_647;

function timeout(value: number | undefined, name: string, owner: string, fallback: number): number {
  return value === undefined
    ? fallback
    : checkInteger(value, { owner, name }, { min: 1, max: MAX_TIMEOUT_MS });
}

/**
 * Checks the connection options when a model is created and fills in the defaults.
 *
 * @throws {ValidationError} naming the option when a value is wrong.
 */
export function resolveConnection(
  options: ModelConnectionOptions,
  owner: string,
): ResolvedConnection {
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw optionError({ owner, name: 'fetch' }, 'a fetch function', options.fetch);
  }
  const headers = options.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw optionError({ owner, name: 'headers' }, 'an object of header names to values', headers);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw optionError({ owner, name: `headers.${name}`, secret: true }, 'a string', value);
    }
  }
  return {
    fetch: options.fetch,
    headers,
    timeoutMs: timeout(options.timeoutMs, 'timeoutMs', owner, 30_000),
    firstTokenTimeoutMs: timeout(options.firstTokenTimeoutMs, 'firstTokenTimeoutMs', owner, 60_000),
    stallTimeoutMs: timeout(options.stallTimeoutMs, 'stallTimeoutMs', owner, 30_000),
    retry: resolveRetryOptions(options.retry, MODEL_RETRY_DEFAULTS, owner),
  };
}

/**
 * Checks a base URL option: a non-empty absolute `http:` or `https:` URL. Returns it without
 * trailing slashes.
 *
 * @throws {ValidationError} naming the option and its environment variable.
 */
export function checkBaseUrl(value: unknown, option: OptionReference): string {
  const text = checkNonEmptyString(value, option).trim();
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    throw optionError(option, 'an absolute http(s) URL', value);
  }
  return text.replace(/\/+$/, '');
}
