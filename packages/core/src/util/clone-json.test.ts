import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../spec/language-model.ts';
import { cloneJson } from './clone-json.ts';

describe('cloneJson', () => {
  it('returns what a JSON round trip returns, as a new object graph', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = cloneJson(value as JsonValue);
        expect(copy).toEqual(JSON.parse(JSON.stringify(value)));
        if (value !== null && typeof value === 'object') expect(copy).not.toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('turns -0 into 0, as JSON does (anywhere in the value)', () => {
    expect(Object.is(cloneJson(-0), 0)).toBe(true);
    const copy = cloneJson({ a: [-0], b: -0 }) as { a: number[]; b: number };
    expect(Object.is(copy.a[0], 0)).toBe(true);
    expect(Object.is(copy.b, 0)).toBe(true);
  });

  it('drops undefined properties, keeps nulls, and shares nothing with the original', () => {
    const original = { a: undefined, b: null, c: [{ d: 1 }], e: { f: 'x' } };
    const copy = cloneJson(original);
    expect(copy).toEqual({ b: null, c: [{ d: 1 }], e: { f: 'x' } });
    expect(Object.hasOwn(copy, 'a')).toBe(false);
    (copy.c as { d: number }[])[0] = { d: 2 };
    (copy.e as { f: string }).f = 'y';
    expect(original.c[0]?.d).toBe(1);
    expect(original.e.f).toBe('x');
  });

  it('copies an own "__proto__" key as data, never as the prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as JsonValue;
    const copy = cloneJson(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(copy.polluted).toBeUndefined();
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });
});
