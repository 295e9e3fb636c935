import { ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRongCloudClient } from '../client/client.ts';
import { rongCloudSignature } from '../signing/signature.ts';
import { createLocalRongCloud } from '../testing/local-rongcloud.ts';
import type { LocalRongCloud } from '../testing/types.ts';
import { privateTextMessage, webhookRequest } from '../webhooks/__fixtures__/webhooks.ts';
import { createRongCloudAdapter } from './adapter.ts';

const APP_KEY = 'env-app-key';
const APP_SECRET = 'env-app-secret-9a8b7c6d';
const BOT = 'bot-from-env';

const running: LocalRongCloud[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const local of running.splice(0)) await local.close();
});

/** The variables of a configured app, as the examples set them. */
function variables(extra: Record<string, string> = {}): Record<string, string> {
  return {
    RONGCLOUD_APP_KEY: APP_KEY,
    RONGCLOUD_APP_SECRET: APP_SECRET,
    RONGCLOUD_BOT_USER_ID: BOT,
    ...extra,
  };
}

/** A `message:private` webhook to `bot`, its URL signed now with `secret` (SHA-1, as RongCloud does). */
function webhook(secret: string, bot = BOT): Request {
  const nonce = '4711';
  const timestamp = String(Date.now());
  return webhookRequest({
    body: {
      ...privateTextMessage,
      timestamp: Date.now(),
      bot: { ...privateTextMessage.bot, userId: bot },
      data: {
        ...privateTextMessage.data,
        fromUserId: 'alice',
        toUserId: bot,
        content: JSON.stringify({ content: 'hi from env' }),
        msgUID: `uid-${Math.random()}`,
        msgTimestamp: Date.now(),
      },
    },
    query: {
      nonce,
      signTimestamp: timestamp,
      signature: rongCloudSignature(secret, nonce, timestamp),
    },
  });
}

function thrown(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('createRongCloudAdapter: settings from the environment', () => {
  it('takes every setting from env alone and publishes through the app the variables name', async () => {
    const local = await createLocalRongCloud({ appKey: APP_KEY, appSecret: APP_SECRET });
    running.push(local);
    local.registerUser('alice');
    local.registerUser(BOT);
    const adapter = createRongCloudAdapter({
      env: variables({ RONGCLOUD_BASE_URL: local.primaryUrl }),
      logger: false,
    });
    expect(adapter.client.appKey).toBe(APP_KEY);
    expect(adapter.client.baseUrl).toBe(local.primaryUrl);
    // A real call, signed with the env App Secret, reaches the env base URL.
    await adapter.post(
      { conversationId: `private:${BOT}:alice`, type: 'direct', userId: 'alice', botId: BOT },
      'posted with env settings',
    );
    expect(local.messages.map((message) => message.content)).toContainEqual(
      expect.objectContaining({ content: 'posted with env settings' }),
    );
  });

  it('reads process.env on Node when no env option is given', () => {
    for (const [name, value] of Object.entries(variables())) vi.stubEnv(name, value);
    const adapter = createRongCloudAdapter({ logger: false });
    expect(adapter.client.appKey).toBe(APP_KEY);
  });

  it('accepts a webhook signed with the env App Secret through receive(), and only that', async () => {
    const adapter = createRongCloudAdapter({ env: variables(), logger: false });
    const accepted = await adapter.receive(webhook(APP_SECRET));
    expect(accepted.response.status).toBe(200);
    expect(accepted.events.map((event) => event.type)).toEqual(['message']);
    const first = accepted.events[0];
    expect(first?.type === 'message' ? first.message.text : undefined).toBe('hi from env');

    const forged = await adapter.receive(webhook('another-secret'));
    expect(forged.response.status).toBe(401);
    expect(forged.events).toEqual([]);

    // RONGCLOUD_BOT_USER_ID filters: a message for another bot is not answered.
    const other = await adapter.receive(webhook(APP_SECRET, 'bot-someone-else'));
    expect(other.events.map((event) => event.type)).toEqual(['ignored']);
  });

  it('lets an explicit option win over its variable', async () => {
    const adapter = createRongCloudAdapter({
      env: variables({ RONGCLOUD_APP_KEY: 'env-key', RONGCLOUD_APP_SECRET: 'secret-from-env' }),
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      region: 'singapore',
      logger: false,
    });
    expect(adapter.client.appKey).toBe(APP_KEY);
    expect(adapter.client.baseUrl).toBe('https://api.sg-light-api.com');
    expect((await adapter.receive(webhook(APP_SECRET))).response.status).toBe(200);
    expect((await adapter.receive(webhook('secret-from-env'))).response.status).toBe(401);
  });

  it('reads the region, and lets RONGCLOUD_BASE_URL win over it', () => {
    const inRegion = createRongCloudAdapter({
      env: variables({ RONGCLOUD_REGION: 'northAmerica' }),
    });
    expect(inRegion.client.baseUrl).toBe('https://api.us-light-api.com');
    const proxied = createRongCloudAdapter({
      env: variables({ RONGCLOUD_REGION: 'china', RONGCLOUD_BASE_URL: 'http://127.0.0.1:9/' }),
    });
    expect(proxied.client.baseUrl).toBe('http://127.0.0.1:9');
    // The code names where the API is: neither variable is read.
    const hosts = createRongCloudAdapter({
      env: variables({ RONGCLOUD_REGION: 'mars', RONGCLOUD_BASE_URL: 'nope' }),
      hosts: ['api.cn.ronghub.com'],
    });
    expect(hosts.client.baseUrl).toBe('https://api.cn.ronghub.com');
  });

  it('names the option and the variable when a required setting is in neither', () => {
    expect(thrown(() => createRongCloudAdapter({ env: {} })).message).toBe(
      'createRongCloudAdapter: appKey is required (option appKey or env RONGCLOUD_APP_KEY): the App Key of your RongCloud app',
    );
    const noSecret = thrown(() => createRongCloudAdapter({ env: { RONGCLOUD_APP_KEY: APP_KEY } }));
    expect(noSecret.message).toMatch(
      /^createRongCloudAdapter: appSecret is required \(option appSecret or env RONGCLOUD_APP_SECRET\)/,
    );
    expect(noSecret.code).toBe('invalid-option');
  });

  it('needs the App Secret to verify webhooks even with a client of its own', () => {
    const client = createRongCloudClient({ env: variables() });
    const error = thrown(() => createRongCloudAdapter({ client, env: {} }));
    expect(error.message).toMatch(
      /appSecret is required \(option appSecret or env RONGCLOUD_APP_SECRET\): the App Secret of the RongCloud app, which verifies the webhooks/,
    );
    expect(() =>
      createRongCloudAdapter({ client, env: {}, verifySignatures: false, logger: false }),
    ).not.toThrow();
  });

  it.each([
    [
      'RONGCLOUD_REGION',
      'mars',
      /env RONGCLOUD_REGION \(option region\) must be one of china, singapore/,
    ],
    [
      'RONGCLOUD_BASE_URL',
      'ftp://x',
      /env RONGCLOUD_BASE_URL \(option baseUrl\) must be an http\(s\) URL, received "ftp:\/\/x"/,
    ],
    [
      'RONGCLOUD_BOT_USER_ID',
      'x'.repeat(65),
      /botUserIds must be bot user ids of 1 to 64 characters.*RONGCLOUD_BOT_USER_ID/,
    ],
  ])('refuses a malformed %s at creation, naming the variable', (name, value, message) => {
    const error = thrown(() => createRongCloudAdapter({ env: variables({ [name]: value }) }));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(APP_SECRET);
  });

  it('does not crash where there is no process global (edge runtimes)', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process');
    let missing: unknown;
    let configured: unknown;
    try {
      // Synchronous: nothing else runs while `process` is gone.
      Reflect.deleteProperty(globalThis, 'process');
      try {
        createRongCloudAdapter();
      } catch (error) {
        missing = error;
      }
      configured = createRongCloudAdapter({ env: variables(), logger: false }).client.appKey;
    } finally {
      if (descriptor !== undefined) Object.defineProperty(globalThis, 'process', descriptor);
    }
    expect(globalThis.process).toBeDefined();
    expect(ValidationError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/appKey is required .*RONGCLOUD_APP_KEY/);
    expect(configured).toBe(APP_KEY);
  });
});
