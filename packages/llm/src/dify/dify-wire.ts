/**
 * The Dify wire boundary: narrowing of untrusted JSON, error-code classification and the
 * mapping of Dify usage and workflow outputs. Vendor field names live here and in `dify.ts`'s
 * request bodies only.
 */
import { APICallError, type APIErrorKind, type ModelUsage } from '@imbridge/core';
import { kindForStatus, redact } from '../shared/http.ts';
import { isRecord, type WireRecord } from '../shared/json.ts';

/** Vendor id used in errors and as `LanguageModel.provider`. */
export const DIFY_PROVIDER = 'dify';

export type { WireRecord } from '../shared/json.ts';
export { isRecord } from '../shared/json.ts';

/** A string field, or `undefined` when absent or of another type. */
export function readString(record: WireRecord | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** A finite number field, or `undefined` when absent or of another type. */
export function readNumber(record: WireRecord | undefined, key: string): number | undefined {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A nested object field, or `undefined` when absent or of another type. */
export function readRecord(record: WireRecord | undefined, key: string): WireRecord | undefined {
  const value = record?.[key];
  return isRecord(value) ? value : undefined;
}

/** Parses a JSON text into an object; `undefined` for invalid JSON or a non-object. */
export function parseWireRecord(text: string): WireRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(value) ? value : undefined;
}

const KIND_BY_CODE: ReadonlyMap<string, APIErrorKind> = new Map<string, APIErrorKind>([
  ['unauthorized', 'auth'],
  ['forbidden', 'auth'],
  ['workflow_version_execution_not_allowed', 'auth'],
  ['too_many_requests', 'rate-limit'],
  ['rate_limit_error', 'quota'],
  ['provider_quota_exceeded', 'quota'],
  ['internal_server_error', 'server'],
  ['not_found', 'not-found'],
  ['invalid_param', 'invalid-request'],
  ['bad_request', 'invalid-request'],
  ['app_unavailable', 'invalid-request'],
  ['not_chat_app', 'invalid-request'],
  ['not_completion_app', 'invalid-request'],
  ['not_workflow_app', 'invalid-request'],
  ['conversation_completed', 'invalid-request'],
  ['provider_not_initialize', 'invalid-request'],
  ['model_currently_not_support', 'invalid-request'],
  ['completion_request_error', 'invalid-request'],
  ['agent_not_published', 'invalid-request'],
  ['file_too_large', 'invalid-request'],
  ['unsupported_file_type', 'invalid-request'],
  ['audio_too_large', 'invalid-request'],
]);

const RETRYABLE_KINDS: ReadonlySet<APIErrorKind> = new Set<APIErrorKind>([
  'rate-limit',
  'server',
  'timeout',
  'network',
]);

/** Dify error codes that mean "this conversation is gone: start a new one". */
const CONVERSATION_RESET_CODES: ReadonlySet<string> = new Set([
  'not_found',
  'conversation_completed',
]);

/**
 * The kind of a Dify error code (`too_many_requests` → rate-limit, `unauthorized` → auth...),
 * falling back to the HTTP status.
 */
export function classifyDifyError(
  code: string | undefined,
  status: number | undefined,
): APIErrorKind {
  const known = code === undefined ? undefined : KIND_BY_CODE.get(code);
  if (known !== undefined) return known;
  return status === undefined ? 'unknown' : kindForStatus(status);
}

/**
 * Whether a Dify failure may succeed when repeated. Dify's code wins over the HTTP status: a 429
 * `rate_limit_error` is a plan quota and is not retried, a 429 `too_many_requests` is.
 */
export function isRetryableKind(kind: APIErrorKind): boolean {
  return RETRYABLE_KINDS.has(kind);
}

/** True when the error says the conversation no longer exists or was closed. */
export function isConversationResetError(error: unknown): boolean {
  return (
    APICallError.isInstance(error) &&
    typeof error.providerCode === 'string' &&
    CONVERSATION_RESET_CODES.has(error.providerCode)
  );
}

/**
 * Re-issues an HTTP `APICallError` from `postJson` with `retryable` decided by Dify's own code
 * (the shared helper derives it from the HTTP status alone).
 */
export function withDifyRetryable(error: unknown): unknown {
  if (!APICallError.isInstance(error) || typeof error.providerCode !== 'string') return error;
  const retryable = isRetryableKind(error.kind);
  if (retryable === error.retryable) return error;
  return new APICallError({
    message: error.message,
    provider: error.provider,
    kind: error.kind,
    retryable,
    providerCode: error.providerCode,
    ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
  });
}

/** Turns a stream `error` event (`{status, code, message}`) into an `APICallError`. */
export function streamErrorToAPICallError(
  payload: WireRecord,
  secrets: ReadonlyArray<string | undefined>,
): APICallError {
  const code = readString(payload, 'code');
  const status = readNumber(payload, 'status');
  const kind = classifyDifyError(code, status);
  const message = redact(readString(payload, 'message') ?? 'unknown error', secrets).slice(0, 300);
  return new APICallError({
    message: `${DIFY_PROVIDER} reported an error mid-stream${code !== undefined ? ` (${code})` : ''}: ${message}`,
    provider: DIFY_PROVIDER,
    kind,
    retryable: isRetryableKind(kind),
    ...(code !== undefined ? { providerCode: code } : {}),
    ...(status !== undefined ? { statusCode: status } : {}),
  });
}

/** Maps `metadata.usage` (`prompt_tokens`, `completion_tokens`, `total_tokens`). */
export function mapUsage(metadata: WireRecord | undefined): ModelUsage | undefined {
  const usage = readRecord(metadata, 'usage');
  if (usage === undefined) return undefined;
  const inputTokens = readNumber(usage, 'prompt_tokens');
  const outputTokens = readNumber(usage, 'completion_tokens');
  const totalTokens = readNumber(usage, 'total_tokens');
  if (inputTokens === undefined && outputTokens === undefined && totalTokens === undefined)
    return undefined;
  return {
    ...(inputTokens !== undefined ? { inputTokens } : {}),
    ...(outputTokens !== undefined ? { outputTokens } : {}),
    ...(totalTokens !== undefined ? { totalTokens } : {}),
  };
}

/**
 * Picks the answer out of workflow `outputs`: the configured key, else `text`, else `answer`,
 * else the only string output. `undefined` when none fits.
 */
export function pickWorkflowOutput(
  outputs: WireRecord | undefined,
  outputKey: string | undefined,
): string | undefined {
  if (outputs === undefined) return undefined;
  if (outputKey !== undefined) {
    if (!Object.hasOwn(outputs, outputKey)) return undefined;
    const value = outputs[outputKey];
    if (typeof value === 'string') return value;
    return value === undefined || value === null ? undefined : JSON.stringify(value);
  }
  const text = readString(outputs, 'text') ?? readString(outputs, 'answer');
  if (text !== undefined) return text;
  const strings = Object.values(outputs).filter((value) => typeof value === 'string');
  return strings.length === 1 ? strings[0] : undefined;
}
