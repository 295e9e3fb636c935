/**
 * TC3-HMAC-SHA256 checks of the local TRTC: the signature is recomputed from the request as
 * received — the `Authorization` header's credential scope and signed headers, the headers' values
 * lower-cased and trimmed, the SHA-256 of the exact body bytes — and compared with the one sent.
 *
 * @module
 */
import { hmacSha256Hex, sha256Hex } from '../crypto/sha256.ts';
import { derivedSigningKey } from '../signing/derived-key.ts';
import { TC3_ALGORITHM, tc3Date } from '../signing/tc3.ts';
import { authFailure, LocalAPIError } from './wire.ts';

/** How far a request's `X-TC-Timestamp` may be from the server's clock: 5 minutes. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** The value of `X-TC-Content-SHA256` that signs `UNSIGNED-PAYLOAD` instead of the body. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` */
const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^,\s]+), ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** The request as the checks see it. */
export interface TC3Request {
  readonly method: string;
  /** The query string without `?` (`''` for none). */
  readonly query: string;
  /** Header values by lower-case name (the first one when a header is repeated). */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

/** The key the local TRTC knows. */
export interface TC3Credentials {
  readonly secretId: string;
  readonly secretKey: string;
}

/** A parsed `Authorization` header. */
interface ParsedAuthorization {
  readonly secretId: string;
  readonly date: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/**
 * Reads the `Authorization` header, or `undefined` when it is absent or not a TC3 value (the
 * request log still wants the SecretId of a request that fails later).
 */
export function parseAuthorization(value: string | undefined): ParsedAuthorization | undefined {
  const match = value === undefined ? null : AUTHORIZATION.exec(value.trim());
  if (match === null) return undefined;
  const [, credential = '', signedHeaders = '', signature = ''] = match;
  const parts = credential.split('/');
  if (parts.length < 4 || parts.at(-1) !== 'tc3_request') return undefined;
  const [date = '', service = ''] = parts.slice(-3);
  const secretId = parts.slice(0, -3).join('/');
  if (secretId === '') return undefined;
  return { secretId, date, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** Compares two strings of the same alphabet without stopping at the first difference. */
function sameText(left: string, right: string): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index += 1) {
    difference |= left.charCodeAt(index) ^ right.charCodeAt(index);
  }
  return difference === 0;
}

/**
 * Checks the TC3 signature of `request` as Tencent does, in this order: the `Authorization`
 * header's form (`AuthFailure.InvalidAuthorization`), the `X-TC-Timestamp` header
 * (`MissingParameter` / `InvalidParameter`), the SecretId (`AuthFailure.SecretIdNotFound`), the
 * timestamp within 5 minutes of `nowMs` (`AuthFailure.SignatureExpire`), then the signature
 * recomputed from the request (`AuthFailure.SignatureFailure`, also for a credential scope that
 * is not `<UTC date of the timestamp>/trtc/tc3_request` or signed headers without `content-type`
 * and `host`).
 *
 * @returns The SecretId of the request.
 * @throws {LocalAPIError} with the code of the first failed check.
 */
export function verifyTc3Request(
  request: TC3Request,
  credentials: TC3Credentials,
  nowMs: number,
): string {
  const authorization = parseAuthorization(request.headers.get('authorization'));
  if (authorization === undefined) throw authFailure('AuthFailure.InvalidAuthorization');
  const timestampText = request.headers.get('x-tc-timestamp');
  if (timestampText === undefined) {
    throw new LocalAPIError('MissingParameter', 'The parameter `Timestamp` is missing.');
  }
  if (!/^\d{1,12}$/.test(timestampText)) {
    throw new LocalAPIError('InvalidParameter', 'The parameter `Timestamp` is not an integer.');
  }
  const timestampSeconds = Number(timestampText);
  if (authorization.secretId !== credentials.secretId) {
    throw authFailure('AuthFailure.SecretIdNotFound');
  }
  if (Math.abs(nowMs / 1000 - timestampSeconds) > MAX_CLOCK_SKEW_SECONDS) {
    throw authFailure('AuthFailure.SignatureExpire');
  }
  const { signedHeaders } = authorization;
  if (
    authorization.date !== tc3Date(timestampSeconds) ||
    authorization.service !== 'trtc' ||
    !signedHeaders.includes('content-type') ||
    !signedHeaders.includes('host')
  ) {
    throw authFailure('AuthFailure.SignatureFailure');
  }
  let canonicalHeaders = '';
  for (const name of signedHeaders) {
    const value = request.headers.get(name);
    if (value === undefined) throw authFailure('AuthFailure.SignatureFailure');
    canonicalHeaders += `${name}:${value.trim().toLowerCase()}\n`;
  }
  const payloadHash =
    request.headers.get('x-tc-content-sha256') === UNSIGNED_PAYLOAD
      ? sha256Hex(UNSIGNED_PAYLOAD)
      : sha256Hex(request.body);
  const canonicalRequest = `${request.method}\n/\n${request.query}\n${canonicalHeaders}\n${signedHeaders.join(';')}\n${payloadHash}`;
  const credentialScope = `${authorization.date}/trtc/tc3_request`;
  const stringToSign = `${TC3_ALGORITHM}\n${timestampSeconds}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
  const expected = hmacSha256Hex(
    derivedSigningKey(credentials.secretKey, authorization.date, 'trtc'),
    stringToSign,
  );
  if (!sameText(expected, authorization.signature)) {
    throw authFailure('AuthFailure.SignatureFailure');
  }
  return authorization.secretId;
}
