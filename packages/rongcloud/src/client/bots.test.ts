import { APICallError, ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoopbackServer, ok, startLoopback } from './__fixtures__/loopback.ts';
import type { BotIntegration, CreateBotOptions } from './bot-types.ts';
import { createRongCloudClient } from './client.ts';

const APP_KEY = 'c9kqb3rdkbb8j';
const APP_SECRET = 'Y1W2MeFwwwRxa0';
const DIFY_KEY = 'app-9fK2mQ7xLw3Zt8Rb';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A loopback RongCloud that stores created bots and answers get/query from the store. */
async function botServer(extraBots: Array<Record<string, unknown>> = []) {
  const stored: Array<Record<string, unknown>> = [...extraBots];
  const server = await startLoopback(
    { appKey: APP_KEY, appSecret: APP_SECRET },
    (request, response) => {
      const body = JSON.parse(request.body) as Record<string, unknown>;
      if (request.url === '/v3/bot/create.json') {
        stored.push(body);
        ok(response);
      } else if (request.url === '/v3/bot/get.json') {
        const ids = body.userIds as string[];
        ok(response, { bots: stored.filter((bot) => ids.includes(bot.userId as string)) });
      } else if (request.url === '/v3/bot/query.json') {
        ok(response, { total: stored.length, hasNext: false, bots: stored });
      } else {
        ok(response);
      }
    },
  );
  servers.push(server);
  return { server, stored };
}

function client(baseUrl: string) {
  return createRongCloudClient({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    baseUrl,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  });
}

/** The bot of step 3 of RongCloud's Dify integration guide. */
const GUIDE_BOT: CreateBotOptions = {
  userId: 'bot-test004',
  name: 'Message Assistant',
  type: 'Message AI',
  profileUrl: 'https://cdn.jsdelivr.net/gh/microsoft/fluentui-emoji/assets/Robot/3D/robot_3d.png',
  integrations: [
    {
      type: 'webhook',
      callbackUrl: 'https://yourserver.com/callback',
      objectNames: ['RC:TxtMsg'],
      events: ['message:private'],
    },
    {
      type: 'dify_chatflow',
      callbackUrl: 'https://api.dify.ai/v1',
      stream: true,
      auth: { apiKey: 'YOUR_DIFY_API_KEY' },
    },
  ],
  metadata: { version: 1 },
};

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('bots', () => {
  it('creates the Dify guide bot with exactly its wire body (metadata values as strings)', async () => {
    const { server } = await botServer();
    await client(server.url).createBot(GUIDE_BOT);
    const [request] = server.requests;
    expect(request?.url).toBe('/v3/bot/create.json');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.signatureValid).toBe(true);
    expect(request?.body).toBe(
      '{"userId":"bot-test004","name":"Message Assistant","type":"Message AI",' +
        '"profileUrl":"https://cdn.jsdelivr.net/gh/microsoft/fluentui-emoji/assets/Robot/3D/robot_3d.png",' +
        '"integrations":[' +
        '{"type":"webhook","callbackUrl":"https://yourserver.com/callback","objectNames":["RC:TxtMsg"],"events":["message:private"]},' +
        '{"type":"dify_chatflow","callbackUrl":"https://api.dify.ai/v1","stream":true,"auth":{"apiKey":"YOUR_DIFY_API_KEY"}}' +
        '],"metadata":{"version":"1"}}',
    );
  });

  it('round-trips the integration union through create and get, resolving a key resolver', async () => {
    const { server } = await botServer();
    const integrations: BotIntegration[] = [
      {
        type: 'webhook',
        enabled: true,
        callbackUrl: 'https://bot.example.com/rongcloud',
        objectNames: ['RC:TxtMsg', 'RC:ImgMsg'],
        events: ['message:private'],
      },
      { type: 'dify_chat', callbackUrl: 'https://dify.example.com/v1', auth: { apiKey: DIFY_KEY } },
      {
        type: 'dify_completion',
        callbackUrl: 'https://dify.example.com/v1/',
        stream: false,
        handleResponse: false,
        auth: { apiKey: async () => DIFY_KEY },
      },
      {
        type: 'dify_chatflow',
        enabled: false,
        callbackUrl: 'https://api.dify.ai/v1',
        auth: { apiKey: DIFY_KEY },
      },
    ];
    const api = client(server.url);
    await api.createBot({
      ...GUIDE_BOT,
      userId: 'round-trip',
      integrations,
      metadata: { flag: true },
    });
    const { bots } = await api.getBots({ userIds: ['round-trip'] });
    expect(bots).toHaveLength(1);
    expect(bots[0]).toEqual({
      userId: 'round-trip',
      name: GUIDE_BOT.name,
      type: GUIDE_BOT.type,
      profileUrl: GUIDE_BOT.profileUrl,
      metadata: { flag: 'true' },
      integrations: integrations.map((integration) =>
        integration.type === 'webhook'
          ? integration
          : { ...integration, auth: { apiKey: DIFY_KEY } },
      ),
    });
  });

  it('keeps integrations of unknown types as other instead of failing', async () => {
    const agent = { type: 'agent', enabled: true, agent: { agentId: 'a-1' } };
    const { server } = await botServer([
      {
        userId: 'hosted',
        name: 'Hosted',
        type: 'AI',
        profileUrl: 'https://example.com/a.png',
        integrations: [agent, { type: 'webhook', callbackUrl: 'https://x.example/cb' }],
        createdAt: 1_750_000_000_000,
      },
    ]);
    const result = await client(server.url).listBots({
      page: 2,
      pageSize: 5,
      includeIntegrations: true,
    });
    expect(server.requests[0]?.body).toBe('{"page":2,"pageSize":5,"includeIntegration":true}');
    expect(result.total).toBe(1);
    expect(result.hasNext).toBe(false);
    expect(result.bots[0]?.createdAtMs).toBe(1_750_000_000_000);
    expect(result.bots[0]?.integrations).toEqual([
      { type: 'other', vendorType: 'agent', enabled: true, fields: agent },
      { type: 'webhook', callbackUrl: 'https://x.example/cb' },
    ]);
  });

  it('sends update, delete and integration calls as JSON with the documented fields', async () => {
    const { server } = await botServer();
    const api = client(server.url);
    await api.updateBot({ userId: 'b', name: 'New name' });
    await api.deleteBot({ userId: 'b' });
    await api.createBotIntegration({
      userId: 'b',
      integration: {
        type: 'dify_chat',
        callbackUrl: 'https://api.dify.ai/v1',
        auth: { apiKey: DIFY_KEY },
      },
    });
    await api.updateBotIntegration({
      userId: 'b',
      integration: { type: 'webhook', callbackUrl: 'https://bot.example.com/cb', enabled: false },
    });
    await api.deleteBotIntegration({ userId: 'b', type: 'dify_chat' });
    expect(server.requests.map((request) => [request.url, request.body])).toEqual([
      ['/v3/bot/update.json', '{"userId":"b","name":"New name"}'],
      ['/v3/bot/delete.json', '{"userId":"b"}'],
      [
        '/v3/bot/integration/create.json',
        `{"userId":"b","type":"dify_chat","callbackUrl":"https://api.dify.ai/v1","auth":{"apiKey":"${DIFY_KEY}"}}`,
      ],
      [
        '/v3/bot/integration/update.json',
        '{"userId":"b","type":"webhook","enabled":false,"callbackUrl":"https://bot.example.com/cb"}',
      ],
      ['/v3/bot/integration/delete.json', '{"userId":"b","type":"dify_chat"}'],
    ]);
    expect(server.requests.every((request) => request.signatureValid)).toBe(true);
  });

  describe('checks before sending', () => {
    const dify = (callbackUrl: string): BotIntegration => ({
      type: 'dify_chatflow',
      callbackUrl,
      auth: { apiKey: DIFY_KEY },
    });

    it.each([
      [
        'a Dify callbackUrl ending in /chat-messages',
        { integrations: [dify('https://api.dify.ai/v1/chat-messages')] },
        'integrations.0.callbackUrl: must be the Dify API base URL (e.g. https://api.dify.ai/v1): RongCloud appends /chat-messages or /completion-messages itself',
      ],
      [
        'a Dify callbackUrl ending in /completion-messages/',
        { integrations: [dify('https://d.example/v1/completion-messages/')] },
        'RongCloud appends',
      ],
      [
        'a callbackUrl that is not http(s)',
        { integrations: [dify('ftp://d.example/v1')] },
        'integrations.0.callbackUrl: must be an http(s) URL',
      ],
      [
        'an unknown integration type',
        { integrations: [{ type: 'slack', callbackUrl: 'https://x.example' }] },
        'integrations.0.type',
      ],
      [
        'a Dify integration without an API key',
        {
          integrations: [
            { type: 'dify_chat', callbackUrl: 'https://x.example/v1', auth: { apiKey: ' ' } },
          ],
        },
        'integrations.0.auth.apiKey: must be a non-empty string or a function returning one',
      ],
      ['a 65-character userId', { userId: 'u'.repeat(65) }, 'userId: Too big'],
      ['a 129-character name', { name: 'n'.repeat(129) }, 'name: Too big'],
      [
        'a 257-character profileUrl',
        { profileUrl: `https://x.example/${'p'.repeat(240)}` },
        'profileUrl: Too big',
      ],
      [
        '17 metadata pairs',
        {
          metadata: Object.fromEntries(
            Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']),
          ),
        },
        'metadata: must have at most 16 pairs',
      ],
      ['a 33-character metadata key', { metadata: { ['k'.repeat(33)]: 'v' } }, 'metadata'],
      [
        'a 129-character metadata value',
        { metadata: { key: 'v'.repeat(129) } },
        'metadata.key: Too big',
      ],
      ['an empty metadata value', { metadata: { key: '' } }, 'metadata.key: Too small'],
      [
        'an object metadata value',
        { metadata: { key: { nested: true } } },
        'metadata.key: must be a string, a number or a boolean (numbers and booleans are sent as strings)',
      ],
    ])('rejects %s with a ValidationError and sends nothing', async (_label, change, message) => {
      const { server } = await botServer();
      const error = await caught(
        client(server.url).createBot({ ...GUIDE_BOT, ...change } as CreateBotOptions),
      );
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`RongCloud createBot: `);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain(DIFY_KEY);
      expect(server.requests).toHaveLength(0);
    });

    it('rejects getBots with no ids or more than 20', async () => {
      const { server } = await botServer();
      const api = client(server.url);
      await expect(api.getBots({ userIds: [] })).rejects.toThrow(ValidationError);
      await expect(
        api.getBots({ userIds: Array.from({ length: 21 }, (_, index) => `b${index}`) }),
      ).rejects.toThrow('RongCloud getBots: userIds: Too big');
      expect(server.requests).toHaveLength(0);
    });

    it('rejects a listBots page below 1', async () => {
      const { server } = await botServer();
      await expect(client(server.url).listBots({ page: 0 })).rejects.toThrow(
        'RongCloud listBots: page',
      );
    });
  });

  it('reports a bot answer without the bots it should hold as a server error', async () => {
    const server = await startLoopback(
      { appKey: APP_KEY, appSecret: APP_SECRET },
      (_request, response) => ok(response, { bots: [{ name: 'no user id' }] }),
    );
    servers.push(server);
    const error = await caught(client(server.url).getBots({ userIds: ['x'] }));
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'server', retryable: false });
  });
});
