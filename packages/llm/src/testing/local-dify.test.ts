import {
  AbortedError,
  APICallError,
  type JsonValue,
  type ModelEvent,
  type ModelRequest,
} from '@imbridge/core';
import { languageModelContract } from '@imbridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createDify, type DifyOptions } from '../dify/dify.ts';
import type { DifyApp } from '../dify/dify-wire.ts';
import { createLocalDify } from './local-dify.ts';
import type { LocalDify, LocalDifyMode, LocalDifyOptions } from './types.ts';

const locals: LocalDify[] = [];

afterEach(async () => {
  await Promise.all(locals.splice(0).map((local) => local.close()));
});

async function start(options: LocalDifyOptions = {}): Promise<LocalDify> {
  const local = await createLocalDify(options);
  locals.push(local);
  return local;
}

const APP_OF_MODE: Record<LocalDifyMode, DifyApp> = {
  chat: 'chat',
  'agent-chat': 'agent',
  'advanced-chat': 'chatflow',
  completion: 'completion',
  workflow: 'workflow',
};

function modelFor(local: LocalDify, options: Partial<DifyOptions> = {}) {
  return createDify({
    apiKey: 'app-local',
    app: APP_OF_MODE[local.mode],
    baseUrl: local.baseUrl,
    retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

interface Turn {
  text: string;
  events: ModelEvent[];
  providerState: JsonValue | undefined;
}

async function ask(
  model: ReturnType<typeof createDify>,
  content: string,
  request: Partial<ModelRequest> = {},
): Promise<Turn> {
  const events: ModelEvent[] = [];
  let text = '';
  let providerState: JsonValue | undefined;
  for await (const event of model.stream({
    messages: [{ role: 'user', content }],
    user: 'alice',
    ...request,
  })) {
    events.push(event);
    if (event.type === 'text-delta') text += event.text;
    if (event.type === 'finish') providerState = event.providerState;
  }
  return { text, events, providerState };
}

function conversationOf(turn: Turn): string {
  const state = turn.providerState as { conversationId?: unknown } | undefined;
  if (typeof state?.conversationId !== 'string') throw new Error('no conversation id');
  return state.conversationId;
}

function errorOf(turn: Turn): APICallError {
  const event = turn.events.find((item) => item.type === 'error');
  if (event?.type !== 'error' || !APICallError.isInstance(event.error)) {
    throw new Error(`no APICallError in ${JSON.stringify(turn.events)}`);
  }
  return event.error;
}

describe('createLocalDify with the Dify model: language model contract', () => {
  const cases = languageModelContract({
    createModel: async (scenario) => {
      if (scenario === 'slow') {
        const local = await start({
          answer: () => ({ chunks: ['First ', 'late'], delayMs: 5_000 }),
        });
        return modelFor(local);
      }
      const local = await start({ answer: () => 'Hello from the local Dify!' });
      if (scenario === 'error') {
        local.failNext(
          '/chat-messages',
          { status: 400, code: 'app_unavailable', message: 'off' },
          5,
        );
      }
      return modelFor(local);
    },
    expectedText: 'Hello from the local Dify!',
    abortWithinMs: 500,
  });
  for (const contractCase of cases) it(contractCase.name, contractCase.run);
});

describe('createLocalDify with the Dify model: answers', () => {
  it.each([
    ['chat', 'streaming'],
    ['chat', 'blocking'],
    ['advanced-chat', 'streaming'],
    ['advanced-chat', 'blocking'],
    ['agent-chat', 'streaming'],
  ] as const)(
    'answers a %s app in %s mode and returns its conversation',
    async (mode, responseMode) => {
      const local = await start({ mode });
      const turn = await ask(modelFor(local, { responseMode }), 'What is new?');
      const [record] = local.requests;
      const conversationId = conversationOf(turn);
      expect(turn.text).toBe(
        `Dify heard "What is new?" (turn 1 of conversation ${conversationId.slice(0, 8)})`,
      );
      expect(turn.events.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
      expect((turn.events.at(-1) as { usage?: unknown }).usage).toMatchObject({
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
      });
      expect(record).toMatchObject({
        path: '/v1/chat-messages',
        status: 200,
        user: 'alice',
        conversationId,
        answer: turn.text,
        body: { query: 'What is new?', response_mode: responseMode, user: 'alice' },
      });
      expect(local.conversations).toEqual([
        expect.objectContaining({ id: conversationId, user: 'alice', messageCount: 1 }),
      ]);
    },
  );

  it.each([
    ['completion', 'streaming', '/v1/completion-messages'],
    ['completion', 'blocking', '/v1/completion-messages'],
    ['workflow', 'streaming', '/v1/workflows/run'],
    ['workflow', 'blocking', '/v1/workflows/run'],
  ] as const)(
    'answers a %s app in %s mode from inputs.query, without a conversation',
    async (mode, responseMode, path) => {
      const local = await start({ mode });
      const turn = await ask(modelFor(local, { responseMode }), 'Summarise this', {
        metadata: { language: 'en' },
      });
      expect(turn.text).toBe('Dify heard "Summarise this"');
      expect(turn.events.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
      expect(turn.providerState).toBeUndefined();
      expect(local.requests).toEqual([
        expect.objectContaining({
          path,
          status: 200,
          body: expect.objectContaining({ inputs: { language: 'en', query: 'Summarise this' } }),
        }),
      ]);
      expect(local.conversations).toEqual([]);
    },
  );
});

describe('createLocalDify with the Dify model: conversations', () => {
  it('continues the conversation through providerState over two turns', async () => {
    const local = await start({ mode: 'chat' });
    const model = modelFor(local);
    const first = await ask(model, 'Hello');
    const second = await ask(model, 'And again', { providerState: first.providerState });
    const conversationId = conversationOf(first);
    expect(conversationOf(second)).toBe(conversationId);
    expect(second.text).toBe(
      `Dify heard "And again" (turn 2 of conversation ${conversationId.slice(0, 8)})`,
    );
    expect(
      local.requests.map((record) => (record.body as { conversation_id?: string }).conversation_id),
    ).toEqual([undefined, conversationId]);
    expect(local.conversations).toEqual([
      expect.objectContaining({ id: conversationId, messageCount: 2 }),
    ]);
  });

  it("answers 404 for another user's conversation; the model starts a new one, once", async () => {
    const local = await start();
    const model = modelFor(local);
    const alice = await ask(model, 'Hello', { user: 'alice' });
    const bob = await ask(model, 'Hi', { user: 'bob', providerState: alice.providerState });
    const bobConversation = conversationOf(bob);
    expect(bobConversation).not.toBe(conversationOf(alice));
    expect(bob.text).toBe(
      `Dify heard "Hi" (turn 1 of conversation ${bobConversation.slice(0, 8)})`,
    );
    expect(
      local.requests.slice(1).map(({ user, status, errorCode, conversationId }) => ({
        user,
        status,
        errorCode,
        conversationId,
      })),
    ).toEqual([
      { user: 'bob', status: 404, errorCode: 'not_found', conversationId: conversationOf(alice) },
      { user: 'bob', status: 200, errorCode: undefined, conversationId: bobConversation },
    ]);
    expect(local.conversations.map(({ user, messageCount }) => ({ user, messageCount }))).toEqual([
      { user: 'alice', messageCount: 1 },
      { user: 'bob', messageCount: 1 },
    ]);
  });

  it.each([
    ['deleted', 404, 'not_found'],
    ['completed', 400, 'conversation_completed'],
  ] as const)(
    'answers %s conversations with %i %s; the model starts a new one',
    async (how, status, code) => {
      const local = await start({ mode: 'chat' });
      const model = modelFor(local, { responseMode: 'blocking' });
      const first = await ask(model, 'Hello');
      local.expireConversation(conversationOf(first), how);
      const second = await ask(model, 'Still there?', { providerState: first.providerState });
      expect(conversationOf(second)).not.toBe(conversationOf(first));
      expect(second.text).toContain('(turn 1 of conversation');
      expect(local.requests.map((record) => [record.status, record.errorCode])).toEqual([
        [200, undefined],
        [status, code],
        [200, undefined],
      ]);
    },
  );
});

describe('createLocalDify with the Dify model: failures', () => {
  it('answers 401 unauthorized to a wrong key, which the model reports without retrying', async () => {
    const local = await start({ apiKeys: ['app-right'] });
    const turn = await ask(modelFor(local, { apiKey: 'app-wrong' }), 'Hi');
    const error = errorOf(turn);
    expect(error).toMatchObject({ kind: 'auth', retryable: false, statusCode: 401 });
    expect(error.providerCode).toBe('unauthorized');
    expect(error.message).not.toContain('app-wrong');
    expect(local.requests).toEqual([
      expect.objectContaining({
        status: 401,
        errorCode: 'unauthorized',
        conversationId: undefined,
      }),
    ]);
  });

  it('fails mid-stream with an error event on HTTP 200, after the text already sent', async () => {
    const local = await start({
      mode: 'chat',
      answer: () => ({ chunks: ['One ', 'two ', 'three'] }),
    });
    local.failNext('/chat-messages', { midStream: true, afterChunks: 2 });
    const turn = await ask(modelFor(local), 'Count');
    expect(turn.text).toBe('One two ');
    expect(turn.events.filter((event) => event.type === 'finish')).toEqual([]);
    expect(errorOf(turn)).toMatchObject({
      providerCode: 'completion_request_error',
      statusCode: 400,
      kind: 'invalid-request',
    });
    expect(local.requests).toEqual([
      expect.objectContaining({
        status: 200,
        errorCode: 'completion_request_error',
        answer: 'One two ',
      }),
    ]);
  });

  it('fails a chatflow mid-stream after workflow_finished (failed); the model reports it', async () => {
    const local = await start({ answer: () => ({ chunks: ['Partial ', 'answer'] }) });
    local.failNext('/chat-messages', {
      midStream: true,
      code: 'internal_server_error',
      status: 500,
      message: 'LLM node crashed',
    });
    const turn = await ask(modelFor(local), 'Go');
    expect(turn.text).toBe('Partial ');
    expect(errorOf(turn).message).toContain('LLM node crashed');
    expect(local.requests).toHaveLength(1);
  });

  it('lets the model retry a retryable failure before the first token (500, reset)', async () => {
    const local = await start({ mode: 'chat' });
    local.failNext('/chat-messages', { status: 500, code: 'internal_server_error', message: 'x' });
    local.failNext('/chat-messages', { reset: true });
    const turn = await ask(modelFor(local), 'Hi');
    expect(turn.text).toContain('Dify heard "Hi"');
    expect(local.requests.map((record) => record.status)).toEqual([500, undefined, 200]);
  });
});

describe('createLocalDify with the Dify model: stop', () => {
  it('receives the stop call of an aborted stream, with the same user and task', async () => {
    const local = await start({
      mode: 'chat',
      answer: () => ({ chunks: ['First ', 'second ', 'third'], delayMs: 2_000 }),
    });
    const controller = new AbortController();
    const iterator = modelFor(local)
      .stream({
        messages: [{ role: 'user', content: 'Slowly' }],
        user: 'alice',
        signal: controller.signal,
      })
      [Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: 'text-delta', text: 'First ' });
    controller.abort();
    await expect(iterator.next()).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    await expect.poll(() => local.requests.length).toBe(2);
    const [run, stop] = local.requests;
    expect(stop).toMatchObject({
      path: `/v1/chat-messages/${run?.taskId}/stop`,
      route: '/chat-messages/:task_id/stop',
      body: { user: 'alice' },
      taskId: run?.taskId,
      status: 200,
    });
    await expect.poll(() => local.requests[0]?.stopped).toBe(true);
    expect(local.requests[0]?.answer).toBe('First ');
  });
});
