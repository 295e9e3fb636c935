import { hmacSha256Bytes, type SigningKey, signingKey, utf8 } from '../crypto/sha256.ts';

/** How many derived signing keys are kept: one per (secret key, UTC date, service). */
export const DERIVED_KEY_CACHE_SIZE = 16;

/** Derived keys, most recently used last (a `Map` keeps insertion order). */
const cache = new Map<string, SigningKey>();

/**
 * The TC3 `SecretSigning` key, prepared for HMAC: `HMAC(HMAC(HMAC("TC3" + secretKey, date),
 * service), "tc3_request")`. It changes once a UTC day, so it is cached per (secret key, date,
 * service) in a small LRU ({@link DERIVED_KEY_CACHE_SIZE} entries): a signature then costs one
 * HMAC and two hashes. The same object is returned while it stays cached.
 */
export function derivedSigningKey(secretKey: string, date: string, service: string): SigningKey {
  const cacheKey = `${date}\u0000${service}\u0000${secretKey}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) {
    cache.delete(cacheKey);
    cache.set(cacheKey, cached);
    return cached;
  }
  const secretDate = hmacSha256Bytes(utf8(`TC3${secretKey}`), date);
  const secretService = hmacSha256Bytes(secretDate, service);
  const key = signingKey(hmacSha256Bytes(secretService, 'tc3_request'));
  secretDate.fill(0);
  secretService.fill(0);
  if (cache.size >= DERIVED_KEY_CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(cacheKey, key);
  return key;
}
