/**
 * End to end over real HTTP: the bot runtime with the RongCloud adapter serving a webhook URL,
 * a bot created through the client with a `webhook` integration, and the local RongCloud
 * delivering signed webhooks and storing what clients see.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APICallError, createBot, memoryState, toNodeListener } from '@imbridge/core';
import { createScriptedModel, memoryLogger, type Script, textSteps } from '@imbridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalRongCloud } from '../testing/local-rongcloud.ts';
import type { LocalRongCloud } from '../testing/types.ts';
import { createRongCloudAdapter } from './adapter.ts';
import type { RongCloudAdapterOptions } from './options.ts';

const APP_KEY = 'e2e-app-key';
const APP_SECRET = 'e2e-app-secret-0123456789';
const BOT = 'bot-assistant';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function start(
  options: { scripts?: Script[]; adapter?: Partial<RongCloudAdapterOptions> } = {},
) {
  const local: LocalRongCloud = await createLocalRongCloud({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
  });
  closers.push(() => local.close());
  const logger = memoryLogger();
  const model = createScriptedModel({
    scripts: options.scripts ?? [
      { steps: textSteps('Hello from the RongCloud bot, streaming.', { delayMs: 5 }) },
    ],
  });
  const bot = createBot({ model, state: memoryState(), logger });
  const adapter = createRongCloudAdapter({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    hosts: [local.primaryUrl, local.backupUrl],
    botUserIds: [BOT],
    minUpdateIntervalMs: 20,
    retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 500,
    logger,
    ...options.adapter,
  });
  const server: Server = createServer(toNodeListener(bot.webhook(adapter)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    await bot.close({ timeoutMs: 1000 });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rongcloud`;
  // What the example's set-up script does: register the bot user and the user, create the bot.
  await adapter.client.registerUser({ userId: BOT, name: 'Assistant' });
  await adapter.client.registerUser({ userId: 'alice', name: 'Alice' });
  await adapter.client.createBot({
    userId: BOT,
    name: 'Assistant',
    type: 'Message AI',
    profileUrl: 'https://example.com/bot.png',
    integrations: [
      {
        type: 'webhook',
        callbackUrl: webhookUrl,
        objectNames: ['RC:TxtMsg'],
        events: ['message:private'],
      },
    ],
  });
  const replies = () =>
    local.conversation({ userId: 'alice', botUserId: BOT }).filter((m) => m.fromUserId === BOT);
  return { local, bot, adapter, logs: logger.entries, replies, webhookUrl };
}

describe('RongCloud adapter, end to end', () => {
  it('streams a reply as one RC:StreamMsg that grows and ends complete', async () => {
    const { local, bot, replies } = await start();
    const delivery = await local.userSends({ from: 'alice', toBot: BOT, text: 'hi' });
    expect(delivery).toMatchObject({ delivered: true, status: 200 });
    await bot.idle();
    const [reply, ...rest] = replies();
    expect(rest).toEqual([]);
    expect(reply?.objectName).toBe('RC:StreamMsg');
    expect(reply?.stream).toMatchObject({
      text: 'Hello from the RongCloud bot, streaming.',
      complete: true,
    });
    expect(reply?.stream?.chunkCount).toBeGreaterThan(1);
  });

  it('sends one RC:TxtMsg when streaming is off', async () => {
    const { local, bot, replies } = await start({ adapter: { streaming: false } });
    await local.userSends({ from: 'alice', toBot: BOT, text: 'hi' });
    await bot.idle();
    expect(replies().map((message) => [message.objectName, message.text])).toEqual([
      ['RC:TxtMsg', 'Hello from the RongCloud bot, streaming.'],
    ]);
  });

  it('fails over from a dead primary host to the backup and stays there', async () => {
    const { local, bot, replies } = await start();
    local.hostDown('primary', true);
    await local.userSends({ from: 'alice', toBot: BOT, text: 'hi' });
    await bot.idle();
    expect(replies()[0]?.stream?.complete).toBe(true);
    local.hostDown('primary', false);
    await local.userSends({ from: 'alice', toBot: BOT, text: 'again' });
    await bot.idle();
    expect(replies()[1]?.stream?.complete).toBe(true);
    const streamCalls = local.requests.filter((request) => request.api.includes('publish_stream'));
    // After the first failure every call went to the backup, even once the primary was back.
    const firstOnBackup = streamCalls.findIndex((request) => request.host === 'backup');
    expect(firstOnBackup).toBeGreaterThanOrEqual(0);
    expect(streamCalls.slice(firstOnBackup).every((request) => request.host === 'backup')).toBe(
      true,
    );
  });

  it('answers a webhook delivered twice once', async () => {
    const { local, bot, replies } = await start();
    const delivery = await local.userSends({ from: 'alice', toBot: BOT, text: 'hi' });
    const first = delivery.deliveries[0];
    await local.deliverWebhook('message:private', first?.requestBody);
    await bot.idle();
    expect(replies()).toHaveLength(1);
  });

  it('rejects a forged or stale signature, logs why, and answers nothing', async () => {
    const { local, bot, replies, logs } = await start();
    const delivery = await local.userSends({ from: 'alice', toBot: BOT, text: 'hi' });
    await bot.idle();
    const body = delivery.deliveries[0]?.requestBody;
    const forged = await local.deliverWebhook('message:private', body, {
      signOverride: '0'.repeat(40),
    });
    const stale = await local.deliverWebhook('message:private', body, {
      timestampOverride: Date.now() - 3_600_000,
    });
    expect([forged.status, stale.status]).toEqual([401, 401]);
    await bot.idle();
    expect(replies()).toHaveLength(1);
    const reasons = logs
      .filter((entry) => entry.event === 'webhook-rejected')
      .map((entry) => (entry as { reason: string }).reason);
    expect(reasons).toEqual(['signature-mismatch', 'signature-expired']);
  });

  it('reports a model failure with a short text message after the partial reply', async () => {
    const { local, bot, replies } = await start({
      scripts: [
        {
          steps: [
            { type: 'text', text: 'Let me check' },
            {
              type: 'error',
              error: new APICallError({ message: 'upstream 502', provider: 'x', kind: 'server' }),
            },
          ],
        },
      ],
    });
    await local.userSends({ from: 'alice', toBot: BOT, text: 'hi' });
    await bot.idle();
    const [partial, error] = replies();
    expect(partial?.stream).toMatchObject({ text: 'Let me check', complete: true });
    expect(error).toMatchObject({
      objectName: 'RC:TxtMsg',
      text: 'Sorry, something went wrong. Please try again later.',
    });
  });

  it('another process finishes a stream from its snapshot', async () => {
    const { local, adapter } = await start();
    const target = {
      conversationId: `private:${BOT}:alice`,
      type: 'direct' as const,
      userId: 'alice',
      botId: BOT,
    };
    const sink = await adapter.openReply(target);
    await sink.update('Half an');
    const snapshot = JSON.parse(JSON.stringify(sink.snapshot?.())) as never;
    const other = createRongCloudAdapter({
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      hosts: [local.primaryUrl, local.backupUrl],
      logger: false,
    });
    const resumed = await other.resumeReply?.(target, snapshot);
    await resumed?.finish('Half an\n\n(restarted)', { reason: 'interrupted' });
    const messages = local.conversation({ userId: 'alice', botUserId: BOT });
    expect(messages).toHaveLength(1);
    expect(messages[0]?.stream).toMatchObject({ text: 'Half an\n\n(restarted)', complete: true });
  });
});
