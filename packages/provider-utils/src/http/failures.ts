import { AbortedError, APICallError, IMBridgeError } from '@imbridge/core';
import type { ErrorClassification } from '../errors/classification.ts';
import { redactSecrets } from '../secrets/secret-input.ts';

/** What the error builders need to know about the call. */
export interface FailureContext {
  /** Vendor id for `APICallError.provider`. */
  provider: string;
  /** Human name of the vendor, e.g. `'Tencent Chat'`. */
  label: string;
  /** What was called, e.g. `'openim/sendmsg'`. */
  operation: string;
  /** Values to keep out of every message. */
  secrets: () => Iterable<string | undefined>;
}

const MAX_VENDOR_TEXT = 300;

/** Builds the `APICallError` for a classified failed response. No `cause`, secrets redacted. */
export function responseError(
  context: FailureContext,
  classification: ErrorClassification,
  response: Response,
): APICallError {
  const vendorText =
    classification.message === undefined
      ? undefined
      : redactSecrets(classification.message, context.secrets()).slice(0, MAX_VENDOR_TEXT);
  const subject = `${context.label} ${context.operation}`;
  let message: string;
  if (classification.providerCode !== undefined) {
    message = `${subject} failed: ${vendorText ?? 'no error text'} (code ${classification.providerCode})`;
  } else if (!response.ok) {
    message = `${subject} answered HTTP ${response.status}${vendorText !== undefined ? `: ${vendorText}` : ''}`;
  } else {
    message = `${subject} failed: ${vendorText ?? 'unexpected answer'}`;
  }
  const requestId = classification.requestId ?? response.headers.get('x-request-id') ?? undefined;
  return new APICallError({
    message,
    provider: context.provider,
    kind: classification.kind,
    retryable: classification.retryable,
    statusCode: response.status,
    providerCode: classification.providerCode,
    requestId,
    retryAfterMs: classification.retryAfterMs,
    hint: classification.hint,
  });
}

/** The attempt took longer than its limit (headers or body). */
export function timeoutError(context: FailureContext, timeoutMs: number): APICallError {
  return new APICallError({
    message: `${context.label} ${context.operation} did not answer within ${timeoutMs} ms`,
    provider: context.provider,
    kind: 'timeout',
    timeoutMs,
    timeoutPhase: 'request',
  });
}

/** An answer that could not be used: too large, cut off, not JSON. */
export function unusableAnswerError(
  context: FailureContext,
  status: number,
  reason: string,
  retryable: boolean,
): APICallError {
  return new APICallError({
    message: `${context.label} ${context.operation} answered with ${reason}`,
    provider: context.provider,
    kind: 'server',
    retryable,
    statusCode: status,
  });
}

/** Reads a system error code (`ECONNREFUSED`, `UND_ERR_SOCKET`…) off a fetch failure. */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,40}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The request got no answer at all. The message keeps only a system code, never a URL. */
export function networkError(context: FailureContext, error: unknown): APICallError {
  const code = systemCode(error);
  return new APICallError({
    message: `${context.label} ${context.operation} could not be reached${code !== undefined ? ` (${code})` : ''}`,
    provider: context.provider,
    kind: 'network',
  });
}

/** The caller's signal fired. */
export function abortedError(
  context: FailureContext,
  signal: AbortSignal | undefined,
): AbortedError {
  const reason: unknown = signal?.reason;
  return new AbortedError({
    message: `${context.label} ${context.operation} aborted`,
    // A caller's own abort reason is theirs to read; transport errors are never kept.
    ...(IMBridgeError.isInstance(reason) || !(reason instanceof Error) ? { cause: reason } : {}),
  });
}

/**
 * Turns anything a ky call threw into the one typed error of that failure. imbridge errors pass
 * as they are; a forced retry that ran out carries its error as `cause`; ky's `TimeoutError`
 * becomes a timeout; anything else is a network failure. ky's own errors, which hold the request
 * and its signed URL, never escape.
 */
export function translateFailure(
  context: FailureContext,
  error: unknown,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): IMBridgeError {
  if (signal?.aborted) return abortedError(context, signal);
  if (IMBridgeError.isInstance(error)) return error;
  if (error instanceof Error) {
    if (error.name === 'ForceRetryError' && IMBridgeError.isInstance(error.cause)) {
      return error.cause;
    }
    if (error.name === 'TimeoutError') return timeoutError(context, timeoutMs);
  }
  return networkError(context, error);
}
