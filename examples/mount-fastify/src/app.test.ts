import { toNodeListener } from '@imbridge/core';
import { memoryLogger } from '@imbridge/core/testing';
import { createTencentChatClient, decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, WEBHOOK_PATH } from './app.ts';
import { createTencentBot } from './bot.ts';

const sdkAppId = 1400000103;
const secretKey = 'mount-fastify-secret-key';
const callbackToken = 'mount-fastify-token';
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

/** Starts a Fastify app on a free loopback port; returns its base URL. */
async function start(app: FastifyInstance): Promise<string> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  return url;
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

describe('mount-fastify', () => {
  it('answers a signed webhook with a streamed, finished reply; other routes keep JSON parsing', async () => {
    const { chat, bot, webhook, logger } = await setUp();
    const baseUrl = await start(await createApp(webhook));
    chat.setCallbackUrl(`${baseUrl}${WEBHOOK_PATH}`);

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello fastify' });
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
    expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: hello fastify');
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);

    const echo = await fetch(`${baseUrl}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await echo.json()).toEqual({ received: { a: 1 } });
  });

  it('also works the other way: reply.hijack() and toNodeListener, with a parser that leaves the body unread', async () => {
    const { chat, bot, webhook, logger } = await setUp();
    const app = Fastify();
    await app.register(async (scope) => {
      // In this context only: no parsing, the request stream stays unread for toNodeListener.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      const listener = toNodeListener(webhook, { logger });
      scope.post(WEBHOOK_PATH, (request, reply) => {
        reply.hijack(); // Fastify no longer answers: toNodeListener writes reply.raw
        return listener(request.raw, reply.raw);
      });
    });
    const baseUrl = await start(app);
    chat.setCallbackUrl(`${baseUrl}${WEBHOOK_PATH}`);

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hijacked' });
    expect(delivery.status).toBe(200);
    await bot.idle();
    const last = replies(chat)[0]?.at(-1);
    expect(last).toMatchObject({ kind: 'stream', isFinished: true });
    expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: hijacked');
  });

  it("refuses loudly when Fastify's default JSON parser read the body first (hijack without a raw parser)", async () => {
    const { chat, webhook, logger } = await setUp();
    // The trap: the raw Node request handed over after Fastify already parsed its JSON body.
    const app = Fastify();
    const listener = toNodeListener(webhook, { logger });
    app.post(WEBHOOK_PATH, (request, reply) => {
      reply.hijack();
      return listener(request.raw, reply.raw);
    });
    const baseUrl = await start(app);
    chat.setCallbackUrl(`${baseUrl}${WEBHOOK_PATH}`);

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello?' });
    expect(delivery.status).toBe(500);
    expect(logger.entries.find((entry) => entry.event === 'webhook-failed')?.level).toBe('error');
    expect(replies(chat)).toEqual([]);
  });
});
