import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCutIndex, utf8ByteLength } from './text-split.ts';

const encoder = new TextEncoder();

describe('utf8ByteLength', () => {
  it('matches TextEncoder for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8ByteLength(text)).toBe(encoder.encode(text).length);
      }),
    );
  });

  it('counts ASCII, CJK and emoji', () => {
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('你好')).toBe(6);
    expect(utf8ByteLength('😀')).toBe(4);
  });
});

describe('findCutIndex', () => {
  it('returns a head that fits, never splits a surrogate pair, and always makes progress', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 1, max: 80 }),
        (text, maxBytes) => {
          fc.pre(text.length > 0);
          const cut = findCutIndex(text, maxBytes);
          expect(cut).toBeGreaterThanOrEqual(1);
          expect(cut).toBeLessThanOrEqual(text.length);
          const head = text.slice(0, cut);
          const last = head.charCodeAt(head.length - 1);
          expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
          // Fits, unless the first character alone is wider than the budget.
          if (utf8ByteLength(text.slice(0, text.codePointAt(0)! > 0xffff ? 2 : 1)) <= maxBytes) {
            expect(encoder.encode(head).length).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
    );
  });

  it('prefers a line break, then a space or CJK punctuation, near the end', () => {
    expect(findCutIndex('first line goes\nsecond', 18)).toBe(16);
    // A break far from the limit is not used: messages stay near full size.
    expect(findCutIndex('first\nsecond line goes on', 20)).toBe(18);
    expect(findCutIndex('alpha beta gamma delta', 13)).toBe(11);
    expect(findCutIndex('你好世界。今天天气很好', 18)).toBe(5);
    expect(findCutIndex('abcdefghij', 4)).toBe(4);
  });

  it('returns the whole length when the text fits', () => {
    expect(findCutIndex('short', 100)).toBe(5);
  });
});
