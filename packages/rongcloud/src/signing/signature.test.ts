import { createHash } from 'node:crypto';
import { ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  RONGCLOUD_MAX_NONCE_LENGTH,
  rongCloudSignature,
  signRongCloudRequest,
} from './signature.ts';

const PUBLISHED = {
  appSecret: 'Y1W2MeFwwwRxa0',
  nonce: '14314',
  timestamp: '1408710653000',
  signature: '30be0bbca9c9b2e27578701e9fda2358a814c88f',
};

function nodeSignature(appSecret: string, nonce: string, timestamp: string | number): string {
  return createHash('sha1').update(`${appSecret}${nonce}${timestamp}`, 'utf8').digest('hex');
}

describe('rongCloudSignature', () => {
  it('matches the published RongCloud example', () => {
    expect(rongCloudSignature(PUBLISHED.appSecret, PUBLISHED.nonce, PUBLISHED.timestamp)).toBe(
      PUBLISHED.signature,
    );
  });

  it('signs a number timestamp like its decimal string', () => {
    expect(rongCloudSignature(PUBLISHED.appSecret, PUBLISHED.nonce, 1408710653000)).toBe(
      PUBLISHED.signature,
    );
  });

  it('agrees with node:crypto sha1 over UTF-8 for arbitrary secrets, nonces and timestamps', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.string({ maxLength: 18 }),
        fc.oneof(fc.nat(), fc.string({ maxLength: 13 })),
        (appSecret, nonce, timestamp) => {
          expect(rongCloudSignature(appSecret, nonce, timestamp)).toBe(
            nodeSignature(appSecret, nonce, timestamp),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('constantTimeEqual', () => {
  it('is true for equal strings and false for any difference in content or length', () => {
    expect(constantTimeEqual(PUBLISHED.signature, PUBLISHED.signature)).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual(PUBLISHED.signature, `${PUBLISHED.signature.slice(0, -1)}0`)).toBe(
      false,
    );
    expect(constantTimeEqual(PUBLISHED.signature, PUBLISHED.signature.slice(0, -1))).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });

  it('agrees with === on arbitrary pairs', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });
});

describe('signRongCloudRequest', () => {
  it('signs the given nonce and timestamp into the four standard headers', () => {
    const signed = signRongCloudRequest({
      appKey: 'key',
      appSecret: PUBLISHED.appSecret,
      nonce: PUBLISHED.nonce,
      timestamp: Number(PUBLISHED.timestamp),
    });
    expect(signed).toEqual({
      nonce: PUBLISHED.nonce,
      timestamp: PUBLISHED.timestamp,
      signature: PUBLISHED.signature,
      headers: {
        'App-Key': 'key',
        Nonce: PUBLISHED.nonce,
        Timestamp: PUBLISHED.timestamp,
        Signature: PUBLISHED.signature,
      },
    });
  });

  it('produces the RC- prefixed spellings on request', () => {
    const signed = signRongCloudRequest({
      appKey: 'key',
      appSecret: PUBLISHED.appSecret,
      nonce: PUBLISHED.nonce,
      timestamp: PUBLISHED.timestamp,
      headerStyle: 'rc-prefixed',
    });
    expect(signed.headers).toEqual({
      'RC-App-Key': 'key',
      'RC-Nonce': PUBLISHED.nonce,
      'RC-Timestamp': PUBLISHED.timestamp,
      'RC-Signature': PUBLISHED.signature,
    });
  });

  it('defaults to a fresh random nonce of at most 18 digits and a millisecond timestamp', () => {
    const before = Date.now();
    const first = signRongCloudRequest({ appKey: 'key', appSecret: 'secret' });
    const second = signRongCloudRequest({ appKey: 'key', appSecret: 'secret' });
    const after = Date.now();
    for (const signed of [first, second]) {
      expect(signed.nonce).toMatch(/^\d{1,18}$/);
      expect(signed.nonce.length).toBeLessThanOrEqual(RONGCLOUD_MAX_NONCE_LENGTH);
      expect(Number(signed.timestamp)).toBeGreaterThanOrEqual(before);
      expect(Number(signed.timestamp)).toBeLessThanOrEqual(after);
      expect(signed.signature).toBe(nodeSignature('secret', signed.nonce, signed.timestamp));
      expect(signed.headers.Signature).toBe(signed.signature);
    }
    expect(first.nonce).not.toBe(second.nonce);
  });

  it.each([
    ['an empty appKey', { appKey: '', appSecret: 's' }, 'appKey'],
    ['an empty appSecret', { appKey: 'k', appSecret: '' }, 'appSecret'],
    [
      'a 19-character nonce',
      { appKey: 'k', appSecret: 's', nonce: '1234567890123456789' },
      'nonce',
    ],
    ['an empty nonce', { appKey: 'k', appSecret: 's', nonce: '' }, 'nonce'],
    ['a fractional timestamp', { appKey: 'k', appSecret: 's', timestamp: 1.5 }, 'timestamp'],
    ['a negative timestamp', { appKey: 'k', appSecret: 's', timestamp: -1 }, 'timestamp'],
    ['a non-numeric timestamp', { appKey: 'k', appSecret: 's', timestamp: '12a' }, 'timestamp'],
  ])('rejects %s with a ValidationError naming the option', (_label, options, name) => {
    let thrown: unknown;
    try {
      signRongCloudRequest(options);
    } catch (error) {
      thrown = error;
    }
    expect(ValidationError.isInstance(thrown)).toBe(true);
    expect((thrown as ValidationError).code).toBe('invalid-option');
    expect((thrown as ValidationError).message).toContain(`signRongCloudRequest: ${name}`);
  });

  it('never shows the App Secret in its errors', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 8, maxLength: 40 }).filter((s) => s.trim().length >= 8),
        (appSecret) => {
          try {
            signRongCloudRequest({ appKey: 'k', appSecret, nonce: '1234567890123456789' });
            expect.unreachable();
          } catch (error) {
            expect((error as Error).message).not.toContain(appSecret);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
