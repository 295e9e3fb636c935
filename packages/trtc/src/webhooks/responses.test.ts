import { SignatureVerificationError, ValidationError } from '@imbridge/core';
import { describe, expect, it } from 'vitest';
import {
  AI_SERVICE_EVENTS,
  FIXTURE_CALLBACK_KEY,
  webhookRequest,
} from './__fixtures__/webhooks.ts';
import { parseTrtcWebhook } from './parse.ts';
import { rejectionReason, webhookAcknowledgement, webhookRejection } from './responses.ts';

describe('webhookAcknowledgement', () => {
  it('answers 200 with the {"code":0} body TRTC suggests', async () => {
    const response = webhookAcknowledgement();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.text()).toBe('{"code":0}');
  });
});

describe('webhookRejection', () => {
  it('answers a forged signature with 401, naming only the reason', async () => {
    const request = await webhookRequest({
      body: AI_SERVICE_EVENTS.serviceMessage,
      key: 'guessedKey1',
    });
    const sign = request.headers.get('Sign') ?? '';
    const error = await parseTrtcWebhook(request, { callbackKey: FIXTURE_CALLBACK_KEY }).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    const response = webhookRejection(error);
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ code: 401, errorMessage: 'signature rejected: mismatch' });
    for (const secret of [sign, FIXTURE_CALLBACK_KEY, 'guessedKey1', 'user_alice']) {
      expect(text).not.toContain(secret);
    }
  });

  it.each(['missing', 'malformed', 'mismatch', 'app-mismatch'] as const)(
    'answers a %s signature with 401',
    (reason) => {
      expect(
        webhookRejection(new SignatureVerificationError({ reason, message: reason })).status,
      ).toBe(401);
    },
  );

  it.each([
    ['invalid-json', 400],
    ['json-too-deep', 400],
    ['invalid-encoding', 400],
    ['body-unreadable', 400],
    ['invalid-payload', 400],
    ['missing-event-type', 400],
    ['body-too-large', 413],
    ['invalid-option', 500],
    ['secret-resolver-failed', 500],
  ])('answers a ValidationError %s with %i', async (code, status) => {
    const response = webhookRejection(new ValidationError({ code, message: code }));
    expect(response.status).toBe(status);
    if (status < 500) {
      expect(JSON.parse(await response.text())).toEqual({
        code: status,
        errorMessage: `invalid request: ${code}`,
      });
    }
  });

  it('answers any other error with 500 and a generic message', async () => {
    const response = webhookRejection(new Error(`key ${FIXTURE_CALLBACK_KEY} leaked`));
    expect(response.status).toBe(500);
    expect(JSON.parse(await response.text())).toEqual({
      code: 500,
      errorMessage: 'internal error',
    });
  });
});

describe('rejectionReason', () => {
  it('names the signature reason, the validation code, or an unexpected error', () => {
    expect(
      rejectionReason(new SignatureVerificationError({ reason: 'mismatch', message: 'x' })),
    ).toBe('signature-mismatch');
    expect(rejectionReason(new ValidationError({ code: 'body-too-large', message: 'x' }))).toBe(
      'body-too-large',
    );
    expect(rejectionReason(new TypeError('boom'))).toBe('unexpected-error');
    expect(rejectionReason(undefined)).toBe('unexpected-error');
  });
});
