/**
 * A small synchronous zlib (RFC 1950) encoder: one final deflate block (RFC 1951) with the fixed
 * Huffman codes and greedy LZ77 matching over a hash chain. For inputs of a few hundred bytes,
 * such as a UserSig document, zlib itself picks the fixed codes too, so the output is about as
 * small as `zlib.deflateSync` at level 6, with no stream or thread-pool round trip.
 */

const WINDOW_SIZE = 32_768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const MAX_CHAIN = 64;
const HASH_BITS = 12;
const HASH_SHIFT = 32 - HASH_BITS;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];

function reverseBits(value: number, width: number): number {
  let reversed = 0;
  for (let bit = 0; bit < width; bit += 1) reversed |= ((value >>> bit) & 1) << (width - 1 - bit);
  return reversed;
}

/** Fixed literal/length code per symbol 0–287, bit-reversed for the LSB-first stream. */
const LITERAL_CODES = new Uint16Array(288);
/** Bit width of {@link LITERAL_CODES}. */
const LITERAL_WIDTHS = new Uint8Array(288);
for (let symbol = 0; symbol < 288; symbol += 1) {
  let code: number;
  let width: number;
  if (symbol < 144) [code, width] = [0x30 + symbol, 8];
  else if (symbol < 256) [code, width] = [0x190 + symbol - 144, 9];
  else if (symbol < 280) [code, width] = [symbol - 256, 7];
  else [code, width] = [0xc0 + symbol - 280, 8];
  LITERAL_CODES[symbol] = reverseBits(code, width);
  LITERAL_WIDTHS[symbol] = width;
}

/** Length (3–258) → index into {@link LENGTH_BASE}. */
const LENGTH_INDEX = new Uint8Array(MAX_MATCH + 1);
for (let index = 0; index < LENGTH_BASE.length; index += 1) {
  const base = LENGTH_BASE[index] ?? 0;
  const end = index === LENGTH_BASE.length - 1 ? MAX_MATCH + 1 : (LENGTH_BASE[index + 1] ?? 0);
  for (let length = base; length < end; length += 1) LENGTH_INDEX[length] = index;
}
// 258 has its own code (285, no extra bits), not 284 with extra bits 31.
LENGTH_INDEX[MAX_MATCH] = LENGTH_BASE.length - 1;

/**
 * Distance → code, zlib style: `distance - 1 < 256` at `[distance - 1]`, larger ones at
 * `[256 + ((distance - 1) >> 7)]`.
 */
const DISTANCE_INDEX = new Uint8Array(512);
for (let code = 0; code < DISTANCE_BASE.length; code += 1) {
  const base = DISTANCE_BASE[code] ?? 0;
  const end = base + (1 << (DISTANCE_EXTRA[code] ?? 0));
  for (let distance = base; distance < end; distance += 1) {
    const slot = distance - 1 < 256 ? distance - 1 : 256 + ((distance - 1) >> 7);
    DISTANCE_INDEX[slot] = code;
  }
}
const DISTANCE_CODES = Uint8Array.from({ length: 30 }, (_, code) => reverseBits(code, 5));

/** Most recent position per hash; reused between calls (the encoder is synchronous). */
const head = new Int32Array(1 << HASH_BITS);
const EMPTY = new Uint8Array(0);
const EMPTY_CHAIN = new Int32Array(0);

/** Encoder state, module-level so the hot helpers are plain functions (no per-call closures). */
let input: Uint8Array = EMPTY;
let previous: Int32Array = EMPTY_CHAIN;
let output: Uint8Array<ArrayBuffer> = EMPTY;
let position = 0;
let bitBuffer = 0;
let bitCount = 0;

function writeBits(value: number, width: number): void {
  bitBuffer |= value << bitCount;
  bitCount += width;
  while (bitCount >= 8) {
    output[position] = bitBuffer & 0xff;
    position += 1;
    bitBuffer >>>= 8;
    bitCount -= 8;
  }
}

/** Links `index` into its hash chain and returns the previous position with the same hash. */
function insert(index: number): number {
  const hash =
    Math.imul(
      ((input[index] ?? 0) << 16) | ((input[index + 1] ?? 0) << 8) | (input[index + 2] ?? 0),
      0x9e3779b1,
    ) >>> HASH_SHIFT;
  const candidate = head[hash] ?? -1;
  previous[index] = candidate;
  head[hash] = index;
  return candidate;
}

/**
 * Adler-32 checksum (RFC 1950) of `bytes`.
 */
export function adler32(bytes: Uint8Array): number {
  let low = 1;
  let high = 0;
  const length = bytes.length;
  let index = 0;
  while (index < length) {
    // 5552 is the largest run for which `high` cannot overflow 2^32 before the modulo.
    const end = Math.min(index + 5552, length);
    for (; index < end; index += 1) {
      low += bytes[index] ?? 0;
      high += low;
    }
    low %= 65_521;
    high %= 65_521;
  }
  return ((high << 16) | low) >>> 0;
}

/**
 * Compresses `input` into a zlib stream (2-byte header, one fixed-Huffman deflate block,
 * big-endian Adler-32). Any zlib inflater, `DecompressionStream('deflate')` included, reads it.
 */
export function zlibDeflate(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const length = bytes.length;
  input = bytes;
  previous = new Int32Array(length);
  // Worst case: every byte a 9-bit literal, plus header, block header, end code, checksum.
  output = new Uint8Array(length + (length >>> 3) + 16);
  output[0] = 0x78; // CM 8 (deflate), CINFO 7 (32 KiB window)
  output[1] = 0x5e; // FLEVEL 1 ("fast"), FCHECK so that 0x785e % 31 === 0
  position = 2;
  bitBuffer = 0b011; // BFINAL 1, BTYPE 01 (fixed Huffman codes)
  bitCount = 3;
  head.fill(-1);

  let index = 0;
  while (index < length) {
    let bestLength = 0;
    let bestDistance = 0;
    if (index + MIN_MATCH <= length) {
      let candidate = insert(index);
      const maxLength = Math.min(MAX_MATCH, length - index);
      let chain = MAX_CHAIN;
      while (candidate >= 0 && index - candidate <= WINDOW_SIZE && chain > 0) {
        chain -= 1;
        if (bytes[candidate + bestLength] === bytes[index + bestLength]) {
          let matchLength = 0;
          while (
            matchLength < maxLength &&
            bytes[candidate + matchLength] === bytes[index + matchLength]
          ) {
            matchLength += 1;
          }
          if (matchLength > bestLength) {
            bestLength = matchLength;
            bestDistance = index - candidate;
            if (matchLength === maxLength) break;
          }
        }
        candidate = previous[candidate] ?? -1;
      }
    }

    if (bestLength >= MIN_MATCH) {
      const lengthIndex = LENGTH_INDEX[bestLength] ?? 0;
      const symbol = 257 + lengthIndex;
      writeBits(LITERAL_CODES[symbol] ?? 0, LITERAL_WIDTHS[symbol] ?? 0);
      const lengthExtra = LENGTH_EXTRA[lengthIndex] ?? 0;
      if (lengthExtra > 0) writeBits(bestLength - (LENGTH_BASE[lengthIndex] ?? 0), lengthExtra);
      const slot = bestDistance - 1 < 256 ? bestDistance - 1 : 256 + ((bestDistance - 1) >> 7);
      const distanceCode = DISTANCE_INDEX[slot] ?? 0;
      writeBits(DISTANCE_CODES[distanceCode] ?? 0, 5);
      const distanceExtra = DISTANCE_EXTRA[distanceCode] ?? 0;
      if (distanceExtra > 0) {
        writeBits(bestDistance - (DISTANCE_BASE[distanceCode] ?? 0), distanceExtra);
      }
      const end = index + bestLength;
      for (index += 1; index < end; index += 1) {
        if (index + MIN_MATCH <= length) insert(index);
      }
    } else {
      const literal = bytes[index] ?? 0;
      writeBits(LITERAL_CODES[literal] ?? 0, LITERAL_WIDTHS[literal] ?? 0);
      index += 1;
    }
  }
  writeBits(LITERAL_CODES[256] ?? 0, LITERAL_WIDTHS[256] ?? 0); // end of block
  if (bitCount > 0) {
    output[position] = bitBuffer & 0xff;
    position += 1;
  }

  const checksum = adler32(bytes);
  output[position] = checksum >>> 24;
  output[position + 1] = (checksum >>> 16) & 0xff;
  output[position + 2] = (checksum >>> 8) & 0xff;
  output[position + 3] = checksum & 0xff;
  const result = output.subarray(0, position + 4);
  // Drop references so the caller's buffers can be collected.
  input = EMPTY;
  previous = EMPTY_CHAIN;
  output = EMPTY;
  return result;
}
