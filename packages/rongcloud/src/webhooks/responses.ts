import { textResponse } from '@imbridge/core';
import { SignatureVerificationError, ValidationError } from '@imbridge/core/errors';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;
const ACKNOWLEDGEMENT_TEXT = JSON.stringify({ code: 200 });

/**
 * The answer to an accepted webhook: HTTP 200 with `{"code":200}`.
 *
 * RongCloud documents no response body for bot webhooks (reference "Open questions"); this body
 * follows the `code: 200` success envelope of its Server API. Answer fast and do the work
 * afterwards: RongCloud's classic message callback waits 3 seconds, once, and bot webhooks are
 * assumed to behave alike.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
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
 * The answer to a webhook {@link parseRongCloudWebhook} or
 * {@link verifyRongCloudWebhookSignature} rejected: 401 for a {@link SignatureVerificationError}
 * (missing, malformed, stale or forged signature), 413 for a body over the cap, 400 for any other
 * {@link ValidationError} of the request (not JSON, nested too deep, wrong shape), 500 for our own
 * configuration (an invalid option, an `appSecret` resolver that failed) and anything else. The
 * short JSON body, `{"code":<status>,"errorMessage":"..."}`, names only the error code or reason;
 * it never echoes the signature, the secret or the request body.
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
 * Why a webhook was refused, for the `reason` field of a `webhook-rejected` log entry:
 * `signature-<reason>` for a {@link SignatureVerificationError} (`signature-mismatch`…), the
 * `code` of a {@link ValidationError} (`json-too-deep`, `invalid-option`…), `unexpected-error`
 * for anything else.
 */
export function rejectionReason(error: unknown): string {
  if (SignatureVerificationError.isInstance(error)) return `signature-${error.reason}`;
  if (ValidationError.isInstance(error)) return error.code;
  return 'unexpected-error';
}
