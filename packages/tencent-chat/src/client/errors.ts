import { createErrorCodeTable, type VendorErrorClass } from '@imbridge/provider-utils';

/**
 * Classifies a Tencent Cloud Chat `ErrorCode`: kind, retryability and, where the code says what
 * to fix, a hint. Unknown codes are `unknown` and not retried. Tencent's own "service timeout"
 * and "internal network" codes are server failures (kind `server`): kind `timeout` and
 * `network` mean our call got no answer.
 *
 * @example
 * ```ts
 * classifyTencentError(70009);
 * // { kind: 'auth', retryable: false, hint: 'the secretKey does not belong to this sdkAppId …' }
 * ```
 * @see https://cloud.tencent.com/document/product/269/1519 (REST API error codes)
 */
export const classifyTencentError: (code: number) => VendorErrorClass =
  createErrorCodeTable<number>([
    { codes: [60007, 60011, 60018, 60019, 10006, 10023], kind: 'rate-limit' },
    { codes: [60008, 60013, 60014, 91000, 20004, 20005, 10002], kind: 'server' },
    {
      codes: [70001],
      kind: 'auth',
      hint: 'the admin UserSig expired (it is renewed and the call retried once; if this persists, check the server clock)',
    },
    {
      codes: [70009, 70003, 60004, 60005],
      kind: 'auth',
      hint: 'the secretKey does not belong to this sdkAppId: copy the key of this app from the console (TENCENT_IM_SECRET_KEY)',
    },
    {
      codes: [70050],
      kind: 'auth',
      hint: 'signature checks failed repeatedly and the account is briefly locked: fix the secretKey, then wait a minute',
    },
    {
      codes: [60010, 90009],
      kind: 'auth',
      hint: 'adminUserId must be an App administrator account (console: Account management → App admin; TENCENT_IM_ADMIN_USER_ID)',
    },
    {
      codes: [70016, 70020],
      kind: 'auth',
      hint: "the region must match the app's data centre (TENCENT_IM_REGION), and the sdkAppId must exist there",
    },
    {
      codes: [60006, 60016],
      kind: 'auth',
      hint: 'the sdkAppId is wrong or disabled (TENCENT_IM_SDK_APP_ID)',
    },
    {
      codes: [60021],
      kind: 'auth',
      hint: "this server's IP is not in the app's REST API IP allowlist",
    },
    { codes: [60017, 70013, 70014, 70051], kind: 'auth' },
    {
      codes: [60002, 60003, 60009, 60012, 60015, 90001, 90002, 90005, 90026, 10004, 30001],
      kind: 'invalid-request',
    },
    {
      codes: [70107],
      kind: 'not-found',
      hint: 'the account is not imported: call importAccount (im_open_login_svc/account_import) first',
    },
    {
      codes: [90003, 90008],
      kind: 'not-found',
      hint: 'the sender or receiver account does not exist: import it first (importAccount)',
    },
    { codes: [90054, 20022, 20023, 10010, 10015], kind: 'not-found' },
    { codes: [60020], kind: 'quota', hint: 'the app’s Pro package expired' },
    {
      codes: [10008],
      kind: 'quota',
      hint: 'the call needs an admin, or the app reached its robot limit',
    },
    { codes: [80001], kind: 'content-filter' },
  ]);

/** `ErrorCode` meaning the admin UserSig expired: it is renewed and the call retried once. */
export const USER_SIG_EXPIRED_CODE = 70001;
