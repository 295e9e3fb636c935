import { chatAdapterContract } from '@imbridge/core/testing';
import { describe, expect, it } from 'vitest';
import { decodeChatbotPayload, encodeChatbotPayload } from '../chatbot/payload.ts';
import type { MessageElement } from '../messages/elements.ts';
import { createLocalTencentChat } from '../testing/local-tencent-chat.ts';
import { computeCallbackSign } from '../webhooks/sign.ts';
import { createTencentChatAdapter } from './adapter.ts';

const SDK_APP_ID = 1400000002;
const SECRET = 'contract-secret-key';
const TOKEN = 'contract-token';
const ROBOT = '@RBT#contract';

function shownText(elements: ReadonlyArray<MessageElement>): { text: string; finished: boolean } {
  const custom = elements.find((element) => element.type === 'custom');
  const payload = custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
  if (payload?.kind === 'stream')
    return { text: payload.chunks.join(''), finished: payload.isFinished };
  if (payload?.kind === 'error') return { text: payload.errorInfo, finished: true };
  return {
    text: elements.map((element) => (element.type === 'text' ? element.text : '')).join(''),
    finished: true,
  };
}

/** A signed webhook request, as Tencent Cloud Chat sends it. */
async function webhook(
  body: Record<string, unknown> | string,
  options: { sign?: string; requestTime?: number; sdkAppId?: number } = {},
): Promise<Request> {
  const requestTime = options.requestTime ?? Math.floor(Date.now() / 1000);
  const command = typeof body === 'string' ? 'Bot.OnC2CMessage' : String(body.CallbackCommand);
  const query = new URLSearchParams({
    SdkAppid: String(options.sdkAppId ?? SDK_APP_ID),
    CallbackCommand: command,
    contenttype: 'json',
    ClientIP: '127.0.0.1',
    OptPlatform: 'Web',
    Sign: options.sign ?? (await computeCallbackSign(TOKEN, requestTime)),
    RequestTime: String(requestTime),
  });
  return new Request(`http://bot.local/webhook?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function c2c(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const time = Math.floor(Date.now() / 1000);
  return {
    CallbackCommand: 'Bot.OnC2CMessage',
    From_Account: 'alice',
    To_Account: ROBOT,
    MsgSeq: 100,
    MsgRandom: 200,
    MsgTime: time,
    MsgKey: `100_200_${time}`,
    OnlineOnlyFlag: 0,
    SendMsgResult: 0,
    ErrorInfo: 'send msg succeed',
    UnreadMsgNum: 1,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
    EventTime: Date.now(),
    ...extra,
  };
}

function adapter(baseUrl = 'http://127.0.0.1:9') {
  return createTencentChatAdapter({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET,
    adminUserId: 'administrator',
    baseUrl,
    callbackToken: TOKEN,
    robotIds: [ROBOT],
  });
}

describe('createTencentChatAdapter', () => {
  it('paces replies at 98 % of each API limit with half a second of burst (decision 0014)', () => {
    expect(adapter().limits).toMatchObject({
      callsPerSecond: 196,
      burst: 98,
      openCallsPerSecond: 196,
      openBurst: 98,
    });
    const slow = createTencentChatAdapter({
      sdkAppId: SDK_APP_ID,
      secretKey: SECRET,
      adminUserId: 'administrator',
      callbackToken: TOKEN,
      robotIds: [ROBOT],
      callsPerSecondPerApi: 1,
    });
    expect(slow.limits).toMatchObject({ callsPerSecond: 1, burst: 1, openBurst: 1 });
  });

  describe('passes the core chat adapter contract (against the local Tencent Chat)', () => {
    const cases = chatAdapterContract({
      setup: async () => {
        const chat = await createLocalTencentChat({
          sdkAppId: SDK_APP_ID,
          secretKey: SECRET,
          callbackToken: TOKEN,
        });
        chat.importAccount('alice');
        const tested = adapter(chat.baseUrl);
        await tested.client.createRobot({ robotId: ROBOT });
        return {
          adapter: tested,
          messageRequest: ({ messageId, text }) => {
            const [sequence = '1', random = '2'] = messageId.split('-');
            const time = Math.floor(Date.now() / 1000);
            return webhook(
              c2c(text, {
                MsgKey: `${messageId}`,
                MsgSeq: Number(sequence) || 1,
                MsgRandom: Number(random) || 2,
                MsgTime: time,
              }),
            );
          },
          malformedRequest: () =>
            webhook('{"CallbackCommand": "Bot.OnC2CMessage", "From_Account": 7'),
          forgedRequest: () => webhook(c2c('forged'), { sign: 'f'.repeat(64) }),
          observe: async (target) =>
            chat
              .conversation({ userId: target.userId, robotId: ROBOT })
              .filter((message) => message.from === ROBOT)
              .map((message) => ({
                id: message.msgKey ?? message.msgId,
                ...shownText(message.elements),
              })),
          close: () => chat.close(),
        };
      },
    });
    for (const test of cases) it(test.name, test.run);
  });

  describe('inbound mapping', () => {
    it('maps a C2C text to a message with the MsgKey as id and a per-robot, per-user conversation', async () => {
      const { response, events } = await adapter().receive(await webhook(c2c('Hello')));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 });
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event?.type === 'message' && event.message).toMatchObject({
        id: expect.stringMatching(/^100_200_\d+$/),
        text: 'Hello',
        mentionsBot: true,
        sender: { id: 'alice', isBot: false },
        target: {
          conversationId: `c2c:${ROBOT}:alice`,
          type: 'direct',
          userId: 'alice',
          botId: ROBOT,
        },
      });
    });

    it('turns a src 22 custom message into an interrupt of the reply it names', async () => {
      const body = c2c('', {
        OnlineOnlyFlag: 1,
        MsgBody: [
          {
            MsgType: 'TIMCustomElem',
            MsgContent: {
              Data: encodeChatbotPayload({ kind: 'interrupt', msgKey: '5_6_1700000000' }),
            },
          },
        ],
      });
      const { events } = await adapter().receive(await webhook(body));
      expect(events).toEqual([
        expect.objectContaining({
          type: 'interrupt',
          replyId: '5_6_1700000000',
          target: expect.objectContaining({ conversationId: `c2c:${ROBOT}:alice` }),
        }),
      ]);
    });

    it('maps a group @-mention to a group message without the mention, and a group stop request to an interrupt', async () => {
      const time = Math.floor(Date.now() / 1000);
      const group = {
        CallbackCommand: 'Bot.OnGroupMessage',
        GroupId: '@TGS#g',
        Type: 'Public',
        From_Account: 'bob',
        Operator_Account: 'bob',
        Random: 3,
        MsgSeq: 42,
        MsgTime: time,
        OnlineOnlyFlag: 0,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `@${ROBOT} what time is it?` } }],
        AtRobots_Account: [ROBOT],
        EventTime: Date.now(),
      };
      const { events } = await adapter().receive(await webhook(group));
      expect(events[0]?.type === 'message' && events[0].message).toMatchObject({
        id: '@TGS#g:42',
        text: 'what time is it?',
        mentionsBot: true,
        target: { conversationId: 'group:@TGS#g', type: 'group', groupId: '@TGS#g', botId: ROBOT },
      });
      const stop = {
        ...group,
        CallbackCommand: 'Group.CallbackAfterSendMsg',
        MsgBody: [
          {
            MsgType: 'TIMCustomElem',
            MsgContent: {
              Data: encodeChatbotPayload({ kind: 'interrupt', msgKey: '41_9_1700000000' }),
            },
          },
        ],
      };
      const interrupted = await adapter().receive(await webhook(stop));
      expect(interrupted.events).toEqual([
        expect.objectContaining({
          type: 'interrupt',
          replyId: '41_9_1700000000',
          target: expect.objectContaining({ conversationId: 'group:@TGS#g' }),
        }),
      ]);
    });

    it('ignores robot senders, other robots, the bot’s own chatbot messages and unknown commands, acknowledging each', async () => {
      const tested = adapter();
      const cases = [
        c2c('from a robot', { From_Account: '@RBT#other' }),
        c2c('to another robot', { To_Account: '@RBT#not-ours' }),
        c2c('', {
          MsgBody: [
            {
              MsgType: 'TIMCustomElem',
              MsgContent: {
                Data: encodeChatbotPayload({ kind: 'stream', chunks: ['x'], isFinished: true }),
              },
            },
          ],
        }),
        c2c('', { MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: { UUID: 'x' } }] }),
        { CallbackCommand: 'State.StateChange', Info: { Action: 'Login', To_Account: 'alice' } },
      ];
      const reasons: string[] = [];
      for (const body of cases) {
        const { response, events } = await tested.receive(await webhook(body));
        expect(response.status).toBe(200);
        expect(events).toHaveLength(1);
        reasons.push(events[0]?.type === 'ignored' ? events[0].reason : 'not-ignored');
      }
      expect(reasons).toEqual([
        'robot-sender',
        'not-a-robot-of-this-bot',
        'chatbot-stream',
        'no-text',
        'unknown-command:State.StateChange',
      ]);
    });

    it('rejects stale signatures and foreign app ids with 4xx and no events', async () => {
      const tested = adapter();
      const stale = await tested.receive(
        await webhook(c2c('x'), { requestTime: Math.floor(Date.now() / 1000) - 120 }),
      );
      expect(stale.response.status).toBe(401);
      expect(stale.events).toEqual([]);
      const foreign = await tested.receive(await webhook(c2c('x'), { sdkAppId: 1400009999 }));
      expect(foreign.response.status).toBeGreaterThanOrEqual(400);
      expect(foreign.response.status).toBeLessThan(500);
      expect(foreign.events).toEqual([]);
    });
  });
});
