import { type APIErrorKind, isRetryableKind } from '@imbridge/core';

/**
 * How imbridge treats one vendor error code. Every vendor code table (Tencent `ErrorCode`,
 * MiniMax `status_code`, Dify `code`, RongCloud `code`, TC3 `Error.Code`) answers with this shape.
 */
export interface VendorErrorClass {
  /** What went wrong. */
  kind: APIErrorKind;
  /** Whether the same call may succeed if retried. */
  retryable: boolean;
  /** What the user can do about it, when the code says something actionable. */
  hint?: string | undefined;
}

/**
 * What a response classifier says about a failed response (it returns `undefined` for success).
 * The HTTP layer turns it into an `APICallError` and decides on a retry from `retryable` and
 * `retryAfterMs`.
 */
export interface ErrorClassification extends VendorErrorClass {
  /** How long the vendor asked to wait before a retry, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** The vendor's own code (`ErrorCode`, `code`…). */
  providerCode?: string | number | undefined;
  /** The vendor's error text (secrets are removed by the HTTP layer). */
  message?: string | undefined;
  /** The vendor's request id. */
  requestId?: string | undefined;
  /**
   * The credentials were stale (an expired token): the signer renews them and the call is retried
   * once, outside the retry budget.
   */
  renewCredentials?: boolean | undefined;
}

/**
 * Classifies one response: `undefined` when it succeeded, else what went wrong. `body` is the
 * parsed JSON body (or its text when it is not JSON; `undefined` when there was none).
 *
 * @example
 * ```ts
 * // Tencent Cloud Chat: HTTP 200 with { ActionStatus: 'FAIL', ErrorCode: 60007 }
 * const classify: ResponseClassifier = (_response, body) =>
 *   isRecord(body) && body.ErrorCode !== 0 ? { ...classifyTencentError(body.ErrorCode), providerCode: body.ErrorCode } : undefined;
 * ```
 */
export type ResponseClassifier = (
  response: Response,
  body: unknown,
) => ErrorClassification | undefined;

/** One row of a vendor code table: the codes that share a classification. */
export interface ErrorCodeRow<Code extends string | number> {
  /** The vendor codes. */
  codes: readonly Code[];
  /** What they mean. */
  kind: APIErrorKind;
  /** Whether a retry may succeed. @default isRetryableKind(kind) */
  retryable?: boolean | undefined;
  /** What the user can do about it. */
  hint?: string | undefined;
}

/**
 * Builds a vendor code table: a lookup from code to {@link VendorErrorClass}. Codes not in the
 * table classify as `unknown`, not retryable.
 *
 * @example
 * ```ts
 * const classify = createErrorCodeTable<number>([
 *   { codes: [60007], kind: 'rate-limit' },
 *   { codes: [70009], kind: 'auth', hint: 'secretKey does not belong to this sdkAppId' },
 * ]);
 * classify(60007); // { kind: 'rate-limit', retryable: true }
 * ```
 */
export function createErrorCodeTable<Code extends string | number>(
  rows: ReadonlyArray<ErrorCodeRow<Code>>,
): (code: Code) => VendorErrorClass {
  const table = new Map<Code, VendorErrorClass>();
  for (const row of rows) {
    const entry: VendorErrorClass = {
      kind: row.kind,
      retryable: row.retryable ?? isRetryableKind(row.kind),
      ...(row.hint !== undefined ? { hint: row.hint } : {}),
    };
    for (const code of row.codes) table.set(code, entry);
  }
  const unknown: VendorErrorClass = { kind: 'unknown', retryable: false };
  return (code) => table.get(code) ?? unknown;
}

/**
 * The kind an HTTP error status means: 401/403 `auth`, 402 `quota`, 404 `not-found`, 408/504
 * `timeout`, 429 `rate-limit`, other 5xx `server`, other 4xx `invalid-request`.
 */
export function kindForStatus(status: number): APIErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'quota';
  if (status === 429) return 'rate-limit';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'server';
  return 'invalid-request';
}

/** The classification of an HTTP error status alone (no vendor code), with `Retry-After`. */
export function classifyStatus(response: Response): ErrorClassification {
  const kind = kindForStatus(response.status);
  const retryAfterMs = parseRetryAfterMs(response.headers);
  return {
    kind,
    retryable: isRetryableKind(kind),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** `delay-seconds` (fractions accepted) and IMF-fixdate (RFC 9110 §5.6.7). */
const DELAY = /^\d+(?:\.\d+)?$/;
const HTTP_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Reads `retry-after-ms`, or `retry-after` as seconds or an HTTP date, into milliseconds;
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfterMs(headers: Headers): number | undefined {
  const milliseconds = headers.get('retry-after-ms')?.trim();
  if (milliseconds !== undefined && DELAY.test(milliseconds)) return Number(milliseconds);
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter === undefined) return undefined;
  if (DELAY.test(retryAfter)) return Number(retryAfter) * 1000;
  if (!HTTP_DATE.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
