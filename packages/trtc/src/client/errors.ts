import {
  classifyStatus,
  createErrorCodeTable,
  type ErrorClassification,
  isRecord,
  type VendorErrorClass,
} from '@imbridge/provider-utils';

const table = createErrorCodeTable<string>([
  {
    codes: [
      'RequestLimitExceeded',
      'RequestLimitExceeded.UinLimitExceeded',
      'RequestLimitExceeded.GlobalRegionUinLimitExceeded',
      'RequestLimitExceeded.IPLimitExceeded',
    ],
    kind: 'rate-limit',
  },
  { codes: ['InternalError', 'ServiceUnavailable'], kind: 'server', retryable: true },
  {
    codes: ['AuthFailure.SignatureFailure'],
    kind: 'auth',
    hint: 'the signature was rejected: the secretKey does not match the secretId (TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_SECRET_ID)',
  },
  {
    codes: ['AuthFailure.SignatureExpire'],
    kind: 'auth',
    hint: "the request's timestamp is more than 5 minutes from Tencent's clock: fix this server's clock (NTP)",
  },
  {
    codes: ['AuthFailure.SecretIdNotFound', 'AuthFailure.InvalidSecretId'],
    kind: 'auth',
    hint: 'the secretId does not exist, is disabled or is not a Cloud API key (TENCENTCLOUD_SECRET_ID)',
  },
  {
    codes: ['AuthFailure.TokenFailure'],
    kind: 'auth',
    hint: 'the session token of the temporary credentials is invalid or expired: return fresh credentials from the provider (TENCENTCLOUD_SESSION_TOKEN)',
  },
  {
    codes: ['AuthFailure.UnauthorizedOperation', 'UnauthorizedOperation'],
    kind: 'auth',
    hint: 'the CAM policy of this key does not allow the action: grant it TRTC access',
  },
  {
    codes: ['AuthFailure', 'AuthFailure.InvalidAuthorization', 'AuthFailure.MFAFailure'],
    kind: 'auth',
  },
  {
    codes: ['IpInBlacklist', 'IpNotInWhitelist'],
    kind: 'auth',
    hint: "this server's IP is not allowed by the key's IP rules",
  },
  {
    codes: ['InvalidParameter.UserSig'],
    kind: 'invalid-request',
    hint: "the agent's UserSig is expired or from another app: sign it with the secret key of this sdkAppId for the bot's userId",
  },
  {
    codes: ['InvalidParameter.UserSigNotAdmin'],
    kind: 'invalid-request',
    hint: 'the UserSig must belong to an administrator account of the app',
  },
  {
    codes: ['UnsupportedRegion'],
    kind: 'invalid-request',
    hint: 'the action is not offered in this region: pass one it lists, e.g. ap-guangzhou or ap-singapore (TENCENTCLOUD_REGION)',
  },
  {
    codes: [
      'InvalidParameter',
      'InvalidParameterValue',
      'InvalidParameter.TaskId',
      'MissingParameter',
      'UnknownParameter',
      'InvalidAction',
      'InvalidRequest',
      'ActionOffline',
      'NoSuchProduct',
      'NoSuchVersion',
      'RequestSizeLimitExceeded',
      'UnsupportedOperation',
      'UnsupportedProtocol',
      'FailedOperation',
      'ResourceInUse',
    ],
    kind: 'invalid-request',
  },
  {
    codes: ['FailedOperation.TaskExist'],
    kind: 'invalid-request',
    hint: 'a task with this SessionId is already running: stop it or use another sessionId',
  },
  {
    codes: ['FailedOperation.NotAbility', 'FailedOperation.NotAllowed'],
    kind: 'quota',
    hint: 'the AI conversation capability is not enabled for this app: enable it in the TRTC console (or open a ticket)',
  },
  {
    codes: ['FailedOperation.TaskNotExist'],
    kind: 'not-found',
    hint: 'the task does not exist or has already ended',
  },
  { codes: ['ResourceNotFound'], kind: 'not-found' },
  { codes: ['LimitExceeded', 'ResourceInsufficient', 'ResourceUnavailable'], kind: 'quota' },
]);

/**
 * Classifies a Tencent Cloud API 3.0 error code (`Response.Error.Code`): kind, retryability and,
 * where the code says what to fix, a hint. Codes are `Family.Detail`: an unknown detail falls back
 * to its family (`RequestLimitExceeded.Foo` is a rate limit, `InvalidParameter.Bar` an invalid
 * request); unknown families are `unknown` and not retried. Only `RequestLimitExceeded*`,
 * `InternalError` and `ServiceUnavailable` are retried.
 *
 * @example
 * ```ts
 * classifyTrtcError('InvalidParameter.UserSig');
 * // { kind: 'invalid-request', retryable: false, hint: "the agent's UserSig is expired or from another app: …" }
 * ```
 * @see https://cloud.tencent.com/document/product/1388/114322 (API 3.0 common error codes)
 */
export function classifyTrtcError(code: string): VendorErrorClass {
  const known = table(code);
  if (known.kind !== 'unknown') return known;
  const dot = code.indexOf('.');
  return dot > 0 ? table(code.slice(0, dot)) : known;
}

/**
 * Reads the API 3.0 envelope: `{ Response: { …, RequestId } }` is success;
 * `{ Response: { Error: { Code, Message }, RequestId } }` is classified by
 * {@link classifyTrtcError}. A non-2xx answer without an envelope is left to the HTTP status.
 */
export function classifyTrtcResponse(
  response: Response,
  body: unknown,
): ErrorClassification | undefined {
  const envelope = isRecord(body) && isRecord(body.Response) ? body.Response : undefined;
  if (envelope === undefined) {
    if (!response.ok) return undefined;
    return { kind: 'server', retryable: false, message: 'an answer without a Response envelope' };
  }
  const requestId = typeof envelope.RequestId === 'string' ? envelope.RequestId : undefined;
  if (!isRecord(envelope.Error)) {
    return response.ok ? undefined : { ...classifyStatus(response), requestId };
  }
  const code = typeof envelope.Error.Code === 'string' ? envelope.Error.Code : 'UnknownError';
  const known = classifyTrtcError(code);
  return {
    ...(known.kind === 'unknown' && !response.ok ? classifyStatus(response) : known),
    providerCode: code,
    message:
      typeof envelope.Error.Message === 'string' && envelope.Error.Message !== ''
        ? envelope.Error.Message
        : undefined,
    requestId,
  };
}
