import { afterEach, describe, expect, it } from 'vitest';
import { createLocalDify } from './local-dify.ts';
import { post } from './raw-http.test-kit.ts';
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

async function errorOf(response: Promise<Response>): Promise<[number, unknown]> {
  const answered = await response;
  return [answered.status, await answered.json()];
}

const PYDANTIC = 'For further information visit https://errors.pydantic.dev/2.12/v';

describe('createLocalDify request checks', () => {
  it('checks the API key first: 401 before any other check', async () => {
    const local = await start({ apiKeys: ['app-one', 'app-two'] });
    expect(
      await errorOf(post(local, '/chat-messages', { nonsense: true }, { key: 'app-three' })),
    ).toEqual([401, { code: 'unauthorized', message: 'Access token is invalid', status: 401 }]);
    expect(
      await errorOf(post(local, '/chat-messages', {}, { headers: { authorization: undefined } })),
    ).toEqual([
      401,
      {
        code: 'unauthorized',
        message: "Authorization header must be provided and start with 'Bearer'",
        status: 401,
      },
    ]);
    expect(
      await errorOf(
        post(local, '/chat-messages', {}, { headers: { authorization: 'Basic app-one' } }),
      ),
    ).toEqual([
      401,
      { code: 'unauthorized', message: "Authorization scheme must be 'Bearer'", status: 401 },
    ]);
    const accepted = await post(
      local,
      '/chat-messages',
      { inputs: {}, query: 'Hi', user: 'u' },
      {
        key: 'app-two',
      },
    );
    expect(accepted.status).toBe(200);
  });

  it('requires user: 400 invalid_param "Arg user must be provided."', async () => {
    const local = await start();
    expect(
      await errorOf(post(local, '/chat-messages', { inputs: {}, query: 'Hi', user: '' })),
    ).toEqual([400, { code: 'invalid_param', message: 'Arg user must be provided.', status: 400 }]);
    expect(local.requests[0]).toMatchObject({ status: 400, errorCode: 'invalid_param', user: '' });
  });

  it("answers a missing query with pydantic's message, as Dify does", async () => {
    const local = await start({ mode: 'chat' });
    const body = { inputs: {}, user: 'alice', response_mode: 'streaming' };
    expect(await errorOf(post(local, '/chat-messages', body))).toEqual([
      400,
      {
        code: 'invalid_param',
        message: [
          '1 validation error for ChatRequestPayload',
          'query',
          "  Field required [type=missing, input_value={'inputs': {}, 'user': 'a...onse_mode': 'streaming'}, input_type=dict]",
          `    ${PYDANTIC}/missing`,
        ].join('\n'),
        status: 400,
      },
    ]);
  });

  it('reports every invalid field, in the payload model order', async () => {
    const local = await start({ mode: 'chat' });
    const body = {
      inputs: 'x',
      query: 5,
      user: 'u',
      response_mode: 'fast',
      conversation_id: 'abc',
    };
    const [status, error] = await errorOf(post(local, '/chat-messages', body));
    expect(status).toBe(400);
    expect((error as { message: string }).message).toBe(
      [
        '4 validation errors for ChatRequestPayload',
        'inputs',
        "  Input should be a valid dictionary [type=dict_type, input_value='x', input_type=str]",
        `    ${PYDANTIC}/dict_type`,
        'query',
        '  Input should be a valid string [type=string_type, input_value=5, input_type=int]',
        `    ${PYDANTIC}/string_type`,
        'response_mode',
        "  Input should be 'blocking' or 'streaming' [type=literal_error, input_value='fast', input_type=str]",
        `    ${PYDANTIC}/literal_error`,
        'conversation_id',
        "  Value error, conversation_id must be a valid UUID [type=value_error, input_value='abc', input_type=str]",
        `    ${PYDANTIC}/value_error`,
      ].join('\n'),
    );
  });

  it('rejects an empty query, and accepts a blank conversation_id as a new conversation', async () => {
    const local = await start({ mode: 'chat' });
    expect(
      await errorOf(post(local, '/chat-messages', { inputs: {}, query: '', user: 'u' })),
    ).toEqual([400, { code: 'invalid_param', message: 'query is required', status: 400 }]);
    const response = await post(local, '/chat-messages', {
      inputs: {},
      query: 'Hi',
      user: 'u',
      conversation_id: '  ',
    });
    expect(response.status).toBe(200);
    expect(local.conversations).toHaveLength(1);
  });

  it('requires inputs.query of text generators and workflows', async () => {
    const local = await start({ mode: 'completion' });
    expect(await errorOf(post(local, '/completion-messages', { inputs: {}, user: 'u' }))).toEqual([
      400,
      { code: 'invalid_param', message: 'query is required in input form', status: 400 },
    ]);
    expect(
      await errorOf(post(local, '/completion-messages', { inputs: { query: 3 }, user: 'u' })),
    ).toEqual([
      400,
      {
        code: 'invalid_param',
        message: "(type 'paragraph') query in input form must be a string",
        status: 400,
      },
    ]);
  });

  it.each([
    [
      'completion',
      '/chat-messages',
      'not_chat_app',
      'Please check if your app mode matches the right API route.',
    ],
    [
      'workflow',
      '/chat-messages',
      'not_chat_app',
      'Please check if your app mode matches the right API route.',
    ],
    [
      'chat',
      '/completion-messages',
      'app_unavailable',
      'App unavailable, please check your app configurations.',
    ],
    [
      'advanced-chat',
      '/workflows/run',
      'not_workflow_app',
      'Please check if your Workflow app mode matches the right API route.',
    ],
  ] as const)(
    'answers a %s app on %s with 400 %s',
    async (mode: LocalDifyMode, path, code, message) => {
      const local = await start({ mode });
      expect(
        await errorOf(post(local, path, { inputs: { query: 'Hi' }, query: 'Hi', user: 'u' })),
      ).toEqual([400, { code, message, status: 400 }]);
    },
  );

  it('refuses blocking mode for agent apps', async () => {
    const local = await start({ mode: 'agent-chat' });
    expect(
      await errorOf(post(local, '/chat-messages', { inputs: {}, query: 'Hi', user: 'u' })),
    ).toEqual([
      400,
      {
        code: 'invalid_param',
        message: 'Agent Chat App does not support blocking mode',
        status: 400,
      },
    ]);
  });

  it('answers bad JSON, a wrong content type, an unknown path and a wrong method like Dify', async () => {
    const local = await start();
    expect(await errorOf(post(local, '/chat-messages', undefined, { rawBody: '{' }))).toEqual([
      400,
      {
        code: 'bad_request',
        message: 'Invalid JSON payload received or JSON payload is empty.',
        status: 400,
      },
    ]);
    const [status] = await errorOf(
      post(local, '/chat-messages', {}, { headers: { 'content-type': 'text/plain' } }),
    );
    expect(status).toBe(415);
    expect((await errorOf(post(local, '/chat-message', {})))[0]).toBe(404);
    const get = await fetch(`${local.baseUrl}/chat-messages`);
    expect(get.status).toBe(405);
    expect(local.requests.map((record) => [record.route, record.status])).toEqual([
      ['/chat-messages', 400],
      ['/chat-messages', 415],
      [undefined, 404],
      ['/chat-messages', 405],
    ]);
  });
});

describe('createLocalDify conversations', () => {
  it('keeps the inputs of the first message and gives the hook the turn number', async () => {
    const seen: unknown[] = [];
    const local = await start({
      mode: 'chat',
      answer: (request) => {
        seen.push({ turn: request.turn, inputs: request.inputs, query: request.query });
        return 'ok';
      },
    });
    await post(local, '/chat-messages', { inputs: { tone: 'warm' }, query: 'One', user: 'u' });
    const conversationId = local.conversations[0]?.id;
    await post(local, '/chat-messages', {
      inputs: { tone: 'cold' },
      query: 'Two',
      user: 'u',
      conversation_id: conversationId?.toUpperCase(),
    });
    expect(seen).toEqual([
      { turn: 1, inputs: { tone: 'warm' }, query: 'One' },
      { turn: 2, inputs: { tone: 'warm' }, query: 'Two' },
    ]);
    expect(local.requests[1]?.conversationId).toBe(conversationId);
  });

  it('answers 404 "Conversation Not Exists." for an unknown or expired conversation', async () => {
    const local = await start({ mode: 'chat' });
    const unknown = { inputs: {}, query: 'Hi', user: 'u', conversation_id: crypto.randomUUID() };
    const notFound = [404, { code: 'not_found', message: 'Conversation Not Exists.', status: 404 }];
    expect(await errorOf(post(local, '/chat-messages', unknown))).toEqual(notFound);
    await post(local, '/chat-messages', { inputs: {}, query: 'Hi', user: 'u' });
    const id = local.conversations[0]?.id ?? '';
    local.expireConversation(id);
    const expired = { inputs: {}, query: 'Hi', user: 'u', conversation_id: id };
    expect(await errorOf(post(local, '/chat-messages', expired))).toEqual(notFound);
    expect(local.conversations[0]).toMatchObject({ status: 'deleted', messageCount: 1 });
    expect(() => local.expireConversation('no-such-id')).toThrow('no conversation no-such-id');
  });

  it('serves an answer hook that returns an async iterable, one message event per item', async () => {
    const local = await start({
      mode: 'chat',
      answer: async function* () {
        yield 'tick ';
        yield 'tock';
      },
    });
    const response = await post(local, '/chat-messages', { inputs: {}, query: 'Hi', user: 'u' });
    expect(((await response.json()) as { answer: string }).answer).toBe('tick tock');
  });

  it('answers 500 internal_server_error when the answer hook throws', async () => {
    const local = await start({
      answer: () => {
        throw new Error('hook broke');
      },
    });
    expect(
      await errorOf(post(local, '/chat-messages', { inputs: {}, query: 'Hi', user: 'u' })),
    ).toEqual([
      500,
      { code: 'internal_server_error', message: 'Internal Server Error', status: 500 },
    ]);
  });
});
