/**
 * Error classification of OpenAI-compatible vendors: they share no code table, so the error
 * `code`/`type` text is read for what it names.
 */
import { APICallError, type APIErrorKind, isRetryableKind } from '@imbridge/core';
import {
  classifyStatus,
  isRecord,
  kindForStatus,
  type ResponseClassifier,
  redactSecrets,
  type VendorErrorClass,
} from '@imbridge/provider-utils';
import { vendorText } from '../shared/model-secrets.ts';

const AUTH_HINT =
  'check the API key (LLM_API_KEY in the examples) and that it belongs to the vendor and region of baseUrl';
const QUOTA_HINT = 'the account balance or quota at this vendor is used up';
const CONTEXT_HINT =
  "the conversation is longer than the model's context window: keep less history";

function kindOfText(lower: string): APIErrorKind {
  if (/auth|api.?key|permission|unauthori[sz]ed|forbidden|access.?denied/.test(lower)) {
    return 'auth';
  }
  if (/rate.?limit|too.?many|throttl|concurrenc/.test(lower)) return 'rate-limit';
  if (/quota|insufficient|balance|billing|arrear|payment/.test(lower)) return 'quota';
  if (/content.?filter|sensitive|moderation|safety|inspection|risk/.test(lower)) {
    return 'content-filter';
  }
  if (/not.?found|does.?not.?exist/.test(lower)) return 'not-found';
  if (/time.?out/.test(lower)) return 'timeout';
  if (/server|internal|overload|unavailable|capacity|busy/.test(lower)) return 'server';
  if (/invalid|bad.?request|context.?length|too.?long|validation|unsupported/.test(lower)) {
    return 'invalid-request';
  }
  return 'unknown';
}

/**
 * Classifies the error `code` and/or `type` of an OpenAI-compatible vendor by what the text
 * names (`invalid_api_key` → auth, `rate_limit_exceeded` → rate-limit, `insufficient_quota` →
 * quota, `data_inspection_failed` → content-filter, `context_length_exceeded` →
 * invalid-request…), with a hint where the code says what to fix. Text that names nothing known
 * is `unknown` (the HTTP status then decides).
 *
 * @example
 * ```ts
 * classifyOpenAICompatibleError('insufficient_quota');
 * // { kind: 'quota', retryable: false, hint: 'the account balance or quota at this vendor is used up' }
 * ```
 */
export function classifyOpenAICompatibleError(text: string): VendorErrorClass {
  const lower = text.toLowerCase();
  const kind = lower.trim().length === 0 ? 'unknown' : kindOfText(lower);
  const retryable = isRetryableKind(kind);
  if (kind === 'auth') return { kind, retryable, hint: AUTH_HINT };
  if (kind === 'quota') return { kind, retryable, hint: QUOTA_HINT };
  if (kind === 'invalid-request' && /context.?length|too.?long|maximum.?context/.test(lower)) {
    return { kind, retryable, hint: CONTEXT_HINT };
  }
  return { kind, retryable };
}

/** The `code` of a vendor error object, when it is a string or a number. */
export function wireCode(record: Readonly<Record<string, unknown>>): string | number | undefined {
  const code = record.code;
  return typeof code === 'string' || typeof code === 'number' ? code : undefined;
}

/**
 * The classifier of HTTP error answers (`{ error: { message, type, code } }`): the vendor's
 * code decides the kind when it names one (a 429 `insufficient_quota` is a quota, not retried);
 * otherwise the HTTP status does. Codes are redacted (a vendor may echo the key in them).
 */
export function createOpenAICompatibleClassifier(
  secrets: () => readonly string[],
): ResponseClassifier {
  return (response, body) => {
    if (response.ok || !isRecord(body)) return undefined;
    const wire = isRecord(body.error) ? body.error : body;
    const code = wireCode(wire);
    const type = typeof wire.type === 'string' ? wire.type : undefined;
    if (code === undefined && type === undefined) return undefined;
    const message =
      typeof wire.message === 'string'
        ? wire.message
        : typeof body.error === 'string'
          ? body.error
          : undefined;
    const known = classifyOpenAICompatibleError(`${code ?? ''} ${type ?? ''}`);
    const providerCode = typeof code === 'string' ? redactSecrets(code, secrets()) : (code ?? type);
    return {
      ...(known.kind === 'unknown' ? classifyStatus(response) : known),
      providerCode,
      message,
    };
  };
}

/** `value` as an HTTP error status (400–599; a numeric string counts), else `undefined`. */
export function statusFrom(value: unknown): number | undefined {
  const status = typeof value === 'string' ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600
    ? status
    : undefined;
}

/** What an error object of an OpenAI-compatible vendor says, read once for every caller. */
export interface VendorErrorRecord {
  /** The error's text (unredacted): the value itself when it is text, else its `message`. */
  text: string;
  /** `code` (string or number), unredacted. */
  code: string | number | undefined;
  /** `type`. */
  type: string | undefined;
  /** `status`, `status_code` or `statusCode`, or a code that is an HTTP error status. */
  statusCode: number | undefined;
  /** The kind the code or type names, else the status's, else `unknown`. */
  kind: APIErrorKind;
  /** What to fix, when the code says. */
  hint: string | undefined;
}

/**
 * Reads an error value of an OpenAI-compatible vendor, text or an object (`{ message, type,
 * code, status }`, the inner object of `{ error: … }`): its text, code, type and status, and the
 * kind they name. Shared by the SSE `error` event of the adapter and the AI SDK wrapper's error
 * parts.
 */
export function readVendorErrorRecord(value: unknown): VendorErrorRecord {
  const record = isRecord(value) ? value : undefined;
  const text =
    typeof value === 'string'
      ? value
      : typeof record?.message === 'string'
        ? record.message
        : 'error event';
  const code = record === undefined ? undefined : wireCode(record);
  const type = typeof record?.type === 'string' ? record.type : undefined;
  const statusCode =
    statusFrom(record?.status) ??
    statusFrom(record?.status_code) ??
    statusFrom(record?.statusCode) ??
    statusFrom(code);
  const known = classifyOpenAICompatibleError(`${code ?? ''} ${type ?? ''}`);
  const kind =
    known.kind !== 'unknown'
      ? known.kind
      : statusCode !== undefined
        ? kindForStatus(statusCode)
        : 'unknown';
  return { text, code, type, statusCode, kind, hint: known.hint };
}

/** Maps a `data: {"error": …}` payload (or an `event: error` body) to an `APICallError`. */
export function streamError(
  raw: unknown,
  provider: string,
  secrets: readonly string[],
): APICallError {
  const { text, code, type, statusCode, kind, hint } = readVendorErrorRecord(raw);
  const providerCode = typeof code === 'string' ? redactSecrets(code, secrets) : (code ?? type);
  return new APICallError({
    message: `${provider} stream error: ${vendorText(text, secrets)}`,
    provider,
    kind,
    retryable: isRetryableKind(kind),
    statusCode,
    providerCode,
    hint,
  });
}
