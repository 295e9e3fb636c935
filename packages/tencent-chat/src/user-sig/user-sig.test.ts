import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { deflateSync, inflateSync } from 'node:zlib';
import { ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBase64, encodeBase64, STANDARD_BASE64, USER_SIG_BASE64 } from './base64.ts';
import {
  decodePrivateMapKeyUserBuf,
  encodePrivateMapKeyUserBuf,
  genPrivateMapKey,
  genUserSig,
  TRTC_PRIVILEGES,
  verifyUserSig,
} from './user-sig.ts';
import { zlibDeflate } from './zlib-deflate.ts';

// Reference §1.6 inputs.
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const SDK_APP_ID = 1_400_000_000;
const NOW = 1_700_000_000;

const FIXTURE_NODE_A =
  'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamKlkZmqOKplYUZBaBxE1NTY3gosWZ6UpWSj5ljuYp*p7l5unBxXnF2WVhVU4uAf7Ozi5JpX7O5SbuHuUhzgZJmQXaTia2SrUAohcx8g__';
const FIXTURE_NODE_E =
  'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwsZQweKU7MSCgswUJStDiEBJZm6qkpWhuQEUQERTKwoyi1KVrEygujLTlayU0kzTg8ucIlPCg1Jzw029A4OyKspCqsIz-XO8yt1cSyuDzENdXU1cswLM8m2VagGvkyzB';
const FIXTURE_PYTHON_A =
  'eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__';

const USER_BUF_C = 'AAAHeGlhb2p1blNyTgAAACcQZkE/AAAAAP8AAAAA';
const USER_BUF_D = 'AQAHeGlhb2p1blNyTgAAAAAAZkE/AAAAAP8AAAAAAAoxMDAwMDAwMDQw';

interface TLSSigAPI {
  genUserSig(userId: string, expire: number): string;
  genPrivateMapKey(userId: string, expire: number, roomId: number, privileges: number): string;
  genPrivateMapKeyWithStringRoomID(
    userId: string,
    expire: number,
    roomId: string,
    privileges: number,
  ): string;
}
const require = createRequire(import.meta.url);
const { Api: OfficialApi } = require('tls-sig-api-v2') as {
  Api: new (sdkAppId: number, key: string) => TLSSigAPI;
};

/** Runs the official Node library with `Date.now()` frozen at `nowSeconds`. */
function official<T>(nowSeconds: number, run: () => T): T {
  vi.useFakeTimers({ now: nowSeconds * 1000, toFake: ['Date'] });
  try {
    return run();
  } finally {
    vi.useRealTimers();
  }
}

/** Independent decoder (node:zlib) used to inspect tokens. */
function inflateToken(userSig: string): string {
  const standard = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return inflateSync(Buffer.from(standard, 'base64')).toString('utf8');
}

function decodeToken(userSig: string): Record<string, unknown> {
  return JSON.parse(inflateToken(userSig)) as Record<string, unknown>;
}

/** Packs a JSON text into a UserSig with node:zlib at the given level. */
function pack(json: string, level = 6): string {
  return deflateSync(Buffer.from(json), { level })
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');
}

function packBytes(bytes: Uint8Array): string {
  return encodeBase64(bytes, USER_SIG_BASE64);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('genUserSig', () => {
  it('writes row A exactly like the official Node library (decoded JSON and TLS.sig)', async () => {
    const userSig = await genUserSig({
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'xiaojun',
      expiresInSeconds: 15_552_000,
      nowSeconds: NOW,
    });
    expect(inflateToken(userSig)).toBe(
      '{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"TLS.time":1700000000,"TLS.expire":15552000,"TLS.sig":"LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="}',
    );
    expect(userSig).toMatch(/^[A-Za-z0-9*-]+_{0,2}$/);
  });

  it.each([
    ['B', SDK_APP_ID, KEY, 'administrator', 86_400, 'yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60='],
    ['E', 1, '2', '3', 4, 'f5gSvBYdWRemW5KQRjxvTzWiOlJwFEuyR7UEE4EjP6o='],
  ] as const)('matches vector row %s', async (_row, sdkAppId, secretKey, userId, expire, sig) => {
    const userSig = await genUserSig({
      sdkAppId,
      secretKey,
      userId,
      expiresInSeconds: expire,
      nowSeconds: NOW,
    });
    expect(decodeToken(userSig)).toEqual({
      'TLS.ver': '2.0',
      'TLS.identifier': userId,
      'TLS.sdkappid': sdkAppId,
      'TLS.time': NOW,
      'TLS.expire': expire,
      'TLS.sig': sig,
    });
  });

  it('defaults to 180 days and the current time', async () => {
    vi.useFakeTimers({ now: NOW * 1000 + 999, toFake: ['Date'] });
    const userSig = await genUserSig({ sdkAppId: SDK_APP_ID, secretKey: KEY, userId: 'xiaojun' });
    vi.useRealTimers();
    const doc = decodeToken(userSig);
    expect(doc['TLS.time']).toBe(NOW);
    expect(doc['TLS.expire']).toBe(86_400 * 180);
    expect(doc['TLS.sig']).toBe('LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=');
  });

  it('signs the same TLS.sig as the tls-sig-api-v2 package', async () => {
    const theirs = official(NOW, () =>
      new OfficialApi(SDK_APP_ID, KEY).genUserSig('bot_admin-1', 3600),
    );
    const ours = await genUserSig({
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'bot_admin-1',
      expiresInSeconds: 3600,
      nowSeconds: NOW,
    });
    expect(decodeToken(ours)).toEqual(decodeToken(theirs));
  });

  it('embeds a userBuf as standard base64 and signs it', async () => {
    const userBuf = Uint8Array.from([0, 255, 254, 1, 2]);
    const userSig = await genUserSig({
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'xiaojun',
      nowSeconds: NOW,
      userBuf,
    });
    const doc = decodeToken(userSig);
    expect(doc['TLS.userbuf']).toBe('AP/+AQI=');
    const plain = decodeToken(
      await genUserSig({
        sdkAppId: SDK_APP_ID,
        secretKey: KEY,
        userId: 'xiaojun',
        nowSeconds: NOW,
      }),
    );
    expect(doc['TLS.sig']).not.toBe(plain['TLS.sig']);
  });

  it.each([
    ['sdkAppId 0', { sdkAppId: 0 }],
    ['sdkAppId 2^32', { sdkAppId: 2 ** 32 }],
    ['fractional sdkAppId', { sdkAppId: 1.5 }],
    ['empty secretKey', { secretKey: '' }],
    ['empty userId', { userId: '' }],
    ['userId of 33 bytes', { userId: 'a'.repeat(33) }],
    ['userId of 33 UTF-8 bytes', { userId: `${'a'.repeat(31)}é` }],
    ['userId with a line break', { userId: 'a\nTLS.sdkappid:1' }],
    ['expiresInSeconds 0', { expiresInSeconds: 0 }],
    ['negative expiresInSeconds', { expiresInSeconds: -1 }],
    ['fractional expiresInSeconds', { expiresInSeconds: 1.5 }],
    ['negative nowSeconds', { nowSeconds: -1 }],
    ['userBuf that is not bytes', { userBuf: [1, 2, 3] as unknown as Uint8Array }],
  ])('rejects %s with a ValidationError', async (_label, override) => {
    const options = { sdkAppId: SDK_APP_ID, secretKey: KEY, userId: 'xiaojun', ...override };
    const error: unknown = await genUserSig(options).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
  });

  it('never puts the secret key in an error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9a-f]{16,64}$/),
        fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 40)),
        fc.oneof(fc.string({ maxLength: 40 }), fc.constant('')),
        fc.oneof(fc.integer(), fc.constant(undefined)),
        async (secretKey, sdkAppId, userId, expiresInSeconds) => {
          const options = {
            sdkAppId,
            secretKey,
            userId,
            ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
          };
          const error: unknown = await genUserSig(options).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          if (error !== undefined) {
            expect(ValidationError.isInstance(error)).toBe(true);
            expect(inspect(error)).not.toContain(secretKey);
            expect(JSON.stringify(error)).not.toContain(secretKey);
          }
        },
      ),
    );
  });
});

describe('genPrivateMapKey', () => {
  it.each([
    ['C', 10_000, USER_BUF_C, 'y9Avb5xwHgIgoABbGakLaE0xs+v/dLcIPegbWfcbRLI='],
    ['D', '1000000040', USER_BUF_D, 'uupaOmIqiVUsVoCDvmakmGU86GEQBV0Ie6Q+9GFbowM='],
  ] as const)('matches vector row %s', async (_row, roomId, userBuf, sig) => {
    const privateMapKey = await genPrivateMapKey({
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'xiaojun',
      roomId,
      privileges: 255,
      expiresInSeconds: 15_552_000,
      nowSeconds: NOW,
    });
    const doc = decodeToken(privateMapKey);
    expect(doc['TLS.userbuf']).toBe(userBuf);
    expect(doc['TLS.sig']).toBe(sig);
    expect(doc['TLS.expire']).toBe(15_552_000);
    expect(doc['TLS.time']).toBe(NOW);
  });

  it('signs the same userbuf and TLS.sig as the tls-sig-api-v2 package', async () => {
    const api = new OfficialApi(SDK_APP_ID, KEY);
    const theirs = official(NOW, () =>
      api.genPrivateMapKeyWithStringRoomID('alice', 300, 'r-1', 42),
    );
    const ours = await genPrivateMapKey({
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'alice',
      roomId: 'r-1',
      privileges: 42,
      expiresInSeconds: 300,
      nowSeconds: NOW,
    });
    expect(decodeToken(ours)).toEqual(decodeToken(theirs));
  });

  it('defaults to all privileges', async () => {
    const privateMapKey = await genPrivateMapKey({
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'xiaojun',
      roomId: 10_000,
      expiresInSeconds: 15_552_000,
      nowSeconds: NOW,
    });
    expect(decodeToken(privateMapKey)['TLS.userbuf']).toBe(USER_BUF_C);
  });

  it('rejects an invalid room id with a ValidationError', async () => {
    const error: unknown = await genPrivateMapKey({
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'xiaojun',
      roomId: 0,
    }).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
  });
});

describe('verifyUserSig', () => {
  const expectedA = {
    valid: true,
    userId: 'xiaojun',
    sdkAppId: SDK_APP_ID,
    issuedAtSeconds: NOW,
    expiresInSeconds: 15_552_000,
  };

  it.each([
    ['Node library, row A', FIXTURE_NODE_A, SDK_APP_ID, KEY, expectedA],
    ['Python library, row A', FIXTURE_PYTHON_A, SDK_APP_ID, KEY, expectedA],
    [
      'Node library, row E',
      FIXTURE_NODE_E,
      1,
      '2',
      { valid: true, userId: '3', sdkAppId: 1, issuedAtSeconds: NOW, expiresInSeconds: 4 },
    ],
  ])('accepts the %s fixture', async (_label, userSig, sdkAppId, secretKey, expected) => {
    const result = await verifyUserSig({ userSig, sdkAppId, secretKey, nowSeconds: NOW + 1 });
    expect(result).toEqual(expected);
  });

  it('accepts a Go-library UserSig (zlib level 0, struct key order, trailing newline)', async () => {
    const json =
      '{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"TLS.expire":15552000,"TLS.time":1700000000,"TLS.sig":"LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="}\n';
    const userSig = pack(json, 0);
    expect(userSig.startsWith('eAE')).toBe(true);
    const result = await verifyUserSig({
      userSig,
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'xiaojun',
      nowSeconds: NOW + 1,
    });
    expect(result).toEqual(expectedA);
  });

  it('accepts UserSigs and PrivateMapKeys made by the tls-sig-api-v2 package', async () => {
    const api = new OfficialApi(SDK_APP_ID, KEY);
    const userSig = official(NOW, () => api.genUserSig('administrator', 86_400));
    const privateMapKey = official(NOW, () =>
      api.genPrivateMapKey('xiaojun', 15_552_000, 10_000, 255),
    );
    const options = { sdkAppId: SDK_APP_ID, secretKey: KEY, nowSeconds: NOW + 10 };
    expect(await verifyUserSig({ ...options, userSig, userId: 'administrator' })).toEqual({
      valid: true,
      userId: 'administrator',
      sdkAppId: SDK_APP_ID,
      issuedAtSeconds: NOW,
      expiresInSeconds: 86_400,
    });
    const result = await verifyUserSig({ ...options, userSig: privateMapKey });
    expect(result.valid).toBe(true);
    expect(result.valid && result.userBuf).toEqual(decodeBase64(USER_BUF_C, STANDARD_BASE64));
  });

  it('reports sdk-app-id-mismatch', async () => {
    const result = await verifyUserSig({
      userSig: FIXTURE_NODE_A,
      sdkAppId: SDK_APP_ID + 1,
      secretKey: KEY,
      nowSeconds: NOW,
    });
    expect(result).toEqual({ valid: false, reason: 'sdk-app-id-mismatch' });
  });

  it('reports user-id-mismatch', async () => {
    const result = await verifyUserSig({
      userSig: FIXTURE_NODE_A,
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      userId: 'xiaojun2',
      nowSeconds: NOW,
    });
    expect(result).toEqual({ valid: false, reason: 'user-id-mismatch' });
  });

  it('is valid at now = time + expire and expired one second later', async () => {
    const base = { userSig: FIXTURE_NODE_E, sdkAppId: 1, secretKey: '2', userId: '3' };
    expect((await verifyUserSig({ ...base, nowSeconds: NOW + 4 })).valid).toBe(true);
    expect(await verifyUserSig({ ...base, nowSeconds: NOW + 5 })).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('checks in the reference order: app, user, expiry, then signature', async () => {
    const base = { userSig: FIXTURE_NODE_E, secretKey: 'wrong', nowSeconds: NOW + 100 };
    expect(await verifyUserSig({ ...base, sdkAppId: 2, userId: '4' })).toMatchObject({
      reason: 'sdk-app-id-mismatch',
    });
    expect(await verifyUserSig({ ...base, sdkAppId: 1, userId: '4' })).toMatchObject({
      reason: 'user-id-mismatch',
    });
    expect(await verifyUserSig({ ...base, sdkAppId: 1, userId: '3' })).toMatchObject({
      reason: 'expired',
    });
  });

  it('reports signature-mismatch for a tampered signature', async () => {
    const doc = decodeToken(FIXTURE_NODE_A);
    doc['TLS.sig'] = 'MvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=';
    const result = await verifyUserSig({
      userSig: pack(JSON.stringify(doc)),
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      nowSeconds: NOW,
    });
    expect(result).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  it('reports signature-mismatch for tampered fields', async () => {
    const doc = decodeToken(FIXTURE_NODE_A);
    doc['TLS.expire'] = 15_552_001;
    const result = await verifyUserSig({
      userSig: pack(JSON.stringify(doc)),
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      nowSeconds: NOW,
    });
    expect(result).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  it('reports signature-mismatch for a wrong secret key', async () => {
    const result = await verifyUserSig({
      userSig: FIXTURE_NODE_A,
      sdkAppId: SDK_APP_ID,
      secretKey: `${KEY}0`,
      nowSeconds: NOW,
    });
    expect(result).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  const validJson = inflateToken(FIXTURE_NODE_A);
  const validBytes = deflateSync(Buffer.from(validJson));
  it.each<[string, unknown]>([
    ['a number', 12_345],
    ['null', null],
    ['undefined', undefined],
    ['an object', { userSig: FIXTURE_NODE_A }],
    ['an empty string', ''],
    ['characters outside the alphabet', 'eJy+/=='],
    ['an impossible base64 length', 'eJyrV'],
    ['standard base64 characters', FIXTURE_NODE_A.replace(/\*/g, '+')],
    ['base64 that is not zlib', packBytes(new TextEncoder().encode(validJson))],
    ['a stream missing its first bytes', pack(validJson).slice(4)],
    ['a truncated zlib stream', packBytes(validBytes.subarray(0, validBytes.length - 1))],
    [
      'a zlib stream without its checksum',
      packBytes(validBytes.subarray(0, validBytes.length - 4)),
    ],
    ['trailing bytes after the zlib stream', packBytes(Buffer.concat([validBytes, Buffer.of(0)]))],
    ['a corrupted checksum', packBytes(Buffer.concat([validBytes.subarray(0, -1), Buffer.of(0)]))],
    ['zlib of non-JSON', pack('TLS.identifier:xiaojun')],
    ['zlib of invalid UTF-8', packBytes(deflateSync(Buffer.of(0x7b, 0xff, 0x7d)))],
    ['JSON that is not an object', pack('[1,2,3]')],
    ['a wrong TLS.ver', pack(validJson.replace('"2.0"', '"1.0"'))],
    ['a numeric TLS.ver', pack(validJson.replace('"2.0"', '2'))],
    ['a string TLS.sdkappid', pack(validJson.replace('1400000000', '"1400000000"'))],
    ['a fractional TLS.time', pack(validJson.replace('1700000000', '1700000000.5'))],
    ['a negative TLS.expire', pack(validJson.replace('15552000', '-15552000'))],
    ['a missing TLS.sig', pack(validJson.replace(/,"TLS\.sig":"[^"]*"/, ''))],
    ['an invalid TLS.userbuf', pack(validJson.replace('{', '{"TLS.userbuf":"@@",'))],
    ['a zip bomb', pack(`{"TLS.ver":"2.0","pad":"${' '.repeat(200_000)}"}`, 9)],
    ['a huge string', 'eJy'.repeat(10_000)],
  ])('reports malformed for %s', async (_label, userSig) => {
    const result = await verifyUserSig({
      userSig,
      sdkAppId: SDK_APP_ID,
      secretKey: KEY,
      nowSeconds: NOW,
    });
    expect(result).toEqual({ valid: false, reason: 'malformed' });
  });

  it('rejects invalid verification options with a ValidationError', async () => {
    const error: unknown = await verifyUserSig({
      userSig: FIXTURE_NODE_A,
      sdkAppId: -1,
      secretKey: KEY,
    }).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(inspect(error)).not.toContain(KEY);
  });

  it('verifies what genUserSig issues, for arbitrary valid inputs', async () => {
    const userId = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 32 })
      // biome-ignore lint/suspicious/noControlCharactersInRegex: mirrors the validation rule
      .filter((value) => !/[\u0000-\u001f\u007f]/.test(value))
      .filter((value) => new TextEncoder().encode(value).length <= 32);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
        userId,
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
        async (sdkAppId, secretKey, id, expiresInSeconds, nowSeconds, userBuf) => {
          const userSig = await genUserSig({
            sdkAppId,
            secretKey,
            userId: id,
            expiresInSeconds,
            nowSeconds,
            ...(userBuf === undefined ? {} : { userBuf }),
          });
          const result = await verifyUserSig({
            userSig,
            sdkAppId,
            secretKey,
            userId: id,
            nowSeconds: nowSeconds + expiresInSeconds,
          });
          expect(result).toEqual({
            valid: true,
            userId: id,
            sdkAppId,
            issuedAtSeconds: nowSeconds,
            expiresInSeconds,
            ...(userBuf === undefined ? {} : { userBuf }),
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never throws on arbitrary input', async () => {
    const docs = fc.dictionary(
      fc.constantFrom(
        'TLS.ver',
        'TLS.identifier',
        'TLS.sdkappid',
        'TLS.time',
        'TLS.expire',
        'TLS.userbuf',
        'TLS.sig',
        'x',
      ),
      fc.jsonValue(),
    );
    const inputs = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.stringMatching(/^[A-Za-z0-9*_-]{0,200}$/),
      fc.uint8Array({ maxLength: 300 }).map(packBytes),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => packBytes(deflateSync(bytes))),
      docs.map((doc) => pack(JSON.stringify(doc))),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(inputs, async (userSig) => {
        const result = await verifyUserSig({
          userSig,
          sdkAppId: SDK_APP_ID,
          secretKey: KEY,
          nowSeconds: NOW,
        });
        if (result.valid) expect(result.sdkAppId).toBe(SDK_APP_ID);
        else expect(result.reason).toBe('malformed');
      }),
      { numRuns: 150 },
    );
  });
});

describe('encodePrivateMapKeyUserBuf', () => {
  it('writes the numeric-room layout of vector C', () => {
    const bytes = encodePrivateMapKeyUserBuf({
      userId: 'xiaojun',
      sdkAppId: SDK_APP_ID,
      roomId: 10_000,
      privileges: 255,
      expiresInSeconds: 15_552_000,
      nowSeconds: NOW,
    });
    expect(encodeBase64(bytes, STANDARD_BASE64)).toBe(USER_BUF_C);
  });

  it('writes the string-room layout of vector D', () => {
    const bytes = encodePrivateMapKeyUserBuf({
      userId: 'xiaojun',
      sdkAppId: SDK_APP_ID,
      roomId: '1000000040',
      expiresInSeconds: 15_552_000,
      nowSeconds: NOW,
    });
    expect(encodeBase64(bytes, STANDARD_BASE64)).toBe(USER_BUF_D);
  });

  it.each([
    ['room 0', { roomId: 0 }],
    ['room 2^32', { roomId: 2 ** 32 }],
    ['an empty string room', { roomId: '' }],
    ['a 65-byte string room', { roomId: 'r'.repeat(65) }],
    ['privileges 256', { privileges: 256 }],
    ['an expiry past 2^32 - 1', { nowSeconds: 2 ** 32 - 10 }],
    ['a 33-byte userId', { userId: 'u'.repeat(33) }],
  ])('rejects %s with a ValidationError', (_label, override) => {
    const options = {
      userId: 'xiaojun',
      sdkAppId: SDK_APP_ID,
      roomId: 1,
      expiresInSeconds: 300,
      nowSeconds: NOW,
      ...override,
    };
    expect(() => encodePrivateMapKeyUserBuf(options)).toThrow(ValidationError);
  });
});

describe('decodePrivateMapKeyUserBuf', () => {
  it('reads the fields of vectors C and D', () => {
    const common = {
      userId: 'xiaojun',
      sdkAppId: SDK_APP_ID,
      expiresAtSeconds: 1_715_552_000,
      privileges: 255,
      accountType: 0,
    };
    const c = decodeBase64(USER_BUF_C, STANDARD_BASE64) ?? new Uint8Array();
    const d = decodeBase64(USER_BUF_D, STANDARD_BASE64) ?? new Uint8Array();
    expect(decodePrivateMapKeyUserBuf(c)).toEqual({ ...common, version: 0, roomId: 10_000 });
    expect(decodePrivateMapKeyUserBuf(d)).toEqual({ ...common, version: 1, roomId: '1000000040' });
  });

  it('round-trips numeric and string rooms', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_@#-]{1,32}$/),
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.oneof(fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.stringMatching(/^[\w-]{1,64}$/)),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 2 ** 32 - 100_001 }),
        (userId, sdkAppId, roomId, privileges, expiresInSeconds, nowSeconds) => {
          const bytes = encodePrivateMapKeyUserBuf({
            userId,
            sdkAppId,
            roomId,
            privileges,
            expiresInSeconds,
            nowSeconds,
          });
          expect(decodePrivateMapKeyUserBuf(bytes)).toEqual({
            version: typeof roomId === 'number' ? 0 : 1,
            userId,
            sdkAppId,
            roomId,
            expiresAtSeconds: nowSeconds + expiresInSeconds,
            privileges,
            accountType: 0,
          });
        },
      ),
    );
  });

  const c = decodeBase64(USER_BUF_C, STANDARD_BASE64) ?? new Uint8Array();
  const d = decodeBase64(USER_BUF_D, STANDARD_BASE64) ?? new Uint8Array();
  it.each([
    ['an empty buffer', new Uint8Array()],
    ['a truncated numeric-room buffer', c.subarray(0, c.length - 1)],
    ['a truncated string room', d.subarray(0, d.length - 1)],
    ['trailing bytes', Uint8Array.from([...c, 0])],
    ['an unknown version', Uint8Array.from([2, ...c.subarray(1)])],
    ['an account length past the end', Uint8Array.from([0, 0xff, 0xff, ...c.subarray(3)])],
    ['an account that is not UTF-8', Uint8Array.from([0, 0, 1, 0xff, ...c.subarray(10)])],
  ])('rejects %s with a ValidationError', (_label, bytes) => {
    expect(() => decodePrivateMapKeyUserBuf(bytes)).toThrow(ValidationError);
  });
});

describe('TRTC_PRIVILEGES', () => {
  it('holds the eight permission bits, and all of them in `all`', () => {
    const { all, ...bits } = TRTC_PRIVILEGES;
    expect(Object.values(bits)).toEqual([1, 2, 4, 8, 16, 32, 64, 128]);
    expect(Object.values(bits).reduce((sum, bit) => sum | bit, 0)).toBe(all);
  });
});

describe('zlibDeflate', () => {
  it('produces zlib streams that node:zlib inflates back to the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          fc.uint8Array({ min: 0, max: 3, maxLength: 5000 }),
          fc.string().map((text) => new TextEncoder().encode(text.repeat(20))),
        ),
        (bytes) => {
          expect(new Uint8Array(inflateSync(zlibDeflate(bytes)))).toEqual(bytes);
        },
      ),
    );
  });

  it('handles long runs and the 32 KiB window', () => {
    const bytes = new Uint8Array(100_000).map((_, index) => (index * 7 + (index >> 12)) & 0xff);
    expect(new Uint8Array(inflateSync(zlibDeflate(bytes)))).toEqual(bytes);
  });
});

describe('base64', () => {
  it('round-trips arbitrary bytes in both alphabets like Buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const standard = encodeBase64(bytes, STANDARD_BASE64);
        expect(standard).toBe(Buffer.from(bytes).toString('base64'));
        expect(decodeBase64(standard, STANDARD_BASE64)).toEqual(bytes);
        expect(decodeBase64(encodeBase64(bytes, USER_SIG_BASE64), USER_SIG_BASE64)).toEqual(bytes);
      }),
    );
  });

  it.each(['A', 'AB=C', 'AB_', '@@@@'])('rejects %j', (text) => {
    expect(decodeBase64(text, USER_SIG_BASE64)).toBeUndefined();
  });
});

describe('hash exports of the user-sig entry', () => {
  it('sha256 and hmacSha256 agree with node:crypto on arbitrary input', async () => {
    const { createHash, createHmac } = await import('node:crypto');
    const { createHmacSha256Key, hmacSha256, sha256 } = await import('./user-sig.ts');
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 100 }),
        (message, key) => {
          expect(Buffer.from(sha256(message)).toString('hex')).toBe(
            createHash('sha256').update(message).digest('hex'),
          );
          expect(Buffer.from(hmacSha256(createHmacSha256Key(key), message)).toString('hex')).toBe(
            createHmac('sha256', key).update(message).digest('hex'),
          );
        },
      ),
    );
  });
});
