/**
 * The signature decision is made by the shared constant-time comparison, and by nothing else.
 * `constantTimeEqual` is wrapped in a spy that calls the real function, so the signatures are
 * still made and checked by the real code.
 */
import { SignatureVerificationError } from '@imbridge/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { constantTimeEqual, rongCloudSignature } from '../signing/signature.ts';
import { FIXTURE_APP_SECRET, FIXTURE_NOW_MS, signedQuery } from './__fixtures__/webhooks.ts';
import { verifyRongCloudWebhookSignature } from './sign.ts';

vi.mock('../signing/signature.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../signing/signature.ts')>();
  return { ...actual, constantTimeEqual: vi.fn(actual.constantTimeEqual) };
});

const spy = vi.mocked(constantTimeEqual);
const options = { appSecret: FIXTURE_APP_SECRET, nowMs: FIXTURE_NOW_MS };

beforeEach(() => {
  spy.mockClear();
});

describe('verifyRongCloudWebhookSignature: comparison', () => {
  it('compares the expected and the received signature with constantTimeEqual', async () => {
    const parameters = signedQuery();
    await verifyRongCloudWebhookSignature(new URLSearchParams(parameters), options);
    const expected = rongCloudSignature(FIXTURE_APP_SECRET, '83682', String(FIXTURE_NOW_MS));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith(expected, parameters.signature);
  });

  it('compares an upper-case signature in lower case', async () => {
    const parameters = signedQuery();
    const upper = { ...parameters, signature: (parameters.signature ?? '').toUpperCase() };
    await verifyRongCloudWebhookSignature(new URLSearchParams(upper), options);
    expect(spy).toHaveBeenCalledWith(expect.any(String), parameters.signature);
  });

  it('takes its verdict from constantTimeEqual: a false there rejects a valid signature', async () => {
    spy.mockReturnValueOnce(false);
    const error = await verifyRongCloudWebhookSignature(
      new URLSearchParams(signedQuery()),
      options,
    ).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('mismatch');
  });

  it('uses it for a forged signature too', async () => {
    const forged = signedQuery({ appSecret: 'guessed' });
    await expect(
      verifyRongCloudWebhookSignature(new URLSearchParams(forged), options),
    ).rejects.toThrow(SignatureVerificationError);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.results[0]?.value).toBe(false);
  });
});
