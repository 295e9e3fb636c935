import { memoryLogger } from '@imbridge/core/testing';
import { createTencentChatClient, decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTencentBot } from './bot.ts';
import { createWebhookServer, listen } from './server.ts';

const sdkAppId = 1400000101;
const secretKey = 'mount-node-http-secret-key';
const callbackToken = 'mount-node-http-token';
const robotId = '@RBT#assistant';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The robot's replies in alice's conversation, as a chat client decodes them. */
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

describe('mount-node-http', () => {
  it('answers a signed webhook from the local Tencent Chat with a streamed, finished reply', async () => {
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
    const { bot, webhook } = createTencentBot({ adapter, logger });
    const server = createWebhookServer(webhook);
    const webhookUrl = await listen(server, 0, '127.0.0.1');
    cleanups.push(async () => {
      await bot.close({ timeoutMs: 1_000 });
      await new Promise((resolve) => server.close(resolve));
    });
    chat.setCallbackUrl(webhookUrl);

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello over http' });
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
    expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: hello over http');
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});
