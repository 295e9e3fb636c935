import { describe, expect, it } from 'vitest';
import { rongCloudSignature } from '../signing/signature.ts';
import { APP_SECRET, botBody, call, startLocal, startReceiver } from './__fixtures__/server-api.ts';
import type { LocalRongCloud } from './types.ts';

async function withBot(local: LocalRongCloud, body: Record<string, unknown>): Promise<void> {
  expect((await call(local, '/v3/bot/create.json', body)).body.code).toBe(200);
}

describe('local RongCloud webhooks', () => {
  it("POSTs message:private to the webhook integration's callbackUrl, signed in the query", async () => {
    const receiver = await startReceiver();
    const local = await startLocal();
    local.registerUser('alice');
    await withBot(local, botBody('bot-1', receiver.url));
    const before = Date.now();
    const result = await local.userSends({ from: 'alice', toBot: 'bot-1', text: 'hello' });
    const [stored] = local.conversation({ userId: 'alice', botUserId: 'bot-1' });
    expect(result).toMatchObject({
      status: 200,
      body: { ok: true },
      delivered: true,
      messageUID: stored?.messageUID,
    });
    const [delivery] = receiver.received;
    if (delivery === undefined) throw new Error('no webhook received');
    const query = delivery.url.searchParams;
    expect(query.get('route')).toBe('bot');
    const nonce = query.get('nonce') ?? '';
    const signTimestamp = query.get('signTimestamp') ?? '';
    expect(nonce).toMatch(/^\d{1,18}$/);
    expect(Number(signTimestamp)).toBeGreaterThanOrEqual(before);
    expect(query.get('signature')).toBe(rongCloudSignature(APP_SECRET, nonce, signTimestamp));
    expect(delivery.body).toEqual({
      type: 'message:private',
      timestamp: expect.any(Number),
      bot: {
        userId: 'bot-1',
        name: '消息助手',
        profileUrl: 'https://example.com/avatar.png',
        type: 'Message AI',
        metadata: { version: '1' },
      },
      data: {
        fromUserId: 'alice',
        toUserId: 'bot-1',
        objectName: 'RC:TxtMsg',
        content: '{"content":"hello"}',
        channelType: 'PERSON',
        msgUID: stored?.messageUID,
        msgTimestamp: stored?.sentAtMs,
      },
    });
    expect(result.deliveries).toEqual([
      {
        botUserId: 'bot-1',
        url: expect.stringContaining(`signature=${query.get('signature')}`),
        requestBody: delivery.body,
        status: 200,
        body: { ok: true },
      },
    ]);
    expect(stored).toMatchObject({ origin: 'client', text: 'hello', objectName: 'RC:TxtMsg' });
  });

  it('sends every webhook to the callbackUrl option when set', async () => {
    const receiver = await startReceiver();
    const local = await startLocal({ callbackUrl: receiver.url });
    local.registerUser('alice');
    await withBot(local, botBody('bot-1', 'https://unreachable.invalid/hook'));
    expect((await local.userSends({ from: 'alice', toBot: 'bot-1', text: 'hi' })).delivered).toBe(
      true,
    );
    expect(receiver.received).toHaveLength(1);
  });

  it('delivers message:group only to mentioned bots that are members', async () => {
    const receiver = await startReceiver();
    const local = await startLocal();
    local.registerUser('alice');
    await withBot(local, botBody('bot-1', receiver.url));
    await withBot(local, botBody('bot-2', receiver.url));
    local.createGroup({ groupId: 'team', memberIds: ['alice', 'bot-1'] });
    const quiet = await local.userSendsToGroup({ from: 'alice', groupId: 'team', text: 'hi all' });
    expect(quiet).toMatchObject({ status: 0, body: undefined, delivered: false, deliveries: [] });
    const result = await local.userSendsToGroup({
      from: 'alice',
      groupId: 'team',
      text: '@消息助手 hello',
      mentionBotIds: ['bot-1', 'bot-2'],
    });
    expect(result.deliveries.map((delivery) => delivery.botUserId)).toEqual(['bot-1']);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.body).toEqual({
      type: 'message:group',
      timestamp: expect.any(Number),
      bot: expect.objectContaining({ userId: 'bot-1' }),
      data: {
        fromUserId: 'alice',
        toUserId: 'bot-1',
        groupId: 'team',
        objectName: 'RC:TxtMsg',
        content: JSON.stringify({
          content: '@消息助手 hello',
          mentionedInfo: { type: 2, userIdList: ['bot-1', 'bot-2'] },
        }),
        channelType: 'GROUP',
        msgUID: result.messageUID,
        msgTimestamp: expect.any(Number),
      },
    });
    expect(local.conversation({ groupId: 'team' })).toHaveLength(2);
  });

  it('delivers nothing to a user, a Dify-only bot, a disabled webhook or one not listening to the event', async () => {
    const receiver = await startReceiver();
    const local = await startLocal();
    local.registerUser('alice');
    local.registerUser('bob');
    const [webhook, dify] = botBody('x', receiver.url).integrations;
    await withBot(local, { ...botBody('dify-only'), integrations: [dify] });
    await withBot(local, {
      ...botBody('disabled'),
      integrations: [{ ...webhook, enabled: false }],
    });
    await withBot(local, {
      ...botBody('group-only'),
      integrations: [{ ...webhook, events: ['message:group'] }],
    });
    for (const toBot of ['bob', 'dify-only', 'disabled', 'group-only']) {
      const result = await local.userSends({ from: 'alice', toBot, text: 'hi' });
      expect(result.delivered).toBe(false);
    }
    expect(receiver.received).toEqual([]);
    expect(local.messages).toHaveLength(4);
  });

  it('refuses senders that are not registered users and groups that do not exist', async () => {
    const local = await startLocal();
    await expect(local.userSends({ from: 'ghost', toBot: 'bot', text: 'x' })).rejects.toThrow(
      /ghost is not a registered user/,
    );
    local.registerUser('alice');
    await expect(
      local.userSendsToGroup({ from: 'alice', groupId: 'nope', text: 'x' }),
    ).rejects.toThrow(/group nope does not exist/);
    local.createGroup({ groupId: 'team', memberIds: [] });
    await expect(
      local.userSendsToGroup({ from: 'alice', groupId: 'team', text: 'x' }),
    ).rejects.toThrow(/not a member/);
    expect(() => local.createGroup({ groupId: 'team', memberIds: [] })).toThrow(/exists/);
  });

  it('forges, back-dates and old-style-signs webhooks with deliverWebhook', async () => {
    const receiver = await startReceiver();
    const local = await startLocal({ callbackUrl: receiver.url });
    const body = { data: { fromUserId: 'alice' } };
    await local.deliverWebhook('message:private', body, { signOverride: 'f'.repeat(40) });
    await local.deliverWebhook('message:private', body, {
      timestampOverride: 1_408_710_653_000,
      nonceOverride: '14314',
    });
    await local.deliverWebhook('message:private', body, { legacySpelling: true });
    await local.deliverWebhook('message:private', '{"raw":1}', { omitSignature: true });
    const [forged, stale, legacy, unsigned] = receiver.received;
    expect(forged?.url.searchParams.get('signature')).toBe('f'.repeat(40));
    expect(forged?.body).toEqual({ type: 'message:private', data: { fromUserId: 'alice' } });
    expect(stale?.url.searchParams.get('signTimestamp')).toBe('1408710653000');
    expect(stale?.url.searchParams.get('signature')).toBe(
      rongCloudSignature(APP_SECRET, '14314', '1408710653000'),
    );
    const legacyQuery = legacy?.url.searchParams;
    const seconds = legacyQuery?.get('rc-timestamp') ?? '';
    expect(Math.abs(Number(seconds) - Date.now() / 1000)).toBeLessThan(5);
    expect(legacyQuery?.has('signature')).toBe(false);
    expect(legacyQuery?.get('rc-signature')).toBe(
      rongCloudSignature(APP_SECRET, legacyQuery?.get('rc-nonce') ?? '', seconds),
    );
    expect(unsigned?.url.searchParams.has('signature')).toBe(false);
    expect(unsigned?.body).toEqual({ raw: 1 });
  });

  it("deliverWebhook finds the bot's webhook URL from body.bot.userId, and needs a URL", async () => {
    const receiver = await startReceiver();
    const local = await startLocal();
    await expect(local.deliverWebhook('message:private', {})).rejects.toThrow(/no callbackUrl/);
    await withBot(local, botBody('bot-1', receiver.url));
    const delivery = await local.deliverWebhook('message:private', { bot: { userId: 'bot-1' } });
    expect(delivery).toMatchObject({ botUserId: 'bot-1', status: 200 });
    expect(receiver.received).toHaveLength(1);
  });
});
