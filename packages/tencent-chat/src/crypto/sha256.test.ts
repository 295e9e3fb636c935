import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createHmacSha256Key,
  HMAC_KEY_CACHE_SIZE,
  hmacSha256,
  hmacSha256KeyForSecret,
  sha256,
} from './sha256.ts';

const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function repeated(byte: number, length: number): Uint8Array {
  return new Uint8Array(length).fill(byte);
}

describe('sha256', () => {
  // FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
  it.each([
    [
      '"abc" (one block)',
      'abc',
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    ],
    [
      'the 448-bit message (padding spills into a second block)',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      'the 896-bit message',
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    ['the empty message', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ])('hashes %s to the published digest', (_label, message, digest) => {
    expect(hex(sha256(encoder.encode(message)))).toBe(digest);
  });

  it('hashes one million "a" to the published digest', () => {
    expect(hex(sha256(repeated(0x61, 1_000_000)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with node:crypto on arbitrary messages, including subarray views', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat({ max: 3 }), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(hex(sha256(view))).toBe(createHash('sha256').update(view).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('writes into the given output and returns it', () => {
    const output = new Uint8Array(32);
    expect(sha256(encoder.encode('abc'), output)).toBe(output);
    expect(hex(output)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('hmacSha256', () => {
  const key131 = repeated(0xaa, 131);
  // RFC 4231 §4.2–4.8.
  it.each([
    [
      1,
      repeated(0x0b, 20),
      encoder.encode('Hi There'),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    [
      2,
      encoder.encode('Jefe'),
      encoder.encode('what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [
      3,
      repeated(0xaa, 20),
      repeated(0xdd, 50),
      '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    ],
    [
      4,
      fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      repeated(0xcd, 50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      5,
      repeated(0x0c, 20),
      encoder.encode('Test With Truncation'),
      // The RFC lists only the first 128 bits for this case.
      'a3b6167473100ee06e0c796c2955552b',
    ],
    [
      6,
      key131,
      encoder.encode('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      7,
      key131,
      encoder.encode(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ])('matches RFC 4231 test case %i', (_case, key, data, mac) => {
    const result = hex(hmacSha256(createHmacSha256Key(key), data));
    expect(result.slice(0, mac.length)).toBe(mac);
  });

  it('agrees with node:crypto on arbitrary keys and messages', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, message) => {
          const expected = createHmac('sha256', key).update(message).digest('hex');
          expect(hex(hmacSha256(createHmacSha256Key(key), message))).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keys a secret string by its UTF-8 bytes, like node:crypto', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
        fc.uint8Array({ maxLength: 200 }),
        (secretKey, message) => {
          const expected = createHmac('sha256', Buffer.from(secretKey, 'utf8'))
            .update(message)
            .digest('hex');
          expect(hex(hmacSha256(hmacSha256KeyForSecret(secretKey), message))).toBe(expected);
        },
      ),
    );
  });
});

describe('hmacSha256KeyForSecret', () => {
  it('reuses the prepared key of a secret seen recently', () => {
    const key = hmacSha256KeyForSecret('cache-hit');
    expect(hmacSha256KeyForSecret('cache-hit')).toBe(key);
  });

  it(`keeps at most ${HMAC_KEY_CACHE_SIZE} secrets, evicting the oldest first`, () => {
    const first = hmacSha256KeyForSecret('eviction-0');
    const second = hmacSha256KeyForSecret('eviction-1');
    for (let index = 2; index <= HMAC_KEY_CACHE_SIZE; index += 1) {
      hmacSha256KeyForSecret(`eviction-${index}`);
    }
    // One secret too many: only the oldest ('eviction-0') is gone.
    expect(hmacSha256KeyForSecret('eviction-1')).toBe(second);
    const again = hmacSha256KeyForSecret('eviction-0');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
