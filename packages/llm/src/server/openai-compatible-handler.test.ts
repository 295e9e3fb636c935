import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APICallError, type LanguageModel, toNodeListener } from '@imbridge/core';
import { createScriptedModel, type Script, textSteps } from '@imbridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpenAICompatibleHandler,
  type OpenAICompatibleHandlerOptions,
} from './openai-compatible-handler.ts';

const ENDPOINT_KEY = 'endpoint-key';

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (running === undefined) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

async function serve(
  options: Partial<OpenAICompatibleHandlerOptions> & { scripts?: Script[] } = {},
) {
  const model =
    (options.model as ReturnType<typeof createScriptedModel> | undefined) ??
    createScriptedModel({
      modelId: 'scripted-voice-model',
      scripts: options.scripts ?? [
        {
          steps: textSteps('Hello, caller!', { chunkSize: 4 }),
          usage: { inputTokens: 12, outputTokens: 4 },
        },
      ],
    });
  const auth =
    options.authenticate === undefined && options.allowUnauthenticated === undefined
      ? { apiKey: ENDPOINT_KEY }
      : {};
  const handler = createOpenAICompatibleHandler({ logger: false, ...auth, ...options, model });
  const created = createServer(toNodeListener(handler));
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(created.address() as AddressInfo).port}/v1/chat/completions`,
    model,
  };
}

/**
 * A deliberately independent SSE reader (no eventsource-parser): splits on blank lines and keeps
 * `data:` lines, as a plain OpenAI client would.
 */
async function readEvents(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim().length > 0)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    );
}

function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ENDPOINT_KEY}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal !== undefined ? { signal } : {}),
  });
}

const question = {
  model: 'any',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
};

describe('createOpenAICompatibleHandler', () => {
  it('streams OpenAI-shaped chunks: role first, content deltas, finish reason, usage, then [DONE]', async () => {
    const { url } = await serve();
    const response = await post(url, {
      ...question,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(response);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data) as Record<string, unknown>);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        object: 'chat.completion.chunk',
        model: 'scripted-voice-model',
      });
      expect(typeof chunk.id).toBe('string');
    }
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    const choices = chunks.map((chunk) => (chunk.choices as Array<Record<string, unknown>>)[0]);
    expect(choices[0]).toMatchObject({
      delta: { role: 'assistant', content: '' },
      finish_reason: null,
    });
    const text = choices
      .map((choice) => (choice?.delta as { content?: string } | undefined)?.content ?? '')
      .join('');
    expect(text).toBe('Hello, caller!');
    const finishing = choices.filter(
      (choice) => choice?.finish_reason !== null && choice !== undefined,
    );
    expect(finishing).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
    });
  });

  it('answers a non-streaming request with one chat.completion', async () => {
    const { url } = await serve();
    const response = await post(url, question);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      model: 'scripted-voice-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello, caller!' },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
    });
  });

  it('passes system messages as instructions, the conversation, user, and TRTC headers as metadata', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const { url, model } = await serve({
      authenticate: ({ apiKey, metadata }) => {
        seen.push({ apiKey, ...metadata });
        return { metadata: { tenant: 'acme' } };
      },
    });
    await post(
      url,
      {
        ...question,
        user: 'caller-1',
        messages: [
          ...question.messages,
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: [{ type: 'text', text: 'Again' }] },
        ],
      },
      {
        authorization: 'Bearer endpoint-key',
        'x-task-id': 'task-9',
        'x-request-id': 'req-1',
        'x-sdk-app-id': '1400000000',
        'x-user-id': 'agent-user',
        'x-room-id': '1234',
        'x-room-id-type': '0',
        'x-invoke-llm': '1',
      },
    );
    const request = (model as ReturnType<typeof createScriptedModel>).calls[0]?.request;
    expect(request?.instructions).toBe('Be brief.');
    expect(request?.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'Again' },
    ]);
    expect(request?.user).toBe('caller-1');
    expect(request?.metadata).toEqual({
      taskId: 'task-9',
      requestId: 'req-1',
      sdkAppId: '1400000000',
      userId: 'agent-user',
      roomId: '1234',
      roomIdType: '0',
      invokeLlm: '1',
      tenant: 'acme',
    });
    expect(seen[0]).toMatchObject({ apiKey: 'endpoint-key', taskId: 'task-9', roomId: '1234' });
  });

  it('rejects unauthenticated requests with an OpenAI-shaped 401 and never calls the model', async () => {
    const { url, model } = await serve({ authenticate: ({ apiKey }) => apiKey === 'right' });
    const response = await post(url, question, { authorization: 'Bearer wrong' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_api_key' },
    });
    expect((model as ReturnType<typeof createScriptedModel>).calls).toHaveLength(0);
  });

  it('answers bad input with 4xx OpenAI errors: bad JSON, no messages, wrong path, wrong method, too large', async () => {
    const { url } = await serve({ maxBodyBytes: 2048 });
    const badJson = await post(url, '{"messages": [');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect((await post(url, { messages: [] })).status).toBe(400);
    expect((await post(url, { messages: [{ role: 'wizard', content: 'x' }] })).status).toBe(400);
    expect((await post(url.replace('/chat/completions', '/embeddings'), question)).status).toBe(
      404,
    );
    expect((await fetch(url)).status).toBe(405);
    const huge = await post(url, { messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    expect(huge.status).toBe(413);
  });

  it('turns a failure before the first token into an HTTP error without upstream details', async () => {
    const { url } = await serve({
      scripts: [
        {
          steps: [
            {
              type: 'error',
              error: new APICallError({
                message: 'upstream said key sk-SECRET is bad',
                provider: 'x',
                kind: 'rate-limit',
                statusCode: 429,
              }),
            },
          ],
        },
      ],
    });
    const response = await post(url, { ...question, stream: true });
    expect(response.status).toBe(429);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(body).not.toContain('SECRET');
  });

  it('reports a mid-stream failure as an error event and streams reasoning as reasoning_content', async () => {
    const { url } = await serve({
      scripts: [
        {
          steps: [
            { type: 'reasoning', text: 'thinking' },
            { type: 'text', text: 'partial' },
            { type: 'throw', error: new Error('boom with sk-SECRET') },
          ],
        },
      ],
    });
    const events = await readEvents(await post(url, { ...question, stream: true }));
    const parsed = events.map((data) => JSON.parse(data) as Record<string, unknown>);
    expect(JSON.stringify(parsed)).toContain('"reasoning_content":"thinking"');
    expect(parsed.at(-1)).toMatchObject({ error: { type: 'server_error' } });
    expect(events.join('')).not.toContain('SECRET');
  });

  describe('a model stream that ends without finish is not a complete answer', () => {
    /** A model that breaks the contract: its stream just stops, with no `finish` or `error`. */
    function cutModel(texts: string[]): LanguageModel {
      return {
        specificationVersion: 'v1',
        provider: 'cut-provider',
        modelId: 'cut-model',
        async *stream() {
          for (const text of texts) yield { type: 'text-delta', text };
        },
      };
    }

    it('streams the text, then an error event with no finish_reason and no [DONE]', async () => {
      const { url } = await serve({ model: cutModel(['Once', ' upon a']) });
      const events = await readEvents(await post(url, { ...question, stream: true }));
      expect(events).not.toContain('[DONE]');
      const parsed = events.map((data) => JSON.parse(data) as Record<string, unknown>);
      const text = parsed
        .map((chunk) => {
          const choices = chunk.choices as Array<{ delta?: { content?: string } }> | undefined;
          return choices?.[0]?.delta?.content ?? '';
        })
        .join('');
      expect(text).toBe('Once upon a');
      expect(JSON.stringify(parsed)).not.toMatch(/"finish_reason":"/);
      expect(parsed.at(-1)).toEqual({
        error: { message: 'The model failed (server)', type: 'upstream_error', code: 'server' },
      });
    });

    it('answers a non-streaming request with 502, not a 200 with the partial text', async () => {
      const { url } = await serve({ model: cutModel(['Once', ' upon a']) });
      const response = await post(url, question);
      expect(response.status).toBe(502);
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({ error: { type: 'upstream_error', code: 'server' } });
      expect(body).not.toContain('upon');
    });

    it('answers 502 when the model yields nothing at all', async () => {
      const { url } = await serve({ model: cutModel([]) });
      expect((await post(url, { ...question, stream: true })).status).toBe(502);
      expect((await post(url, question)).status).toBe(502);
    });
  });

  it('aborts the model when the client disconnects mid-stream', async () => {
    const model = createScriptedModel({
      scripts: [{ steps: [{ type: 'text', text: 'first' }, { type: 'stall' }] }],
    });
    const { url } = await serve({ model: model as LanguageModel });
    const client = new AbortController();
    const response = await post(url, { ...question, stream: true }, {}, client.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    client.abort();
    const deadline = Date.now() + 3000;
    while (!model.calls[0]?.aborted && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(model.calls[0]?.aborted).toBe(true);
  });
});
