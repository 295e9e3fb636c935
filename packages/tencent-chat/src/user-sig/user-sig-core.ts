import { ValidationError } from '@imbridge/core/errors';
import { constantTimeEqual } from '../crypto/constant-time.ts';
import { hmacSha256, hmacSha256KeyForSecret, SHA256_DIGEST_BYTES } from '../crypto/sha256.ts';
import { decodeBase64, encodeBase64, STANDARD_BASE64, USER_SIG_BASE64 } from './base64.ts';
import { encodePrivateMapKeyUserBuf } from './user-buf.ts';
import {
  assertNowSeconds,
  assertSdkAppId,
  assertSecretKey,
  assertUnsignedInteger,
  assertUserId,
  resolveNowSeconds,
  UINT32_MAX,
  utf8Decode,
  utf8Encode,
} from './validation.ts';
import { adler32, zlibDeflate } from './zlib-deflate.ts';
import { zlibInflate } from './zlib-inflate.ts';

/** HMAC output of the latest signature; read into base64 before the next call. */
const signatureBytes = new Uint8Array(SHA256_DIGEST_BYTES);

/**
 * HMAC-SHA256 of `content` under the UTF-8 bytes of `secretKey`, standard base64. Synchronous
 * TypeScript on every runtime, with the key's pad states cached per secret (decision 0008: Web
 * Crypto's asynchronous HMAC costs more than the whole UserSig on Node 20).
 */
function sign(secretKey: string, content: Uint8Array): string {
  hmacSha256(hmacSha256KeyForSecret(secretKey), content, signatureBytes);
  return encodeBase64(signatureBytes, STANDARD_BASE64);
}

/** Default UserSig validity: 180 days, as in the official examples. */
export const DEFAULT_USER_SIG_EXPIRES_IN_SECONDS = 86_400 * 180;
/** Longest UserSig text `verifyUserSig` decodes; longer input is `malformed`. */
export const MAX_USER_SIG_LENGTH = 16_384;
/** Most bytes the zlib stream may inflate to; more is `malformed` (zip bomb guard). */
export const MAX_INFLATED_BYTES = 65_536;
/** Largest `userBuf` {@link issueUserSig} accepts. */
export const MAX_USER_BUF_BYTES = 4096;

/** Options of `genUserSig`. */
export interface GenUserSigOptions {
  /** The application's SDKAppID (integer 1 to 4294967295). */
  sdkAppId: number;
  /** The application's secret key from the Chat console, used as UTF-8 text (not hex-decoded). */
  secretKey: string;
  /** The UserID the signature is for (1 to 32 UTF-8 bytes, no control characters). */
  userId: string;
  /**
   * Validity in seconds, counted from `nowSeconds` (integer 1 to 4294967295).
   * @default 15552000 (180 days)
   */
  expiresInSeconds?: number | undefined;
  /**
   * Issue time, Unix seconds.
   * @default Math.floor(Date.now() / 1000)
   */
  nowSeconds?: number | undefined;
  /** Optional user buffer (e.g. a PrivateMapKey userbuf), signed and embedded as `TLS.userbuf`. */
  userBuf?: Uint8Array | undefined;
}

/** Options of `verifyUserSig`. */
export interface VerifyUserSigOptions {
  /** The UserSig to check. Any value is accepted; anything that is not a UserSig is `malformed`. */
  userSig: unknown;
  /** The SDKAppID the UserSig must be issued for. */
  sdkAppId: number;
  /** The application's secret key. */
  secretKey: string;
  /** When given, the UserSig must be issued to this UserID. */
  userId?: string | undefined;
  /**
   * Current time, Unix seconds.
   * @default Math.floor(Date.now() / 1000)
   */
  nowSeconds?: number | undefined;
}

/** Why `verifyUserSig` rejected a UserSig, in the order the checks run. */
export const VERIFY_USER_SIG_FAILURE_REASONS = [
  'malformed',
  'sdk-app-id-mismatch',
  'user-id-mismatch',
  'expired',
  'signature-mismatch',
] as const;

/** One of {@link VERIFY_USER_SIG_FAILURE_REASONS}. */
export type VerifyUserSigFailureReason = (typeof VERIFY_USER_SIG_FAILURE_REASONS)[number];

/** A UserSig that passed every check. */
export interface VerifyUserSigSuccess {
  /** The UserSig is authentic and current. */
  valid: true;
  /** `TLS.identifier`. */
  userId: string;
  /** `TLS.sdkappid`. */
  sdkAppId: number;
  /** `TLS.time`: issue time, Unix seconds. */
  issuedAtSeconds: number;
  /** `TLS.expire`: validity in seconds from `issuedAtSeconds`. */
  expiresInSeconds: number;
  /** `TLS.userbuf`, decoded, when the UserSig carries one. */
  userBuf?: Uint8Array;
}

/** A UserSig that failed a check. */
export interface VerifyUserSigFailure {
  /** The UserSig must not be trusted. */
  valid: false;
  /** The first check that failed. */
  reason: VerifyUserSigFailureReason;
}

/** Result of `verifyUserSig`. */
export type VerifyUserSigResult = VerifyUserSigSuccess | VerifyUserSigFailure;

/** Options of `genPrivateMapKey`. */
export interface GenPrivateMapKeyOptions {
  /** The application's SDKAppID. */
  sdkAppId: number;
  /** The application's secret key. */
  secretKey: string;
  /** The user entering the room. */
  userId: string;
  /** The TRTC room: a number (1 to 4294967295) or a string (1 to 64 UTF-8 bytes). */
  roomId: number | string;
  /**
   * Permission bits, see `TRTC_PRIVILEGES`.
   * @default 255 (TRTC_PRIVILEGES.all)
   */
  privileges?: number | undefined;
  /**
   * Validity in seconds, for both the key and the permission inside it.
   * @default 15552000 (180 days)
   */
  expiresInSeconds?: number | undefined;
  /**
   * Issue time, Unix seconds.
   * @default Math.floor(Date.now() / 1000)
   */
  nowSeconds?: number | undefined;
}

/**
 * The text that is signed: `TLS.identifier`, `TLS.sdkappid`, `TLS.time`, `TLS.expire` and
 * optionally `TLS.userbuf` lines, in that order, each ending with `\n`.
 */
export function buildContentToBeSigned(
  userId: string,
  sdkAppId: number,
  timeSeconds: number,
  expiresInSeconds: number,
  userBufBase64: string | undefined,
): string {
  const content = `TLS.identifier:${userId}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${timeSeconds}\nTLS.expire:${expiresInSeconds}\n`;
  return userBufBase64 === undefined ? content : `${content}TLS.userbuf:${userBufBase64}\n`;
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Checks the decoded UserSig document by hand: seven fields, so the UserSig path (and the
 * `./user-sig` entry) needs no schema library and loads fast.
 */
function readSigDoc(json: unknown):
  | {
      identifier: string;
      sdkAppId: number;
      time: number;
      expire: number;
      userBuf: string | undefined;
      sig: string;
    }
  | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const doc = json as Record<string, unknown>;
  const userBuf = doc['TLS.userbuf'];
  if (
    doc['TLS.ver'] !== '2.0' ||
    typeof doc['TLS.identifier'] !== 'string' ||
    !isCount(doc['TLS.sdkappid']) ||
    !isCount(doc['TLS.time']) ||
    !isCount(doc['TLS.expire']) ||
    (userBuf !== undefined && typeof userBuf !== 'string') ||
    typeof doc['TLS.sig'] !== 'string'
  ) {
    return undefined;
  }
  return {
    identifier: doc['TLS.identifier'],
    sdkAppId: doc['TLS.sdkappid'],
    time: doc['TLS.time'],
    expire: doc['TLS.expire'],
    userBuf,
    sig: doc['TLS.sig'],
  };
}

/** The decoded document inside a UserSig, in our names. */
export interface SigDoc {
  userId: string;
  sdkAppId: number;
  timeSeconds: number;
  expiresInSeconds: number;
  userBufBase64: string | undefined;
  userBuf: Uint8Array | undefined;
  sig: string;
}

/** UserSig text → zlib bytes; `undefined` for anything else. Never throws. */
export function decodeUserSigText(userSig: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (typeof userSig !== 'string' || userSig.length === 0) return undefined;
  if (userSig.length > MAX_USER_SIG_LENGTH) return undefined;
  const bytes = decodeBase64(userSig, USER_SIG_BASE64);
  // 2-byte header + at least one byte of deflate data + 4-byte Adler-32.
  return bytes !== undefined && bytes.length >= 7 ? bytes : undefined;
}

/**
 * Parses the inflated document; `undefined` when it is not a UserSig v2 document or when the
 * zlib stream's trailing Adler-32 does not match (truncated stream or trailing garbage).
 */
export function parseSigDoc(compressed: Uint8Array, inflated: Uint8Array): SigDoc | undefined {
  const length = compressed.length;
  const trailer =
    (((compressed[length - 4] ?? 0) << 24) |
      ((compressed[length - 3] ?? 0) << 16) |
      ((compressed[length - 2] ?? 0) << 8) |
      (compressed[length - 1] ?? 0)) >>>
    0;
  if (trailer !== adler32(inflated)) return undefined;
  const text = utf8Decode(inflated);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const doc = readSigDoc(json);
  if (doc === undefined) return undefined;
  const userBufBase64 = doc.userBuf;
  let userBuf: Uint8Array | undefined;
  if (userBufBase64 !== undefined) {
    userBuf = decodeBase64(userBufBase64, STANDARD_BASE64);
    if (userBuf === undefined) return undefined;
  }
  return {
    userId: doc.identifier,
    sdkAppId: doc.sdkAppId,
    timeSeconds: doc.time,
    expiresInSeconds: doc.expire,
    userBufBase64,
    userBuf,
    sig: doc.sig,
  };
}

interface PreparedUserSig {
  userId: string;
  sdkAppId: number;
  timeSeconds: number;
  expiresInSeconds: number;
  userBufBase64: string | undefined;
}

function prepareUserSig(options: GenUserSigOptions): PreparedUserSig {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError({ message: 'genUserSig expects an options object' });
  }
  assertSdkAppId(options.sdkAppId);
  assertSecretKey(options.secretKey);
  assertUserId(options.userId);
  const expiresInSeconds = options.expiresInSeconds ?? DEFAULT_USER_SIG_EXPIRES_IN_SECONDS;
  assertUnsignedInteger(expiresInSeconds, 'expiresInSeconds', 1, UINT32_MAX);
  if (options.nowSeconds !== undefined) assertNowSeconds(options.nowSeconds);
  let userBufBase64: string | undefined;
  if (options.userBuf !== undefined) {
    if (!(options.userBuf instanceof Uint8Array) || options.userBuf.length > MAX_USER_BUF_BYTES) {
      const message = `userBuf must be a Uint8Array of at most ${MAX_USER_BUF_BYTES} bytes`;
      throw new ValidationError({ message, issues: [{ path: ['userBuf'], message }] });
    }
    userBufBase64 = encodeBase64(options.userBuf, STANDARD_BASE64);
  }
  return {
    userId: options.userId,
    sdkAppId: options.sdkAppId,
    timeSeconds: resolveNowSeconds(options.nowSeconds),
    expiresInSeconds,
    userBufBase64,
  };
}

function finishUserSig(prepared: PreparedUserSig, sig: string): string {
  const userBufField =
    prepared.userBufBase64 === undefined ? '' : `,"TLS.userbuf":"${prepared.userBufBase64}"`;
  const json = `{"TLS.ver":"2.0","TLS.identifier":${JSON.stringify(prepared.userId)},"TLS.sdkappid":${prepared.sdkAppId},"TLS.time":${prepared.timeSeconds},"TLS.expire":${prepared.expiresInSeconds}${userBufField},"TLS.sig":"${sig}"}`;
  return encodeBase64(zlibDeflate(utf8Encode(json)), USER_SIG_BASE64);
}

/** Issues a UserSig (`genUserSig`); a rejected promise for invalid options. */
export function issueUserSig(options: GenUserSigOptions): Promise<string> {
  try {
    const prepared = prepareUserSig(options);
    const content = buildContentToBeSigned(
      prepared.userId,
      prepared.sdkAppId,
      prepared.timeSeconds,
      prepared.expiresInSeconds,
      prepared.userBufBase64,
    );
    return Promise.resolve(finishUserSig(prepared, sign(options.secretKey, utf8Encode(content))));
  } catch (error) {
    return Promise.reject(error);
  }
}

const MALFORMED: VerifyUserSigFailure = Object.freeze({ valid: false, reason: 'malformed' });

function failure(reason: VerifyUserSigFailureReason): VerifyUserSigFailure {
  return { valid: false, reason };
}

/** Checks a UserSig (`verifyUserSig`). */
export async function checkUserSig(options: VerifyUserSigOptions): Promise<VerifyUserSigResult> {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError({ message: 'verifyUserSig expects an options object' });
  }
  assertSdkAppId(options.sdkAppId);
  assertSecretKey(options.secretKey);
  if (options.userId !== undefined) assertUserId(options.userId);
  if (options.nowSeconds !== undefined) assertNowSeconds(options.nowSeconds);
  const nowSeconds = resolveNowSeconds(options.nowSeconds);

  const compressed = decodeUserSigText(options.userSig);
  if (compressed === undefined) return { ...MALFORMED };
  const inflated = zlibInflate(compressed, MAX_INFLATED_BYTES);
  if (inflated === undefined) return { ...MALFORMED };
  const doc = parseSigDoc(compressed, inflated);
  if (doc === undefined) return { ...MALFORMED };

  if (doc.sdkAppId !== options.sdkAppId) return failure('sdk-app-id-mismatch');
  if (options.userId !== undefined && doc.userId !== options.userId) {
    return failure('user-id-mismatch');
  }
  if (nowSeconds > doc.timeSeconds + doc.expiresInSeconds) return failure('expired');

  const content = buildContentToBeSigned(
    doc.userId,
    doc.sdkAppId,
    doc.timeSeconds,
    doc.expiresInSeconds,
    doc.userBufBase64,
  );
  const expected = sign(options.secretKey, utf8Encode(content));
  if (!constantTimeEqual(expected, doc.sig)) return failure('signature-mismatch');

  const result: VerifyUserSigSuccess = {
    valid: true,
    userId: doc.userId,
    sdkAppId: doc.sdkAppId,
    issuedAtSeconds: doc.timeSeconds,
    expiresInSeconds: doc.expiresInSeconds,
  };
  if (doc.userBuf !== undefined) result.userBuf = doc.userBuf;
  return result;
}

/** Issues a TRTC PrivateMapKey (`genPrivateMapKey`); a rejected promise for invalid options. */
export function issuePrivateMapKey(options: GenPrivateMapKeyOptions): Promise<string> {
  let userSigOptions: GenUserSigOptions;
  try {
    if (typeof options !== 'object' || options === null) {
      throw new ValidationError({ message: 'genPrivateMapKey expects an options object' });
    }
    if (options.nowSeconds !== undefined) assertNowSeconds(options.nowSeconds);
    const nowSeconds = resolveNowSeconds(options.nowSeconds);
    const expiresInSeconds = options.expiresInSeconds ?? DEFAULT_USER_SIG_EXPIRES_IN_SECONDS;
    const userBuf = encodePrivateMapKeyUserBuf({
      userId: options.userId,
      sdkAppId: options.sdkAppId,
      roomId: options.roomId,
      expiresInSeconds,
      nowSeconds,
      ...(options.privileges === undefined ? {} : { privileges: options.privileges }),
    });
    userSigOptions = {
      sdkAppId: options.sdkAppId,
      secretKey: options.secretKey,
      userId: options.userId,
      expiresInSeconds,
      nowSeconds,
      userBuf,
    };
  } catch (error) {
    return Promise.reject(error);
  }
  return issueUserSig(userSigOptions);
}
