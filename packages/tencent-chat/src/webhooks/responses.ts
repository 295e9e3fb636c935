import { SignatureVerificationError, textResponse, ValidationError } from '@imbridge/core';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;
const ACKNOWLEDGEMENT_TEXT = JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });

/**
 * The success answer Tencent expects from a webhook: HTTP 200 with
 * `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`.
 *
 * @see https://www.tencentcloud.com/document/product/1047/34354
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
 * The answer to a webhook {@link parseTencentWebhook} rejected: 401 for a
 * {@link SignatureVerificationError}, 413 for a body over the cap, 400 for any other
 * {@link ValidationError} of the request, 500 for our own configuration (an invalid option, a
 * `callbackToken` resolver that failed) and anything else. The short JSON body names only the error code and
 * reason; it never echoes the signature, the token or the request body.
 */
export function webhookRejection(error: unknown): Response {
  let status = 500;
  let errorInfo = 'internal error';
  if (SignatureVerificationError.isInstance(error)) {
    status = 401;
    errorInfo = `signature rejected: ${error.reason}`;
  } else if (ValidationError.isInstance(error) && !SERVER_SIDE_CODES.has(error.code)) {
    status = error.code === 'body-too-large' ? 413 : 400;
    errorInfo = `invalid request: ${error.code}`;
  }
  return textResponse(
    JSON.stringify({ ActionStatus: 'FAIL', ErrorInfo: errorInfo, ErrorCode: 1 }),
    { status, headers: JSON_HEADERS },
  );
}
