import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha1, sha1Hex, sha1HexOfText } from './sha1.ts';

const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('sha1', () => {
  // FIPS 180 examples (NIST CSRC "SHA1.pdf", FIPS 180-1 appendix A–C).
  it.each([
    ['"abc" (one block)', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    [
      'the 448-bit message (padding spills into a second block)',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    ],
    [
      'the 896-bit message',
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'a49b2446a02c645bf419f995b67091253a04a259',
    ],
    ['the empty message', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ])('hashes %s to the published digest', (_label, message, digest) => {
    expect(hex(sha1(encoder.encode(message)))).toBe(digest);
    expect(sha1Hex(encoder.encode(message))).toBe(digest);
  });

  it('hashes one million "a" to the published digest', () => {
    expect(sha1Hex(new Uint8Array(1_000_000).fill(0x61))).toBe(
      '34aa973cd4c4daa4f61eeb2bdbad27316534016f',
    );
  });

  it('agrees with node:crypto on arbitrary messages, including subarray views', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat({ max: 3 }), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        const expected = createHash('sha1').update(view).digest('hex');
        expect(hex(sha1(view))).toBe(expected);
        expect(sha1Hex(view)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with node:crypto at every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 130; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 31 + 7) & 0xff);
      expect(sha1Hex(bytes)).toBe(createHash('sha1').update(bytes).digest('hex'));
    }
  });

  it('writes into the given output and returns it', () => {
    const output = new Uint8Array(20);
    expect(sha1(encoder.encode('abc'), output)).toBe(output);
    expect(hex(output)).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('sha1HexOfText', () => {
  it('hashes the UTF-8 bytes of any text like node:crypto, including non-ASCII and lone surrogates', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
          fc.string({ unit: 'binary', maxLength: 100 }),
        ),
        (text) => {
          expect(sha1HexOfText(text)).toBe(createHash('sha1').update(text, 'utf8').digest('hex'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('grows its buffer for long texts and still hashes short ones after', () => {
    const long = `密钥${'x'.repeat(5_000)}`;
    expect(sha1HexOfText(long)).toBe(createHash('sha1').update(long, 'utf8').digest('hex'));
    expect(sha1HexOfText('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});
