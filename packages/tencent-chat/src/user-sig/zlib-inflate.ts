/**
 * A small synchronous zlib (RFC 1950) decoder for UserSig documents: stored, fixed-Huffman and
 * dynamic-Huffman deflate blocks (RFC 1951), canonical Huffman codes decoded bit by bit. Every
 * read is bounds-checked and the output is capped, so hostile input can only make it return
 * `undefined`. Speed is secondary (UserSigs are a few hundred bytes); simplicity is the point.
 */
import { adler32 } from './zlib-deflate.ts';

/** Longest Huffman code in deflate. */
const MAX_BITS = 15;

const LENGTH_BASE = Uint16Array.of(
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  13,
  15,
  17,
  19,
  23,
  27,
  31,
  35,
  43,
  51,
  59,
  67,
  83,
  99,
  115,
  131,
  163,
  195,
  227,
  258,
);
const LENGTH_EXTRA = Uint8Array.of(
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  2,
  2,
  3,
  3,
  3,
  3,
  4,
  4,
  4,
  4,
  5,
  5,
  5,
  5,
  0,
);
const DISTANCE_BASE = Uint16Array.of(
  1,
  2,
  3,
  4,
  5,
  7,
  9,
  13,
  17,
  25,
  33,
  49,
  65,
  97,
  129,
  193,
  257,
  385,
  513,
  769,
  1025,
  1537,
  2049,
  3073,
  4097,
  6145,
  8193,
  12289,
  16385,
  24577,
);
const DISTANCE_EXTRA = Uint8Array.of(
  0,
  0,
  0,
  0,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  4,
  5,
  5,
  6,
  6,
  7,
  7,
  8,
  8,
  9,
  9,
  10,
  10,
  11,
  11,
  12,
  12,
  13,
  13,
);
/** Order in which code-length code lengths are sent (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = Uint8Array.of(
  16,
  17,
  18,
  0,
  8,
  7,
  9,
  6,
  10,
  5,
  11,
  4,
  12,
  3,
  13,
  2,
  14,
  1,
  15,
);

/** A canonical Huffman code: how many codes per length, and the symbols in code order. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

/** Thrown inside the decoder for any invalid or truncated input; never escapes it. */
class InvalidStream extends Error {}

/** Builds a code from symbol lengths; throws when the lengths over-subscribe the code space. */
function buildHuffman(lengths: Uint8Array): Huffman {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (const length of lengths) counts[length] = (counts[length] ?? 0) + 1;
  counts[0] = 0;
  let left = 1;
  for (let length = 1; length <= MAX_BITS; length += 1) {
    left = left * 2 - (counts[length] ?? 0);
    if (left < 0) throw new InvalidStream('over-subscribed code');
  }
  // An incomplete code is accepted; reading one of its unused codes fails in `decodeSymbol`.
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let length = 1; length <= MAX_BITS; length += 1) {
    offsets[length + 1] = (offsets[length] ?? 0) + (counts[length] ?? 0);
  }
  const symbols = new Uint16Array(lengths.length);
  for (let symbol = 0; symbol < lengths.length; symbol += 1) {
    const length = lengths[symbol] ?? 0;
    if (length === 0) continue;
    const offset = offsets[length] ?? 0;
    symbols[offset] = symbol;
    offsets[length] = offset + 1;
  }
  return { counts, symbols };
}

const FIXED_LITERALS = buildHuffman(
  Uint8Array.from({ length: 288 }, (_, symbol) =>
    symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8,
  ),
);
const FIXED_DISTANCES = buildHuffman(new Uint8Array(30).fill(5));

/** Decoder state for one call (the decoder is synchronous and not re-entrant). */
class Inflater {
  private readonly input: Uint8Array;
  private readonly maxBytes: number;
  private position: number;
  private bitBuffer = 0;
  private bitCount = 0;
  /** Decoded bytes so far: `output[0 .. length)`. */
  output: Uint8Array;
  length = 0;

  constructor(input: Uint8Array, start: number, maxBytes: number) {
    this.input = input;
    this.maxBytes = maxBytes;
    this.position = start;
    this.output = new Uint8Array(Math.min(maxBytes, Math.max(256, input.length * 4)));
  }

  get bytePosition(): number {
    return this.position;
  }

  bits(count: number): number {
    while (this.bitCount < count) {
      if (this.position >= this.input.length) throw new InvalidStream('truncated');
      this.bitBuffer |= (this.input[this.position] ?? 0) << this.bitCount;
      this.position += 1;
      this.bitCount += 8;
    }
    const value = this.bitBuffer & ((1 << count) - 1);
    this.bitBuffer >>>= count;
    this.bitCount -= count;
    return value;
  }

  /** Drops the bits left in the current byte (before a stored block and after the last one). */
  alignToByte(): void {
    this.bitBuffer = 0;
    this.bitCount = 0;
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed > this.maxBytes) throw new InvalidStream('output cap exceeded');
    if (needed <= this.output.length) return;
    const grown = new Uint8Array(Math.min(this.maxBytes, Math.max(needed, this.output.length * 2)));
    grown.set(this.output.subarray(0, this.length));
    this.output = grown;
  }

  decodeSymbol(code: Huffman): number {
    // Canonical decoding: codes of each length are consecutive, starting at `first`.
    let value = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length <= MAX_BITS; length += 1) {
      value |= this.bits(1);
      const count = code.counts[length] ?? 0;
      if (value - first < count) return code.symbols[index + value - first] ?? 0;
      index += count;
      first = (first + count) << 1;
      value <<= 1;
    }
    throw new InvalidStream('invalid code');
  }

  stored(): void {
    this.alignToByte();
    const at = this.position;
    if (at + 4 > this.input.length) throw new InvalidStream('truncated');
    const length = (this.input[at] ?? 0) | ((this.input[at + 1] ?? 0) << 8);
    const complement = (this.input[at + 2] ?? 0) | ((this.input[at + 3] ?? 0) << 8);
    if ((length ^ 0xffff) !== complement) throw new InvalidStream('bad stored length');
    const start = at + 4;
    if (start + length > this.input.length) throw new InvalidStream('truncated');
    this.reserve(length);
    this.output.set(this.input.subarray(start, start + length), this.length);
    this.length += length;
    this.position = start + length;
  }

  huffman(literals: Huffman, distances: Huffman): void {
    for (;;) {
      const symbol = this.decodeSymbol(literals);
      if (symbol < 256) {
        this.reserve(1);
        this.output[this.length] = symbol;
        this.length += 1;
        continue;
      }
      if (symbol === 256) return;
      const lengthIndex = symbol - 257;
      if (lengthIndex >= LENGTH_BASE.length) throw new InvalidStream('invalid length symbol');
      const length = (LENGTH_BASE[lengthIndex] ?? 0) + this.bits(LENGTH_EXTRA[lengthIndex] ?? 0);
      const distanceSymbol = this.decodeSymbol(distances);
      if (distanceSymbol >= DISTANCE_BASE.length) throw new InvalidStream('invalid distance');
      const distance =
        (DISTANCE_BASE[distanceSymbol] ?? 0) + this.bits(DISTANCE_EXTRA[distanceSymbol] ?? 0);
      if (distance > this.length) throw new InvalidStream('distance before start');
      this.reserve(length);
      const output = this.output;
      // Byte by byte: a match may overlap the bytes it produces.
      for (let index = 0; index < length; index += 1) {
        output[this.length] = output[this.length - distance] ?? 0;
        this.length += 1;
      }
    }
  }

  dynamic(): void {
    const literalCount = this.bits(5) + 257;
    const distanceCount = this.bits(5) + 1;
    const codeLengthCount = this.bits(4) + 4;
    if (literalCount > 286 || distanceCount > 30) throw new InvalidStream('too many codes');
    const codeLengthLengths = new Uint8Array(19);
    for (let index = 0; index < codeLengthCount; index += 1) {
      codeLengthLengths[CODE_LENGTH_ORDER[index] ?? 0] = this.bits(3);
    }
    const codeLengths = buildHuffman(codeLengthLengths);
    const lengths = new Uint8Array(literalCount + distanceCount);
    let index = 0;
    while (index < lengths.length) {
      const symbol = this.decodeSymbol(codeLengths);
      if (symbol < 16) {
        lengths[index] = symbol;
        index += 1;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (symbol === 16) {
        if (index === 0) throw new InvalidStream('repeat with no previous length');
        value = lengths[index - 1] ?? 0;
        repeat = 3 + this.bits(2);
      } else if (symbol === 17) {
        repeat = 3 + this.bits(3);
      } else {
        repeat = 11 + this.bits(7);
      }
      if (index + repeat > lengths.length) throw new InvalidStream('too many lengths');
      lengths.fill(value, index, index + repeat);
      index += repeat;
    }
    if (lengths[256] === 0) throw new InvalidStream('no end-of-block code');
    this.huffman(
      buildHuffman(lengths.subarray(0, literalCount)),
      buildHuffman(lengths.subarray(literalCount)),
    );
  }
}

/**
 * Decodes a complete zlib stream: header, deflate blocks, then exactly the 4-byte Adler-32 of
 * the output. Returns `undefined` for a bad header, a preset dictionary, any invalid or
 * truncated block, trailing bytes, a checksum mismatch or output beyond `maxBytes`. Never
 * throws.
 */
export function zlibInflate(bytes: Uint8Array, maxBytes: number): Uint8Array | undefined {
  const header = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
  // CM 8 (deflate), CINFO ≤ 7 (window ≤ 32 KiB), FCHECK, no FDICT.
  if (bytes.length < 7 || (header & 0x0f00) !== 0x0800 || header >>> 12 > 7) return undefined;
  if (header % 31 !== 0 || (header & 0x20) !== 0) return undefined;
  const inflater = new Inflater(bytes, 2, maxBytes);
  try {
    let final = 0;
    while (final === 0) {
      final = inflater.bits(1);
      const type = inflater.bits(2);
      if (type === 0) inflater.stored();
      else if (type === 1) inflater.huffman(FIXED_LITERALS, FIXED_DISTANCES);
      else if (type === 2) inflater.dynamic();
      else return undefined;
    }
  } catch {
    // InvalidStream, or anything unforeseen: the contract is "undefined, never a throw".
    return undefined;
  }
  inflater.alignToByte();
  const at = inflater.bytePosition;
  if (at + 4 !== bytes.length) return undefined;
  const output = inflater.output.subarray(0, inflater.length);
  const checksum =
    (((bytes[at] ?? 0) << 24) |
      ((bytes[at + 1] ?? 0) << 16) |
      ((bytes[at + 2] ?? 0) << 8) |
      (bytes[at + 3] ?? 0)) >>>
    0;
  return checksum === adler32(output) ? output : undefined;
}
