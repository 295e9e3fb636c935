/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), synchronous and in plain TypeScript.
 *
 * Web Crypto only offers an asynchronous HMAC, and on Node 20 each `crypto.subtle.sign` call
 * costs about 100 µs of promise and thread-pool round trip — far more than hashing the ~100 bytes
 * a UserSig signs. This module hashes on the calling thread, reuses one message schedule and one
 * padding block, and caches the HMAC pad states (the SHA-256 state after absorbing the key XOR
 * ipad/opad) per secret key, so a signature costs three or four compressions.
 */

/** Bytes per SHA-256 block. */
const BLOCK_BYTES = 64;
/** Bytes of a SHA-256 digest. */
export const SHA256_DIGEST_BYTES = 32;
/** How many secret keys {@link hmacSha256KeyForSecret} remembers; the oldest is evicted first. */
export const HMAC_KEY_CACHE_SIZE = 32;

/** Round constants K (FIPS 180-4 §4.2.2): cube roots of the first 64 primes, fractional bits. */
const K = Uint32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
);

/** Initial hash value H(0) (FIPS 180-4 §5.3.3): square roots of the first 8 primes. */
const INITIAL_STATE = Uint32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
);

/** Message schedule W0–W63, reused by every compression (the module is synchronous). */
const schedule = new Uint32Array(64);
/** The last, padded block(s) of a message. */
const tailBlock = new Uint8Array(BLOCK_BYTES);
/** Working state of the hash being computed. */
const workingState = new Uint32Array(8);
/** Inner HMAC digest, input of the outer hash. */
const innerDigest = new Uint8Array(SHA256_DIGEST_BYTES);

/** Applies the compression function to the 64-byte block of `bytes` at `offset` (§6.2.2). */
function compress(state: Uint32Array, bytes: Uint8Array, offset: number): void {
  const w = schedule;
  for (let t = 0; t < 16; t += 1) {
    const at = offset + t * 4;
    w[t] =
      ((bytes[at] ?? 0) << 24) |
      ((bytes[at + 1] ?? 0) << 16) |
      ((bytes[at + 2] ?? 0) << 8) |
      (bytes[at + 3] ?? 0);
  }
  for (let t = 16; t < 64; t += 1) {
    const x15 = w[t - 15] ?? 0;
    const x2 = w[t - 2] ?? 0;
    // σ0(x) = ROTR7 ^ ROTR18 ^ SHR3; σ1(x) = ROTR17 ^ ROTR19 ^ SHR10
    const sigma0 = ((x15 >>> 7) | (x15 << 25)) ^ ((x15 >>> 18) | (x15 << 14)) ^ (x15 >>> 3);
    const sigma1 = ((x2 >>> 17) | (x2 << 15)) ^ ((x2 >>> 19) | (x2 << 13)) ^ (x2 >>> 10);
    w[t] = (sigma1 + (w[t - 7] ?? 0) + sigma0 + (w[t - 16] ?? 0)) | 0;
  }

  let a = (state[0] ?? 0) | 0;
  let b = (state[1] ?? 0) | 0;
  let c = (state[2] ?? 0) | 0;
  let d = (state[3] ?? 0) | 0;
  let e = (state[4] ?? 0) | 0;
  let f = (state[5] ?? 0) | 0;
  let g = (state[6] ?? 0) | 0;
  let h = (state[7] ?? 0) | 0;
  for (let t = 0; t < 64; t += 1) {
    // Σ1(e) = ROTR6 ^ ROTR11 ^ ROTR25; Ch(e, f, g) = (e & f) ^ (~e & g)
    const bigSigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const choose = (e & f) ^ (~e & g);
    const t1 = (h + bigSigma1 + choose + (K[t] ?? 0) + (w[t] ?? 0)) | 0;
    // Σ0(a) = ROTR2 ^ ROTR13 ^ ROTR22; Maj(a, b, c) = (a & b) ^ (a & c) ^ (b & c)
    const bigSigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (bigSigma0 + majority) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] ?? 0) + a) | 0;
  state[1] = ((state[1] ?? 0) + b) | 0;
  state[2] = ((state[2] ?? 0) + c) | 0;
  state[3] = ((state[3] ?? 0) + d) | 0;
  state[4] = ((state[4] ?? 0) + e) | 0;
  state[5] = ((state[5] ?? 0) + f) | 0;
  state[6] = ((state[6] ?? 0) + g) | 0;
  state[7] = ((state[7] ?? 0) + h) | 0;
}

/**
 * Absorbs `message` and the padding (§5.1.1) into `state`. `prefixBytes` is how many bytes were
 * absorbed before (whole blocks), so the encoded length covers the whole message.
 */
function finish(state: Uint32Array, message: Uint8Array, prefixBytes: number): void {
  const length = message.length;
  const whole = length - (length % BLOCK_BYTES);
  for (let offset = 0; offset < whole; offset += BLOCK_BYTES) compress(state, message, offset);
  const tail = length - whole;
  tailBlock.fill(0);
  tailBlock.set(message.subarray(whole), 0);
  tailBlock[tail] = 0x80;
  if (tail >= BLOCK_BYTES - 8) {
    compress(state, tailBlock, 0);
    tailBlock.fill(0);
  }
  // Message length in bits as a 64-bit big-endian integer (exact up to 2^53 bits).
  const bits = (prefixBytes + length) * 8;
  const high = Math.floor(bits / 0x1_0000_0000);
  const low = bits >>> 0;
  tailBlock[56] = high >>> 24;
  tailBlock[57] = (high >>> 16) & 0xff;
  tailBlock[58] = (high >>> 8) & 0xff;
  tailBlock[59] = high & 0xff;
  tailBlock[60] = low >>> 24;
  tailBlock[61] = (low >>> 16) & 0xff;
  tailBlock[62] = (low >>> 8) & 0xff;
  tailBlock[63] = low & 0xff;
  compress(state, tailBlock, 0);
}

function writeDigest(state: Uint32Array, output: Uint8Array): void {
  for (let index = 0; index < 8; index += 1) {
    const word = state[index] ?? 0;
    const at = index * 4;
    output[at] = word >>> 24;
    output[at + 1] = (word >>> 16) & 0xff;
    output[at + 2] = (word >>> 8) & 0xff;
    output[at + 3] = word & 0xff;
  }
}

/**
 * SHA-256 digest of `message`.
 *
 * @param output - Where to write the 32-byte digest.
 * @default output a new `Uint8Array(32)`
 */
export function sha256(
  message: Uint8Array,
  output: Uint8Array<ArrayBuffer> = new Uint8Array(SHA256_DIGEST_BYTES),
): Uint8Array<ArrayBuffer> {
  workingState.set(INITIAL_STATE);
  finish(workingState, message, 0);
  writeDigest(workingState, output);
  return output;
}

/**
 * An HMAC-SHA256 key, prepared: the SHA-256 state after the block `key ⊕ ipad` (words 0–7) and
 * after `key ⊕ opad` (words 8–15). Treat as opaque; it is as secret as the key itself.
 */
export type HMACSHA256Key = Uint32Array<ArrayBuffer> & { readonly __brand: 'HMACSHA256Key' };

/** Prepares an HMAC-SHA256 key (RFC 2104): keys longer than a block are hashed first. */
export function createHmacSha256Key(key: Uint8Array): HMACSHA256Key {
  const block = new Uint8Array(BLOCK_BYTES);
  if (key.length > BLOCK_BYTES) sha256(key, block.subarray(0, SHA256_DIGEST_BYTES));
  else block.set(key);
  const pads = new Uint32Array(16);
  const inner = pads.subarray(0, 8);
  const outer = pads.subarray(8, 16);
  for (let index = 0; index < BLOCK_BYTES; index += 1) block[index] = (block[index] ?? 0) ^ 0x36;
  inner.set(INITIAL_STATE);
  compress(inner, block, 0);
  // 0x36 ^ 0x5c: turns key ⊕ ipad into key ⊕ opad.
  for (let index = 0; index < BLOCK_BYTES; index += 1) block[index] = (block[index] ?? 0) ^ 0x6a;
  outer.set(INITIAL_STATE);
  compress(outer, block, 0);
  block.fill(0);
  return pads as HMACSHA256Key;
}

/**
 * HMAC-SHA256 of `message` under a prepared key: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)).
 *
 * @param output - Where to write the 32-byte MAC.
 * @default output a new `Uint8Array(32)`
 */
export function hmacSha256(
  key: HMACSHA256Key,
  message: Uint8Array,
  output: Uint8Array<ArrayBuffer> = new Uint8Array(SHA256_DIGEST_BYTES),
): Uint8Array<ArrayBuffer> {
  for (let index = 0; index < 8; index += 1) workingState[index] = key[index] ?? 0;
  finish(workingState, message, BLOCK_BYTES);
  writeDigest(workingState, innerDigest);
  for (let index = 0; index < 8; index += 1) workingState[index] = key[index + 8] ?? 0;
  finish(workingState, innerDigest, BLOCK_BYTES);
  writeDigest(workingState, output);
  return output;
}

const encoder = new TextEncoder();
const cachedKeys = new Map<string, HMACSHA256Key>();

/**
 * The prepared HMAC-SHA256 key for the UTF-8 bytes of `secretKey`, cached: the last
 * {@link HMAC_KEY_CACHE_SIZE} distinct secrets are kept, the oldest evicted first.
 */
export function hmacSha256KeyForSecret(secretKey: string): HMACSHA256Key {
  let key = cachedKeys.get(secretKey);
  if (key === undefined) {
    if (cachedKeys.size >= HMAC_KEY_CACHE_SIZE) {
      const oldest = cachedKeys.keys().next();
      if (oldest.done !== true) cachedKeys.delete(oldest.value);
    }
    const bytes = encoder.encode(secretKey);
    key = createHmacSha256Key(bytes);
    bytes.fill(0);
    cachedKeys.set(secretKey, key);
  }
  return key;
}
