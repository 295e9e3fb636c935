import { SignatureVerificationError, textResponse, ValidationError } from '@imbridge/core';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;
const ACKNOWLEDGEMENT_TEXT = JSON.stringify({ code: 0 });

/**
 * The answer to an accepted callback: HTTP 200 with `{"code":0}`.
 *
 * TRTC ignores the body (it suggests `{"code":0}`) and only needs the 200 within 5 seconds;
 * without it, the callback is sent again at once and then every 10 seconds until it is a minute
 * old. Answer first and do the work afterwards.
 *
 * @see https://trtc.io/document/68331
 */
export function webhookAcknowledgement(): Response {
  return textResponse(ACKNOWLEDGEMENT_TEXT, { status: 200, headers: JSON_HEADERS });
}

/** Validation failures of our own settings, not of the request: the server is at fault. */
const SERVER_SIDE_CODES: ReadonlySet<string> = new Set([
  'invalid-option',
  'secret-resolver-failed',
]);

/**
 * The answer to a callback {@link parseTrtcWebhook} or {@link verifyTrtcWebhook} rejected: 401
 * for a {@link SignatureVerificationError} (missing, malformed or forged signature, another
 * app), 413 for a body over the cap, 400 for any other {@link ValidationError} of the request
 * (not JSON, nested too deep, wrong shape), 500 for our own configuration (an invalid option, a
 * `callbackKey` resolver that failed) and anything else. The short JSON body,
 * `{"code":<status>,"errorMessage":"..."}`, names only the error code or reason; it never echoes
 * the signature, the key or the request body.
 *
 * TRTC retries a callback answered with anything but a 200 for about a minute, so a forged or
 * malformed callback costs a few more requests, never a crash.
 */
export function webhookRejection(error: unknown): Response {
  let status = 500;
  let errorMessage = 'internal error';
  if (SignatureVerificationError.isInstance(error)) {
    status = 401;
    errorMessage = `signature rejected: ${error.reason}`;
  } else if (ValidationError.isInstance(error) && !SERVER_SIDE_CODES.has(error.code)) {
    status = error.code === 'body-too-large' ? 413 : 400;
    errorMessage = `invalid request: ${error.code}`;
  }
  return textResponse(JSON.stringify({ code: status, errorMessage }), {
    status,
    headers: JSON_HEADERS,
  });
}

/**
 * Why a callback was refused, for the `reason` field of a `webhook-rejected` log entry:
 * `signature-<reason>` for a {@link SignatureVerificationError} (`signature-mismatch`…), the
 * `code` of a {@link ValidationError} (`json-too-deep`, `invalid-option`…), `unexpected-error`
 * for anything else.
 */
export function rejectionReason(error: unknown): string {
  if (SignatureVerificationError.isInstance(error)) return `signature-${error.reason}`;
  if (ValidationError.isInstance(error)) return error.code;
  return 'unexpected-error';
}
