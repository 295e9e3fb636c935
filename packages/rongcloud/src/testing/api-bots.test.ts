import { describe, expect, it } from 'vitest';
import { botBody, call, startLocal } from './__fixtures__/server-api.ts';

const CREATE = '/v3/bot/create.json';

describe('local RongCloud bot APIs', () => {
  it('stores a bot with a dify_chatflow integration with exactly the wire body received', async () => {
    const local = await startLocal();
    const body = {
      userId: 'bot-test004',
      name: '消息助手',
      type: 'Message AI',
      profileUrl: 'https://example.com/profile.png',
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
          auth: { apiKey: 'app-xxxx' },
        },
      ],
    };
    const answer = await call(local, CREATE, body);
    expect(answer).toEqual({ status: 200, body: { code: 200 } });
    const stored = local.bot('bot-test004');
    expect(stored?.createBody).toEqual(body);
    expect(JSON.stringify(stored?.createBody)).toBe(JSON.stringify(body));
    expect(stored?.wireBodies).toEqual([{ api: CREATE, body }]);
    expect(stored).toMatchObject({
      userId: 'bot-test004',
      name: '消息助手',
      type: 'Message AI',
      metadata: {},
      integrations: body.integrations,
    });
    expect(local.requests[0]?.body).toBe(JSON.stringify(body));
  });

  it('refuses an 11th bot with 1002', async () => {
    const local = await startLocal();
    for (let index = 1; index <= 10; index += 1) {
      expect((await call(local, CREATE, botBody(`bot-${index}`))).body.code).toBe(200);
    }
    const eleventh = await call(local, CREATE, botBody('bot-11'));
    expect(eleventh).toEqual({
      status: 400,
      body: { code: 1002, errorMessage: 'an app may have at most 10 bots' },
    });
    expect(local.bots).toHaveLength(10);
    expect((await call(local, '/v3/bot/delete.json', { userId: 'bot-1' })).body.code).toBe(200);
    expect((await call(local, CREATE, botBody('bot-11'))).body.code).toBe(200);
  });

  it('enforces the field limits of a bot', async () => {
    const local = await startLocal();
    const base = botBody('bot-1');
    const metadata17 = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, userId: 'u'.repeat(65) }, 'userId must be 1 to 64 characters, received 65'],
      [{ ...base, name: 'n'.repeat(129) }, 'name must be 1 to 128 characters, received 129'],
      [{ ...base, type: undefined }, 'type is required'],
      [
        { ...base, profileUrl: 'p'.repeat(257) },
        'profileUrl must be 1 to 256 characters, received 257',
      ],
      [{ ...base, metadata: metadata17 }, 'metadata may hold at most 16 pairs, received 17'],
      [
        { ...base, metadata: { version: 1 } },
        'metadata.version must be a string (received a number)',
      ],
      [
        { ...base, metadata: { ['k'.repeat(33)]: 'v' } },
        'metadata key must be 1 to 32 characters, received 33',
      ],
      [
        { ...base, metadata: { key: 'v'.repeat(129) } },
        'metadata.key must be 1 to 128 characters, received 129',
      ],
      [{ ...base, integrations: undefined }, 'integrations is required'],
      [
        { ...base, integrations: [{ type: 'agent', callbackUrl: 'https://x.test' }] },
        'integrations[0].type must be one of webhook, dify_chat, dify_completion, dify_chatflow, received agent',
      ],
      [
        { ...base, integrations: [{ type: 'webhook', callbackUrl: 'not a url' }] },
        'integrations[0].callbackUrl must be an absolute http or https URL',
      ],
      [
        { ...base, integrations: [{ type: 'dify_chat', callbackUrl: 'https://api.dify.ai/v1' }] },
        'integrations[0].auth.apiKey is required for a dify_chat integration',
      ],
      [
        {
          ...base,
          integrations: [
            { type: 'webhook', callbackUrl: 'https://a.test' },
            { type: 'webhook', callbackUrl: 'https://b.test' },
          ],
        },
        'integrations may hold one integration of each type; webhook repeats',
      ],
    ];
    for (const [body, message] of cases) {
      expect((await call(local, CREATE, body)).body).toEqual({ code: 1002, errorMessage: message });
    }
    const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v']));
    expect((await call(local, CREATE, { ...base, metadata: sixteen })).body.code).toBe(200);
    expect((await call(local, CREATE, base)).body).toEqual({
      code: 1002,
      errorMessage: 'bot bot-1 already exists',
    });
  });

  it('lists bots by page, with integrations on request, and gets up to 20 by id', async () => {
    const local = await startLocal();
    for (const id of ['b1', 'b2', 'b3']) await call(local, CREATE, botBody(id));
    const page = await call(local, '/v3/bot/query.json', { page: 2, pageSize: 2 });
    expect(page.body).toMatchObject({ code: 200, total: 3, hasNext: false });
    expect(page.body.bots).toEqual([
      {
        userId: 'b3',
        name: '消息助手',
        type: 'Message AI',
        profileUrl: 'https://example.com/avatar.png',
        metadata: { version: '1' },
        createdAt: expect.any(Number),
        updatedAt: expect.any(Number),
      },
    ]);
    const first = await call(local, '/v3/bot/query.json', {
      pageSize: 2,
      includeIntegration: true,
    });
    expect(first.body).toMatchObject({ total: 3, hasNext: true });
    expect(first.body.bots).toEqual([
      expect.objectContaining({ userId: 'b1', integrations: botBody('b1').integrations }),
      expect.objectContaining({ userId: 'b2' }),
    ]);
    const got = await call(local, '/v3/bot/get.json', { userIds: ['b2', 'nobody'] });
    expect(got.body).toMatchObject({
      code: 200,
      bots: [expect.objectContaining({ userId: 'b2' })],
    });
    const tooMany = Array.from({ length: 21 }, (_, index) => `b${index}`);
    expect((await call(local, '/v3/bot/get.json', { userIds: tooMany })).body).toEqual({
      code: 1002,
      errorMessage: 'userIds may hold at most 20 ids, received 21',
    });
  });

  it('updates fields given, keeps the others, and records every body', async () => {
    let clock = 1_700_000_000_000;
    const local = await startLocal({ now: () => clock });
    await call(local, CREATE, botBody('b1'));
    clock += 5_000;
    const update = { userId: 'b1', name: 'Renamed', metadata: { tier: 'gold' } };
    expect((await call(local, '/v3/bot/update.json', update)).body.code).toBe(200);
    expect(local.bot('b1')).toMatchObject({
      name: 'Renamed',
      type: 'Message AI',
      metadata: { tier: 'gold' },
      integrations: botBody('b1').integrations,
      createdAtMs: 1_700_000_000_000,
      updatedAtMs: 1_700_000_005_000,
    });
    expect(local.bot('b1')?.wireBodies.map((entry) => entry.api)).toEqual([
      CREATE,
      '/v3/bot/update.json',
    ]);
    const missing = await call(local, '/v3/bot/update.json', { userId: 'nobody', name: 'x' });
    expect(missing.body).toEqual({ code: 1002, errorMessage: 'bot nobody does not exist' });
  });

  it('creates, updates and deletes integrations keyed by type', async () => {
    const local = await startLocal();
    await call(local, CREATE, { ...botBody('b1'), integrations: [] });
    const dify = {
      userId: 'b1',
      type: 'dify_chat',
      callbackUrl: 'https://api.dify.ai/v1',
      auth: { apiKey: 'app-1' },
    };
    const integration = (path: string, body: Record<string, unknown>) =>
      call(local, `/v3/bot/integration/${path}.json`, body);
    expect((await integration('create', dify)).body.code).toBe(200);
    expect((await integration('create', dify)).body).toEqual({
      code: 1002,
      errorMessage: 'bot b1 already has a dify_chat integration',
    });
    const updated = { ...dify, stream: false, auth: { apiKey: 'app-2' } };
    expect((await integration('update', updated)).body.code).toBe(200);
    const { userId: _userId, ...stored } = updated;
    expect(local.bot('b1')?.integrations).toEqual([stored]);
    const noWebhook = { userId: 'b1', type: 'webhook', callbackUrl: 'https://x.test' };
    expect((await integration('update', noWebhook)).body.errorMessage).toBe(
      'bot b1 has no webhook integration',
    );
    expect((await integration('delete', { userId: 'b1', type: 'dify_chat' })).body.code).toBe(200);
    expect(local.bot('b1')?.integrations).toEqual([]);
    expect((await integration('delete', { userId: 'b1', type: 'dify_chat' })).body.code).toBe(1002);
    expect(local.bot('b1')?.wireBodies).toHaveLength(4);
  });
});
