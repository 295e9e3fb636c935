import { SignatureVerificationError, ValidationError } from '@imbridge/core';
import { describe, expect, it } from 'vitest';
import {
  FIXTURE_APP_SECRET,
  FIXTURE_NOW_MS,
  privateTextMessage,
  signedQuery,
  webhookRequest,
} from './__fixtures__/webhooks.ts';
import { parseRongCloudWebhook } from './parse.ts';
import { rejectionReason, webhookAcknowledgement, webhookRejection } from './responses.ts';

async function rejectionOf(request: Request, appSecret = FIXTURE_APP_SECRET): Promise<unknown> {
  try {
    await parseRongCloudWebhook(request, { appSecret, nowMs: FIXTURE_NOW_MS });
  } catch (error) {
    return error;
  }
  throw new Error('expected parseRongCloudWebhook to reject');
}

describe('webhookAcknowledgement', () => {
  it('answers 200 with a small JSON body in the Server API success envelope', async () => {
    const response = webhookAcknowledgement();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.text()).toBe('{"code":200}');
  });
});

describe('webhookRejection', () => {
  it('answers a forged signature with 401, naming only the reason', async () => {
    const query = signedQuery({ appSecret: 'guessed' });
    const error = await rejectionOf(webhookRequest({ body: privateTextMessage, query }));
    const response = webhookRejection(error);
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ code: 401, errorMessage: 'signature rejected: mismatch' });
    for (const secret of [query.signature ?? '', FIXTURE_APP_SECRET, 'guessed', 'user_alice']) {
      expect(text).not.toContain(secret);
    }
  });

  it.each([
    ['missing', 401],
    ['malformed', 401],
    ['expired', 401],
  ] as const)('answers a %s signature with %i', (reason, status) => {
    const error = new SignatureVerificationError({ reason, message: reason });
    expect(webhookRejection(error).status).toBe(status);
  });

  it('answers an invalid payload with 400 and no body content', async () => {
    const body = {
      ...privateTextMessage,
      data: { ...privateTextMessage.data, content: 'user_alice{' },
    };
    const error = await rejectionOf(webhookRequest({ body, query: signedQuery() }));
    const response = webhookRejection(error);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      code: 400,
      errorMessage: 'invalid request: invalid-payload',
    });
    expect(text).not.toContain('user_alice');
  });

  it.each([
    ['invalid-json', 400],
    ['json-too-deep', 400],
    ['invalid-encoding', 400],
    ['body-unreadable', 400],
    ['missing-event-type', 400],
    ['body-too-large', 413],
    ['invalid-option', 500],
    ['secret-resolver-failed', 500],
  ])('answers a ValidationError %s with %i', (code, status) => {
    const response = webhookRejection(new ValidationError({ code, message: code }));
    expect(response.status).toBe(status);
  });

  it('answers any other error with 500 and a generic message', async () => {
    const response = webhookRejection(new Error(`secret ${FIXTURE_APP_SECRET} leaked`));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ code: 500, errorMessage: 'internal error' });
  });
});

describe('rejectionReason', () => {
  it('names the signature reason, the validation code, or an unexpected error', () => {
    expect(
      rejectionReason(new SignatureVerificationError({ reason: 'expired', message: 'x' })),
    ).toBe('signature-expired');
    expect(rejectionReason(new ValidationError({ code: 'json-too-deep', message: 'x' }))).toBe(
      'json-too-deep',
    );
    expect(rejectionReason(new TypeError('boom'))).toBe('unexpected-error');
    expect(rejectionReason('a string')).toBe('unexpected-error');
  });
});
