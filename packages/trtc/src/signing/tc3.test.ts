import { ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashingInUse, selectHashing } from '../crypto/sha256.ts';
import { derivedSigningKey } from './derived-key.ts';
import { type SignTC3RequestOptions, signTc3Request, tc3Date } from './tc3.ts';

// Reference §1.6.
const V1_BODY =
  '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const CVM: SignTC3RequestOptions = {
  secretId: 'AKID**********************0123456789EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  action: 'DescribeInstances',
  version: '2017-03-12',
  region: 'ap-guangzhou',
  timestampSeconds: 1_551_113_065,
  payload: V1_BODY,
  contentType: 'application/json; charset=utf-8',
};
const NODE_SDK: SignTC3RequestOptions = {
  secretId: 'test-secret-id',
  secretKey: 'test-secret-key',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  action: 'DescribeInstances',
  version: '2017-03-12',
  timestampSeconds: 1_640_995_200,
  payload: '{"Action":"DescribeInstances","Version":"2017-03-12"}',
};
const TRTC: SignTC3RequestOptions = {
  secretId: 'AKIDEXAMPLE',
  secretKey: 'EXAMPLEKEY',
  service: 'trtc',
  host: 'trtc.tencentcloudapi.com',
  action: 'StopAIConversation',
  version: '2019-07-22',
  timestampSeconds: 1_700_000_000,
  payload: '{"TaskId":"task-123"}',
};
const BOUNDARY = '--------------------------613711929803404244049248';

function signatureOf(options: SignTC3RequestOptions): string {
  return signTc3Request(options).signature;
}

describe.each(['native', 'portable'] as const)('signTc3Request (%s hashing)', (hashing) => {
  beforeAll(() => selectHashing(hashing));
  afterAll(() => selectHashing('native'));

  it('uses the hashing it was given', () => {
    expect(hashingInUse()).toBe(hashing);
  });

  it('V1: matches the official documentation example byte for byte', () => {
    expect(V1_BODY).toHaveLength(86);
    const signed = signTc3Request(CVM);
    expect(signed.signature).toBe(
      '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
    expect(signed.credentialScope).toBe('2019-02-25/cvm/tc3_request');
  });

  it('V2: matches the older Chinese documentation with the masked key taken literally', () => {
    expect(signatureOf({ ...CVM, secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******' })).toBe(
      '2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });

  it('V3: matches the current Chinese documentation that also signs x-tc-action', () => {
    const signed = signTc3Request({
      ...CVM,
      secretId: `AKID${'*'.repeat(32)}`,
      secretKey: '*'.repeat(32),
      signAction: true,
    });
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f',
    );
    expect(signatureOf({ ...CVM, signAction: true })).toBe(
      '644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26',
    );
  });

  it('V4: matches the Node SDK unit tests (POST JSON, GET, GET with an empty payload)', () => {
    expect(signTc3Request(NODE_SDK).authorization).toBe(
      'TC3-HMAC-SHA256 Credential=test-secret-id/2022-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=96473b50fe407833672a5d6d067238d88bb44c8abcc39ef83baa3132afbfadd3',
    );
    const get = {
      ...NODE_SDK,
      method: 'GET',
      contentType: 'application/x-www-form-urlencoded',
    } as const;
    expect(signatureOf(get)).toBe(
      '39ce411ac32014b7d814118b33f82d3445be566f67e1f4b369ccdc3791ce9a13',
    );
    expect(signatureOf({ ...get, payload: '' })).toBe(
      '79ca50e0cf95a92f1fdbc371ae388fd2a541db5d5f6dd4e1a9f750db8bdd80ae',
    );
  });

  it('V4: matches the Node SDK multipart vector over the exact body bytes', () => {
    const part = (name: string, extra: string, content: string) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n${extra}\r\n${content}\r\n`;
    const body = new TextEncoder().encode(
      `${part('Action', '', 'DescribeInstances')}${part('Version', '', '2017-03-12')}${part(
        'File',
        'Content-Type: application/octet-stream\r\n',
        'test file content',
      )}--${BOUNDARY}--\r\n`,
    );
    expect(
      signatureOf({
        ...NODE_SDK,
        payload: body,
        contentType: `multipart/form-data; boundary=${BOUNDARY}`,
      }),
    ).toBe('35ca4cc5b23393f8072e9f355fa26fe9504e38fa8d1b2dfc867383e0fa32c16b');
  });

  it('V5: matches the TRTC vectors (China host, x-tc-action signed, international host)', () => {
    expect(signatureOf(TRTC)).toBe(
      'e9f7ca9349da9d3f805a3cd8aab7c0386cf163868b759d2135d53fa43e276488',
    );
    expect(signatureOf({ ...TRTC, signAction: true })).toBe(
      'c52acdca970b5ad0abd204cf4456c47d0d078748533f6d90f5eff059c2f9d300',
    );
    expect(signatureOf({ ...TRTC, host: 'trtc.intl.tencentcloudapi.com' })).toBe(
      '6048b6310cf90075872fe089d3f49485d48bbc5b52d33ff77e1e6eee9fecde62',
    );
  });

  it('signs a string payload and its UTF-8 bytes alike', () => {
    const text = '{"Text":"你好, 世界"}';
    expect(signatureOf({ ...TRTC, payload: new TextEncoder().encode(text) })).toBe(
      signatureOf({ ...TRTC, payload: text }),
    );
  });

  it('returns the headers to send, with region, token and language only when given', () => {
    expect(signTc3Request(TRTC).headers).toEqual({
      Authorization: expect.stringMatching(/^TC3-HMAC-SHA256 Credential=AKIDEXAMPLE\//),
      'Content-Type': 'application/json',
      Host: 'trtc.tencentcloudapi.com',
      'X-TC-Action': 'StopAIConversation',
      'X-TC-Timestamp': '1700000000',
      'X-TC-Version': '2019-07-22',
    });
    const full = signTc3Request({
      ...TRTC,
      region: 'ap-singapore',
      sessionToken: 'temporary-token',
      language: 'en-US',
    });
    expect(full.headers['X-TC-Region']).toBe('ap-singapore');
    expect(full.headers['X-TC-Token']).toBe('temporary-token');
    expect(full.headers['X-TC-Language']).toBe('en-US');
    // The token is not signed.
    expect(full.signature).toBe(signatureOf(TRTC));
  });

  it('uses the UTC date of the timestamp, changing at midnight UTC', () => {
    expect(tc3Date(1_551_139_199)).toBe('2019-02-25');
    expect(tc3Date(1_551_139_200)).toBe('2019-02-26');
    expect(signTc3Request({ ...TRTC, timestampSeconds: 1_551_139_200 }).credentialScope).toBe(
      '2019-02-26/trtc/tc3_request',
    );
  });

  it.each([
    ['secretId', ''],
    ['secretKey', ''],
    ['host', 'trtc.tencentcloudapi.com/path'],
    ['action', 'Start\r\nX-Evil: 1'],
    ['version', '2019'],
    ['timestampSeconds', -1],
    ['timestampSeconds', 1.5],
    ['region', 'ap guangzhou'],
    ['contentType', 'application/json\nx: y'],
    ['language', 'fr-FR'],
  ])('rejects %s = %j with a ValidationError', (name, value) => {
    expect(() => signTc3Request({ ...TRTC, [name]: value })).toThrow(ValidationError);
  });

  it('never shows the secret key or session token in a validation error', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/);
    const broken = fc.constantFrom<Partial<SignTC3RequestOptions>>(
      { region: '?' },
      { host: 'a/b' },
      { timestampSeconds: -1 },
      { contentType: '\n' },
    );
    fc.assert(
      fc.property(secret, secret, broken, fc.boolean(), (key, token, change, badToken) => {
        const options = {
          ...TRTC,
          ...change,
          secretKey: key,
          sessionToken: badToken ? `${token}\r\n` : token,
        };
        const error = (() => {
          try {
            signTc3Request(options);
          } catch (caught) {
            return caught;
          }
          return undefined;
        })();
        expect(ValidationError.isInstance(error)).toBe(true);
        const text = `${(error as Error).message} ${JSON.stringify(error)}`;
        expect(text).not.toContain(key);
        expect(text).not.toContain(token);
      }),
    );
  });
});

describe('derivedSigningKey', () => {
  it('is cached for the same secret key, UTC date and service', () => {
    const first = derivedSigningKey('cache-test-key', tc3Date(1_551_139_100), 'trtc');
    expect(derivedSigningKey('cache-test-key', tc3Date(1_551_139_199), 'trtc')).toBe(first);
  });

  it('is derived anew on the next UTC day, for another service or another key', () => {
    const first = derivedSigningKey('cache-test-key', tc3Date(1_551_139_199), 'trtc');
    const nextDay = derivedSigningKey('cache-test-key', tc3Date(1_551_139_200), 'trtc');
    expect(nextDay).not.toBe(first);
    expect(nextDay).not.toEqual(first);
    expect(derivedSigningKey('cache-test-key', tc3Date(1_551_139_199), 'cvm')).not.toBe(first);
    expect(derivedSigningKey('other-key', tc3Date(1_551_139_199), 'trtc')).not.toBe(first);
  });

  it('signs the same across a cache hit and a fresh derivation', () => {
    const before = signatureOf(TRTC);
    for (let index = 0; index < 20; index += 1)
      derivedSigningKey(`evict-${index}`, '2023-11-14', 'trtc');
    expect(signatureOf(TRTC)).toBe(before);
  });
});

describe('native and portable hashing', () => {
  afterAll(() => selectHashing('native'));

  it('Node exposes node:crypto synchronously, so signatures are hashed natively by default', () => {
    selectHashing('native');
    expect(hashingInUse()).toBe('native');
  });

  it('sign every body, key and day alike (UTF-8 text, bytes, lone surrogates)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 300 })),
        fc.string({ minLength: 1, maxLength: 40 }).filter((key) => key.trim() !== ''),
        fc.integer({ min: 0, max: 4_102_444_800 }),
        (payload, secretKey, timestampSeconds) => {
          const options = { ...TRTC, payload, secretKey, timestampSeconds };
          selectHashing('native');
          const natively = signatureOf(options);
          selectHashing('portable');
          expect(signatureOf(options)).toBe(natively);
        },
      ),
      { numRuns: 200 },
    );
  });
});
