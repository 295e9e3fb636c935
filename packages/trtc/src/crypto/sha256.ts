/**
 * Synchronous SHA-256 and HMAC-SHA256 for TC3 signing, from `@imbridge/tencent-chat`'s zod-free
 * `user-sig` entry (plain TypeScript, no Web Crypto promise per call), plus hex encoding.
 */
import {
  createHmacSha256Key,
  type HMACSHA256Key,
  hmacSha256,
  sha256,
} from '@imbridge/tencent-chat/user-sig';

export { createHmacSha256Key, type HMACSHA256Key, hmacSha256, sha256 };

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).padStart(2, '0'),
);

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += HEX_PAIRS[byte];
  return text;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Lower-case hex SHA-256 of a string's UTF-8 bytes, or of bytes as they are. */
export function sha256Hex(message: string | Uint8Array): string {
  return toHex(sha256(typeof message === 'string' ? utf8(message) : message));
}

/** Lower-case hex HMAC-SHA256 of a string's UTF-8 bytes under a prepared key. */
export function hmacSha256Hex(key: HMACSHA256Key, message: string): string {
  return toHex(hmacSha256(key, utf8(message)));
}
