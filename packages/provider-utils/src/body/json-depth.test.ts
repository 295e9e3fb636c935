import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_JSON_DEPTH, jsonNestingDepth } from './json-depth.ts';
import { parseJsonText } from './read-body.ts';

/** The nesting depth of a parsed value, the obvious recursive way (for small values only). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  let deepest = 0;
  for (const child of children) deepest = Math.max(deepest, depthOf(child));
  return 1 + deepest;
}

/** `depth` nested arrays around `0`, built as text. */
function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}0${']'.repeat(depth)}`;
}

/** Strings made of the characters a naive scanner would miscount. */
const trickyString = fc.string({
  unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', "'", ':', ',', 'a', ' ', '\n'),
  maxLength: 40,
});

/** JSON values whose strings are full of brackets, quotes and backslashes. */
const trickyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    trickyString,
    fc.integer(),
    fc.constantFrom(null, true, false),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('jsonNestingDepth', () => {
  it('counts arrays and objects: 0 for a scalar, 1 for [] and {}, one more per level', () => {
    expect(jsonNestingDepth('42')).toBe(0);
    expect(jsonNestingDepth('"text"')).toBe(0);
    expect(jsonNestingDepth('[]')).toBe(1);
    expect(jsonNestingDepth('{"a":1}')).toBe(1);
    expect(jsonNestingDepth('[[1],{"a":{"b":[]}}]')).toBe(4);
    expect(jsonNestingDepth('[[[]],[]]')).toBe(3);
    expect(jsonNestingDepth(nestedArrays(1000))).toBe(1000);
  });

  it('does not count brackets inside strings, escaped quotes and backslashes included', () => {
    expect(jsonNestingDepth('"[[[[{{{{"')).toBe(0);
    // "\"[[" : an escaped quote does not end the string.
    expect(jsonNestingDepth(String.raw`"\"[["`)).toBe(0);
    // ["\\"] : an escaped backslash does not escape the closing quote.
    expect(jsonNestingDepth(String.raw`["\\"]`)).toBe(1);
    expect(jsonNestingDepth(String.raw`["\\\"]]]", [1]]`)).toBe(2);
    expect(jsonNestingDepth(String.raw`{"a\"{[b": ["]\\", {"c": "}"}]}`)).toBe(3);
    expect(jsonNestingDepth(String.raw`["\u005b\u007b"]`)).toBe(1);
  });

  it('stops as soon as the depth passes stopAbove', () => {
    expect(jsonNestingDepth(nestedArrays(50_000), 64)).toBe(65);
    expect(jsonNestingDepth(nestedArrays(64), 64)).toBe(64);
    expect(jsonNestingDepth('[[[', 0)).toBe(1);
  });

  it('scans 50,000 levels and unbalanced text without recursion or a throw', () => {
    expect(jsonNestingDepth(nestedArrays(50_000))).toBe(50_000);
    expect(jsonNestingDepth('{'.repeat(200_000))).toBe(200_000);
    expect(jsonNestingDepth(']]]}}}[')).toBe(0);
    expect(jsonNestingDepth('"unterminated [[[')).toBe(0);
    expect(jsonNestingDepth(JSON.stringify(['\\'.repeat(100_000), '"[{'.repeat(10_000)]))).toBe(1);
  });

  it('property: equals the depth of the parsed value, compact or indented', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 8 }), trickyJson), (value) => {
        const expected = depthOf(value);
        expect(jsonNestingDepth(JSON.stringify(value))).toBe(expected);
        expect(jsonNestingDepth(JSON.stringify(value, null, 2))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('property: a string of brackets, quotes and backslashes adds no depth wherever it sits', () => {
    fc.assert(
      fc.property(trickyString, fc.integer({ min: 0, max: 10 }), (text, levels) => {
        const quoted = JSON.stringify(text);
        expect(jsonNestingDepth(quoted)).toBe(0);
        const wrapped = `${'['.repeat(levels)}${quoted}${']'.repeat(levels)}`;
        expect(jsonNestingDepth(wrapped)).toBe(levels);
        expect(jsonNestingDepth(`{${quoted}:[${quoted}]}`)).toBe(2);
      }),
    );
  });
});

describe('parseJsonText: depth limit', () => {
  it('accepts 64 levels by default and refuses 65 as too-deep', () => {
    expect(DEFAULT_MAX_JSON_DEPTH).toBe(64);
    expect(parseJsonText(nestedArrays(64)).ok).toBe(true);
    expect(parseJsonText(nestedArrays(65))).toEqual({ ok: false, reason: 'too-deep' });
  });

  it('refuses 50,000 levels as too-deep, without a throw', () => {
    expect(parseJsonText(nestedArrays(50_000))).toEqual({ ok: false, reason: 'too-deep' });
    expect(parseJsonText(`{"a":${nestedArrays(50_000)}}`)).toEqual({
      ok: false,
      reason: 'too-deep',
    });
  });

  it('takes another maxDepth, and Infinity turns the check off', () => {
    expect(parseJsonText('[[1]]', { maxDepth: 1 })).toEqual({ ok: false, reason: 'too-deep' });
    expect(parseJsonText('[[1]]', { maxDepth: 2 })).toEqual({ ok: true, value: [[1]] });
    expect(parseJsonText('7', { maxDepth: 0 })).toEqual({ ok: true, value: 7 });
    expect(parseJsonText(nestedArrays(1000), { maxDepth: Number.POSITIVE_INFINITY }).ok).toBe(true);
  });

  it('does not mistake brackets in strings for nesting', () => {
    const text = JSON.stringify({ text: '['.repeat(500), quote: '"]]]\\"[[[' });
    expect(parseJsonText(text)).toEqual({
      ok: true,
      value: { text: '['.repeat(500), quote: '"]]]\\"[[[' },
    });
  });

  it('property: parses any value within the limit back equal, and refuses exactly the deeper ones', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue({ maxDepth: 8 }), trickyJson),
        fc.integer({ min: 0, max: 8 }),
        (value, maxDepth) => {
          const parsed = parseJsonText(JSON.stringify(value), { maxDepth });
          if (depthOf(value) > maxDepth) {
            expect(parsed).toEqual({ ok: false, reason: 'too-deep' });
          } else {
            expect(parsed).toEqual({ ok: true, value: JSON.parse(JSON.stringify(value)) });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
