/**
 * Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), shared by the TRTC client and the
 * local TRTC.
 *
 * @module
 */
export type { SignedTC3Request, SignTC3RequestOptions, TC3Headers, TC3Language } from './tc3.ts';
export { signTc3Request, TC3_ALGORITHM, TC3_LANGUAGES, tc3Date } from './tc3.ts';
