import { commands, type MessageContext } from '@imbridge/core';
import { textSteps } from '@imbridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  payloadOf,
  ROBOT,
  robotMessages,
  shown,
  start,
  stopRunning,
  TOKEN,
  waitFor,
} from './__fixtures__/harness.ts';
import type { TencentChatAdapter } from './adapter.ts';

afterEach(stopRunning);

describe('Tencent Chat bot end to end (real HTTP, local Tencent Chat)', () => {
  it('answers a C2C message with one chatbot message whose chunks grow and end with isFinished 1', async () => {
    const { chat, bot, model } = await start();
    const delivery = await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hi robot' });
    expect(delivery.status).toBe(200);
    expect(delivery.body).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    await bot.idle();
    const replies = robotMessages(chat);
    expect(replies).toHaveLength(1);
    const versions = (replies[0]?.versions ?? []).map(shown);
    expect(versions.length).toBeGreaterThan(2);
    // Every version is the chatbot stream protocol; the text only grows; only the last is finished.
    for (let index = 0; index < versions.length; index += 1) {
      expect(versions[index]?.kind).toBe('stream');
      if (index > 0)
        expect(versions[index]?.text.startsWith(versions[index - 1]?.text ?? '')).toBe(true);
      expect(versions[index]?.finished).toBe(index === versions.length - 1);
    }
    expect(versions.at(-1)?.text).toBe('Hello from the robot, streaming in pieces.');
    // Chunks are cumulative: the list grows, earlier chunks never change.
    const chunkLists = (replies[0]?.versions ?? []).map((version) => {
      const payload = payloadOf(version);
      return payload?.kind === 'stream' ? payload.chunks : [];
    });
    for (let index = 1; index < chunkLists.length; index += 1) {
      expect(chunkLists[index]?.slice(0, chunkLists[index - 1]?.length)).toEqual(
        chunkLists[index - 1],
      );
    }
    expect(model.calls[0]?.request.messages).toEqual([{ role: 'user', content: 'Hi robot' }]);
  });

  it('keeps the number of platform calls within the pacer budget', async () => {
    const { chat, bot } = await start({
      minUpdateIntervalMs: 100,
      scripts: [{ steps: textSteps('x'.repeat(300), { chunkSize: 1, delayMs: 2 }) }],
    });
    const started = Date.now();
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Go' });
    await bot.idle();
    const elapsedMs = Date.now() - started;
    const calls = chat.requests.filter(
      (request) => request.api === 'openim/sendmsg' || request.api === 'openim/modify_c2c_msg',
    );
    // One call per 100 ms at most (plus the first), instead of one per token (300).
    expect(calls.length).toBeLessThanOrEqual(Math.floor(elapsedMs / 100) + 2);
    expect(calls.length).toBeLessThan(30);
    expect(shown(robotMessages(chat)[0]?.elements ?? []).text).toBe('x'.repeat(300));
  });

  it('answers a webhook delivered twice only once', async () => {
    const { chat, bot, model } = await start();
    const body = {
      CallbackCommand: 'Bot.OnC2CMessage',
      From_Account: 'alice',
      To_Account: ROBOT,
      MsgSeq: 11,
      MsgRandom: 22,
      MsgTime: Math.floor(Date.now() / 1000),
      MsgKey: `11_22_${Math.floor(Date.now() / 1000)}`,
      OnlineOnlyFlag: 0,
      SendMsgResult: 0,
      ErrorInfo: 'send msg succeed',
      UnreadMsgNum: 1,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'twice' } }],
      EventTime: Date.now(),
    };
    const [first, second] = await Promise.all([
      chat.deliverWebhook('Bot.OnC2CMessage', body),
      chat.deliverWebhook('Bot.OnC2CMessage', body),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await bot.idle();
    expect(model.calls).toHaveLength(1);
    expect(robotMessages(chat)).toHaveLength(1);
  });

  it('shows one finished reply when Tencent stored the first send but the connection reset before its answer', async () => {
    const { chat, bot } = await start({
      scripts: [{ steps: textSteps('One bubble, finished, whatever the network did.') }],
    });
    chat.failNext('openim/sendmsg', 0, 1, { after: 'store', reset: true });
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hi' });
    await bot.idle();
    const replies = robotMessages(chat);
    expect(replies).toHaveLength(1);
    expect(shown(replies[0]?.elements ?? [])).toEqual({
      kind: 'stream',
      text: 'One bubble, finished, whatever the network did.',
      finished: true,
    });
  });

  it('stops the reply when the user sends a src 22 interrupt naming it: finished, model aborted', async () => {
    const { chat, bot, model } = await start({
      scripts: [
        { steps: [...textSteps('A long story that goes on', { delayMs: 5 }), { type: 'stall' }] },
      ],
    });
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Tell me a story' });
    await waitFor(
      () => shown(robotMessages(chat)[0]?.elements ?? []).text === 'A long story that goes on',
    );
    const msgKey = robotMessages(chat)[0]?.msgKey as string;
    const delivery = await chat.userInterrupts({ from: 'alice', robotId: ROBOT, msgKey });
    expect(delivery.status).toBe(200);
    await bot.idle();
    expect(model.calls[0]?.aborted).toBe(true);
    const final = shown(robotMessages(chat)[0]?.elements ?? []);
    expect(final).toEqual({ kind: 'stream', text: 'A long story that goes on', finished: true });
    // The interrupt is not answered as a question, and no error message is sent.
    expect(model.calls).toHaveLength(1);
    expect(robotMessages(chat)).toHaveLength(1);
  });

  it('reports a model failure with a src 23 error message and finishes the partial reply', async () => {
    const { chat, bot, logs } = await start({
      bot: { errorMessage: 'The assistant is unavailable right now.' },
      scripts: [
        {
          steps: [
            { type: 'text', text: 'Partial answer' },
            { type: 'throw', error: new Error('model exploded with key sk-SECRET'), delayMs: 30 },
          ],
        },
      ],
    });
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hello?' });
    await bot.idle();
    const [reply, error] = robotMessages(chat);
    expect(shown(reply?.elements ?? [])).toEqual({
      kind: 'stream',
      text: 'Partial answer',
      finished: true,
    });
    expect(payloadOf(error?.elements ?? [])).toEqual({
      kind: 'error',
      errorInfo: 'The assistant is unavailable right now.',
    });
    expect(JSON.stringify(chat.messages)).not.toContain('SECRET');
    expect(logs.some((entry) => entry.event === 'model-error')).toBe(true);
  });

  it('answers a group @-mention in the group, without the mention in the question', async () => {
    const { chat, bot, model } = await start();
    chat.createGroup({ groupId: '@TGS#demo', type: 'Public', memberIds: ['alice', 'bob', ROBOT] });
    const delivery = await chat.userSendsToGroup({
      from: 'bob',
      groupId: '@TGS#demo',
      text: `@${ROBOT} what is imbridge?`,
      atUserIds: [ROBOT],
    });
    expect(delivery.status).toBe(200);
    await bot.idle();
    const replies = robotMessages(chat, { groupId: '@TGS#demo' } as never);
    expect(replies).toHaveLength(1);
    expect(shown(replies[0]?.elements ?? [])).toMatchObject({
      finished: true,
      text: 'Hello from the robot, streaming in pieces.',
    });
    expect(model.calls[0]?.request.messages.at(-1)?.content).toBe('what is imbridge?');
    // A group message that does not mention the robot is not answered.
    await chat.userSendsToGroup({ from: 'bob', groupId: '@TGS#demo', text: 'just chatting' });
    await bot.idle();
    expect(model.calls).toHaveLength(1);
  });

  it('rejects a forged or stale Sign and a foreign SdkAppid without answering', async () => {
    const { chat, bot, model } = await start();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const body = {
      CallbackCommand: 'Bot.OnC2CMessage',
      From_Account: 'alice',
      To_Account: ROBOT,
      MsgSeq: 1,
      MsgRandom: 2,
      MsgTime: nowSeconds,
      MsgKey: `1_2_${nowSeconds}`,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'forged' } }],
    };
    const forged = await chat.deliverWebhook('Bot.OnC2CMessage', body, {
      signOverride: 'a'.repeat(64),
    });
    const stale = await chat.deliverWebhook('Bot.OnC2CMessage', body, {
      requestTimeOverride: nowSeconds - 3600,
    });
    const unsigned = await chat.deliverWebhook('Bot.OnC2CMessage', body, { omitSign: true });
    const foreign = await chat.deliverWebhook('Bot.OnC2CMessage', body, {
      sdkAppIdOverride: 1400009999,
    });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(foreign.status).toBeGreaterThanOrEqual(400);
    expect(foreign.status).toBeLessThan(500);
    expect(JSON.stringify([forged.body, stale.body])).not.toContain(TOKEN);
    await bot.idle();
    expect(model.calls).toHaveLength(0);
  });

  it('streams with native TIMStreamElem delta chunks in stream-elem mode', async () => {
    const { chat, bot } = await start({ streamMode: 'stream-elem', minUpdateIntervalMs: 220 });
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hi' });
    await bot.idle();
    const [reply] = robotMessages(chat);
    expect(reply?.stream?.ended).toBe(true);
    const streamElement = reply?.elements.find((element) => element.type === 'stream');
    expect(
      streamElement?.type === 'stream'
        ? streamElement.chunks.map((chunk) => chunk.markdown).join('')
        : '',
    ).toBe('Hello from the robot, streaming in pieces.');
  });

  it('modifies a plain text message in text-modify mode', async () => {
    const { chat, bot } = await start({ streamMode: 'text-modify' });
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hi' });
    await bot.idle();
    const [reply] = robotMessages(chat);
    expect(reply?.versions.length).toBeGreaterThan(1);
    expect(shown(reply?.elements ?? [])).toEqual({
      kind: 'text',
      text: 'Hello from the robot, streaming in pieces.',
      finished: true,
    });
  });

  it('continues a reply over the size cap in follow-up messages, each under the cap', async () => {
    const long = 'Streaming text that will not fit in one message. '.repeat(30);
    const { chat, bot } = await start({
      maxTextBytes: 600,
      scripts: [{ steps: textSteps(long, { chunkSize: 40, delayMs: 1 }) }],
    });
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Long one please' });
    await bot.idle();
    const replies = robotMessages(chat);
    expect(replies.length).toBeGreaterThan(2);
    expect(replies.map((reply) => shown(reply.elements).text).join('')).toBe(long);
    expect(replies.every((reply) => shown(reply.elements).finished)).toBe(true);
  });

  it('renews the admin UserSig on 70001 and keeps answering', async () => {
    const { chat, bot } = await start();
    chat.failNext('openim/sendmsg', 70001, 1);
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hi' });
    await bot.idle();
    expect(shown(robotMessages(chat)[0]?.elements ?? []).finished).toBe(true);
    expect(
      chat.requests.some(
        (request) => request.api === 'openim/sendmsg' && request.errorCode === 70001,
      ),
    ).toBe(true);
  });

  it('gives handlers the Tencent payload typed through ctx.from(adapter); a command answers without the model', async () => {
    const senders: Array<string | undefined> = [];
    const ref: { adapter?: TencentChatAdapter } = {};
    const readPayload = async (ctx: MessageContext, next: () => Promise<void>) => {
      const tencent = ref.adapter === undefined ? undefined : ctx.from(ref.adapter);
      // Typed: `raw` is the callback's JSON body (TencentChatMessagePayload).
      senders.push(tencent?.message.raw?.From_Account);
      await next();
    };
    const { chat, bot, model, adapter } = await start({
      bot: {
        middleware: [readPayload, commands({ help: (ctx) => ctx.reply('Ask me anything.') })],
      },
    });
    ref.adapter = adapter;
    await chat.userSends({ from: 'alice', to: ROBOT, text: '/help' });
    await bot.idle();
    expect(senders).toEqual(['alice']);
    expect(model.callCount).toBe(0);
    const [reply] = robotMessages(chat);
    expect(shown(reply?.versions.at(-1) ?? [])).toMatchObject({
      kind: 'stream',
      text: 'Ask me anything.',
      finished: true,
    });
  });
});
