/**
 * Synchronous SHA-256 and HMAC-SHA256 for TC3 signing. On runtimes that expose Node's built-in
 * modules synchronously (`process.getBuiltinModule`: Node ≥ 20.16, Bun, Deno), `node:crypto`
 * hashes natively — the body of a request is most of a signature's work, and native hashing is
 * about five times faster. Elsewhere (Workers without Node compatibility, browsers), the portable
 * TypeScript implementation of `@imbridge/tencent-chat`'s zod-free `user-sig` entry does the same
 * work without a Web Crypto promise per call. Both give the same bytes.
 *
 * @module
 */
import {
  createHmacSha256Key,
  type HMACSHA256Key,
  hmacSha256,
  sha256,
} from '@imbridge/tencent-chat/user-sig';

/** The part of a `node:crypto` hash or HMAC used here. */
interface NativeDigest {
  update(data: string | Uint8Array): NativeDigest;
  digest(): Uint8Array;
  digest(encoding: 'hex'): string;
}

/** The part of `node:crypto` used here. */
interface NativeCrypto {
  createHash(algorithm: 'sha256'): NativeDigest;
  createHmac(algorithm: 'sha256', key: Uint8Array): NativeDigest;
  /** One-shot hashing (Node ≥ 20.12). */
  hash?: (algorithm: 'sha256', data: string | Uint8Array, encoding: 'hex') => string;
}

/** `undefined`: not looked up yet; `null`: not available (or turned off). */
let native: NativeCrypto | null | undefined;

function nativeCrypto(): NativeCrypto | null {
  if (native !== undefined) return native;
  native = null;
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  if (typeof runtime?.getBuiltinModule === 'function') {
    try {
      const module = runtime.getBuiltinModule('node:crypto') as NativeCrypto | undefined;
      if (typeof module?.createHash === 'function' && typeof module.createHmac === 'function') {
        native = module;
      }
    } catch {
      // A runtime that lists the function but refuses the module: the portable path.
    }
  }
  return native;
}

/**
 * Chooses the implementation: `'native'` (when the runtime has it) or `'portable'`. For tests that
 * check both give the same signatures; not exported from the package.
 */
export function selectHashing(implementation: 'native' | 'portable'): void {
  native = implementation === 'native' ? undefined : null;
}

/** Which implementation signs now. */
export function hashingInUse(): 'native' | 'portable' {
  return nativeCrypto() === null ? 'portable' : 'native';
}

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
  const crypto = nativeCrypto();
  if (crypto === null) return toHex(sha256(typeof message === 'string' ? utf8(message) : message));
  if (crypto.hash !== undefined) return crypto.hash('sha256', message, 'hex');
  return crypto.createHash('sha256').update(message).digest('hex');
}

/** HMAC-SHA256 of a string's UTF-8 bytes with a raw key. */
export function hmacSha256Bytes(key: Uint8Array, message: string): Uint8Array {
  const crypto = nativeCrypto();
  if (crypto !== null) return crypto.createHmac('sha256', key).update(message).digest();
  const prepared = createHmacSha256Key(key);
  const mac = hmacSha256(prepared, utf8(message));
  prepared.fill(0);
  return mac;
}

/**
 * A key that signs many messages: the raw bytes, and the portable implementation's prepared pad
 * states once it has been used without native crypto.
 */
export interface SigningKey {
  readonly raw: Uint8Array;
  prepared: HMACSHA256Key | undefined;
}

/** A {@link SigningKey} of `raw` (kept, not copied). */
export function signingKey(raw: Uint8Array): SigningKey {
  return { raw, prepared: undefined };
}

/** Lower-case hex HMAC-SHA256 of a string's UTF-8 bytes under a signing key. */
export function hmacSha256Hex(key: SigningKey, message: string): string {
  const crypto = nativeCrypto();
  if (crypto !== null) return crypto.createHmac('sha256', key.raw).update(message).digest('hex');
  key.prepared ??= createHmacSha256Key(key.raw);
  return toHex(hmacSha256(key.prepared, utf8(message)));
}
