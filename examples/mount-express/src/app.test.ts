import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeListener } from '@imbridge/core';
import { memoryLogger } from '@imbridge/core/testing';
import { createTencentChatClient, decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, keepRawBody, WEBHOOK_PATH } from './app.ts';
import { createTencentBot } from './bot.ts';

const sdkAppId = 1400000102;
const secretKey = 'mount-express-secret-key';
const callbackToken = 'mount-express-token';
const robotId = '@RBT#assistant';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A local Tencent Chat with the robot and alice, and a bot for it. */
async function setUp() {
  const chat = await createLocalTencentChat({ sdkAppId, secretKey, callbackToken });
  cleanups.push(() => chat.close());
  const adapter = {
    sdkAppId,
    secretKey,
    callbackToken,
    adminUserId: chat.adminUserId,
    baseUrl: chat.baseUrl,
    robotIds: [robotId],
    minUpdateIntervalMs: 20,
  };
  await createTencentChatClient(adapter).createRobot({ robotId });
  chat.importAccount('alice');
  const logger = memoryLogger();
  const tencentBot = createTencentBot({ adapter, logger });
  cleanups.push(() => tencentBot.bot.close({ timeoutMs: 1_000 }));
  return { chat, logger, ...tencentBot };
}

/** Starts an Express app on a free loopback port; returns its base URL. */
async function start(app: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The robot's replies in alice's conversation, each as the versions a chat client saw. */
function replies(chat: LocalTencentChat) {
  return chat
    .conversation({ userId: 'alice', robotId })
    .filter((message) => message.from === robotId)
    .map((message) =>
      message.versions.map((elements) => {
        const custom = elements.find((element) => element.type === 'custom');
        return custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
      }),
    );
}

describe('mount-express', () => {
  it('answers a signed webhook with a streamed, finished reply, next to a JSON API', async () => {
    const { chat, bot, webhook, logger } = await setUp();
    const baseUrl = await start(createApp(webhook, { logger }));
    chat.setCallbackUrl(`${baseUrl}${WEBHOOK_PATH}`);

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello express' });
    expect(delivery.status).toBe(200);
    await bot.idle();

    const [versions, ...others] = replies(chat);
    expect(others).toEqual([]);
    expect(versions?.length).toBeGreaterThan(2);
    expect(
      versions?.slice(0, -1).every((payload) => payload?.kind === 'stream' && !payload.isFinished),
    ).toBe(true);
    const last = versions?.at(-1);
    expect(last).toMatchObject({ kind: 'stream', isFinished: true });
    expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: hello express');
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);

    // The rest of the app still gets parsed JSON.
    const echo = await fetch(`${baseUrl}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await echo.json()).toEqual({ received: { a: 1 } });
  });

  it('refuses loudly, with the fix in the log, when a global express.json() ate the body', async () => {
    const { chat, webhook, logger } = await setUp();
    // The trap: an app-wide JSON parser in front of the webhook route.
    const app = express();
    app.use(express.json());
    app.post(WEBHOOK_PATH, toNodeListener(webhook, { logger }));
    const baseUrl = await start(app);
    chat.setCallbackUrl(`${baseUrl}${WEBHOOK_PATH}`);

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello?' });
    expect(delivery.status).toBe(500);
    expect(JSON.stringify(delivery.body)).toContain('rawBody');
    const failure = logger.entries.find((entry) => entry.event === 'webhook-failed');
    expect(failure?.level).toBe('error');
    expect(failure?.message).toMatch(/mount the webhook route before the parser/);
    expect(replies(chat)).toEqual([]);
  });

  it('works behind a global express.json() that keeps the raw bytes (verify: keepRawBody)', async () => {
    const { chat, bot, webhook, logger } = await setUp();
    const app = express();
    app.use(express.json({ verify: keepRawBody }));
    app.post(WEBHOOK_PATH, toNodeListener(webhook, { logger }));
    const baseUrl = await start(app);
    chat.setCallbackUrl(`${baseUrl}${WEBHOOK_PATH}`);

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'raw kept' });
    expect(delivery.status).toBe(200);
    await bot.idle();
    const last = replies(chat)[0]?.at(-1);
    expect(last).toMatchObject({ kind: 'stream', isFinished: true });
    expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: raw kept');
  });
});
