/**
 * Whatever arrives, the parser answers with a result or a typed error (and a 4xx), never a
 * crash; and the callback key never leaves it — not in a message, an inspected error, a
 * rejection body or a log reason.
 */
import { inspect } from 'node:util';
import { IMBridgeError, SignatureVerificationError, ValidationError } from '@imbridge/core';
import type { SecretInput } from '@imbridge/provider-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AI_SERVICE_EVENTS,
  aiServiceEvent,
  FIXTURE_CALLBACK_KEY,
  webhookRequest,
} from './__fixtures__/webhooks.ts';
import { parseTrtcWebhook } from './parse.ts';
import { rejectionReason, webhookRejection } from './responses.ts';
import { verifyTrtcWebhook } from './sign.ts';

async function outcomeOf(request: Request, callbackKey: SecretInput = FIXTURE_CALLBACK_KEY) {
  try {
    return { ok: true as const, webhook: await parseTrtcWebhook(request, { callbackKey }) };
  } catch (error) {
    return { ok: false as const, error };
  }
}

/** A typed request error answered with a 4xx. */
function expectRequestError(error: unknown): void {
  expect(SignatureVerificationError.isInstance(error) || ValidationError.isInstance(error)).toBe(
    true,
  );
  const status = webhookRejection(error).status;
  expect(status >= 400 && status < 500).toBe(true);
}

const eventTypes = fc.oneof(
  fc.constantFrom(901, 902, 903, 904, 905, 906, 907, 908, 909),
  fc.integer(),
);

describe('parseTrtcWebhook: never crashes', () => {
  it('answers random signed bytes with a typed 4xx error or a result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const outcome = await outcomeOf(await webhookRequest({ rawBody: bytes }));
        if (!outcome.ok) expectRequestError(outcome.error);
      }),
      { numRuns: 200 },
    );
  });

  it('answers random signed JSON with a typed 4xx error or a result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (body) => {
        const outcome = await outcomeOf(await webhookRequest({ body }));
        if (!outcome.ok) expectRequestError(outcome.error);
      }),
      { numRuns: 200 },
    );
  });

  it('answers group-9 envelopes with random payloads with a typed 4xx error or a typed result', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventTypes,
        fc.dictionary(
          fc.constantFrom(
            'Status',
            'LeaveCode',
            'UserId',
            'Text',
            'RoundId',
            'Metric',
            'Value',
            'Tag',
            'StartTimeMs',
          ),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        async (eventType, payload) => {
          const outcome = await outcomeOf(
            await webhookRequest({ body: aiServiceEvent(eventType, payload) }),
          );
          if (!outcome.ok) expectRequestError(outcome.error);
          else expect(outcome.webhook.eventType).toBe(eventType);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers random Sign headers with a typed 401', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 64 }), async (sign) => {
        const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, sign });
        const outcome = await outcomeOf(request);
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(webhookRejection(outcome.error).status).toBe(401);
      }),
      { numRuns: 200 },
    );
  });
});

/** Random keys, long enough not to occur in a message by chance; letters and digits. */
const keys = fc.stringMatching(/^[A-Za-z0-9]{12,32}$/);

type Scenario = (key: string) => Promise<{ request: Request; callbackKey: SecretInput }>;

const SCENARIOS: Record<string, Scenario> = {
  'a body signed with another key': async (key) => ({
    request: await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, key: `${key}x` }),
    callbackKey: key,
  }),
  'the key as the Sign header': async (key) => ({
    request: await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, sign: key }),
    callbackKey: key,
  }),
  'a resolver that throws with the key': async (key) => ({
    request: await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, key }),
    callbackKey: () => {
      throw new Error(`vault returned ${key} for the wrong app`);
    },
  }),
  'a resolver that rejects with the key': async (key) => ({
    request: await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, key }),
    callbackKey: () => Promise.reject(new TypeError(key)),
  }),
  'a valid signature on a body that is the key': async (key) => ({
    request: await webhookRequest({ rawBody: key, key }),
    callbackKey: key,
  }),
  'a valid signature on a body quoting the key in a bad payload': async (key) => ({
    request: await webhookRequest({ body: aiServiceEvent(901, { Status: key }), key }),
    callbackKey: key,
  }),
};

async function expectNoKey(error: unknown, key: string): Promise<void> {
  expect(IMBridgeError.isInstance(error)).toBe(true);
  const texts = [
    (error as Error).message,
    String(error),
    inspect(error, { depth: 10 }),
    JSON.stringify(error),
    rejectionReason(error),
    await webhookRejection(error).text(),
  ];
  for (const text of texts) expect(text).not.toContain(key);
}

describe('parseTrtcWebhook: the callback key', () => {
  it.each(Object.keys(SCENARIOS))('never shows a random key with %s', async (name) => {
    const scenario = SCENARIOS[name] as Scenario;
    await fc.assert(
      fc.asyncProperty(keys, async (key) => {
        const { request, callbackKey } = await scenario(key);
        const outcome = await outcomeOf(request, callbackKey);
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) await expectNoKey(outcome.error, key);
      }),
      { numRuns: 30 },
    );
  });

  it('never shows a random key from verifyTrtcWebhook', async () => {
    await fc.assert(
      fc.asyncProperty(keys, fc.string(), async (key, sign) => {
        const error = await verifyTrtcWebhook('{}', sign, { callbackKey: key }).then(
          () => undefined,
          (rejection: unknown) => rejection,
        );
        await expectNoKey(error, key);
      }),
      { numRuns: 100 },
    );
  });

  it('shows a key option of the wrong type by its shape only', async () => {
    await fc.assert(
      fc.asyncProperty(keys, async (key) => {
        for (const callbackKey of [{ value: key }, [key], () => ({ key })]) {
          const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, key });
          const outcome = await outcomeOf(request, callbackKey as unknown as SecretInput);
          expect(!outcome.ok && IMBridgeError.isInstance(outcome.error) && outcome.error.code).toBe(
            'invalid-option',
          );
          if (!outcome.ok) await expectNoKey(outcome.error, key);
        }
      }),
      { numRuns: 20 },
    );
  });
});
