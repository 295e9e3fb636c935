/**
 * AI SDK failures → imbridge errors. An AI SDK `APICallError` carries the request body (the whole
 * prompt), the URL, the response headers and the response body: none of them is copied, and no
 * `cause` is kept. Only the status, the retry decision, `Retry-After`, the request id, the
 * vendor's error code and the (redacted, shortened) message survive.
 */
import { AbortedError, APICallError, type APIErrorKind, IMBridgeError } from '@imbridge/core';
import {
  isRecord,
  kindForStatus,
  parseRetryAfterMs,
  REDACTED,
  redactSecrets,
} from '@imbridge/provider-utils';
import {
  classifyOpenAICompatibleError,
  readVendorErrorRecord,
  statusFrom,
  wireCode,
} from '../openai-compatible/openai-compatible-errors.ts';

/** Brands the AI SDK puts on its errors (`AISDKError.hasMarker`), read without importing it. */
const AI_SDK_ERROR = Symbol.for('vercel.ai.error');
const AI_SDK_API_CALL_ERROR = Symbol.for('vercel.ai.error.AI_APICallError');
const AI_SDK_LOAD_API_KEY_ERROR = Symbol.for('vercel.ai.error.AI_LoadAPIKeyError');

/** Key-looking words (`sk-…`, `Bearer …`) are redacted even when the secret is not known. */
const KEY_LIKE = /\b(?:sk|pk|rk|ak)-[\w*-]{8,}|\bBearer\s+\S+/gi;
const MAX_MESSAGE_CHARS = 300;

/** Who failed and which values must never show. */
export interface ErrorContext {
  /** Reported as the error's `provider`. */
  provider: string;
  /** Known secret values (the `secrets` option) to redact from messages. */
  secrets: readonly string[];
}

function hasMarker(value: unknown, marker: symbol): value is Record<string | symbol, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[marker] === true
  );
}

/** Vendor text fit for an error message: secrets and key-like words redacted, shortened. */
export function scrub(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets).replace(KEY_LIKE, REDACTED).slice(0, MAX_MESSAGE_CHARS);
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!isRecord(headers)) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

function retryAfterOf(headers: unknown): number | undefined {
  const retryAfterMs = headerOf(headers, 'retry-after-ms');
  const retryAfter = headerOf(headers, 'retry-after');
  const only = new Headers();
  if (retryAfterMs !== undefined) only.set('retry-after-ms', retryAfterMs);
  if (retryAfter !== undefined) only.set('retry-after', retryAfter);
  return parseRetryAfterMs(only);
}

/** The `{ error: { code, type, message } }` (or flat) error body a vendor sent, if any. */
function vendorError(data: unknown): Record<string, unknown> | undefined {
  if (!isRecord(data)) return undefined;
  return isRecord(data.error) ? data.error : data;
}

function fromAPICallError(
  error: Record<string | symbol, unknown>,
  context: ErrorContext,
): APICallError {
  const statusCode = statusFrom(error.statusCode);
  const wire = vendorError(error.data);
  const code = wire === undefined ? undefined : wireCode(wire);
  const type = typeof wire?.type === 'string' ? wire.type : undefined;
  const known =
    code === undefined && type === undefined
      ? undefined
      : classifyOpenAICompatibleError(`${code ?? ''} ${type ?? ''}`);
  const isRetryable = error.isRetryable === true;
  const kind: APIErrorKind =
    known !== undefined && known.kind !== 'unknown'
      ? known.kind
      : statusCode !== undefined
        ? kindForStatus(statusCode)
        : isRetryable
          ? 'network'
          : 'unknown';
  const retryable = known !== undefined && known.kind !== 'unknown' ? known.retryable : isRetryable;
  const message = typeof error.message === 'string' ? scrub(error.message, context.secrets) : '';
  const status = statusCode === undefined ? 'request failed' : `HTTP ${statusCode}`;
  return new APICallError({
    message: `${context.provider}: ${status}${message.length > 0 ? `: ${message}` : ''}`,
    provider: context.provider,
    kind,
    retryable,
    statusCode,
    providerCode: typeof code === 'string' ? scrub(code, context.secrets) : (code ?? type),
    requestId: headerOf(error.responseHeaders, 'x-request-id'),
    retryAfterMs: retryAfterOf(error.responseHeaders),
    hint: known?.hint,
  });
}

/** An `error` stream part whose value is a vendor error object (or text), not an `Error`. */
function fromErrorValue(value: unknown, context: ErrorContext): APICallError {
  const { text, code, type, statusCode, kind, hint } = readVendorErrorRecord(
    isRecord(value) ? vendorError(value) : value,
  );
  return new APICallError({
    message: `${context.provider} stream error: ${scrub(text, context.secrets)}`,
    provider: context.provider,
    kind,
    statusCode,
    providerCode: typeof code === 'string' ? scrub(code, context.secrets) : (code ?? type),
    hint,
  });
}

/**
 * Turns anything an AI SDK model threw, or sent as an `error` stream part, into an imbridge
 * error: AI SDK `APICallError` → `APICallError` with the kind of its status (or of the vendor's
 * error code), the AI SDK's retry decision, `Retry-After` and `x-request-id`; a missing API key
 * → kind `auth`; other AI SDK errors (a chunk that failed validation, unparsable JSON) → kind
 * `server`; aborts → `AbortedError`; anything else → kind `unknown`, not retryable.
 */
export function toIMBridgeError(error: unknown, context: ErrorContext): IMBridgeError {
  if (IMBridgeError.isInstance(error)) return error;
  if (hasMarker(error, AI_SDK_API_CALL_ERROR)) return fromAPICallError(error, context);
  if (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  ) {
    return new AbortedError({ message: `${context.provider} call aborted` });
  }
  const name =
    error instanceof Error || hasMarker(error, AI_SDK_ERROR)
      ? String((error as { name?: unknown }).name)
      : undefined;
  if (hasMarker(error, AI_SDK_LOAD_API_KEY_ERROR)) {
    return new APICallError({
      message: `${context.provider}: ${scrub(String(error.message), context.secrets)}`,
      provider: context.provider,
      kind: 'auth',
      retryable: false,
      hint: 'pass the API key to the AI SDK provider (or set the environment variable it names)',
    });
  }
  if (hasMarker(error, AI_SDK_ERROR)) {
    // Validation and parse errors quote the vendor's chunk: keep only the error's name.
    return new APICallError({
      message: `${context.provider} sent an answer the AI SDK could not read (${name})`,
      provider: context.provider,
      kind: 'server',
    });
  }
  if (name !== undefined) {
    return new APICallError({
      message: `${context.provider}: ${name}: ${scrub((error as Error).message, context.secrets)}`,
      provider: context.provider,
      kind: 'unknown',
      retryable: false,
    });
  }
  return fromErrorValue(error, context);
}
