import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { APICallError, type ModelEvent, type ModelRequest, ValidationError } from '@imbridge/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDify, type DifyOptions } from './dify.ts';

const BASE_URL = 'https://dify.test/v1';
const API_KEY = 'app-SECRETkey0123456789abcdef';

function fixture(name: string): string {
  return readFileSync(new URL(`../__fixtures__/dify/${name}`, import.meta.url), 'utf8');
}

/** An SSE response cut into small chunks, so events straddle chunk boundaries. */
function sseResponse(text: string, chunkSize = 41): HttpResponse<ReadableStream<Uint8Array>> {
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        controller.enqueue(bytes.slice(offset, offset + chunkSize));
      }
      controller.close();
    },
  });
  return new HttpResponse(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  });
}

function sseEvents(...payloads: ReadonlyArray<Record<string, unknown>>): string {
  return payloads.map((payload) => `data: ${JSON.stringify(payload)}\n\n`).join('');
}

function difyError(status: number, code: string, message: string): Response {
  return HttpResponse.json({ code, message, status }, { status });
}

interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  authorization: string | null;
}

const recorded: RecordedRequest[] = [];
const server = setupServer();

/** Serves the given responses in order on `path` (the last one repeats), recording requests. */
function serve(path: string, ...responses: ReadonlyArray<() => Response>): void {
  let index = 0;
  server.use(
    http.post(`${BASE_URL}${path}`, async ({ request }) => {
      recorded.push({
        path: new URL(request.url).pathname,
        body: (await request.json()) as Record<string, unknown>,
        authorization: request.headers.get('authorization'),
      });
      const respond = responses[Math.min(index, responses.length - 1)];
      index += 1;
      if (respond === undefined) throw new Error('no response configured');
      return respond();
    }),
  );
}

function model(options: Partial<DifyOptions> = {}) {
  return createDify({
    apiKey: API_KEY,
    app: 'chat',
    baseUrl: BASE_URL,
    retry: false,
    ...options,
  });
}

function ask(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    messages: [
      { role: 'user', content: 'earlier question' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: 'What is new?' },
    ],
    user: 'user-42',
    ...overrides,
  };
}

async function collect(iterable: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

function answerOf(events: ReadonlyArray<ModelEvent>): string {
  let text = '';
  for (const event of events) {
    if (event.type === 'text-delta') text += event.text;
    if (event.type === 'text-replace') text = event.text;
  }
  return text;
}

function reasoningOf(events: ReadonlyArray<ModelEvent>): string {
  return events
    .filter((event) => event.type === 'reasoning-delta')
    .map((event) => event.text)
    .join('');
}

function onlyFinish(events: ReadonlyArray<ModelEvent>) {
  const finishes = events.filter((event) => event.type === 'finish');
  expect(finishes).toHaveLength(1);
  expect(events.at(-1)?.type).toBe('finish');
  const finish = finishes[0];
  if (finish?.type !== 'finish') throw new Error('no finish event');
  return finish;
}

function onlyError(events: ReadonlyArray<ModelEvent>): APICallError {
  expect(events.some((event) => event.type === 'finish')).toBe(false);
  const last = events.at(-1);
  if (last?.type !== 'error') throw new Error(`last event is ${String(last?.type)}`);
  expect(events.filter((event) => event.type === 'error')).toHaveLength(1);
  if (!APICallError.isInstance(last.error)) throw new Error(`not an APICallError: ${last.error}`);
  return last.error;
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  recorded.length = 0;
});
afterAll(() => server.close());

describe('createDify requests', () => {
  it('posts a chat app turn to /chat-messages with metadata as inputs, the last user message as query, the user, auth and the conversation from providerState', async () => {
    serve('/chat-messages', () => sseResponse(fixture('chat-stream.sse')));
    await collect(
      model().stream(
        ask({
          metadata: { platform: 'rongcloud', channel: 'private' },
          providerState: { conversationId: 'conv-previous' },
          instructions: 'never sent',
        }),
      ),
    );
    expect(recorded).toEqual([
      {
        path: '/v1/chat-messages',
        body: {
          inputs: { platform: 'rongcloud', channel: 'private' },
          query: 'What is new?',
          response_mode: 'streaming',
          user: 'user-42',
          conversation_id: 'conv-previous',
        },
        authorization: `Bearer ${API_KEY}`,
      },
    ]);
  });

  it('starts a new conversation with empty inputs and the default user when the request has neither', async () => {
    serve('/chat-messages', () => sseResponse(fixture('chat-stream.sse')));
    await collect(model().stream({ messages: [{ role: 'user', content: 'Hi' }] }));
    await collect(
      model({ defaultUser: 'bot-user' }).stream({ messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(recorded.map((request) => request.body)).toEqual([
      { inputs: {}, query: 'Hi', response_mode: 'streaming', user: 'imbridge-user' },
      { inputs: {}, query: 'Hi', response_mode: 'streaming', user: 'bot-user' },
    ]);
  });

  it('sends agent and chatflow turns to /chat-messages as well', async () => {
    serve('/chat-messages', () => sseResponse(fixture('agent-stream.sse')));
    await collect(model({ app: 'agent' }).stream(ask()));
    server.resetHandlers();
    serve('/chat-messages', () => sseResponse(fixture('chatflow-stream.sse')));
    await collect(model({ app: 'chatflow' }).stream(ask()));
    expect(recorded.map((request) => [request.path, request.body.query])).toEqual([
      ['/v1/chat-messages', 'What is new?'],
      ['/v1/chat-messages', 'What is new?'],
    ]);
  });

  it('posts a completion app turn to /completion-messages with the text in inputs.query and no conversation', async () => {
    serve('/completion-messages', () => sseResponse(fixture('chat-stream.sse')));
    const events = await collect(
      model({ app: 'completion' }).stream(
        ask({ metadata: { tone: 'formal' }, providerState: { conversationId: 'ignored' } }),
      ),
    );
    expect(recorded[0]?.body).toEqual({
      inputs: { tone: 'formal', query: 'What is new?' },
      response_mode: 'streaming',
      user: 'user-42',
    });
    expect(onlyFinish(events).providerState).toBeUndefined();
  });

  it('posts a workflow app turn to /workflows/run with the text in inputs.query', async () => {
    serve('/workflows/run', () => sseResponse(fixture('workflow-stream.sse')));
    await collect(
      model({ app: 'workflow', baseUrl: `${BASE_URL}/` }).stream(ask({ metadata: { lang: 'fr' } })),
    );
    expect(recorded).toEqual([
      {
        path: '/v1/workflows/run',
        body: {
          inputs: { lang: 'fr', query: 'What is new?' },
          response_mode: 'streaming',
          user: 'user-42',
        },
        authorization: `Bearer ${API_KEY}`,
      },
    ]);
  });

  it('resolves an async API key resolver for each call', async () => {
    serve('/chat-messages', () => sseResponse(fixture('chat-stream.sse')));
    let calls = 0;
    const resolver = async () => {
      calls += 1;
      return `app-rotated-${calls}`;
    };
    await collect(model({ apiKey: resolver }).stream(ask()));
    await collect(model({ apiKey: resolver }).stream(ask()));
    expect(recorded.map((request) => request.authorization)).toEqual([
      'Bearer app-rotated-1',
      'Bearer app-rotated-2',
    ]);
  });

  it('reports a request without a user message as a ValidationError, without calling Dify', async () => {
    const events = await collect(
      model().stream({ messages: [{ role: 'assistant', content: 'Hello' }] }),
    );
    expect(events).toHaveLength(1);
    const event = events[0];
    expect(event?.type === 'error' && ValidationError.isInstance(event.error)).toBe(true);
    expect(recorded).toHaveLength(0);
  });
});

describe('createDify options', () => {
  it('rejects blocking mode for agent apps and unknown app types', () => {
    expect(() => model({ app: 'agent', responseMode: 'blocking' })).toThrow(ValidationError);
    expect(() => model({ app: 'assistant' as DifyOptions['app'] })).toThrow(
      /createDify: app must be one of 'chat', 'agent', 'chatflow', 'completion', 'workflow', received "assistant"/,
    );
  });

  it('checks its options at creation, naming the option and the env variable of the examples', () => {
    expect(() => model({ apiKey: '' })).toThrow(
      /createDify: apiKey must be .*received an empty string \(examples read it from DIFY_API_KEY\)/,
    );
    expect(() => model({ baseUrl: 'dify.example.com/v1' })).toThrow(
      /createDify: baseUrl must be an absolute http\(s\) URL.*DIFY_BASE_URL/,
    );
    expect(() => model({ baseUrl: '' })).toThrow(/baseUrl must be a non-empty string/);
    expect(() => model({ timeoutMs: -1 })).toThrow(/createDify: timeoutMs must be/);
    expect(() => model({ stallTimeoutMs: Number.NaN })).toThrow(/stallTimeoutMs must be .*NaN/);
    expect(() => model({ retry: { maxRetries: 1.5 } })).toThrow(/retry\.maxRetries/);
    // Optional options take `undefined` (e.g. an unset environment variable).
    expect(() =>
      model({ baseUrl: undefined, responseMode: undefined, timeoutMs: undefined }),
    ).not.toThrow();
  });

  it('declares the v1 contract, the dify provider and the app type as model id', () => {
    const workflow = model({ app: 'workflow' });
    expect([workflow.specificationVersion, workflow.provider, workflow.modelId]).toEqual([
      'v1',
      'dify',
      'workflow',
    ]);
  });
});

describe('createDify streaming', () => {
  it('streams a chat answer past ping lines and finishes once with usage and the conversation id', async () => {
    serve('/chat-messages', () => sseResponse(fixture('chat-stream.sse')));
    const events = await collect(model().stream(ask()));
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(3);
    expect(answerOf(events)).toBe('Hello, world');
    const finish = onlyFinish(events);
    expect(finish.reason).toBe('stop');
    expect(finish.usage).toEqual({ inputTokens: 1033, outputTokens: 135, totalTokens: 1168 });
    expect(finish.providerState).toEqual({
      conversationId: '45701982-8118-4bc5-8e9b-64562b4555f2',
    });
  });

  it('maps agent thoughts to reasoning once each and agent_message to text', async () => {
    serve('/chat-messages', () => sseResponse(fixture('agent-stream.sse')));
    const events = await collect(model({ app: 'agent' }).stream(ask()));
    expect(events.filter((event) => event.type === 'reasoning-delta')).toEqual([
      { type: 'reasoning-delta', text: 'I should look up the weather' },
      { type: 'reasoning-delta', text: '\nAnswer given' },
    ]);
    expect(answerOf(events)).toBe('It is sunny.');
    expect(onlyFinish(events).providerState).toEqual({
      conversationId: 'c216c595-2d89-438c-b33c-aae5ddddd142',
    });
  });

  it('turns message_replace into a text-replace and finishes as content-filter', async () => {
    serve('/chat-messages', () => sseResponse(fixture('message-replace.sse')));
    const events = await collect(model().stream(ask()));
    expect(events.find((event) => event.type === 'text-replace')).toEqual({
      type: 'text-replace',
      text: "Sorry, I can't help with that.",
    });
    expect(answerOf(events)).toBe("Sorry, I can't help with that.");
    expect(onlyFinish(events).reason).toBe('content-filter');
  });

  it('finishes a chatflow once, after both workflow_finished and message_end, with message_end usage', async () => {
    serve('/chat-messages', () => sseResponse(fixture('chatflow-stream.sse')));
    const events = await collect(model({ app: 'chatflow' }).stream(ask()));
    expect(answerOf(events)).toBe('Hi there!');
    expect(reasoningOf(events)).toBe('The user greets me.');
    const finish = onlyFinish(events);
    expect(finish.usage).toEqual({ inputTokens: 40, outputTokens: 3, totalTokens: 43 });
    expect(finish.providerState).toEqual({
      conversationId: 'b7c1e9a2-5d1f-4e62-9a43-2f0c7d3e8a10',
    });
  });

  it('waits for workflow_finished when message_end comes first, and finishes once with its token count', async () => {
    const common = { conversation_id: 'conv-cf', task_id: 'task-cf', message_id: 'm-1' };
    serve('/chat-messages', () =>
      sseResponse(
        sseEvents(
          { ...common, event: 'message', answer: 'Done.' },
          { ...common, event: 'message_end', metadata: { retriever_resources: [] } },
          {
            ...common,
            event: 'workflow_finished',
            data: { status: 'succeeded', outputs: {}, total_tokens: 12 },
          },
        ),
      ),
    );
    const events = await collect(model({ app: 'chatflow' }).stream(ask()));
    expect(answerOf(events)).toBe('Done.');
    expect(onlyFinish(events).usage).toEqual({ totalTokens: 12 });
  });

  it('finishes a chatflow at message_end when the stream ends without workflow_finished', async () => {
    const common = { conversation_id: 'conv-cf', task_id: 'task-cf', message_id: 'm-1' };
    serve('/chat-messages', () =>
      sseResponse(
        sseEvents(
          { ...common, event: 'message', answer: 'Short.' },
          { ...common, event: 'message_end', metadata: { usage: { total_tokens: 5 } } },
        ),
      ),
    );
    const events = await collect(model({ app: 'chatflow' }).stream(ask()));
    expect(answerOf(events)).toBe('Short.');
    expect(onlyFinish(events).usage).toEqual({ totalTokens: 5 });
  });

  it('reports a failed chatflow run as an error, not a finish', async () => {
    const common = { conversation_id: 'conv-cf', task_id: 'task-cf', message_id: 'm-1' };
    serve('/chat-messages', () =>
      sseResponse(
        sseEvents(
          { ...common, event: 'workflow_finished', data: { status: 'failed', error: 'LLM node' } },
          { ...common, event: 'error', status: 500, code: 'internal_server_error', message: 'x' },
        ),
      ),
    );
    const error = onlyError(await collect(model({ app: 'chatflow' }).stream(ask())));
    expect(error.message).toContain('LLM node');
  });

  it('streams workflow text_chunk events and does not repeat the outputs at workflow_finished', async () => {
    serve('/workflows/run', () => sseResponse(fixture('workflow-stream.sse')));
    const events = await collect(model({ app: 'workflow' }).stream(ask()));
    expect(answerOf(events)).toBe('Summary: all good.');
    const finish = onlyFinish(events);
    expect(finish.usage).toEqual({ totalTokens: 63 });
    expect(finish.providerState).toBeUndefined();
  });

  it('answers with the only string output when a workflow streams no text', async () => {
    serve('/workflows/run', () => sseResponse(fixture('workflow-outputs-only.sse')));
    const events = await collect(model({ app: 'workflow' }).stream(ask()));
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'bonjour' },
    ]);
    onlyFinish(events);
  });

  it('answers with the configured workflowOutputKey, and fails when that output is missing', async () => {
    serve('/workflows/run', () => sseResponse(fixture('workflow-outputs-only.sse')));
    const chosen = await collect(
      model({ app: 'workflow', workflowOutputKey: 'confidence' }).stream(ask()),
    );
    expect(answerOf(chosen)).toBe('0.93');
    const missing = onlyError(
      await collect(model({ app: 'workflow', workflowOutputKey: 'summary' }).stream(ask())),
    );
    expect(missing.kind).toBe('invalid-request');
    expect(missing.message).toContain('result, confidence');
  });

  it('prefers the text output over answer and reports a failed workflow as an error', async () => {
    const run = { task_id: 'task-wf', workflow_run_id: 'run-1' };
    serve(
      '/workflows/run',
      () =>
        sseResponse(
          sseEvents({
            ...run,
            event: 'workflow_finished',
            data: { status: 'succeeded', outputs: { answer: 'second', text: 'first' } },
          }),
        ),
      () =>
        sseResponse(
          sseEvents({
            ...run,
            event: 'workflow_finished',
            data: { status: 'failed', error: 'Code node raised ValueError', outputs: null },
          }),
        ),
    );
    const workflow = model({ app: 'workflow' });
    expect(answerOf(await collect(workflow.stream(ask())))).toBe('first');
    const error = onlyError(await collect(workflow.stream(ask())));
    expect(error.message).toContain('Code node raised ValueError');
    expect(error.retryable).toBe(false);
  });

  it('reports an error event after text as a typed APICallError and does not retry', async () => {
    serve('/chat-messages', () => sseResponse(fixture('error-mid-stream.sse')));
    const events = await collect(model({ retry: { initialDelayMs: 1 } }).stream(ask()));
    expect(answerOf(events)).toBe('Let me think');
    const error = onlyError(events);
    expect(error.providerCode).toBe('completion_request_error');
    expect(error.statusCode).toBe(400);
    expect(error.kind).toBe('invalid-request');
    expect(error.provider).toBe('dify');
    expect(recorded).toHaveLength(1);
  });

  it('reports a stream that ends before message_end as a retryable error', async () => {
    serve('/chat-messages', () =>
      sseResponse(
        sseEvents({ event: 'message', answer: 'cut', task_id: 't', conversation_id: 'c' }),
      ),
    );
    const error = onlyError(await collect(model().stream(ask())));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ended before');
  });
});

describe('createDify blocking mode', () => {
  it('turns a blocking chat answer into one text delta and a finish with usage and conversation', async () => {
    serve('/chat-messages', () => HttpResponse.json(JSON.parse(fixture('chat-blocking.json'))));
    const events = await collect(model({ responseMode: 'blocking' }).stream(ask()));
    expect(recorded[0]?.body.response_mode).toBe('blocking');
    expect(events[0]).toEqual({
      type: 'text-delta',
      text: 'iPhone 13 Pro Max specs are listed below:...',
    });
    const finish = onlyFinish(events);
    expect(events).toHaveLength(2);
    expect(finish.usage).toEqual({ inputTokens: 1033, outputTokens: 128, totalTokens: 1161 });
    expect(finish.providerState).toEqual({
      conversationId: '45701982-8118-4bc5-8e9b-64562b4555f2',
    });
  });

  it('turns a blocking workflow run into its answer output', async () => {
    serve('/workflows/run', () => HttpResponse.json(JSON.parse(fixture('workflow-blocking.json'))));
    const events = await collect(
      model({ app: 'workflow', responseMode: 'blocking' }).stream(ask()),
    );
    expect(answerOf(events)).toBe('Blocking workflow answer');
    expect(onlyFinish(events).usage).toEqual({ totalTokens: 3562 });
  });

  it('reports a blocking body that is not JSON as a typed error', async () => {
    serve('/chat-messages', () => new HttpResponse('<html>gateway</html>', { status: 200 }));
    const error = onlyError(await collect(model({ responseMode: 'blocking' }).stream(ask())));
    expect(error.kind).toBe('server');
  });
});

describe('createDify conversations', () => {
  it('round-trips providerState: the conversation id of one turn is sent with the next', async () => {
    serve('/chat-messages', () => sseResponse(fixture('chat-stream.sse')));
    const chat = model();
    const first = onlyFinish(await collect(chat.stream(ask())));
    const providerState = first.providerState;
    expect(providerState).toEqual({ conversationId: '45701982-8118-4bc5-8e9b-64562b4555f2' });
    await collect(chat.stream(ask(providerState !== undefined ? { providerState } : {})));
    expect(recorded.map((request) => request.body.conversation_id)).toEqual([
      undefined,
      '45701982-8118-4bc5-8e9b-64562b4555f2',
    ]);
  });

  it('starts a fresh conversation once when Dify answers 404 Conversation Not Exists', async () => {
    serve(
      '/chat-messages',
      () => difyError(404, 'not_found', 'Conversation Not Exists.'),
      () => sseResponse(fixture('chat-stream.sse')),
    );
    const events = await collect(
      model().stream(ask({ providerState: { conversationId: 'stale' } })),
    );
    expect(recorded.map((request) => request.body.conversation_id)).toEqual(['stale', undefined]);
    expect(answerOf(events)).toBe('Hello, world');
    expect(onlyFinish(events).providerState).toEqual({
      conversationId: '45701982-8118-4bc5-8e9b-64562b4555f2',
    });
  });

  it('starts a fresh conversation when the stream reports conversation_completed before any text', async () => {
    serve(
      '/chat-messages',
      () =>
        sseResponse(
          sseEvents({
            event: 'error',
            conversation_id: 'closed',
            message_id: 'm',
            status: 400,
            code: 'conversation_completed',
            message: 'The conversation has ended. Please start a new conversation.',
          }),
        ),
      () => sseResponse(fixture('chat-stream.sse')),
    );
    const events = await collect(
      model().stream(ask({ providerState: { conversationId: 'closed' } })),
    );
    expect(recorded.map((request) => request.body.conversation_id)).toEqual(['closed', undefined]);
    expect(onlyFinish(events).providerState).toEqual({
      conversationId: '45701982-8118-4bc5-8e9b-64562b4555f2',
    });
  });

  it('resets the conversation only once, also across retries', async () => {
    serve(
      '/chat-messages',
      () => difyError(404, 'not_found', 'Conversation Not Exists.'),
      () => difyError(500, 'internal_server_error', 'Internal Server Error'),
      () => difyError(404, 'not_found', 'Conversation Not Exists.'),
    );
    const events = await collect(
      model({ retry: { maxRetries: 1, initialDelayMs: 1 } }).stream(
        ask({ providerState: { conversationId: 'stale' } }),
      ),
    );
    expect(recorded.map((request) => request.body.conversation_id)).toEqual([
      'stale',
      undefined,
      undefined,
    ]);
    const error = onlyError(events);
    expect(error.kind).toBe('not-found');
    expect(error.providerCode).toBe('not_found');
  });

  it('does not retry a 404 when no conversation was sent', async () => {
    serve('/chat-messages', () => difyError(404, 'not_found', 'App not found.'));
    const error = onlyError(await collect(model().stream(ask())));
    expect(error.statusCode).toBe(404);
    expect(recorded).toHaveLength(1);
  });
});

describe('createDify errors', () => {
  it.each([
    [429, 'too_many_requests', 'rate-limit', true],
    [500, 'internal_server_error', 'server', true],
    [401, 'unauthorized', 'auth', false],
    [400, 'provider_quota_exceeded', 'quota', false],
    [429, 'rate_limit_error', 'quota', false],
    [400, 'invalid_param', 'invalid-request', false],
    [400, 'app_unavailable', 'invalid-request', false],
  ] as const)(
    'maps HTTP %i %s to kind %s (retryable: %s)',
    async (status, code, kind, retryable) => {
      serve('/chat-messages', () => difyError(status, code, 'vendor message'));
      const error = onlyError(await collect(model().stream(ask())));
      expect({
        kind: error.kind,
        retryable: error.retryable,
        providerCode: error.providerCode,
        statusCode: error.statusCode,
      }).toEqual({ kind, retryable, providerCode: code, statusCode: status });
      expect(error.message).toContain('vendor message');
    },
  );

  it.each([
    ['too_many_requests', 429, 'rate-limit', true],
    ['internal_server_error', 500, 'server', true],
    ['unauthorized', 401, 'auth', false],
    ['provider_quota_exceeded', 400, 'quota', false],
    ['rate_limit_error', 429, 'quota', false],
    ['invalid_param', 400, 'invalid-request', false],
  ] as const)('maps a stream error event %s to kind %s', async (code, status, kind, retryable) => {
    serve('/chat-messages', () =>
      sseResponse(sseEvents({ event: 'error', message_id: 'm', status, code, message: 'boom' })),
    );
    const error = onlyError(await collect(model().stream(ask())));
    expect([error.kind, error.retryable, error.providerCode]).toEqual([kind, retryable, code]);
  });

  it('retries a retryable failure before the first token and then streams the answer', async () => {
    serve(
      '/chat-messages',
      () => difyError(500, 'internal_server_error', 'Internal Server Error'),
      () =>
        sseResponse(
          sseEvents({
            event: 'error',
            message_id: 'm',
            status: 429,
            code: 'too_many_requests',
            message: 'busy',
          }),
        ),
      () => sseResponse(fixture('chat-stream.sse')),
    );
    const events = await collect(
      model({ retry: { maxRetries: 2, initialDelayMs: 1 } }).stream(ask()),
    );
    expect(recorded).toHaveLength(3);
    expect(answerOf(events)).toBe('Hello, world');
    onlyFinish(events);
  });

  it('never puts the API key into errors, even when Dify or the network echo it', async () => {
    serve('/chat-messages', () =>
      difyError(401, 'unauthorized', `Access token is invalid: Bearer ${API_KEY}`),
    );
    const httpError = onlyError(await collect(model().stream(ask())));
    const failingFetch: typeof fetch = async () => {
      throw new TypeError(`connect ECONNREFUSED (Authorization: Bearer ${API_KEY})`);
    };
    const events = await collect(model({ fetch: failingFetch }).stream(ask()));
    const last = events.at(-1);
    const networkError = last?.type === 'error' ? last.error : undefined;
    expect(networkError).toMatchObject({ kind: 'network', retryable: true });
    for (const error of [httpError, networkError]) {
      const shown = `${String(error)} ${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`;
      expect(shown).not.toContain(API_KEY);
      expect((error as Error).cause).toBeUndefined();
    }
    expect(httpError.message).toContain('[redacted]');
    expect(httpError.hint).toContain('DIFY_API_KEY');
  });

  it('never puts the API key into the error of a body that breaks off', async () => {
    const brokenFetch: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.error(new Error(`socket hang up (authorization: Bearer ${API_KEY})`));
          },
        }),
      );
    const events = await collect(
      model({ fetch: brokenFetch, responseMode: 'blocking' }).stream(ask()),
    );
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    const error = last?.type === 'error' ? last.error : undefined;
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(inspect(error, { depth: 5 })).toContain('broke off');
    expect(inspect(error, { depth: 5 })).not.toContain(API_KEY);
  });

  it.each([
    ['app_unavailable', 'the Dify app is not published or its model is not configured'],
    ['provider_not_initialize', 'Model Provider'],
    ['provider_quota_exceeded', 'quota'],
    ['model_currently_not_support', 'model'],
    ['invalid_param', 'metadata'],
  ])('appends the hint of %s to the error', async (code, hint) => {
    serve('/chat-messages', () => difyError(400, code, 'vendor message'));
    const error = onlyError(await collect(model().stream(ask())));
    expect(error.hint).toContain(hint);
    expect(error.message).toContain(`— ${error.hint}`);
  });

  it('never puts the API key into a stream error event', async () => {
    serve('/chat-messages', () =>
      sseResponse(
        sseEvents({
          event: 'error',
          status: 400,
          code: 'invalid_param',
          message: `bad ${API_KEY}`,
        }),
      ),
    );
    const error = onlyError(await collect(model().stream(ask())));
    expect(inspect(error)).not.toContain(API_KEY);
    expect(error.message).toContain('bad [redacted]');
  });
});
