import {
  AbortedError,
  APICallError,
  type APIErrorKind,
  IMBridgeError,
  NetworkError,
  TimeoutError,
} from '@imbridge/core';

/** Timeouts shared by every model adapter, in milliseconds. */
export interface ModelTimeouts {
  /** Until the response headers arrive. @default 30_000 */
  requestMs?: number;
  /** Until the first stream event after the headers. @default 60_000 */
  firstTokenMs?: number;
  /** Longest silence between two stream events (keep-alives count). @default 30_000 */
  chunkMs?: number;
}

/** Retries of a failed call, made only before the first token. */
export interface ModelRetryOptions {
  /** Retries after the first attempt. @default 2 */
  maxRetries?: number;
  /** First back-off, doubled per retry with ±20 % jitter. @default 1000 */
  initialDelayMs?: number;
  /** Longest wait, including a server's `retry-after`. @default 60_000 */
  maxDelayMs?: number;
}

/** Settings every model adapter takes. */
export interface ModelConnectionOptions {
  /** Custom fetch (proxies, tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Timeouts. */
  timeouts?: ModelTimeouts;
  /** Retries before the first token; `false` disables. */
  retry?: ModelRetryOptions | false;
}

/** Resolved timeouts. */
export interface ResolvedTimeouts {
  requestMs: number;
  firstTokenMs: number;
  chunkMs: number;
}

/** Fills in default timeouts. */
export function resolveTimeouts(timeouts: ModelTimeouts | undefined): ResolvedTimeouts {
  return {
    requestMs: timeouts?.requestMs ?? 30_000,
    firstTokenMs: timeouts?.firstTokenMs ?? 60_000,
    chunkMs: timeouts?.chunkMs ?? 30_000,
  };
}

/** Removes every occurrence of the secrets from a text (error messages, vendor bodies). */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4)
      result = result.split(secret).join('[redacted]');
  }
  return result;
}

/** Parses `retry-after-ms`, or `retry-after` as seconds or an HTTP date, into milliseconds. */
export function parseRetryAfter(headers: Headers): number | undefined {
  const milliseconds = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(milliseconds) && milliseconds >= 0)
    return milliseconds;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const RETRYABLE_KINDS: ReadonlySet<APIErrorKind> = new Set([
  'rate-limit',
  'timeout',
  'server',
  'network',
]);

/** The kind of failure an HTTP status means. */
export function kindForStatus(status: number): APIErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 429) return 'rate-limit';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'server';
  return 'invalid-request';
}

/** Reads a short, secret-free message out of an error body (OpenAI, Dify and MiniMax shapes). */
export function describeErrorBody(text: string): { message?: string; code?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.trim().length > 0 ? { message: text.trim().slice(0, 300) } : {};
  }
  if (typeof json !== 'object' || json === null) return {};
  const record = json as Record<string, unknown>;
  // MiniMax: { base_resp: { status_code, status_msg } }.
  const baseResp = record.base_resp;
  if (typeof baseResp === 'object' && baseResp !== null) {
    const { status_code: statusCode, status_msg: statusMessage } = baseResp as Record<
      string,
      unknown
    >;
    if (typeof statusCode === 'number' && statusCode !== 0) {
      return {
        code: String(statusCode),
        ...(typeof statusMessage === 'string' ? { message: statusMessage.slice(0, 300) } : {}),
      };
    }
  }
  const nested =
    typeof record.error === 'object' && record.error !== null
      ? (record.error as Record<string, unknown>)
      : record;
  const message =
    typeof nested.message === 'string'
      ? nested.message
      : typeof record.error === 'string'
        ? record.error
        : undefined;
  const code =
    typeof nested.code === 'string' || typeof nested.code === 'number'
      ? String(nested.code)
      : typeof nested.type === 'string'
        ? nested.type
        : undefined;
  return {
    ...(message !== undefined ? { message: message.slice(0, 300) } : {}),
    ...(code !== undefined ? { code } : {}),
  };
}

/** Options of {@link postJson}. */
export interface PostJsonOptions {
  /** Vendor id for errors. */
  provider: string;
  /** Full URL. */
  url: string;
  /** Request body (serialised as JSON). */
  body: unknown;
  /** Headers (auth included). */
  headers: Record<string, string>;
  /** fetch to use. */
  fetch: typeof fetch;
  /** Cancels the call. */
  signal: AbortSignal | undefined;
  /** Limit until the response headers arrive. */
  requestTimeoutMs: number;
  /** Secrets to keep out of errors (API keys). */
  secrets: ReadonlyArray<string | undefined>;
  /** Maps a vendor error code to a kind, when the vendor has its own codes. */
  classify?: (
    code: string | undefined,
    status: number,
  ) => APIErrorKind | { kind: APIErrorKind; retryable: boolean } | undefined;
}

/**
 * POSTs JSON and returns the response once its headers arrived with a 2xx status (read the body
 * with `readServerSentEvents` or watch the signal yourself: aborts after this point are not
 * forwarded). Non-2xx become
 * `APICallError` (kind from the status or the vendor code, `retryAfterMs` from the headers);
 * unreachable hosts `NetworkError`; a slow server `TimeoutError`; a fired signal `AbortedError`.
 * Secrets never appear in the errors.
 */
export async function postJson(options: PostJsonOptions): Promise<Response> {
  const controller = new AbortController();
  const outer = options.signal;
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted)
    throw new AbortedError({ message: `${options.provider} request aborted`, cause: outer.reason });
  outer?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.requestTimeoutMs);
  let response: Response;
  try {
    response = await options.fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(options.body),
      signal: controller.signal,
    });
  } catch (error) {
    if (outer?.aborted)
      throw new AbortedError({
        message: `${options.provider} request aborted`,
        cause: outer.reason,
      });
    if (timedOut) {
      throw new TimeoutError({
        message: `${options.provider} did not answer within ${options.requestTimeoutMs} ms`,
        timeoutMs: options.requestTimeoutMs,
      });
    }
    const detail = error instanceof Error ? redact(error.message, options.secrets) : 'fetch failed';
    throw new NetworkError({ message: `${options.provider} could not be reached (${detail})` });
  } finally {
    clearTimeout(timer);
  }
  // From here the body's reader handles aborts (cancelling it closes the connection), so the
  // forwarding listener goes: long-lived signals do not collect listeners.
  outer?.removeEventListener('abort', onAbort);
  if (response.ok) return response;
  let text = '';
  try {
    text = await response.text();
  } catch {
    // An unreadable error body still yields a status-based error.
  }
  const described = describeErrorBody(redact(text, options.secrets));
  const classified = options.classify?.(described.code, response.status);
  const kind =
    typeof classified === 'object'
      ? classified.kind
      : (classified ?? kindForStatus(response.status));
  // When a vendor code decided the kind, retryability follows the kind, not the HTTP status (an
  // `insufficient_quota` 429 is not worth retrying).
  const retryable =
    typeof classified === 'object'
      ? classified.retryable
      : classified !== undefined
        ? RETRYABLE_KINDS.has(kind)
        : undefined;
  const retryAfterMs = parseRetryAfter(response.headers);
  throw new APICallError({
    message: `${options.provider} answered HTTP ${response.status}${described.message ? `: ${described.message}` : ''}`,
    provider: options.provider,
    statusCode: response.status,
    kind,
    ...(retryable !== undefined ? { retryable } : {}),
    // Numeric vendor codes (MiniMax `base_resp`) stay numbers, as in stream errors.
    ...(described.code !== undefined
      ? { providerCode: /^\d+$/.test(described.code) ? Number(described.code) : described.code }
      : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(response.headers.get('x-request-id') !== null
      ? { requestId: response.headers.get('x-request-id') as string }
      : {}),
  });
}

/** Wraps anything thrown into an imbridge error without leaking secrets. */
export function toModelError(
  error: unknown,
  provider: string,
  secrets: ReadonlyArray<string | undefined>,
): IMBridgeError {
  if (IMBridgeError.isInstance(error)) return error;
  const message =
    error instanceof Error
      ? redact(`${error.name}: ${error.message}`, secrets)
      : 'unexpected error';
  // No `cause`: the original may hold secrets that `inspect` would print.
  return new APICallError({
    message: `${provider}: ${message}`,
    provider,
    kind: 'unknown',
    retryable: false,
  });
}
