import { ValidationError } from '@imbridge/core/errors';

/** Largest unsigned 32-bit integer (`2^32 - 1`). */
export const UINT32_MAX = 0xffff_ffff;

/** Maximum UTF-8 length of a UserID. */
export const MAX_USER_ID_BYTES = 32;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD, as with `TextEncoder`). */
export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Decodes strict UTF-8; `undefined` for invalid sequences. Never throws. */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function fail(path: string, message: string): never {
  throw new ValidationError({ message, issues: [{ path: [path], message }] });
}

/**
 * Throws unless `value` is an integer from `min` to `max`. The message names the option and the
 * range, never the value.
 */
export function assertUnsignedInteger(
  value: unknown,
  path: string,
  min: number,
  max: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `${path} must be an integer from ${min} to ${max}`);
  }
}

/** Throws unless `value` is a valid SDKAppID (integer 1 to 4294967295). */
export function assertSdkAppId(value: unknown): asserts value is number {
  assertUnsignedInteger(value, 'sdkAppId', 1, UINT32_MAX);
}

/** Throws unless `value` is a non-empty string. The message never contains the key. */
export function assertSecretKey(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    fail('secretKey', 'secretKey must be a non-empty string');
  }
}

/** Throws unless `value` is a Unix time in whole seconds (0 to `Number.MAX_SAFE_INTEGER`). */
export function assertNowSeconds(value: unknown): asserts value is number {
  assertUnsignedInteger(value, 'nowSeconds', 0, Number.MAX_SAFE_INTEGER);
}

/** `nowSeconds`, or the current Unix time in whole seconds. */
export function resolveNowSeconds(nowSeconds: number | undefined): number {
  return nowSeconds ?? Math.floor(Date.now() / 1000);
}

/**
 * Checks a UserID and returns its UTF-8 bytes: a non-empty string of at most 32 UTF-8 bytes
 * without control characters (a line break would change the signed text). The official
 * libraries document letters, digits, `_` and `-`; Chat accepts more (robots start with
 * `@RBT#`), so only what would break the format is refused.
 */
export function assertUserId(value: unknown, path = 'userId'): Uint8Array<ArrayBuffer> {
  if (typeof value !== 'string' || value.length === 0) {
    fail(path, `${path} must be a non-empty string`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    fail(path, `${path} must not contain control characters`);
  }
  const bytes = utf8Encode(value);
  if (bytes.length > MAX_USER_ID_BYTES) {
    fail(path, `${path} must be at most ${MAX_USER_ID_BYTES} UTF-8 bytes long`);
  }
  return bytes;
}
