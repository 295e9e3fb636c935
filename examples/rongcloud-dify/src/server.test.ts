import { memoryState } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalServices, startLocalServices } from './local-services.ts';
import { type BotServer, CONVERSATION_TTL_MS, startBotServer } from './server.ts';
import { setupBots } from './setup-bots.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const HOUR_MS = 3_600_000;

describe('the webhook bot server with the Dify model', () => {
  async function start(): Promise<{
    local: LocalServices;
    server: BotServer;
    clock: { offsetMs: number };
  }> {
    const local = await startLocalServices({ minUpdateIntervalMs: 20 });
    cleanups.push(() => local.close());
    // The state's clock runs ahead on demand: the conversation's TTL is the state's.
    const clock = { offsetMs: 0 };
    const server = await startBotServer({
      config: local.config,
      state: memoryState({ now: () => Date.now() + clock.offsetMs }),
      logger: false,
    });
    cleanups.push(() => server.close());
    await setupBots({ config: { ...local.config, publicWebhookUrl: server.webhookUrl } });
    local.rongcloud.registerUser('alice');
    local.rongcloud.registerUser('bob');
    return { local, server, clock };
  }

  it('keeps a Dify conversation per user for 24 h after their last message (sliding)', async () => {
    const { local, server, clock } = await start();
    const ask = async (user: string, text: string) => {
      await local.rongcloud.userSends({ from: user, toBot: 'bot-assistant', text });
      await server.bot.idle();
      const run = local.dify.requests.at(-1);
      const body = run?.body as { conversation_id?: string; user?: string };
      return {
        conversationId: run?.conversationId,
        sent: body.conversation_id ?? '',
        user: body.user,
      };
    };

    const first = await ask('alice', 'one');
    expect(first).toMatchObject({ sent: '', user: 'alice' });
    const bob = await ask('bob', 'hello');
    expect(bob.conversationId).not.toBe(first.conversationId);
    clock.offsetMs += 23 * HOUR_MS;
    // 23 h later: the same conversation.
    expect(await ask('alice', 'two')).toMatchObject({ sent: first.conversationId });
    clock.offsetMs += 23 * HOUR_MS;
    // 46 h after the first reply, 23 h after the last: still kept (RongCloud's own integration
    // would have started a new one 24 h after the first reply).
    expect(await ask('alice', 'three')).toMatchObject({ sent: first.conversationId });
    clock.offsetMs += CONVERSATION_TTL_MS + 60_000;
    // More than 24 h of silence: a new conversation.
    const fresh = await ask('alice', 'four');
    expect(fresh.sent).toBe('');
    expect(fresh.conversationId).not.toBe(first.conversationId);

    const replies = local.rongcloud
      .conversation({ userId: 'alice', botUserId: 'bot-assistant' })
      .filter((message) => message.fromUserId === 'bot-assistant');
    expect(replies.map((reply) => [reply.objectName, reply.stream?.complete])).toEqual(
      Array.from({ length: 4 }, () => ['RC:StreamMsg', true]),
    );
    expect(replies[1]?.text).toBe(
      `Dify heard "two" (turn 2 of conversation ${first.conversationId?.slice(0, 8)})`,
    );
  });

  it('answers GET /healthz and nothing else outside the webhook path', async () => {
    const { server } = await start();
    const base = server.webhookUrl.replace('/rongcloud/webhook', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/other`, { method: 'POST' })).status).toBe(404);
  });
});
