import { createHmacSha256Key, type HMACSHA256Key, hmacSha256, utf8 } from '../crypto/sha256.ts';

/** How many derived signing keys are kept: one per (secret key, UTC date, service). */
export const DERIVED_KEY_CACHE_SIZE = 16;

/** Derived keys, most recently used last (a `Map` keeps insertion order). */
const cache = new Map<string, HMACSHA256Key>();

/** HMAC-SHA256 of `message` keyed by raw `key` bytes (one step of the TC3 chain). */
function hmacStep(key: Uint8Array, message: string): Uint8Array {
  const prepared = createHmacSha256Key(key);
  const mac = hmacSha256(prepared, utf8(message));
  prepared.fill(0);
  return mac;
}

/**
 * The TC3 `SecretSigning` key, prepared for HMAC: `HMAC(HMAC(HMAC("TC3" + secretKey, date),
 * service), "tc3_request")`. It changes once a UTC day, so it is cached per (secret key, date,
 * service) in a small LRU ({@link DERIVED_KEY_CACHE_SIZE} entries): a signature then costs one
 * HMAC and two hashes. The same object is returned while it stays cached.
 */
export function derivedSigningKey(secretKey: string, date: string, service: string): HMACSHA256Key {
  const cacheKey = `${date}\u0000${service}\u0000${secretKey}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) {
    cache.delete(cacheKey);
    cache.set(cacheKey, cached);
    return cached;
  }
  const secretDate = hmacStep(utf8(`TC3${secretKey}`), date);
  const secretService = hmacStep(secretDate, service);
  const secretSigning = hmacStep(secretService, 'tc3_request');
  const key = createHmacSha256Key(secretSigning);
  secretDate.fill(0);
  secretService.fill(0);
  secretSigning.fill(0);
  if (cache.size >= DERIVED_KEY_CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(cacheKey, key);
  return key;
}
