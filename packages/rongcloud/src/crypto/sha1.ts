/**
 * SHA-1 (FIPS 180-4), synchronous and in plain TypeScript.
 *
 * RongCloud signs every Server API request and every callback with
 * `hex(sha1(appSecret + nonce + timestamp))`. Web Crypto's `crypto.subtle.digest` is asynchronous
 * and costs a promise and a thread-pool round trip per call — far more than hashing the ~40 bytes
 * a signature covers. This module hashes on the calling thread and reuses one message schedule,
 * one padding block and one working state, so a signature allocates only its input bytes and the
 * hex string. SHA-1 is used here only because the vendor's protocol requires it.
 */

/** Bytes per SHA-1 block. */
const BLOCK_BYTES = 64;
/** Bytes of a SHA-1 digest. */
export const SHA1_DIGEST_BYTES = 20;

/** Initial hash value H(0) (FIPS 180-4 §5.3.1). */
const INITIAL_STATE = Uint32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0);

/** Message schedule W0–W79, reused by every compression (the module is synchronous). */
const schedule = new Uint32Array(80);
/** The last, padded block(s) of a message. */
const tailBlock = new Uint8Array(BLOCK_BYTES);
/** Working state of the hash being computed. */
const workingState = new Uint32Array(5);

/** Applies the compression function to the 64-byte block of `bytes` at `offset` (§6.1.2). */
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
  for (let t = 16; t < 80; t += 1) {
    const x = (w[t - 3] ?? 0) ^ (w[t - 8] ?? 0) ^ (w[t - 14] ?? 0) ^ (w[t - 16] ?? 0);
    w[t] = (x << 1) | (x >>> 31);
  }

  let a = (state[0] ?? 0) | 0;
  let b = (state[1] ?? 0) | 0;
  let c = (state[2] ?? 0) | 0;
  let d = (state[3] ?? 0) | 0;
  let e = (state[4] ?? 0) | 0;
  for (let t = 0; t < 80; t += 1) {
    // f and K by round (§4.1.1, §4.2.1): Ch, Parity, Maj, Parity.
    let mixed: number;
    let constant: number;
    if (t < 20) {
      mixed = (b & c) | (~b & d);
      constant = 0x5a827999;
    } else if (t < 40) {
      mixed = b ^ c ^ d;
      constant = 0x6ed9eba1;
    } else if (t < 60) {
      mixed = (b & c) | (b & d) | (c & d);
      constant = 0x8f1bbcdc;
    } else {
      mixed = b ^ c ^ d;
      constant = 0xca62c1d6;
    }
    const temp = (((a << 5) | (a >>> 27)) + mixed + e + constant + (w[t] ?? 0)) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  state[0] = ((state[0] ?? 0) + a) | 0;
  state[1] = ((state[1] ?? 0) + b) | 0;
  state[2] = ((state[2] ?? 0) + c) | 0;
  state[3] = ((state[3] ?? 0) + d) | 0;
  state[4] = ((state[4] ?? 0) + e) | 0;
}

/** Absorbs `message` and the padding (§5.1.1) into `state`. */
function finish(state: Uint32Array, message: Uint8Array): void {
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
  const bits = length * 8;
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
  for (let index = 0; index < 5; index += 1) {
    const word = state[index] ?? 0;
    const at = index * 4;
    output[at] = word >>> 24;
    output[at + 1] = (word >>> 16) & 0xff;
    output[at + 2] = (word >>> 8) & 0xff;
    output[at + 3] = word & 0xff;
  }
}

/**
 * SHA-1 digest of `message`.
 *
 * @param output - Where to write the 20-byte digest.
 * @default output a new `Uint8Array(20)`
 */
export function sha1(
  message: Uint8Array,
  output: Uint8Array<ArrayBuffer> = new Uint8Array(SHA1_DIGEST_BYTES),
): Uint8Array<ArrayBuffer> {
  workingState.set(INITIAL_STATE);
  finish(workingState, message);
  writeDigest(workingState, output);
  return output;
}

/** Lower-case hex of every byte value. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lower-case hex of the digest in `state`. */
function stateHex(state: Uint32Array): string {
  let hex = '';
  for (let index = 0; index < 5; index += 1) {
    const word = state[index] ?? 0;
    hex +=
      (HEX_BYTES[word >>> 24] ?? '') +
      (HEX_BYTES[(word >>> 16) & 0xff] ?? '') +
      (HEX_BYTES[(word >>> 8) & 0xff] ?? '') +
      (HEX_BYTES[word & 0xff] ?? '');
  }
  return hex;
}

/** SHA-1 digest of `message` as 40 lower-case hex digits. */
export function sha1Hex(message: Uint8Array): string {
  workingState.set(INITIAL_STATE);
  finish(workingState, message);
  return stateHex(workingState);
}

const encoder = new TextEncoder();
/** UTF-8 bytes of the text being hashed by {@link sha1HexOfText}, grown as needed. */
let textBytes = new Uint8Array(256);

/**
 * SHA-1 digest of the UTF-8 bytes of `text` as 40 lower-case hex digits. The bytes are written
 * into a reused buffer (ASCII directly, other text with `TextEncoder.encodeInto`; a lone surrogate
 * becomes U+FFFD, as in `TextEncoder`), so hashing a short string allocates only the returned hex
 * string. The buffer is wiped afterwards.
 */
export function sha1HexOfText(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (textBytes.length < text.length * 3) textBytes = new Uint8Array(text.length * 3);
  let length = 0;
  for (; length < text.length; length += 1) {
    const code = text.charCodeAt(length);
    if (code >= 0x80) break;
    textBytes[length] = code;
  }
  if (length < text.length) {
    length += encoder.encodeInto(text.slice(length), textBytes.subarray(length)).written;
  }
  const hex = sha1Hex(textBytes.subarray(0, length));
  // The text is usually a secret plus a nonce: leave none of it in module memory.
  textBytes.fill(0, 0, length);
  tailBlock.fill(0);
  schedule.fill(0);
  return hex;
}
