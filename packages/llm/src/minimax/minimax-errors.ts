/** MiniMax's `base_resp.status_code` table and the errors built from it. */
import { APICallError } from '@imbridge/core';
import {
  classifyStatus,
  createErrorCodeTable,
  isRecord,
  parseRetryAfterMs,
  type ResponseClassifier,
  type VendorErrorClass,
} from '@imbridge/provider-utils';
import { vendorText } from '../shared/model-secrets.ts';

/** The provider id MiniMax models report and put on their errors. */
export const MINIMAX_PROVIDER = 'minimax';

const KNOWN_CODES = [1000, 1001, 1002, 1004, 1008, 1024, 1026, 1027, 1033, 1039, 2013] as const;

/**
 * Classifies a non-zero MiniMax `base_resp.status_code`: kind, whether a retry may help and, where
 * the code says what to fix, a hint. 1000 unknown (retryable), 1001 (a MiniMax-side timeout),
 * 1024 and 1033 `server` (retryable), 1002 and 1039 `rate-limit` (retryable), 1004 `auth`, 1008
 * `quota`, 1026/1027 `content-filter`, 2013 `invalid-request`; any other code is `unknown` and
 * not retryable.
 *
 * @see https://platform.minimax.io/docs/api-reference/errorcode
 * @example
 * ```ts
 * classifyMiniMaxStatus(1004);
 * // { kind: 'auth', retryable: false, hint: 'check the MiniMax API key (MINIMAX_API_KEY) and that it belongs to the region of baseUrl …' }
 * ```
 */
export const classifyMiniMaxStatus: (code: number) => VendorErrorClass =
  createErrorCodeTable<number>([
    { codes: [1000], kind: 'unknown', retryable: true },
    { codes: [1001, 1024, 1033], kind: 'server' },
    {
      codes: [1002],
      kind: 'rate-limit',
      hint: "the MiniMax account's requests-per-minute limit was reached",
    },
    {
      codes: [1039],
      kind: 'rate-limit',
      hint: "the MiniMax account's tokens-per-minute limit was reached",
    },
    {
      codes: [1004],
      kind: 'auth',
      hint: 'check the MiniMax API key (MINIMAX_API_KEY) and that it belongs to the region of baseUrl (api.minimax.io global, api.minimaxi.com mainland China)',
    },
    { codes: [1008], kind: 'quota', hint: 'the MiniMax account balance is insufficient' },
    { codes: [1026], kind: 'content-filter', hint: 'MiniMax flagged the input as sensitive' },
    { codes: [1027], kind: 'content-filter', hint: 'MiniMax flagged the output as sensitive' },
    {
      codes: [2013],
      kind: 'invalid-request',
      hint: 'MiniMax rejected the request parameters: check the model name and the extra body fields',
    },
  ]);

function isKnownCode(code: number): boolean {
  return (KNOWN_CODES as readonly number[]).includes(code);
}

/** A MiniMax failure status: `base_resp` with a non-zero `status_code`. */
export interface VendorStatus {
  /** `status_code`. */
  code: number;
  /** `status_msg`. */
  message: string;
}

/** Reads a `base_resp` object; `undefined` when it is not one. */
export function readStatus(value: unknown): VendorStatus | undefined {
  if (!isRecord(value)) return undefined;
  const code = value.status_code;
  if (typeof code !== 'number' || !Number.isFinite(code)) return undefined;
  const message = value.status_msg;
  return { code, message: typeof message === 'string' ? message : '' };
}

/** What the error of a MiniMax status needs to know about the answer that carried it. */
export interface StatusContext {
  /** The HTTP status of the answer (200 for a status inside the stream). */
  httpStatus: number;
  /** The answer's headers (`Retry-After`). */
  headers: Headers;
  /** Values to redact from MiniMax's text. */
  secrets: readonly string[];
}

/** The `APICallError` of a failure status sent with HTTP 200 (in the stream or as JSON). */
export function statusError(status: VendorStatus, context: StatusContext): APICallError {
  const { kind, retryable, hint } = classifyMiniMaxStatus(status.code);
  const detail = vendorText(status.message, context.secrets);
  return new APICallError({
    message: `MiniMax text/chatcompletion_v2 failed: ${detail !== '' ? detail : 'no error text'} (code ${status.code})`,
    provider: MINIMAX_PROVIDER,
    kind,
    retryable,
    hint,
    providerCode: status.code,
    statusCode: context.httpStatus,
    retryAfterMs: parseRetryAfterMs(context.headers),
  });
}

/**
 * The classifier of MiniMax's HTTP error answers: a body with a known `base_resp` code gets that
 * code's kind, retryability and hint; an unknown code keeps the HTTP status's kind.
 */
export const classifyMiniMaxResponse: ResponseClassifier = (response, body) => {
  if (response.ok || !isRecord(body)) return undefined;
  const status = readStatus(body.base_resp);
  if (status === undefined || status.code === 0) return undefined;
  const verdict = isKnownCode(status.code)
    ? classifyMiniMaxStatus(status.code)
    : classifyStatus(response);
  return { ...verdict, providerCode: status.code, message: status.message };
};
