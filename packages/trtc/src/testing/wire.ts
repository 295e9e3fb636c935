/**
 * The TRTC API 3.0 answer envelope of the local TRTC: `{ Response: { …, RequestId } }` for a
 * success and `{ Response: { Error: { Code, Message }, RequestId } }` for an error, both with
 * HTTP 200, as Tencent answers.
 *
 * @module
 */

/** The API version the local TRTC answers (`X-TC-Version`). */
export const TRTC_API_VERSION = '2019-07-22';

/** An API error a handler or a check raises; the dispatcher answers it as the error envelope. */
export class LocalAPIError extends Error {
  /** The `Error.Code`, e.g. `AuthFailure.SignatureFailure`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'LocalAPIError';
    this.code = code;
  }
}

/** Tencent's messages for the authentication failures (the SignatureFailure one is verbatim). */
export const AUTH_MESSAGES = {
  'AuthFailure.InvalidAuthorization': 'The Authorization header is not a TC3-HMAC-SHA256 value.',
  'AuthFailure.SecretIdNotFound':
    'The SecretId is not found, please ensure that your SecretId is correct.',
  'AuthFailure.SignatureExpire':
    'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.',
  'AuthFailure.SignatureFailure':
    'The provided credentials could not be validated. Please check your signature is correct.',
} as const;

/** An `AuthFailure.*` error with Tencent's message. */
export function authFailure(code: keyof typeof AUTH_MESSAGES): LocalAPIError {
  return new LocalAPIError(code, AUTH_MESSAGES[code]);
}

/** The body of a success: the action's fields and the `RequestId`. */
export function successBody(fields: Record<string, unknown>, requestId: string): string {
  return JSON.stringify({ Response: { ...fields, RequestId: requestId } });
}

/** The body of an error. */
export function errorBody(code: string, message: string, requestId: string): string {
  return JSON.stringify({
    Response: { Error: { Code: code, Message: message }, RequestId: requestId },
  });
}
