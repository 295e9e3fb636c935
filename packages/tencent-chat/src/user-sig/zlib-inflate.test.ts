import { constants, deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zlibDeflate } from './zlib-deflate.ts';
import { zlibInflate } from './zlib-inflate.ts';

const CAP = 1 << 20;

/** Byte arrays that compress in different ways: random, low-entropy, repeated text. */
const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.uint8Array({ min: 0, max: 3, maxLength: 5000 }),
  fc.string().map((text) => new TextEncoder().encode(text.repeat(20))),
);

const strategies = fc.constantFrom(
  constants.Z_DEFAULT_STRATEGY,
  constants.Z_FILTERED,
  constants.Z_HUFFMAN_ONLY,
  constants.Z_RLE,
  constants.Z_FIXED,
);

function nodeInflate(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(inflateSync(bytes));
  } catch {
    return undefined;
  }
}

const sample = deflateSync(Buffer.from(`{"TLS.ver":"2.0","pad":"${'abc'.repeat(50)}"}`), {
  level: 9,
});

describe('zlibInflate', () => {
  it('inflates node:zlib streams of every level and strategy back to the input', () => {
    fc.assert(
      fc.property(
        inputs,
        fc.integer({ min: 0, max: 9 }),
        strategies,
        fc.integer({ min: 9, max: 15 }),
        (bytes, level, strategy, windowBits) => {
          const stream = deflateSync(bytes, { level, strategy, windowBits });
          expect(zlibInflate(stream, CAP)).toEqual(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('inflates what zlibDeflate writes', () => {
    fc.assert(
      fc.property(inputs, (bytes) => {
        expect(zlibInflate(zlibDeflate(bytes), CAP)).toEqual(bytes);
      }),
    );
  });

  it('inflates stored blocks longer than one block (more than 65,535 bytes)', () => {
    const bytes = new Uint8Array(150_000).map((_, index) => (index * 31) & 0xff);
    const output = zlibInflate(deflateSync(bytes, { level: 0 }), 200_000);
    // Buffer.compare: toEqual walks 150,000 elements one by one.
    expect(output && Buffer.compare(output, bytes)).toBe(0);
  });

  it('returns exactly maxBytes bytes, and undefined for one byte more', () => {
    const bytes = new Uint8Array(1000).fill(7);
    const stream = deflateSync(bytes);
    expect(zlibInflate(stream, 1000)).toEqual(bytes);
    expect(zlibInflate(stream, 999)).toBeUndefined();
  });

  it.each<[string, Uint8Array]>([
    ['a stream shorter than header + checksum', sample.subarray(0, 6)],
    ['a method other than deflate', Uint8Array.from([0x79, ...sample.subarray(1)])],
    ['a header failing its check bits', Uint8Array.from([0x78, 0x9d, ...sample.subarray(2)])],
    ['a preset dictionary', deflateSync(Buffer.from('abc'), { dictionary: Buffer.from('abc') })],
    ['a missing checksum', sample.subarray(0, sample.length - 4)],
    ['a wrong checksum', Uint8Array.from([...sample.subarray(0, -1), (sample.at(-1) ?? 0) ^ 1])],
    ['trailing bytes', Uint8Array.from([...sample, 0])],
    // BFINAL 1, BTYPE 11 (reserved).
    ['a reserved block type', Uint8Array.from([0x78, 0x9c, 0x07, 0, 0, 0, 0, 0])],
    // A stored block whose NLEN is not the complement of LEN.
    ['a bad stored length', Uint8Array.from([0x78, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x61])],
  ])('rejects %s', (_label, bytes) => {
    expect(zlibInflate(bytes, CAP)).toBeUndefined();
  });

  it('rejects every truncation of a valid stream', () => {
    for (let length = 0; length < sample.length; length += 1) {
      expect(zlibInflate(sample.subarray(0, length), CAP)).toBeUndefined();
    }
  });

  it('never throws, and whatever it accepts node:zlib decodes to the same bytes', () => {
    const corrupted = fc
      .tuple(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 9 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
      )
      .map(([bytes, level, flips]) => {
        const stream = Uint8Array.from(deflateSync(bytes, { level }));
        for (const [at, mask] of flips) {
          const index = 2 + (at % (stream.length - 2));
          stream[index] = (stream[index] ?? 0) ^ mask;
        }
        return stream;
      });
    fc.assert(
      fc.property(fc.oneof(corrupted, fc.uint8Array({ maxLength: 300 })), (stream) => {
        const ours = zlibInflate(stream, CAP);
        if (ours !== undefined) expect(ours).toEqual(nodeInflate(stream));
      }),
      { numRuns: 1000 },
    );
  });
});
