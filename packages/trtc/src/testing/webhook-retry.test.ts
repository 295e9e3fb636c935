import { ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CALLBACK_KEY,
  call,
  SECRET_ID,
  SECRET_KEY,
  startBody,
  startLocal,
  startReceiver,
} from './__fixtures__/signed-call.ts';
import { createLocalTRTC } from './local-trtc.ts';
import type { LocalTRTCOptions } from './types.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(failures: number, webhookRetry: LocalTRTCOptions['webhookRetry']) {
  const receiver = await startReceiver({ failures });
  const local = await startLocal({
    callbackUrl: receiver.url,
    callbackKey: CALLBACK_KEY,
    webhookRetry,
  });
  cleanups.push(local.close, receiver.close);
  return { receiver, local };
}

describe('local TRTC webhook retries', () => {
  it('retries a failed webhook at once, then after the interval, with the same body and Sign', async () => {
    const { receiver, local } = await setup(2, { intervalMs: 50, maxAgeMs: 5_000 });
    const started = performance.now();
    await call(local, 'StartAIConversation', startBody());
    await local.flushWebhooks();
    const elapsed = performance.now() - started;

    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((webhook) => webhook.body)).size).toBe(1);
    expect(new Set(receiver.received.map((webhook) => webhook.headers.sign)).size).toBe(1);
    expect(
      local.webhooks.map((webhook) => [webhook.eventType, webhook.attempt, webhook.status]),
    ).toEqual([
      [901, 1, 500],
      [901, 2, 500],
      [901, 3, 200],
    ]);
    // One interval between the immediate retry and the third attempt.
    expect(elapsed).toBeGreaterThanOrEqual(45);
  });

  it('gives up once the message would be older than maxAgeMs', async () => {
    const { receiver, local } = await setup(1_000, { intervalMs: 40, maxAgeMs: 150 });
    const started = performance.now();
    await call(local, 'StartAIConversation', startBody());
    await local.flushWebhooks();
    const elapsed = performance.now() - started;

    const attempts = local.webhooks.map((webhook) => webhook.attempt);
    // At 0 ms twice, then about every 40 ms while the message is at most 150 ms old.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(5);
    expect(attempts).toEqual(attempts.map((_attempt, index) => index + 1));
    expect(elapsed).toBeLessThan(1_000);
    const count = receiver.received.length;
    expect(count).toBe(attempts.length);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(receiver.received).toHaveLength(count);
  });

  it('tries once with webhookRetry: false', async () => {
    const { receiver, local } = await setup(1, false);
    await call(local, 'StartAIConversation', startBody());
    await local.flushWebhooks();
    expect(receiver.received).toHaveLength(1);
    expect(local.webhooks).toEqual([expect.objectContaining({ status: 500, attempt: 1 })]);
  });

  it('does not hold close() for the retry schedule (TRTC’s 10 s / 1 min by default)', async () => {
    const { receiver, local } = await setup(1_000, undefined);
    await call(local, 'StartAIConversation', startBody());
    await expect.poll(() => local.webhooks.length).toBe(2);
    const started = performance.now();
    await local.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await local.flushWebhooks();
    expect(receiver.received).toHaveLength(2);
  });

  it('rejects a bad retry schedule', async () => {
    const base = { secretId: SECRET_ID, secretKey: SECRET_KEY, sdkAppId: 1_400_000_000 };
    await expect(createLocalTRTC({ ...base, webhookRetry: { intervalMs: 0 } })).rejects.toThrow(
      ValidationError,
    );
    await expect(createLocalTRTC({ ...base, webhookRetry: { maxAgeMs: -1 } })).rejects.toThrow(
      ValidationError,
    );
  });
});
