import { describe, expect, it } from 'vitest';
import { startDifyServer } from './__fixtures__/dify-server.ts';
import { CLOSED_DIFY_URL, call, startLocal } from './__fixtures__/server-api.ts';
import { DIFY_CONVERSATION_TTL_MS } from './dify-conversations.ts';
import type { LocalRongCloud } from './types.ts';

const API_KEY = 'app-test-key';

async function difyBot(
  local: LocalRongCloud,
  userId: string,
  integration: Record<string, unknown>,
): Promise<void> {
  const body = {
    userId,
    name: 'Dify bot',
    type: 'Message AI',
    profileUrl: 'https://example.com/avatar.png',
    metadata: { version: '1' },
    integrations: [{ auth: { apiKey: API_KEY }, ...integration }],
  };
  expect((await call(local, '/v3/bot/create.json', body)).body.code).toBe(200);
}

describe("local RongCloud's Dify integrations", () => {
  it('streams a dify_chatflow answer into one RC:StreamMsg, called with the bearer key and flattened inputs', async () => {
    const dify = await startDifyServer({ chatflow: true, answer: () => 'Hello from Dify' });
    const local = await startLocal();
    local.registerUser('alice');
    await difyBot(local, 'bot-dify', { type: 'dify_chatflow', callbackUrl: `${dify.baseUrl}/` });

    const result = await local.userSends({ from: 'alice', toBot: 'bot-dify', text: 'hi there' });

    const [question, reply] = local.conversation({ userId: 'alice', botUserId: 'bot-dify' });
    expect(dify.requests).toEqual([
      {
        path: '/v1/chat-messages',
        authorization: `Bearer ${API_KEY}`,
        body: {
          inputs: {
            bot_userId: 'bot-dify',
            bot_name: 'Dify bot',
            bot_profileUrl: 'https://example.com/avatar.png',
            bot_type: 'Message AI',
            bot_metadata: '{"version":"1"}',
            data_fromUserId: 'alice',
            data_toUserId: 'bot-dify',
            data_objectName: 'RC:TxtMsg',
            data_content: '{"content":"hi there"}',
            data_channelType: 'PERSON',
            data_msgUID: question?.messageUID,
            data_msgTimestamp: question?.sentAtMs,
          },
          query: 'hi there',
          user: 'alice',
          response_mode: 'streaming',
          conversation_id: '',
        },
      },
    ]);
    expect(reply).toMatchObject({
      fromUserId: 'bot-dify',
      toUserId: 'alice',
      objectName: 'RC:StreamMsg',
      origin: 'dify',
      text: 'Hello from Dify',
      content: { content: 'Hello from Dify', complete: true },
    });
    expect(reply?.wireBody).toBeUndefined();
    const chunks = reply?.stream?.chunks ?? [];
    expect(chunks.map((chunk) => [chunk.seq, chunk.delta, chunk.complete])).toEqual([
      [1, 'Hello ', false],
      [2, 'from ', false],
      [3, 'Dify', false],
      [4, '', true],
    ]);
    expect(chunks[1]?.wireBody).toEqual({
      fromUserId: 'bot-dify',
      toUserId: 'alice',
      objectName: 'RC:StreamMsg',
      content: { content: 'from ', seq: 2, complete: false, messageUID: reply?.messageUID },
    });
    expect(result.difyCalls).toEqual([
      {
        botUserId: 'bot-dify',
        integrationType: 'dify_chatflow',
        url: `${dify.baseUrl}/chat-messages`,
        requestBody: dify.requests[0]?.body,
        responseMode: 'streaming',
        status: 200,
        conversationId: 'conv-1',
        answer: 'Hello from Dify',
        replyMessageUID: reply?.messageUID,
        error: undefined,
        atMs: expect.any(Number),
      },
    ]);
    expect(local.difyCalls).toEqual(result.difyCalls);
    expect(JSON.stringify(local.difyCalls)).not.toContain(API_KEY);
  });

  it('sends a blocking dify_completion the text in inputs.query and stores one RC:TxtMsg', async () => {
    const dify = await startDifyServer({ answer: (query) => `Summary of "${query}"` });
    const local = await startLocal();
    local.registerUser('alice');
    await difyBot(local, 'bot-summary', {
      type: 'dify_completion',
      callbackUrl: dify.baseUrl,
      stream: false,
    });

    await local.userSends({ from: 'alice', toBot: 'bot-summary', text: 'long text' });
    await local.userSends({ from: 'alice', toBot: 'bot-summary', text: 'more' });

    const [first] = dify.requests;
    expect(first?.path).toBe('/v1/completion-messages');
    expect(first?.body).toMatchObject({
      inputs: { query: 'long text', data_content: '{"content":"long text"}' },
      user: 'alice',
      response_mode: 'blocking',
    });
    expect(first?.body).not.toHaveProperty('conversation_id');
    expect(first?.body).not.toHaveProperty('query');
    const replies = local
      .conversation({ userId: 'alice', botUserId: 'bot-summary' })
      .filter((message) => message.fromUserId === 'bot-summary');
    expect(replies.map((reply) => [reply.objectName, reply.text, reply.stream])).toEqual([
      ['RC:TxtMsg', 'Summary of "long text"', undefined],
      ['RC:TxtMsg', 'Summary of "more"', undefined],
    ]);
    expect(local.difyCalls.map((item) => [item.responseMode, item.conversationId])).toEqual([
      ['blocking', undefined],
      ['blocking', undefined],
    ]);
  });

  it('keeps one conversation per sender and bot for 24 h from its first reply', async () => {
    const dify = await startDifyServer();
    const clock = { offsetMs: 0 };
    const local = await startLocal({ now: () => Date.now() + clock.offsetMs });
    local.registerUser('alice');
    local.registerUser('bob');
    await difyBot(local, 'bot-dify', { type: 'dify_chat', callbackUrl: dify.baseUrl });
    const ask = async (from: string) => {
      const { difyCalls } = await local.userSends({ from, toBot: 'bot-dify', text: 'hi' });
      return [difyCalls[0]?.requestBody.conversation_id, difyCalls[0]?.conversationId];
    };

    expect(await ask('alice')).toEqual(['', 'conv-1']);
    expect(await ask('alice')).toEqual(['conv-1', 'conv-1']);
    expect(await ask('bob')).toEqual(['', 'conv-2']);
    clock.offsetMs = DIFY_CONVERSATION_TTL_MS - 1_000;
    expect(await ask('alice')).toEqual(['conv-1', 'conv-1']);
    // 24 h after the first reply, however active the chat: a fresh conversation.
    clock.offsetMs = DIFY_CONVERSATION_TTL_MS;
    expect(await ask('alice')).toEqual(['', 'conv-3']);
    expect(await ask('bob')).toEqual(['', 'conv-4']);
  });

  it('forgets a conversation Dify no longer knows and asks once more without it', async () => {
    const dify = await startDifyServer();
    const local = await startLocal();
    local.registerUser('alice');
    await difyBot(local, 'bot-dify', { type: 'dify_chat', callbackUrl: dify.baseUrl });
    await local.userSends({ from: 'alice', toBot: 'bot-dify', text: 'one' });
    dify.conversations.clear();

    const { difyCalls } = await local.userSends({ from: 'alice', toBot: 'bot-dify', text: 'two' });

    expect(
      difyCalls.map((item) => [item.requestBody.conversation_id, item.status, item.error]),
    ).toEqual([
      ['conv-1', 404, 'HTTP 404 not_found: Conversation Not Exists.'],
      ['', 200, undefined],
    ]);
    expect(difyCalls[0]?.replyMessageUID).toBeUndefined();
    expect(local.messages.at(-1)).toMatchObject({ text: 'You said: two', origin: 'dify' });
    const { difyCalls: next } = await local.userSends({
      from: 'alice',
      toBot: 'bot-dify',
      text: 'x',
    });
    expect(next.map((item) => item.requestBody.conversation_id)).toEqual(['conv-2']);
  });

  it('completes the stream with what arrived when Dify sends an error event, and logs it', async () => {
    const dify = await startDifyServer({ answer: () => 'one two three four' });
    const local = await startLocal();
    local.registerUser('alice');
    await difyBot(local, 'bot-dify', { type: 'dify_chatflow', callbackUrl: dify.baseUrl });
    dify.failNext({ afterChunks: 2, code: 'completion_request_error', message: 'model failed' });

    const { difyCalls } = await local.userSends({ from: 'alice', toBot: 'bot-dify', text: 'go' });

    const reply = local.messages.at(-1);
    expect(reply?.stream).toMatchObject({ text: 'one two ', complete: true, chunkCount: 3 });
    expect(difyCalls).toEqual([
      expect.objectContaining({
        status: 200,
        answer: 'one two ',
        replyMessageUID: reply?.messageUID,
        error: 'error event completion_request_error: model failed',
      }),
    ]);
  });

  it('logs an HTTP error, a wrong key and an unreachable Dify without storing or throwing', async () => {
    const dify = await startDifyServer();
    const local = await startLocal();
    local.registerUser('alice');
    await difyBot(local, 'bot-a', { type: 'dify_chat', callbackUrl: dify.baseUrl });
    await difyBot(local, 'bot-b', {
      type: 'dify_chat',
      callbackUrl: dify.baseUrl,
      auth: { apiKey: 'app-wrong' },
    });
    await difyBot(local, 'bot-c', { type: 'dify_chat', callbackUrl: CLOSED_DIFY_URL });
    dify.failNext({ status: 429, code: 'too_many_requests', message: 'busy' });

    for (const toBot of ['bot-a', 'bot-b', 'bot-c']) {
      await local.userSends({ from: 'alice', toBot, text: 'hi' });
    }

    expect(local.difyCalls.map((item) => [item.botUserId, item.status, item.error])).toEqual([
      ['bot-a', 429, 'HTTP 429 too_many_requests: busy'],
      ['bot-b', 401, 'HTTP 401 unauthorized: Access token is invalid'],
      ['bot-c', 0, 'network: ECONNREFUSED'],
    ]);
    expect(local.messages.every((message) => message.origin === 'client')).toBe(true);
    expect(JSON.stringify(local.difyCalls)).not.toContain('app-wrong');
  });

  it('answers a group @-mention in the group, and calls Dify but stores nothing with handleResponse false', async () => {
    const dify = await startDifyServer();
    const local = await startLocal();
    local.registerUser('alice');
    await difyBot(local, 'bot-dify', { type: 'dify_chat', callbackUrl: dify.baseUrl });
    await difyBot(local, 'bot-silent', {
      type: 'dify_chat',
      callbackUrl: dify.baseUrl,
      handleResponse: false,
    });
    local.createGroup({ groupId: 'team', memberIds: ['alice', 'bot-dify', 'bot-silent'] });

    const result = await local.userSendsToGroup({
      from: 'alice',
      groupId: 'team',
      text: '@bots hello',
      mentionBotIds: ['bot-dify', 'bot-silent'],
    });

    expect(dify.requests.map((request) => request.body.inputs)).toEqual([
      expect.objectContaining({ data_channelType: 'GROUP', data_groupId: 'team' }),
      expect.objectContaining({ bot_userId: 'bot-silent', data_toUserId: 'bot-silent' }),
    ]);
    const messages = local.conversation({ groupId: 'team' });
    expect(messages.map((message) => [message.fromUserId, message.objectName])).toEqual([
      ['alice', 'RC:TxtMsg'],
      ['bot-dify', 'RC:StreamMsg'],
    ]);
    expect(messages[1]).toMatchObject({ groupId: 'team', text: 'You said: @bots hello' });
    expect(result.difyCalls.map((item) => [item.botUserId, item.replyMessageUID])).toEqual([
      ['bot-dify', messages[1]?.messageUID],
      ['bot-silent', undefined],
    ]);
  });
});
