import { SignatureVerificationError, ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PUBLISHED_VECTORS } from './__fixtures__/webhooks.ts';
import { computeTrtcWebhookSignature, verifyTrtcWebhook } from './sign.ts';

const [vector] = PUBLISHED_VECTORS;
const encoder = new TextEncoder();

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function reasonOf(
  body: string | Uint8Array,
  signature: string | null | undefined,
  callbackKey: string = vector.key,
): Promise<string | undefined> {
  const error = await errorOf(() => verifyTrtcWebhook(body, signature, { callbackKey }));
  if (!SignatureVerificationError.isInstance(error)) throw error;
  return error.reason;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('computeTrtcWebhookSignature', () => {
  it.each(PUBLISHED_VECTORS)('reproduces the published vector: $name', async (published) => {
    const sign = await computeTrtcWebhookSignature(published.body, { callbackKey: published.key });
    expect(sign).toBe(published.sign);
  });

  it('signs bytes and their UTF-8 text alike', async () => {
    const text = '{"EventGroupId":9,"Text":"你好"}';
    expect(await computeTrtcWebhookSignature(encoder.encode(text), { callbackKey: 'k1' })).toBe(
      await computeTrtcWebhookSignature(text, { callbackKey: 'k1' }),
    );
  });

  it('takes the key from an async resolver', async () => {
    const sign = await computeTrtcWebhookSignature(vector.body, {
      callbackKey: async () => vector.key,
    });
    expect(sign).toBe(vector.sign);
  });
});

describe('verifyTrtcWebhook', () => {
  it.each(PUBLISHED_VECTORS)('accepts the published vector as text: $name', async (published) => {
    await expect(
      verifyTrtcWebhook(published.body, published.sign, { callbackKey: published.key }),
    ).resolves.toBeUndefined();
  });

  it.each(PUBLISHED_VECTORS)('accepts the published vector as bytes: $name', async (published) => {
    await expect(
      verifyTrtcWebhook(encoder.encode(published.body), published.sign, {
        callbackKey: published.key,
      }),
    ).resolves.toBeUndefined();
  });

  it('accepts bytes that are a view into a larger buffer', async () => {
    const bytes = encoder.encode(`xx${vector.body}yy`);
    const view = bytes.subarray(2, bytes.length - 2);
    await expect(
      verifyTrtcWebhook(view, vector.sign, { callbackKey: vector.key }),
    ).resolves.toBeUndefined();
  });

  it('accepts a header with surrounding whitespace', async () => {
    await expect(
      verifyTrtcWebhook(vector.body, ` ${vector.sign}\t`, { callbackKey: vector.key }),
    ).resolves.toBeUndefined();
  });

  it('rejects the vector body with literal backslashes instead of newlines and tabs', async () => {
    const literal = vector.body.replaceAll('\n', '\\n').replaceAll('\t', '\\t');
    expect(await reasonOf(literal, vector.sign)).toBe('mismatch');
  });

  it('rejects a tampered body as a mismatch', async () => {
    expect(await reasonOf(vector.body.replace('8489', '8488'), vector.sign)).toBe('mismatch');
    expect(await reasonOf(`${vector.body}\n`, vector.sign)).toBe('mismatch');
  });

  it('rejects the right body under a wrong key as a mismatch', async () => {
    expect(await reasonOf(vector.body, vector.sign, '123655')).toBe('mismatch');
  });

  it('rejects a signature of another body as a mismatch', async () => {
    expect(await reasonOf(vector.body, PUBLISHED_VECTORS[1].sign)).toBe('mismatch');
  });

  it.each([
    ['an empty header', ''],
    ['a blank header', '   '],
    ['null', null],
    ['undefined', undefined],
  ])('rejects %s as missing', async (_name, signature) => {
    expect(await reasonOf(vector.body, signature)).toBe('missing');
  });

  it.each([
    ['hex', Buffer.from(vector.sign, 'base64').toString('hex')],
    ['base64url', vector.sign.replace('/', '_')],
    ['no padding', vector.sign.slice(0, -1)],
    ['a truncated signature', vector.sign.slice(0, 40)],
    ['a longer signature', `AAAA${vector.sign}`],
    ['text', 'not a signature'],
  ])('rejects %s as malformed', async (_name, signature) => {
    expect(await reasonOf(vector.body, signature)).toBe('malformed');
  });

  it('checks the key before the signature: a missing key is an invalid option', async () => {
    const error = await errorOf(() =>
      verifyTrtcWebhook(vector.body, '', { callbackKey: undefined as unknown as string }),
    );
    expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
    expect((error as Error).message).toContain('TRTC_CALLBACK_KEY');
  });

  it('rejects a resolver that returns an empty key as an invalid option', async () => {
    const error = await errorOf(() =>
      verifyTrtcWebhook(vector.body, vector.sign, { callbackKey: () => '' }),
    );
    expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
  });

  it('does not call the key resolver for a missing or malformed signature', async () => {
    const resolver = vi.fn(() => vector.key);
    await errorOf(() => verifyTrtcWebhook(vector.body, '', { callbackKey: resolver }));
    await errorOf(() => verifyTrtcWebhook(vector.body, 'abc', { callbackKey: resolver }));
    expect(resolver).not.toHaveBeenCalled();
  });

  it('reports a resolver that throws as secret-resolver-failed, dropping its error', async () => {
    const error = await errorOf(() =>
      verifyTrtcWebhook(vector.body, vector.sign, {
        callbackKey: () => {
          throw new Error('vault says 123654');
        },
      }),
    );
    expect(ValidationError.isInstance(error) && error.code).toBe('secret-resolver-failed');
    expect((error as Error).message).not.toContain('123654');
  });
});

describe('verifyTrtcWebhook: comparison', () => {
  it("takes its verdict from Web Crypto's constant-time HMAC verify, with the decoded signature", async () => {
    const verify = vi.spyOn(crypto.subtle, 'verify');
    const sign = vi.spyOn(crypto.subtle, 'sign');
    await verifyTrtcWebhook(vector.body, vector.sign, { callbackKey: vector.key });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(sign).not.toHaveBeenCalled();
    const [algorithm, , signature, body] = verify.mock.calls[0] ?? [];
    expect(algorithm).toBe('HMAC');
    expect(Buffer.from(signature as Uint8Array).toString('base64')).toBe(vector.sign);
    expect(new TextDecoder().decode(body as Uint8Array)).toBe(vector.body);
  });

  it('rejects a valid signature when verify says false', async () => {
    vi.spyOn(crypto.subtle, 'verify').mockResolvedValueOnce(false);
    expect(await reasonOf(vector.body, vector.sign)).toBe('mismatch');
  });
});
