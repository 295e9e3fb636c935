import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeListener, ValidationError } from '@imbridge/core';
import { memoryLogger } from '@imbridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AI_SERVICE_EVENTS,
  FIXTURE_CALLBACK_KEY,
  type WebhookRequestOptions,
  webhookRequest,
} from './__fixtures__/webhooks.ts';
import { createTrtcWebhookHandler, type TRTCWebhookHandlerOptions } from './handler.ts';
import type { TRTCWebhook } from './types.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** The handler behind core's Node listener on 127.0.0.1, and a poster of TRTC-shaped callbacks. */
async function serve(options: Partial<TRTCWebhookHandlerOptions> = {}) {
  const received: TRTCWebhook[] = [];
  const logger = memoryLogger();
  const handler = createTrtcWebhookHandler({
    callbackKey: FIXTURE_CALLBACK_KEY,
    onWebhook: (webhook) => {
      received.push(webhook);
    },
    logger,
    ...options,
  });
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trtc/callback`;
  const post = async (request: WebhookRequestOptions) => {
    const built = await webhookRequest(request);
    const response = await fetch(url, {
      method: 'POST',
      headers: built.headers,
      body: await built.arrayBuffer(),
    });
    return {
      status: response.status,
      body: await response.text(),
      sign: built.headers.get('Sign'),
    };
  };
  return { received, logger, post };
}

describe('createTrtcWebhookHandler', () => {
  it('verifies, parses and hands over a signed callback, then answers {"code":0}', async () => {
    const { received, post, logger } = await serve();
    const answer = await post({ body: AI_SERVICE_EVENTS.serviceMessage });
    expect(answer).toMatchObject({ status: 200, body: '{"code":0}' });
    expect(received).toHaveLength(1);
    expect(received[0]?.kind).toBe('message');
    expect(logger.entries).toEqual([]);
  });

  it('refuses forged, unsigned and malformed callbacks with 4xx, logged with the reason, never the key', async () => {
    const { received, post, logger } = await serve();
    const forged = await post({ body: AI_SERVICE_EVENTS.serviceMessage, key: 'guessedKey1' });
    const unsigned = await post({ body: AI_SERVICE_EVENTS.serviceMessage, key: null });
    const malformed = await post({ rawBody: '{"EventGroupId":9,' });
    expect([forged.status, unsigned.status, malformed.status]).toEqual([401, 401, 400]);
    expect(received).toHaveLength(0);
    expect(
      logger.entries.map((entry) => [entry.level, entry.event, 'reason' in entry && entry.reason]),
    ).toEqual([
      ['warn', 'webhook-rejected', 'signature-mismatch'],
      ['warn', 'webhook-rejected', 'signature-missing'],
      ['warn', 'webhook-rejected', 'invalid-json'],
    ]);
    const logged = JSON.stringify(logger.entries);
    for (const secret of [FIXTURE_CALLBACK_KEY, 'guessedKey1', forged.sign ?? '-']) {
      expect(logged).not.toContain(secret);
    }
  });

  it('answers 500 when onWebhook throws (so TRTC delivers again), and logs webhook-failed', async () => {
    let failures = 1;
    const { post, logger } = await serve({
      onWebhook: () => {
        if (failures-- > 0) throw new Error('database down');
      },
    });
    expect((await post({ body: AI_SERVICE_EVENTS.serviceStop })).status).toBe(500);
    expect(logger.entries.at(-1)).toMatchObject({
      level: 'error',
      event: 'webhook-failed',
      error: { message: 'database down' },
    });
    expect((await post({ body: AI_SERVICE_EVENTS.serviceStop })).status).toBe(200);
  });

  it('fails at creation without a callback key, and warns when signatures are turned off', async () => {
    expect(() => createTrtcWebhookHandler({ onWebhook: () => {} })).toThrow(ValidationError);
    expect(() => createTrtcWebhookHandler({ onWebhook: () => {} })).toThrow(/TRTC_CALLBACK_KEY/);
    expect(() =>
      createTrtcWebhookHandler({ callbackKey: 'k', onWebhook: 'nope' as never }),
    ).toThrow(/onWebhook/);
    const { logger, post } = await serve({ callbackKey: undefined, verifySignatures: false });
    expect(logger.entries[0]).toMatchObject({
      level: 'warn',
      event: 'signature-check-disabled',
      platform: 'trtc',
    });
    expect((await post({ body: AI_SERVICE_EVENTS.serviceMessage, key: null })).status).toBe(200);
  });
});
