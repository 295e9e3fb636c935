import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCallbackSign, computeCallbackSign, verifyCallbackSign } from './sign.ts';

const OFFICIAL = {
  token: 'xxxxyyyy',
  requestTime: '1669872112',
  sign: '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
};
const COMPUTED = {
  token: 'mytoken',
  requestTime: '1700000000',
  sign: '72caf68fb3e52f224089e013c820014df8fc47dc62eb61acd7d2b0f49b32cb77',
};

/** Changes one hex digit of a signature. */
function flipDigit(sign: string, index: number): string {
  const digit = sign[index] === '0' ? '1' : '0';
  return `${sign.slice(0, index)}${digit}${sign.slice(index + 1)}`;
}

describe('computeCallbackSign', () => {
  it('matches the official vector (xxxxyyyy, 1669872112)', async () => {
    expect(await computeCallbackSign(OFFICIAL.token, OFFICIAL.requestTime)).toBe(OFFICIAL.sign);
  });

  it('matches the computed vector (mytoken, 1700000000)', async () => {
    expect(await computeCallbackSign(COMPUTED.token, COMPUTED.requestTime)).toBe(COMPUTED.sign);
  });

  it('accepts RequestTime as a number', async () => {
    expect(await computeCallbackSign(OFFICIAL.token, 1669872112)).toBe(OFFICIAL.sign);
  });

  it('hashes the UTF-8 bytes of a non-ASCII token', async () => {
    const expected = await crypto.subtle.digest(
      'SHA-256',
      new Uint8Array(Buffer.from('令牌1700000000', 'utf8')),
    );
    expect(await computeCallbackSign('令牌', 1700000000)).toBe(
      Buffer.from(expected).toString('hex'),
    );
  });
});

describe('verifyCallbackSign', () => {
  const now = Number(OFFICIAL.requestTime);

  it('accepts the official vector at its own time', async () => {
    expect(await verifyCallbackSign({ ...OFFICIAL, nowSeconds: now })).toBe(true);
  });

  it('accepts the computed vector', async () => {
    expect(await verifyCallbackSign({ ...COMPUTED, nowSeconds: 1700000000 })).toBe(true);
  });

  it('accepts an upper-case signature', async () => {
    expect(
      await verifyCallbackSign({ ...OFFICIAL, sign: OFFICIAL.sign.toUpperCase(), nowSeconds: now }),
    ).toBe(true);
  });

  it('accepts a RequestTime exactly 60 s old or 60 s ahead', async () => {
    expect(await verifyCallbackSign({ ...OFFICIAL, nowSeconds: now + 60 })).toBe(true);
    expect(await verifyCallbackSign({ ...OFFICIAL, nowSeconds: now - 60 })).toBe(true);
  });

  it('rejects a RequestTime 61 s old or 61 s ahead', async () => {
    expect(await verifyCallbackSign({ ...OFFICIAL, nowSeconds: now + 61 })).toBe(false);
    expect(await verifyCallbackSign({ ...OFFICIAL, nowSeconds: now - 61 })).toBe(false);
  });

  it('honours a custom tolerance', async () => {
    expect(
      await verifyCallbackSign({ ...OFFICIAL, nowSeconds: now + 300, toleranceSeconds: 300 }),
    ).toBe(true);
    expect(
      await verifyCallbackSign({ ...OFFICIAL, nowSeconds: now + 5, toleranceSeconds: 4 }),
    ).toBe(false);
  });

  it('uses the current clock when nowSeconds is not given', async () => {
    const requestTime = Math.floor(Date.now() / 1000);
    const sign = await computeCallbackSign('clock', requestTime);
    expect(await verifyCallbackSign({ token: 'clock', requestTime, sign })).toBe(true);
    expect(await verifyCallbackSign({ ...OFFICIAL })).toBe(false);
  });

  it('rejects a signature with one digit changed', async () => {
    for (const index of [0, 31, 63]) {
      expect(
        await verifyCallbackSign({
          ...OFFICIAL,
          sign: flipDigit(OFFICIAL.sign, index),
          nowSeconds: now,
        }),
      ).toBe(false);
    }
  });

  it('rejects the right signature under another token', async () => {
    expect(await verifyCallbackSign({ ...OFFICIAL, token: 'xxxxyyyz', nowSeconds: now })).toBe(
      false,
    );
  });

  it.each([
    ['too short', OFFICIAL.sign.slice(0, 63)],
    ['too long', `${OFFICIAL.sign}0`],
    ['not hex', `${OFFICIAL.sign.slice(0, 63)}g`],
    ['empty', ''],
  ])('rejects a signature that is %s', async (_name, sign) => {
    expect(await verifyCallbackSign({ ...OFFICIAL, sign, nowSeconds: now })).toBe(false);
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['empty', ''],
    ['not a number', 'abc'],
    ['fractional', '1669872112.0'],
    ['negative', '-1669872112'],
    ['padded', ' 1669872112'],
    ['a non-integer number', 1669872112.5],
    ['NaN', Number.NaN],
  ])('rejects a RequestTime that is %s', async (_name, requestTime) => {
    expect(await verifyCallbackSign({ ...OFFICIAL, requestTime, nowSeconds: now })).toBe(false);
  });

  it('accepts any token and time it signed, and rejects any other signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary' }),
        fc.integer({ min: 0, max: 4102444800 }),
        fc.integer({ min: -60, max: 60 }),
        fc.integer({ min: 0, max: 63 }),
        async (token, requestTime, skew, index) => {
          const sign = await computeCallbackSign(token, requestTime);
          const nowSeconds = requestTime + skew;
          expect(await verifyCallbackSign({ token, requestTime, sign, nowSeconds })).toBe(true);
          expect(
            await verifyCallbackSign({
              token,
              requestTime,
              sign: flipDigit(sign, index),
              nowSeconds,
            }),
          ).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('checkCallbackSign', () => {
  const now = Number(OFFICIAL.requestTime);

  it('reports a valid signature', async () => {
    expect(await checkCallbackSign({ ...OFFICIAL, nowSeconds: now })).toEqual({ valid: true });
  });

  it('reports missing, malformed, expired and mismatch reasons', async () => {
    expect(await checkCallbackSign({ ...OFFICIAL, sign: undefined, nowSeconds: now })).toEqual({
      valid: false,
      reason: 'missing',
    });
    expect(await checkCallbackSign({ ...OFFICIAL, requestTime: null, nowSeconds: now })).toEqual({
      valid: false,
      reason: 'missing',
    });
    expect(await checkCallbackSign({ ...OFFICIAL, requestTime: 'soon', nowSeconds: now })).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(await checkCallbackSign({ ...OFFICIAL, nowSeconds: now + 3600 })).toEqual({
      valid: false,
      reason: 'expired',
    });
    expect(await checkCallbackSign({ ...OFFICIAL, token: 'other', nowSeconds: now })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });
});
