/**
 * The playground over real HTTP on loopback: the page's API and event stream, the local vendors,
 * the webhook relay, the recording proxy, and the example bot — or a bot of the test's own,
 * configured from the settings the playground gives.
 */
import { request as httpRequest } from 'node:http';
import { createBot, memoryState } from '@imbridge/core';
import { createScriptedModel, textSteps } from '@imbridge/core/testing';
import { createTencentChatAdapter } from '@imbridge/tencent-chat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, type WatchedPlayground, watchPlayground } from './__fixtures__/event-stream.ts';
import type { ChatItem } from './chat-items.ts';
import type { DevRequestHandler } from './host.ts';
import { LOCAL_TENCENT_CHAT } from './local-setup.ts';
import { nodeDevHost } from './node-host.ts';
import { createPlayground, type Playground } from './playground.ts';

let playground: Playground;
let watched: WatchedPlayground;

const lastBotItem = (key: string): ChatItem | undefined =>
  watched.conversations
    .get(key)
    ?.filter((item) => item.from === 'bot')
    .at(-1);

beforeAll(async () => {
  playground = await createPlayground({
    host: nodeDevHost,
    port: 0,
    model: { chunkDelayMs: 15 },
    logger: false,
  });
  watched = await watchPlayground(playground.url);
});

afterAll(async () => {
  watched.close();
  await playground.close();
});

describe('createPlayground', () => {
  it('serves the page on loopback', async () => {
    const response = await fetch(playground.url);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('imbridge dev');
  });

  it('streams the reply to a Tencent Chat message until it is finished', async () => {
    const key = 'tencent-chat:direct:alice';
    const sent = await postJson(playground.url, '/api/messages', {
      vendor: 'tencent-chat',
      mode: 'direct',
      userId: 'alice',
      text: 'hello there',
    });
    expect(sent).toMatchObject({ status: 202, body: { key, delivered: true, status: 200 } });
    await watched.until(() => lastBotItem(key)?.state === 'finished');
    const states = watched.updates
      .filter((update) => update.key === key)
      .map((update) => update.items.find((item) => item.from === 'bot')?.state);
    expect(states).toContain('growing');
    expect(lastBotItem(key)).toMatchObject({
      kind: 'stream',
      author: LOCAL_TENCENT_CHAT.robotId,
      detail: expect.stringContaining('isFinished 1'),
    });
    expect(lastBotItem(key)?.text).toContain('You said: "hello there"');
    expect(watched.conversations.get(key)?.[0]).toMatchObject({
      from: 'user',
      text: 'hello there',
    });
  });

  it('logs the signed webhook and the API calls, secrets redacted', async () => {
    await watched.until(() => watched.activity.some((entry) => entry.label === 'openim/sendmsg'));
    const webhook = watched.activity.find((entry) => entry.label === 'Bot.OnC2CMessage');
    expect(webhook).toMatchObject({ kind: 'webhook', status: 200, target: 'example bot' });
    expect(webhook?.path).toContain('Sign=[redacted]');
    const call = watched.activity.find((entry) => entry.label === 'openim/sendmsg');
    expect(call).toMatchObject({ kind: 'api', method: 'POST', status: 200, code: 'ErrorCode 0' });
    expect(call?.path).toContain('usersig=[redacted]');
    const printed = JSON.stringify(watched.activity);
    expect(printed).not.toContain(LOCAL_TENCENT_CHAT.secretKey);
    expect(printed).not.toContain(LOCAL_TENCENT_CHAT.callbackToken);
  });

  it('stops a growing reply with a src 22 request and shows it interrupted', async () => {
    const key = 'tencent-chat:direct:bob';
    await postJson(playground.url, '/api/messages', {
      vendor: 'tencent-chat',
      mode: 'direct',
      userId: 'bob',
      text: 'tell me a long story',
    });
    await watched.until(() => (lastBotItem(key)?.text.length ?? 0) > 40);
    const growing = lastBotItem(key);
    expect(growing?.stopKey).toEqual(expect.any(String));
    const stopped = await postJson(playground.url, '/api/stop', {
      vendor: 'tencent-chat',
      mode: 'direct',
      userId: 'bob',
      msgKey: growing?.stopKey,
    });
    expect(stopped.status).toBe(202);
    await watched.until(() => lastBotItem(key)?.state === 'interrupted');
    expect(lastBotItem(key)?.text).not.toContain('pressed the stop button.');
    expect(lastBotItem(key)?.stopKey).toBeUndefined();
  });

  it('shows a failed reply followed by the src 23 error message', async () => {
    const key = 'tencent-chat:direct:carol';
    await postJson(playground.url, '/api/messages', {
      vendor: 'tencent-chat',
      mode: 'direct',
      userId: 'carol',
      text: 'please fail',
    });
    await watched.until(() => lastBotItem(key)?.state === 'error');
    expect(lastBotItem(key)).toMatchObject({
      kind: 'error',
      text: 'Sorry, I could not answer that. Please try again.',
      detail: 'chatbot src 23',
    });
  });

  it('answers in the Tencent group and in RongCloud with a stream message', async () => {
    await postJson(playground.url, '/api/messages', {
      vendor: 'tencent-chat',
      mode: 'group',
      userId: 'alice',
      text: 'hello group',
    });
    await postJson(playground.url, '/api/messages', {
      vendor: 'rongcloud',
      mode: 'direct',
      userId: 'alice',
      text: 'hello rongcloud',
    });
    await watched.until(
      () =>
        lastBotItem('tencent-chat:group')?.state === 'finished' &&
        lastBotItem('rongcloud:direct:alice')?.state === 'finished',
    );
    expect(lastBotItem('tencent-chat:group')?.stopKey).toBeUndefined();
    expect(lastBotItem('rongcloud:direct:alice')).toMatchObject({
      kind: 'stream',
      detail: expect.stringContaining('RC:StreamMsg'),
    });
    expect(lastBotItem('rongcloud:direct:alice')?.text).toContain('hello rongcloud');
    expect(watched.activity.some((entry) => entry.label === 'message:private')).toBe(true);
  });

  it('plays a sentence into a voice call with the example agent', async () => {
    const key = 'trtc:direct:alice';
    const sent = await postJson(playground.url, '/api/messages', {
      vendor: 'trtc',
      mode: 'direct',
      userId: 'alice',
      text: 'hello voice',
    });
    expect(sent.status).toBe(202);
    await watched.until(() => lastBotItem(key)?.state === 'finished');
    expect(lastBotItem(key)?.text).toContain('hello voice');
    await watched.until(() => watched.activity.some((e) => e.label === 'StartAIConversation'));
    expect(watched.activity.some((entry) => entry.kind === 'llm' && entry.status === 200)).toBe(
      true,
    );
  });

  it('refuses requests to another host and bodies that are not JSON', async () => {
    // fetch sends its own Host header: a DNS-rebinding page's request is made with node:http.
    const foreign = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${playground.url}/api/info`, {
        headers: { host: 'attacker.example' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end();
    });
    expect(foreign).toBe(403);
    const form = await fetch(`${playground.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const bad = await postJson(playground.url, '/api/messages', { vendor: 'tencent-chat' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'unknown user' } });
  });
});

describe('createPlayground with your bot', () => {
  it('relays the webhooks to the bot URL and shows its replies', async () => {
    let handler: DevRequestHandler = async () => new Response('not ready', { status: 503 });
    const yourBot = await nodeDevHost.listen((request) => handler(request), { port: 0 });
    const own = await createPlayground({
      host: nodeDevHost,
      port: 0,
      botUrls: { 'tencent-chat': `${yourBot.url}/tencent-chat/webhook` },
      logger: false,
    });
    const ownWatch = await watchPlayground(own.url);
    try {
      const settings = Object.fromEntries(own.settings['tencent-chat']);
      const bot = createBot({
        model: createScriptedModel({ scripts: [{ steps: textSteps('Hi from your bot!') }] }),
        state: memoryState(),
        logger: false,
      });
      handler = bot.webhook(
        createTencentChatAdapter({
          sdkAppId: Number(settings.TENCENT_IM_SDK_APP_ID),
          secretKey: settings.TENCENT_IM_SECRET_KEY ?? '',
          adminUserId: settings.TENCENT_IM_ADMIN_USER_ID ?? 'administrator',
          callbackToken: settings.TENCENT_IM_CALLBACK_TOKEN,
          baseUrl: settings.TENCENT_IM_BASE_URL,
          robotIds: [settings.TENCENT_IM_ROBOT_ID ?? ''],
          logger: false,
        }),
      );
      expect(own.bots).toMatchObject({ 'tencent-chat': expect.stringContaining(yourBot.url) });
      await postJson(own.url, '/api/messages', {
        vendor: 'tencent-chat',
        mode: 'direct',
        userId: 'alice',
        text: 'hi',
      });
      const key = 'tencent-chat:direct:alice';
      await ownWatch.until(() => ownWatch.conversations.get(key)?.at(-1)?.state === 'finished');
      expect(ownWatch.conversations.get(key)?.at(-1)?.text).toBe('Hi from your bot!');
      const webhook = ownWatch.activity.find((entry) => entry.kind === 'webhook');
      expect(webhook?.target).toBe(`${yourBot.url}/tencent-chat/webhook`);
      await bot.close();
    } finally {
      ownWatch.close();
      await own.close();
      await yourBot.close();
    }
  });
});
