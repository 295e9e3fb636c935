import { ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AI_SERVICE_EVENTS,
  FIXTURE_CALLBACK_KEY,
  webhookRequest,
} from './__fixtures__/webhooks.ts';
import { createTrtcWebhookHandler } from './handler.ts';
import type { TRTCWebhook } from './types.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

function collecting() {
  const received: TRTCWebhook[] = [];
  return {
    received,
    onWebhook: (webhook: TRTCWebhook) => {
      received.push(webhook);
    },
  };
}

describe('createTrtcWebhookHandler: the callback key from the environment', () => {
  it('accepts a callback signed (HMAC-SHA256) with TRTC_CALLBACK_KEY, and only that', async () => {
    const { received, onWebhook } = collecting();
    const handler = createTrtcWebhookHandler({
      env: { TRTC_CALLBACK_KEY: FIXTURE_CALLBACK_KEY },
      onWebhook,
      logger: false,
    });
    const signed = await handler(await webhookRequest({ body: AI_SERVICE_EVENTS.serviceMessage }));
    expect(signed.status).toBe(200);
    expect(received.map((webhook) => webhook.kind)).toEqual(['message']);
    const forged = await handler(
      await webhookRequest({ body: AI_SERVICE_EVENTS.serviceMessage, key: 'anotherKey123' }),
    );
    expect(forged.status).toBe(401);
    expect(received).toHaveLength(1);
  });

  it('reads process.env on Node, and an explicit callbackKey wins', async () => {
    vi.stubEnv('TRTC_CALLBACK_KEY', 'keyFromTheEnvironment');
    const { received, onWebhook } = collecting();
    const fromEnv = createTrtcWebhookHandler({ onWebhook, logger: false });
    const request = () =>
      webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, key: 'keyFromTheEnvironment' });
    expect((await fromEnv(await request())).status).toBe(200);
    const explicit = createTrtcWebhookHandler({
      callbackKey: FIXTURE_CALLBACK_KEY,
      onWebhook,
      logger: false,
    });
    expect((await explicit(await request())).status).toBe(401);
    expect(received).toHaveLength(1);
  });

  it('names the option and the variable when the key is in neither, without turning the check off', () => {
    let error: unknown;
    try {
      createTrtcWebhookHandler({ env: {}, onWebhook: () => {} });
    } catch (caught) {
      error = caught;
    }
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^createTrtcWebhookHandler: callbackKey is required \(option callbackKey or env TRTC_CALLBACK_KEY\)/,
    );
    expect(() =>
      createTrtcWebhookHandler({
        env: {},
        verifySignatures: false,
        onWebhook: () => {},
        logger: false,
      }),
    ).not.toThrow();
  });

  it('does not crash where there is no process global (edge runtimes)', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process');
    let error: unknown;
    try {
      Reflect.deleteProperty(globalThis, 'process');
      try {
        createTrtcWebhookHandler({ onWebhook: () => {} });
      } catch (caught) {
        error = caught;
      }
    } finally {
      if (descriptor !== undefined) Object.defineProperty(globalThis, 'process', descriptor);
    }
    expect(globalThis.process).toBeDefined();
    expect((error as Error).message).toMatch(/callbackKey is required .*TRTC_CALLBACK_KEY/);
  });
});
