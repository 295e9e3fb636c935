import {
  classifyStatus,
  createErrorCodeTable,
  type ErrorClassification,
  isRecord,
  type VendorErrorClass,
} from '@imbridge/provider-utils';

/**
 * What a rejected signature (code 1004, HTTP 401) usually means, in the error's `hint`.
 *
 * @see https://help.rongcloud.io/t/server-api-returns-401-signature-error/158
 */
export const RONGCLOUD_SIGNATURE_HINT =
  'the signature was rejected: the usual cause is passing the App Key where the App Secret belongs (RONGCLOUD_APP_SECRET); also check that the App Key and the region belong to the same app';

/**
 * Classifies a RongCloud `code`: kind, retryability and, where the code says what to fix, a
 * hint. Unknown codes are `unknown` and not retried. 1000 (internal error) and 1008 (call
 * frequency over the limit) are retried with back-off; 1002 (bad parameter), 1004 (bad
 * signature) and 1005 (bad length) never are, and never move the client to the backup host.
 *
 * @example
 * ```ts
 * classifyRongCloudError(1004);
 * // { kind: 'auth', retryable: false, hint: 'the signature was rejected: the usual cause is …' }
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/status-code
 */
export const classifyRongCloudError: (code: number) => VendorErrorClass =
  createErrorCodeTable<number>([
    { codes: [1004], kind: 'auth', hint: RONGCLOUD_SIGNATURE_HINT },
    { codes: [1002, 1005], kind: 'invalid-request' },
    { codes: [1008], kind: 'rate-limit', retryable: true },
    { codes: [1000], kind: 'server', retryable: true },
  ]);

/** The `code` of a successful answer. */
const SUCCESS_CODE = 200;

/**
 * Reads RongCloud's envelope: `{ code: 200 }` is success; any other `code` is classified by
 * {@link classifyRongCloudError} with the vendor's `errorMessage` (an unknown code on a non-2xx
 * answer by the HTTP status). A 401 without an envelope is a signature failure too; other non-2xx
 * answers without one are left to the HTTP status.
 */
export function classifyRongCloudResponse(
  response: Response,
  body: unknown,
): ErrorClassification | undefined {
  if (isRecord(body) && typeof body.code === 'number') {
    // A 200 code on a non-2xx answer is left to the HTTP status.
    if (body.code === SUCCESS_CODE) return undefined;
    const message =
      typeof body.errorMessage === 'string' && body.errorMessage.length > 0
        ? body.errorMessage
        : undefined;
    const known = classifyRongCloudError(body.code);
    return {
      // A code this table does not know on a non-2xx answer: the HTTP status decides (a 5xx is
      // retried on the backup host, a 4xx is not).
      ...(known.kind === 'unknown' && !response.ok ? classifyStatus(response) : known),
      providerCode: body.code,
      message,
      requestId: typeof body.requestId === 'string' ? body.requestId : undefined,
    };
  }
  if (response.status === 401) {
    return { kind: 'auth', retryable: false, hint: RONGCLOUD_SIGNATURE_HINT };
  }
  if (!response.ok) return undefined;
  if (!isRecord(body)) {
    return { kind: 'server', retryable: true, message: 'a body that is not a JSON envelope' };
  }
  return { kind: 'server', retryable: false, message: 'an answer without a code envelope' };
}
