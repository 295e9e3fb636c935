/**
 * The RongCloud adapter against core's adapter contract suite (over loopback HTTP to the local
 * RongCloud), and its inbound mapping.
 */
import { chatAdapterContract } from '@imbridge/core/testing';
import { describe, expect, it } from 'vitest';
import { createLocalRongCloud } from '../testing/local-rongcloud.ts';
import {
  FIXTURE_APP_SECRET,
  FIXTURE_BOT_USER_ID,
  groupMentionMessage,
  privateTextMessage,
  signedQuery,
  webhookRequest,
} from '../webhooks/__fixtures__/webhooks.ts';
import { createRongCloudAdapter } from './adapter.ts';

const APP_KEY = 'contract-app-key';
const BOT = FIXTURE_BOT_USER_ID;

/** A signed `message:private` webhook, signed now. */
function privateWebhook(text: string, messageId: string, sign?: string): Request {
  const now = String(Date.now());
  const query = signedQuery({ timestamp: now });
  return webhookRequest({
    body: {
      ...privateTextMessage,
      timestamp: Date.now(),
      data: {
        ...privateTextMessage.data,
        fromUserId: 'alice',
        content: JSON.stringify({ content: text }),
        msgUID: messageId,
        msgTimestamp: Date.now(),
      },
    },
    query: sign === undefined ? query : { ...query, signature: sign },
  });
}

describe('createRongCloudAdapter', () => {
  it("paces replies at 98 % of the stream APIs' 100 calls/s, half a second of burst (decision 0014)", () => {
    const adapter = createRongCloudAdapter({
      appKey: APP_KEY,
      appSecret: FIXTURE_APP_SECRET,
      logger: false,
    });
    expect(adapter.limits).toMatchObject({ callsPerSecond: 98, burst: 49 });
  });

  describe('contract', () => {
    const cases = chatAdapterContract({
      setup: async () => {
        const local = await createLocalRongCloud({
          appKey: APP_KEY,
          appSecret: FIXTURE_APP_SECRET,
        });
        local.registerUser('alice');
        local.registerUser(BOT);
        const adapter = createRongCloudAdapter({
          appKey: APP_KEY,
          appSecret: FIXTURE_APP_SECRET,
          hosts: [local.primaryUrl, local.backupUrl],
          botUserIds: [BOT],
          logger: false,
        });
        return {
          adapter,
          messageRequest: ({ messageId, text }) => privateWebhook(text, messageId),
          malformedRequest: () =>
            webhookRequest({
              rawBody: '{"type": "message:private", "data": 7',
              query: signedQuery({ timestamp: String(Date.now()) }),
            }),
          forgedRequest: () => privateWebhook('forged', 'forged-1', 'f'.repeat(40)),
          observe: async (target) =>
            local
              .conversation({ userId: target.userId, botUserId: BOT })
              .filter((message) => message.fromUserId === BOT)
              .map((message) => ({
                id: message.messageUID,
                text: message.stream?.text ?? message.text ?? '',
                finished: message.stream === undefined || message.stream.complete,
              })),
          close: () => local.close(),
        };
      },
    });
    for (const test of cases) it(test.name, test.run);
  });

  describe('inbound mapping', () => {
    const adapter = () =>
      createRongCloudAdapter({
        appKey: APP_KEY,
        appSecret: FIXTURE_APP_SECRET,
        botUserIds: [BOT],
        logger: false,
      });

    it('maps a private text to a message with the msgUID as id and a per-bot, per-user conversation', async () => {
      const { response, events } = await adapter().receive(privateWebhook('Hello', 'uid-1'));
      expect(response.status).toBe(200);
      expect(events).toEqual([
        {
          type: 'message',
          message: expect.objectContaining({
            id: 'uid-1',
            text: 'Hello',
            mentionsBot: true,
            sender: { id: 'alice', isBot: false },
            target: {
              conversationId: `private:${BOT}:alice`,
              type: 'direct',
              userId: 'alice',
              botId: BOT,
            },
          }),
        },
      ]);
    });

    it('maps a group @-mention to the group conversation of that bot', async () => {
      const request = webhookRequest({
        body: { ...groupMentionMessage, timestamp: Date.now() },
        query: signedQuery({ timestamp: String(Date.now()) }),
      });
      const { events } = await adapter().receive(request);
      const [event] = events;
      expect(event?.type).toBe('message');
      if (event?.type !== 'message') return;
      expect(event.message.mentionsBot).toBe(true);
      expect(event.message.target).toMatchObject({ type: 'group', botId: BOT });
      expect(event.message.target.conversationId).toMatch(new RegExp(`^group:.+:${BOT}$`));
    });

    it('serves several bots: each message goes to the conversation of the bot it was sent to', async () => {
      const both = createRongCloudAdapter({
        appKey: APP_KEY,
        appSecret: FIXTURE_APP_SECRET,
        botUserIds: [BOT, 'bot-second'],
        logger: false,
      });
      const toSecond = webhookRequest({
        body: {
          ...privateTextMessage,
          bot: { ...privateTextMessage.bot, userId: 'bot-second' },
          data: {
            ...privateTextMessage.data,
            fromUserId: 'alice',
            toUserId: 'bot-second',
            msgUID: 'uid-second',
          },
        },
        query: signedQuery({ timestamp: String(Date.now()) }),
      });
      const first = await both.receive(privateWebhook('Hello', 'uid-first'));
      const second = await both.receive(toSecond);
      const targets = [...first.events, ...second.events].map((event) =>
        event.type === 'message' ? event.message.target : undefined,
      );
      expect(targets).toEqual([
        expect.objectContaining({ conversationId: `private:${BOT}:alice`, botId: BOT }),
        expect.objectContaining({
          conversationId: 'private:bot-second:alice',
          botId: 'bot-second',
        }),
      ]);
    });

    it('ignores messages for other bots and messages from its bots', async () => {
      const other = createRongCloudAdapter({
        appKey: APP_KEY,
        appSecret: FIXTURE_APP_SECRET,
        botUserIds: ['bot-other'],
        logger: false,
      });
      const { events } = await other.receive(privateWebhook('Hello', 'uid-2'));
      expect(events).toEqual([
        expect.objectContaining({ type: 'ignored', reason: 'not-a-bot-of-this-adapter' }),
      ]);
    });

    it('fails at creation without the App Secret, unless signatures are off', () => {
      expect(() =>
        createRongCloudAdapter({ appKey: APP_KEY, appSecret: undefined as never }),
      ).toThrow(/appSecret/);
      expect(() =>
        createRongCloudAdapter({
          appKey: APP_KEY,
          appSecret: 'x',
          verifySignatures: false,
          logger: false,
        }),
      ).not.toThrow();
    });
  });
});
