import {
  checkInteger,
  type OptionReference,
  optionError,
  SignatureVerificationError,
  ValidationError,
} from '@imbridge/core';
import {
  checkSecretInput,
  isRecord,
  parseJsonText,
  readBodyBytes,
  type SecretInput,
} from '@imbridge/provider-utils';
import { callbackKeyOption, decodeSignature, verifyBodySignature } from './sign.ts';
import type { TRTCWebhook } from './types.ts';

/** Default cap on the webhook body size: 1 MiB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The deepest nesting of arrays and objects accepted in a callback body. TRTC's callbacks nest
 * 4 deep (`EventInfo.Payload.Tag`); a deeper body is refused (400, `json-too-deep`) before it is
 * parsed, so a signed body nested thousands of levels deep can neither crash the server nor be
 * stored and overflow the stack of whatever copies it later.
 */
const WEBHOOK_MAX_JSON_DEPTH = 64;

/** Options of {@link parseTrtcWebhook}. */
export interface ParseTrtcWebhookOptions {
  /**
   * The callback signing key set in the TRTC console (a value or an async resolver;
   * `TRTC_CALLBACK_KEY` in the examples). Required: every callback must carry a valid `Sign`.
   * Leaving it out is an error unless `verifySignatures` is `false` — a missing key never turns
   * the check off by itself.
   */
  callbackKey?: SecretInput | undefined;
  /**
   * `false` accepts unsigned callbacks (a console without a signing key; local experiments).
   * Anyone who can reach the URL can then post events for any task. @default true
   */
  verifySignatures?: boolean | undefined;
  /**
   * Your SDKAppID (`TRTC_SDK_APP_ID` in the examples). When given, a callback whose `SdkAppId`
   * header names another app (or none) is refused. The header is not covered by the signature:
   * this routes callbacks, it does not authenticate them. @default undefined (not checked)
   */
  sdkAppId?: number | undefined;
  /** Largest accepted body, in bytes. @default 1048576 (1 MiB) */
  maxBodyBytes?: number | undefined;
}

const OWNER = 'parseTrtcWebhook';
const SDK_APP_ID_OPTION: OptionReference = {
  owner: OWNER,
  name: 'sdkAppId',
  envVariable: 'TRTC_SDK_APP_ID',
};

/**
 * The error for a signature check that is neither configured nor explicitly turned off.
 * Exported for the code that builds on the parser, which can raise it at construction.
 */
export function missingCallbackKey(owner: string): ValidationError {
  return optionError(
    callbackKeyOption(owner),
    'the callback signing key from the TRTC console (or pass verifySignatures: false to accept unsigned webhooks — not for production)',
    undefined,
  );
}

const READ_FAILURES = {
  'too-large': ['body-too-large', 'The webhook body exceeds the size limit'],
  'not-utf8': ['invalid-encoding', 'The webhook body is not valid UTF-8'],
  timeout: ['body-unreadable', 'The webhook body could not be read'],
  aborted: ['body-unreadable', 'The webhook body could not be read'],
  broken: ['body-unreadable', 'The webhook body could not be read'],
} as const;

function readFailure(reason: keyof typeof READ_FAILURES): ValidationError {
  const [code, message] = READ_FAILURES[reason];
  return new ValidationError({ code, message });
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const SDK_APP_ID_PATTERN = /^\d{1,15}$/;

/** The `SdkAppId` header as a positive integer, or undefined. */
function sdkAppIdOf(request: Request): number | undefined {
  const header = request.headers.get('SdkAppId')?.trim();
  if (header === undefined || !SDK_APP_ID_PATTERN.test(header)) return undefined;
  const value = Number(header);
  return value > 0 ? value : undefined;
}

/** Decodes the body as strict UTF-8 and parses it as a depth-bounded JSON object. */
function parseJsonObject(bytes: Uint8Array): Readonly<Record<string, unknown>> {
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    throw readFailure('not-utf8');
  }
  const parsed = parseJsonText(text, { maxDepth: WEBHOOK_MAX_JSON_DEPTH });
  if (!parsed.ok) {
    throw parsed.reason === 'too-deep'
      ? new ValidationError({
          code: 'json-too-deep',
          message: `The webhook body nests arrays and objects more than ${WEBHOOK_MAX_JSON_DEPTH} levels deep`,
        })
      : new ValidationError({ code: 'invalid-json', message: 'The webhook body is not JSON' });
  }
  if (!isRecord(parsed.value)) {
    throw new ValidationError({
      code: 'invalid-payload',
      message: 'The webhook body is not a JSON object',
      issues: [{ path: [], message: 'Expected an object' }],
    });
  }
  return parsed.value;
}

/**
 * Verifies and parses a TRTC server callback, typing the AI service events (event group 9).
 *
 * Checks run in this order, and nothing is parsed before the body is known to come from TRTC:
 * the options; the `SdkAppId` header (only when `sdkAppId` is given); the `Sign` header present
 * and well formed (unless `verifySignatures: false`; before the body is read); the body size
 * (streamed with a byte counter); the HMAC-SHA256 of the raw bytes (see
 * {@link verifyTrtcWebhook}); UTF-8; nesting depth (at most 64 levels, checked without
 * recursion) and JSON; `EventGroupId` and `EventType`; then the schema of that event.
 *
 * Event types of group 9 (`EVENT_TYPE_AI_…`):
 * - 901 `SERVICE_START` → `{ kind: 'agent-started' }`
 * - 902 `SERVICE_STOP` → `{ kind: 'agent-stopped' }`
 * - 903 `SERVICE_MSG` → `{ kind: 'message' }` (a user's sentence or the LLM's reply)
 * - 904 `START_OF_SPEECH` → `{ kind: 'speech-started' }`
 * - 905 `SPEAKING_FINISHED` → `{ kind: 'agent-speaking-finished' }`
 * - 906 `METRIC_MESSAGE` → `{ kind: 'metric' }`
 * - 908 `ERROR_METRIC_CALLBACK` → `{ kind: 'error' }`
 * - 909 `SESSION_STATUS_CALLBACK` → `{ kind: 'session-status' }`
 * - any other type, or any other group → `{ kind: 'unknown' }`: acknowledge it with
 *   {@link webhookAcknowledgement} and report it as ignored.
 *
 * Each group-9 event needs `EventInfo.TaskId` and `EventInfo.RoomId`, and in its `Payload` the
 * fields an app acts on (`Status`, `LeaveCode`, `UserId` and `Text`, `Metric` and `Value`); the
 * rest is optional, and times of the wrong type are dropped rather than rejected. Unknown fields
 * are ignored.
 *
 * TRTC retries a callback not answered with a 200 within 5 seconds (at once, then every 10
 * seconds for a minute): answer first, work afterwards, and deduplicate on `taskId`, `eventType`
 * and `eventTimeMs` (the signature has no nonce).
 *
 * @throws {SignatureVerificationError} `reason` `'app-mismatch'` (with `sdkAppId`: an absent or
 * other `SdkAppId` header), `'missing'`, `'malformed'` or `'mismatch'`.
 * @throws {ValidationError} `code` `'body-too-large'`, `'body-unreadable'`, `'invalid-encoding'`,
 * `'invalid-json'`, `'json-too-deep'`, `'invalid-payload'` (with `issues`) or
 * `'missing-event-type'`; `code` `'invalid-option'` when `callbackKey` is missing (without
 * `verifySignatures: false`) or empty, or `maxBodyBytes` or `sdkAppId` is not a positive integer;
 * `code` `'secret-resolver-failed'` when the `callbackKey` resolver throws.
 * @example
 * ```ts
 * export async function handle(request: Request): Promise<Response> {
 *   try {
 *     const webhook = await parseTrtcWebhook(request, {
 *       callbackKey: process.env.TRTC_CALLBACK_KEY,
 *     });
 *     if (webhook.kind === 'agent-stopped') markStopped(webhook.taskId, webhook.stopReason);
 *     return webhookAcknowledgement();
 *   } catch (error) {
 *     return webhookRejection(error);
 *   }
 * }
 * ```
 * @see https://trtc.io/document/68331
 */
export async function parseTrtcWebhook(
  request: Request,
  options: ParseTrtcWebhookOptions = {},
): Promise<TRTCWebhook> {
  const maxBodyBytes =
    options.maxBodyBytes === undefined
      ? DEFAULT_WEBHOOK_MAX_BODY_BYTES
      : checkInteger(options.maxBodyBytes, { owner: OWNER, name: 'maxBodyBytes' }, { min: 1 });
  const expectedAppId =
    options.sdkAppId === undefined
      ? undefined
      : checkInteger(options.sdkAppId, SDK_APP_ID_OPTION, { min: 1 });
  const verify = options.verifySignatures !== false;
  let callbackKey: SecretInput | undefined;
  if (verify) {
    if (options.callbackKey === undefined) throw missingCallbackKey(OWNER);
    callbackKey = checkSecretInput(options.callbackKey, callbackKeyOption(OWNER));
  }

  const sdkAppId = sdkAppIdOf(request);
  if (expectedAppId !== undefined && sdkAppId !== expectedAppId) {
    throw new SignatureVerificationError({
      reason: 'app-mismatch',
      message: 'The webhook was not sent for the configured SDKAppID',
    });
  }
  const signature =
    callbackKey === undefined ? undefined : decodeSignature(request.headers.get('Sign'));

  const read = await readBodyBytes(request.body, {
    maxBytes: maxBodyBytes,
    declaredLength: request.headers.get('content-length'),
  });
  if (!read.ok) throw readFailure(read.reason);
  if (callbackKey !== undefined && signature !== undefined) {
    await verifyBodySignature(read.bytes, signature, callbackKey, OWNER);
  }

  const json = parseJsonObject(read.bytes);
  // The schemas (zod) load with the first callback, not at import.
  const { decodeWebhook } = await import('./decode.ts');
  return decodeWebhook(json, sdkAppId);
}
