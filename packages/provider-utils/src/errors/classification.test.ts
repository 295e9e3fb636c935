import { API_ERROR_KINDS, isRetryableKind } from '@imbridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  classifyStatus,
  createErrorCodeTable,
  kindForStatus,
  parseRetryAfterMs,
} from './classification.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('kindForStatus', () => {
  it.each([
    [400, 'invalid-request'],
    [401, 'auth'],
    [402, 'quota'],
    [403, 'auth'],
    [404, 'not-found'],
    [405, 'invalid-request'],
    [408, 'timeout'],
    [409, 'invalid-request'],
    [413, 'invalid-request'],
    [422, 'invalid-request'],
    [429, 'rate-limit'],
    [500, 'server'],
    [501, 'server'],
    [502, 'server'],
    [503, 'server'],
    [504, 'timeout'],
    [520, 'server'],
    [599, 'server'],
  ] as const)('maps HTTP %i to %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });
});

describe('classifyStatus', () => {
  it('gives the kind of the status and the retryability of that kind', () => {
    const answers: Array<[number, string, boolean]> = [
      [400, 'invalid-request', false],
      [401, 'auth', false],
      [402, 'quota', false],
      [404, 'not-found', false],
      [408, 'timeout', true],
      [429, 'rate-limit', true],
      [500, 'server', true],
      [503, 'server', true],
      [504, 'timeout', true],
    ];
    for (const [status, kind, retryable] of answers) {
      expect(classifyStatus(new Response(null, { status }))).toStrictEqual({ kind, retryable });
    }
  });

  it('adds retryAfterMs only when the answer carries a readable Retry-After', () => {
    expect(
      classifyStatus(new Response(null, { status: 429, headers: { 'retry-after': '2' } })),
    ).toStrictEqual({ kind: 'rate-limit', retryable: true, retryAfterMs: 2_000 });
    expect(
      classifyStatus(new Response(null, { status: 503, headers: { 'retry-after-ms': '250' } })),
    ).toStrictEqual({ kind: 'server', retryable: true, retryAfterMs: 250 });
    const unreadable = classifyStatus(
      new Response(null, { status: 429, headers: { 'retry-after': 'later' } }),
    );
    expect(unreadable).toStrictEqual({ kind: 'rate-limit', retryable: true });
    expect('retryAfterMs' in unreadable).toBe(false);
  });
});

describe('parseRetryAfterMs', () => {
  const parse = (headers: Record<string, string>): number | undefined =>
    parseRetryAfterMs(new Headers(headers));

  it('is undefined without the headers', () => {
    expect(parse({})).toBeUndefined();
    expect(parse({ 'x-other': '5' })).toBeUndefined();
  });

  it('reads Retry-After in seconds (fractions and 0 included)', () => {
    expect(parse({ 'retry-after': '3' })).toBe(3_000);
    expect(parse({ 'retry-after': '0.15' })).toBe(150);
    expect(parse({ 'retry-after': '0' })).toBe(0);
    expect(parse({ 'retry-after': '120' })).toBe(120_000);
  });

  it('reads Retry-After as an HTTP date, relative to now, and 0 for a date in the past', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-01T10:00:00Z') });
    expect(parse({ 'retry-after': 'Tue, 01 Dec 2026 10:00:30 GMT' })).toBe(30_000);
    expect(parse({ 'retry-after': 'Tue, 01 Dec 2026 09:59:00 GMT' })).toBe(0);
  });

  it('prefers retry-after-ms, and falls back to Retry-After when it is unreadable', () => {
    expect(parse({ 'retry-after-ms': '250', 'retry-after': '10' })).toBe(250);
    expect(parse({ 'retry-after-ms': '12.5' })).toBe(12.5);
    expect(parse({ 'retry-after-ms': 'soon', 'retry-after': '1' })).toBe(1_000);
    expect(parse({ 'retry-after-ms': '-5', 'retry-after': '1' })).toBe(1_000);
    expect(parse({ 'retry-after-ms': ' ', 'retry-after': '1' })).toBe(1_000);
  });

  it.each(['soon', 'tomorrow', '-1', 'Infinity', '', '   '])(
    'is undefined for the unreadable Retry-After %j',
    (value) => {
      expect(parse({ 'retry-after': value })).toBeUndefined();
    },
  );

  it('is undefined for a malformed Retry-After that is neither delay-seconds nor an HTTP date', () => {
    const malformed = [
      // V8's Date.parse reads these as dates in 2001 (which would give 0).
      'abc 1',
      'later 2',
      // Numbers, but not delay-seconds (digits): hexadecimal, exponent.
      '0x10',
      '1e3',
    ];
    expect(malformed.map((value) => [value, parse({ 'retry-after': value })])).toEqual(
      malformed.map((value) => [value, undefined]),
    );
  });
});

describe('createErrorCodeTable', () => {
  it('defaults retryable from isRetryableKind for every kind', () => {
    const classify = createErrorCodeTable<string>(
      API_ERROR_KINDS.map((kind) => ({ codes: [`code-${kind}`], kind })),
    );
    for (const kind of API_ERROR_KINDS) {
      expect(classify(`code-${kind}`)).toStrictEqual({ kind, retryable: isRetryableKind(kind) });
    }
    expect(classify('code-rate-limit').retryable).toBe(true);
    expect(classify('code-auth').retryable).toBe(false);
  });

  it('shares one classification between the codes of a row, with an explicit retryable and hint', () => {
    const classify = createErrorCodeTable<number>([
      { codes: [60007, 60008], kind: 'rate-limit' },
      { codes: [70009], kind: 'auth', hint: 'secretKey does not belong to this sdkAppId' },
      { codes: [80001], kind: 'server', retryable: false },
      { codes: [90001], kind: 'invalid-request', retryable: true },
    ]);
    expect(classify(60007)).toStrictEqual({ kind: 'rate-limit', retryable: true });
    expect(classify(60008)).toStrictEqual({ kind: 'rate-limit', retryable: true });
    expect(classify(70009)).toStrictEqual({
      kind: 'auth',
      retryable: false,
      hint: 'secretKey does not belong to this sdkAppId',
    });
    expect(classify(80001)).toStrictEqual({ kind: 'server', retryable: false });
    expect(classify(90001)).toStrictEqual({ kind: 'invalid-request', retryable: true });
  });

  it('classifies codes not in the table as unknown, not retryable', () => {
    const classify = createErrorCodeTable<number | string>([
      { codes: [60007], kind: 'rate-limit' },
    ]);
    expect(classify(12345)).toStrictEqual({ kind: 'unknown', retryable: false });
    // Codes are compared exactly: the string '60007' is not the number 60007.
    expect(classify('60007')).toStrictEqual({ kind: 'unknown', retryable: false });
    expect(createErrorCodeTable<number>([])(0)).toStrictEqual({
      kind: 'unknown',
      retryable: false,
    });
  });
});
