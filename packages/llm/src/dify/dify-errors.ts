/** Dify's error `code` table and the errors built from it. */
import { APICallError, isRetryableKind } from '@imbridge/core';
import {
  classifyStatus,
  createErrorCodeTable,
  isRecord,
  kindForStatus,
  type ResponseClassifier,
  type VendorErrorClass,
} from '@imbridge/provider-utils';
import { vendorText } from '../shared/model-secrets.ts';
import { DIFY_PROVIDER, readNumber, readString, type WireRecord } from './dify-wire.ts';

const WRONG_APP_HINT =
  'the app option does not match the type of the Dify app this API key belongs to';

/**
 * Classifies a Dify error `code` (HTTP answers and stream `error` events share them): kind,
 * whether a retry may help and, where the code says what to fix, a hint. Dify's code wins over
 * the HTTP status: a 429 `rate_limit_error` is a plan quota and is not retried, a 429
 * `too_many_requests` is. Unknown codes are `unknown` (the HTTP status then decides).
 *
 * @see https://docs.dify.ai/en/guides/application-publishing/developing-with-apis
 * @example
 * ```ts
 * classifyDifyError('app_unavailable');
 * // { kind: 'invalid-request', retryable: false, hint: 'the Dify app is not published or its model is not configured' }
 * ```
 */
export const classifyDifyError: (code: string) => VendorErrorClass = createErrorCodeTable<string>([
  {
    codes: ['unauthorized'],
    kind: 'auth',
    hint: "check the Dify app's API key (DIFY_API_KEY, app-…) and that baseUrl (DIFY_BASE_URL) is the Dify it belongs to",
  },
  {
    codes: ['forbidden', 'workflow_version_execution_not_allowed'],
    kind: 'auth',
    hint: 'this API key may not run this app (access settings or plan)',
  },
  {
    codes: ['too_many_requests'],
    kind: 'rate-limit',
    hint: "the Dify app's concurrent request limit was reached",
  },
  {
    codes: ['rate_limit_error'],
    kind: 'quota',
    hint: "the Dify Cloud plan's request quota is used up",
  },
  {
    codes: ['provider_quota_exceeded'],
    kind: 'quota',
    hint: "the quota of the app's model provider is used up: top up the provider account or pick another model in the Dify app",
  },
  { codes: ['internal_server_error'], kind: 'server' },
  {
    codes: ['not_found'],
    kind: 'not-found',
    hint: 'Dify does not know this conversation for this user (conversations are scoped to the app and the user value)',
  },
  {
    codes: ['conversation_completed'],
    kind: 'invalid-request',
    hint: 'the conversation has ended: start a new one (done once automatically)',
  },
  {
    codes: ['invalid_param'],
    kind: 'invalid-request',
    hint: "a required input of the app is missing or invalid: pass the app's inputs as ModelRequest.metadata",
  },
  {
    codes: ['app_unavailable'],
    kind: 'invalid-request',
    hint: 'the Dify app is not published or its model is not configured',
  },
  {
    codes: ['provider_not_initialize'],
    kind: 'invalid-request',
    hint: "no credentials are set for the app's model provider in Dify (Settings → Model Provider)",
  },
  {
    codes: ['model_currently_not_support'],
    kind: 'invalid-request',
    hint: "the app's model is not available: pick another model in the Dify app",
  },
  {
    codes: ['not_chat_app', 'not_completion_app', 'not_workflow_app'],
    kind: 'invalid-request',
    hint: WRONG_APP_HINT,
  },
  {
    codes: ['agent_not_published'],
    kind: 'invalid-request',
    hint: 'publish the agent in Dify first',
  },
  {
    codes: [
      'bad_request',
      'completion_request_error',
      'file_too_large',
      'unsupported_file_type',
      'audio_too_large',
    ],
    kind: 'invalid-request',
  },
]);

/** Dify's verdict on the code; the HTTP status's when the code is missing or unknown. */
function classifyCode(code: string | undefined, status: number | undefined): VendorErrorClass {
  const known = code === undefined ? undefined : classifyDifyError(code);
  if (known !== undefined && known.kind !== 'unknown') return known;
  if (status === undefined) return { kind: 'unknown', retryable: false };
  const kind = kindForStatus(status);
  return { kind, retryable: isRetryableKind(kind) };
}

/**
 * The classifier of Dify's HTTP error answers (`{ code, message, status }`): the code decides
 * the kind, retryability and hint when Dify knows it; otherwise the HTTP status does.
 */
export const classifyDifyResponse: ResponseClassifier = (response, body) => {
  if (response.ok || !isRecord(body)) return undefined;
  const code = readString(body, 'code');
  if (code === undefined) return undefined;
  const known = classifyDifyError(code);
  return {
    ...(known.kind === 'unknown' ? classifyStatus(response) : known),
    providerCode: code,
    message: readString(body, 'message'),
  };
};

/** Turns a stream `error` event (`{status, code, message}`) into an `APICallError`. */
export function streamErrorToAPICallError(
  payload: WireRecord,
  secrets: readonly string[],
): APICallError {
  const code = readString(payload, 'code');
  const status = readNumber(payload, 'status');
  const verdict = classifyCode(code, status);
  const message = vendorText(readString(payload, 'message') ?? 'unknown error', secrets);
  return new APICallError({
    message: `${DIFY_PROVIDER} reported an error mid-stream${code !== undefined ? ` (${code})` : ''}: ${message}`,
    provider: DIFY_PROVIDER,
    kind: verdict.kind,
    retryable: verdict.retryable,
    hint: verdict.hint,
    providerCode: code,
    statusCode: status,
  });
}

/** Dify error codes that mean "this conversation is gone: start a new one". */
const CONVERSATION_RESET_CODES: ReadonlySet<string> = new Set([
  'not_found',
  'conversation_completed',
]);

/** True when the error says the conversation no longer exists or was closed. */
export function isConversationResetError(error: unknown): boolean {
  return (
    APICallError.isInstance(error) &&
    typeof error.providerCode === 'string' &&
    CONVERSATION_RESET_CODES.has(error.providerCode)
  );
}
