/**
 * The App Secret never leaves the verifier: whatever goes wrong — a forged, stale or malformed
 * signature, a bad body, a resolver that throws with the secret in its message, a body that
 * quotes the secret — no error message, inspected error, rejection body or log reason holds it.
 */
import { inspect } from 'node:util';
import { IMBridgeError } from '@imbridge/core';
import type { SecretInput } from '@imbridge/provider-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FIXTURE_NOW_MS,
  privateTextMessage,
  signedQuery,
  webhookRequest,
} from './__fixtures__/webhooks.ts';
import { parseRongCloudWebhook } from './parse.ts';
import { rejectionReason, webhookRejection } from './responses.ts';
import { verifyRongCloudWebhookSignature } from './sign.ts';

/** Random secrets, long enough not to occur in a message by chance; any Unicode. */
const secrets = fc
  .string({ unit: 'grapheme', minLength: 12, maxLength: 48 })
  .filter((secret) => secret.trim().length >= 12);

type Scenario = (secret: string) => { request: Request; appSecret: SecretInput; nowMs?: number };

const SCENARIOS: Record<string, Scenario> = {
  'signed with another secret': (secret) => ({
    request: webhookRequest({
      body: privateTextMessage,
      query: signedQuery({ appSecret: `${secret}x` }),
    }),
    appSecret: secret,
  }),
  'signed with the secret but stale': (secret) => ({
    request: webhookRequest({
      body: privateTextMessage,
      query: signedQuery({ appSecret: secret }),
    }),
    appSecret: secret,
    nowMs: FIXTURE_NOW_MS + 3_600_000,
  }),
  'a malformed signature': (secret) => ({
    request: webhookRequest({
      body: privateTextMessage,
      query: { ...signedQuery({ appSecret: secret }), signature: secret },
    }),
    appSecret: secret,
  }),
  'the secret as the nonce': (secret) => ({
    request: webhookRequest({
      body: privateTextMessage,
      query: signedQuery({ appSecret: 'another', nonce: secret }),
    }),
    appSecret: secret,
  }),
  'a resolver that throws with the secret': (secret) => ({
    request: webhookRequest({
      body: privateTextMessage,
      query: signedQuery({ appSecret: secret }),
    }),
    appSecret: () => {
      throw new Error(`vault returned ${secret} for the wrong app`);
    },
  }),
  'a resolver that rejects with the secret': (secret) => ({
    request: webhookRequest({
      body: privateTextMessage,
      query: signedQuery({ appSecret: secret }),
    }),
    appSecret: () => Promise.reject(new TypeError(secret)),
  }),
  'a valid signature and a body quoting the secret in broken content': (secret) => ({
    request: webhookRequest({
      body: { ...privateTextMessage, data: { ...privateTextMessage.data, content: `{${secret}` } },
      query: signedQuery({ appSecret: secret }),
    }),
    appSecret: secret,
  }),
  'a valid signature and a body that is the secret': (secret) => ({
    request: webhookRequest({ rawBody: secret, query: signedQuery({ appSecret: secret }) }),
    appSecret: secret,
  }),
};

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function expectNoSecret(error: unknown, secret: string): Promise<void> {
  expect(IMBridgeError.isInstance(error)).toBe(true);
  const texts = [
    (error as Error).message,
    String(error),
    inspect(error, { depth: 10 }),
    JSON.stringify(error),
    rejectionReason(error),
    await webhookRejection(error).text(),
  ];
  for (const text of texts) expect(text).not.toContain(secret);
}

describe('parseRongCloudWebhook: secrets', () => {
  it.each(Object.keys(SCENARIOS))('never shows a random App Secret with %s', async (name) => {
    const scenario = SCENARIOS[name] as Scenario;
    await fc.assert(
      fc.asyncProperty(secrets, async (secret) => {
        const { request, appSecret, nowMs } = scenario(secret);
        const error = await errorOf(() =>
          parseRongCloudWebhook(request, { appSecret, nowMs: nowMs ?? FIXTURE_NOW_MS }),
        );
        await expectNoSecret(error, secret);
      }),
      { numRuns: 40 },
    );
  });

  it('never shows a random App Secret from verifyRongCloudWebhookSignature', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, fc.string(), async (secret, signature) => {
        const query = new URLSearchParams({ ...signedQuery({ appSecret: secret }), signature });
        const error = await errorOf(() =>
          verifyRongCloudWebhookSignature(query, { appSecret: secret, nowMs: FIXTURE_NOW_MS }),
        );
        await expectNoSecret(error, secret);
      }),
      { numRuns: 100 },
    );
  });

  it('shows a secret option of the wrong type by its shape only', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (secret) => {
        for (const appSecret of [{ value: secret }, [secret], () => ({ secret })]) {
          const request = webhookRequest({
            body: privateTextMessage,
            query: signedQuery({ appSecret: secret }),
          });
          const error = await errorOf(() =>
            parseRongCloudWebhook(request, {
              appSecret: appSecret as unknown as SecretInput,
              nowMs: FIXTURE_NOW_MS,
            }),
          );
          expect(IMBridgeError.isInstance(error) && error.code).toBe('invalid-option');
          await expectNoSecret(error, secret);
        }
      }),
      { numRuns: 20 },
    );
  });
});
