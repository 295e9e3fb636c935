import type { IMBridgeError } from '@imbridge/core';
import type { ResponseClassifier } from '../errors/classification.ts';
import type { ResolvedRetryOptions, RetryOptions } from '../retry/backoff.ts';

/**
 * The request of one attempt, as `prepare` sees it: set headers, change the query (a fresh
 * signature per attempt), read the exact body text that will be sent.
 */
export interface OutgoingRequest {
  /** HTTP method. */
  readonly method: string;
  /** The URL on the active base URL; `prepare` may change it (query parameters). */
  url: URL;
  /** Request headers; `prepare` may set more (signatures). */
  readonly headers: Headers;
  /** The exact body text that is sent (what a body signature must cover). */
  readonly body: string | undefined;
}

/** What `prepare` knows about the attempt. */
export interface PrepareContext {
  /** 1 for the first attempt, then 2, 3… */
  readonly attempt: number;
  /**
   * True when the previous attempt's credentials were rejected as stale (a classifier said
   * `renewCredentials`): mint new ones instead of using a cache.
   */
  readonly renewCredentials: boolean;
  /** The caller's signal (e.g. to abort a wait for a rate-limit token). */
  readonly signal: AbortSignal | undefined;
}

/** Reported before each retry (for logs and tests). */
export interface RetryEvent {
  /** What was called. */
  operation: string;
  /** 1 for the first retry. */
  retry: number;
  /** The wait before it, in milliseconds. */
  delayMs: number;
  /** Why: the typed error of the failed attempt. */
  error: IMBridgeError;
  /** True when the retry goes to another base URL. */
  failover: boolean;
}

/** Options of {@link createVendorHttp}. */
export interface VendorHttpOptions {
  /** Vendor id in errors, e.g. `'tencent-chat'`. */
  provider: string;
  /** Vendor name in messages, e.g. `'Tencent Chat'`. @default provider */
  label?: string | undefined;
  /**
   * Base URLs: the first is used until it fails with a network error, a timeout or a 5xx; the
   * next one is then used (sticky) — host failover as a retried request.
   */
  baseUrls: readonly string[];
  /** Custom fetch (proxies, tests). @default globalThis.fetch, looked up at call time */
  fetch?: typeof fetch | undefined;
  /** Limit per attempt (answer headers and body), in milliseconds. */
  timeoutMs: number;
  /** Retries of each call (a call may override them). */
  retry: ResolvedRetryOptions;
  /**
   * Classifies a response: `undefined` for success. Without it (or when it returns `undefined`
   * for a non-2xx), the HTTP status decides.
   */
  classify?: ResponseClassifier | undefined;
  /** Runs before every attempt: signing, rate-limit tokens. */
  prepare?:
    | ((request: OutgoingRequest, context: PrepareContext) => void | Promise<void>)
    | undefined;
  /** Values to redact from vendor text in errors (keys, tokens, signatures). */
  secrets?: (() => Iterable<string | undefined>) | undefined;
  /** Largest response body read, in bytes. @default 4_194_304 (4 MiB) */
  maxResponseBytes?: number | undefined;
  /** Called before each retry. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** One call. Exactly one of `json`, `form` and `body` (or none). */
export interface VendorCall {
  /** Path under the base URL, e.g. `'v4/openim/sendmsg'`. */
  path: string;
  /** What is called, in messages. @default path */
  operation?: string | undefined;
  /** @default 'POST' */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | undefined;
  /** A JSON body. */
  json?: unknown;
  /** A form body (`application/x-www-form-urlencoded`); array values repeat the key. */
  form?:
    | Readonly<Record<string, string | number | boolean | ReadonlyArray<string | number>>>
    | undefined;
  /** An exact body text, sent as is with `contentType`. */
  body?: string | undefined;
  /** Content type of `body`. */
  contentType?: string | undefined;
  /** Query parameters. */
  query?: Readonly<Record<string, string | number>> | undefined;
  /** Extra headers. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Cancels the call, its retries and the waits between them. */
  signal?: AbortSignal | undefined;
  /** Overrides the per-attempt limit. */
  timeoutMs?: number | undefined;
  /** Overrides the retries (`false`: one attempt). Fields left out keep the client's values. */
  retry?: RetryOptions | false | undefined;
}

/** A successful answer, its body read and parsed. */
export interface VendorResponse {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The parsed JSON body; its text when it is not JSON; `undefined` when empty. */
  body: unknown;
}

/** The vendor HTTP layer of one client. */
export interface VendorHttp {
  /** The base URL calls go to now (moves on failover). */
  readonly baseUrl: string;
  /**
   * Makes a call and returns its checked answer. Retries transient failures (the only retry
   * loop of the call).
   *
   * @throws {APICallError} for a failed call (any `kind`); `AbortedError` when the signal fires.
   */
  request(call: VendorCall): Promise<VendorResponse>;
  /**
   * Makes a call whose 2xx body the caller streams (server-sent events): resolves once the
   * headers arrived, with the body unread. Not retried here — a streaming call's retries belong to
   * whoever can tell whether content was already delivered. Non-2xx answers are read (capped)
   * and classified into an `APICallError`.
   */
  stream(call: VendorCall): Promise<Response>;
}
