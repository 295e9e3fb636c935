import {
  checkUserSig,
  type GenPrivateMapKeyOptions,
  type GenUserSigOptions,
  issuePrivateMapKey,
  issueUserSig,
  type VerifyUserSigOptions,
  type VerifyUserSigResult,
} from './user-sig-core.ts';

export type { HMACSHA256Key } from '../crypto/sha256.ts';
export { createHmacSha256Key, hmacSha256, sha256 } from '../crypto/sha256.ts';
export type {
  EncodePrivateMapKeyUserBufOptions,
  PrivateMapKeyUserBuf,
  TRTCPrivilege,
} from './user-buf.ts';
export {
  decodePrivateMapKeyUserBuf,
  encodePrivateMapKeyUserBuf,
  TRTC_PRIVILEGES,
} from './user-buf.ts';
export type {
  GenPrivateMapKeyOptions,
  GenUserSigOptions,
  VerifyUserSigFailure,
  VerifyUserSigFailureReason,
  VerifyUserSigOptions,
  VerifyUserSigResult,
  VerifyUserSigSuccess,
} from './user-sig-core.ts';
export {
  DEFAULT_USER_SIG_EXPIRES_IN_SECONDS,
  MAX_INFLATED_BYTES,
  MAX_USER_SIG_LENGTH,
  VERIFY_USER_SIG_FAILURE_REASONS,
} from './user-sig-core.ts';

/**
 * Issues a Tencent Cloud Chat / TRTC UserSig (TLS sig v2): HMAC-SHA256 over the identifier,
 * SDKAppID, issue time, validity and optional userbuf, packed as zlib-compressed JSON in
 * UserSig base64 (`*`, `-`, `_`). Runs on every runtime with no platform crypto: HMAC-SHA256 is
 * computed synchronously in TypeScript, with the key's pad states cached for the last 32 secret
 * keys.
 *
 * The zlib stream is written by a small built-in encoder (fixed Huffman codes), so its bytes
 * differ from the official Node library's (level 6) and Go library's (level 0) — Tencent decodes
 * all of them; the signed fields are identical.
 *
 * @param options - SDKAppID, secret key, UserID; `expiresInSeconds` defaults to 15552000
 *   (180 days), `nowSeconds` to the current time.
 * @returns The UserSig, safe to put in a URL query unescaped.
 * @throws {ValidationError} (rejected promise) when an option is invalid. The message never
 *   contains the secret key.
 * @example
 * ```ts
 * import { genUserSig } from '@imbridge/tencent-chat';
 *
 * const userSig = await genUserSig({
 *   sdkAppId: 1400000000,
 *   secretKey: process.env.TENCENT_CHAT_SECRET_KEY ?? '',
 *   userId: 'administrator',
 *   expiresInSeconds: 86_400,
 * });
 * ```
 * @see https://www.tencentcloud.com/document/product/1047/34385
 */
export function genUserSig(options: GenUserSigOptions): Promise<string> {
  return issueUserSig(options);
}

/**
 * Checks a UserSig the way Tencent's Go library does: decode, then SDKAppID, UserID (when
 * given), expiry (valid while `now <= time + expire`) and finally the HMAC, compared in constant
 * time. Accepts UserSigs from every official library (any zlib level, any JSON key order or
 * spacing). Anything that is not a well-formed UserSig — wrong type, bad base64 or zlib, a
 * stream inflating past 64 KiB, JSON of the wrong shape — resolves to
 * `{ valid: false, reason: 'malformed' }`; it never rejects because of `userSig`.
 *
 * @param options - The UserSig plus the expected SDKAppID, the secret key, optionally the
 *   expected UserID; `nowSeconds` defaults to the current time.
 * @returns `{ valid: true, userId, sdkAppId, issuedAtSeconds, expiresInSeconds, userBuf? }` or
 *   `{ valid: false, reason }`.
 * @throws {ValidationError} (rejected promise) only when `sdkAppId`, `secretKey`, `userId` or
 *   `nowSeconds` itself is invalid.
 * @example
 * ```ts
 * import { verifyUserSig } from '@imbridge/tencent-chat';
 *
 * const result = await verifyUserSig({ userSig, sdkAppId: 1400000000, secretKey, userId: 'alice' });
 * if (!result.valid) console.warn(`UserSig rejected: ${result.reason}`);
 * ```
 * @see https://www.tencentcloud.com/document/product/1047/34385
 */
export function verifyUserSig(options: VerifyUserSigOptions): Promise<VerifyUserSigResult> {
  return checkUserSig(options);
}

/**
 * Issues a TRTC PrivateMapKey: a UserSig whose `TLS.userbuf` carries the room and permission
 * bits ({@link encodePrivateMapKeyUserBuf}). The same `nowSeconds` and `expiresInSeconds` are used
 * for the signature and the permission's absolute expiry.
 *
 * @param options - SDKAppID, secret key, UserID, room id (number or string); `privileges`
 *   defaults to 255 (all), `expiresInSeconds` to 15552000, `nowSeconds` to the current time.
 * @throws {ValidationError} (rejected promise) when an option is invalid.
 * @example
 * ```ts
 * import { genPrivateMapKey, TRTC_PRIVILEGES } from '@imbridge/tencent-chat';
 *
 * const privateMapKey = await genPrivateMapKey({
 *   sdkAppId: 1400000000, secretKey, userId: 'alice', roomId: 10000,
 *   privileges: TRTC_PRIVILEGES.enter | TRTC_PRIVILEGES.receiveAudio, expiresInSeconds: 300,
 * });
 * ```
 * @see https://trtc.io/document/35157
 */
export function genPrivateMapKey(options: GenPrivateMapKeyOptions): Promise<string> {
  return issuePrivateMapKey(options);
}
