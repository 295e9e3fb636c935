import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { memoryLogger } from '@imbridge/core/testing';
import { createTencentChatClient, decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import type { ExecutionContext } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, WEBHOOK_PATH } from './app.ts';
import { createTencentBot } from './bot.ts';

const sdkAppId = 1400000104;
const secretKey = 'mount-hono-secret-key';
const callbackToken = 'mount-hono-token';
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

/** Serves `fetch` with @hono/node-server on a free loopback port; returns the webhook URL. */
async function start(fetch: (request: Request) => Response | Promise<Response>): Promise<string> {
  const server = await new Promise<ServerType>((resolve) => {
    const listening = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
  });
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
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

describe('mount-hono', () => {
  it('answers a signed webhook on Node (no ExecutionContext) with a streamed, finished reply', async () => {
    const { chat, bot, webhook, logger } = await setUp();
    const app = createApp(() => webhook);
    chat.setCallbackUrl(await start(app.fetch));

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello hono' });
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
    expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: hello hono');
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it("hands the reply's work to the platform's waitUntil when there is an ExecutionContext (Workers)", async () => {
    const { chat, webhook } = await setUp();
    const waited: Promise<unknown>[] = [];
    const executionContext: ExecutionContext = {
      // A method called on its object, as workerd requires.
      waitUntil(promise) {
        if (this !== executionContext) throw new TypeError('Illegal invocation');
        waited.push(promise);
      },
      passThroughOnException() {},
      props: {},
    };
    const app = createApp(() => webhook);
    chat.setCallbackUrl(await start((request) => app.fetch(request, {}, executionContext)));

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'on the edge' });
    expect(delivery.status).toBe(200);
    expect(waited.length).toBeGreaterThan(0);
    await Promise.all(waited); // what the platform does before it freezes the isolate
    const last = replies(chat)[0]?.at(-1);
    expect(last).toMatchObject({ kind: 'stream', isFinished: true });
    expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: on the edge');
  });
});
