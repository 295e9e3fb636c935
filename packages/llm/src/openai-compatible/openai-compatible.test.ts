import { inspect } from 'node:util';
import { AbortedError, APICallError } from '@imbridge/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chunk,
  collect,
  endOf,
  FIXTURES,
  type FixtureName,
  readFixture,
  splitBytes,
  sse,
  terminalCount,
} from '../__fixtures__/openai-compatible/fixtures.ts';
import { createOpenAICompatible, type OpenAICompatibleOptions } from './openai-compatible.ts';
import { classifyOpenAICompatibleError } from './openai-compatible-errors.ts';
import { OPENAI_COMPATIBLE_PRESETS } from './presets.ts';

const BASE_URL = 'https://llm.test/v1';
const ENDPOINT = `${BASE_URL}/chat/completions`;
const API_KEY = 'sk-test-9f8e7d6c5b4a3210fedcba9876543210';
const HELLO = { messages: [{ role: 'user' as const, content: 'Hello' }] };

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  headers: Headers;
  body: Record<string, unknown>;
}

function streamOf(parts: ReadonlyArray<Uint8Array>): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      const part = parts[index];
      index += 1;
      if (part === undefined) controller.close();
      else controller.enqueue(part);
    },
  });
}

function sseResponse(body: string | Uint8Array, pieces = 1): Response {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return new HttpResponse(streamOf(splitBytes(bytes, pieces)), {
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  });
}

/** Answers successive calls with successive responders (the last one repeats). */
function route(responders: ReadonlyArray<() => Response>, url = ENDPOINT): Seen[] {
  const seen: Seen[] = [];
  server.use(
    http.post(url, async ({ request }) => {
      seen.push({
        headers: request.headers,
        body: (await request.json()) as Record<string, unknown>,
      });
      const responder = responders[Math.min(seen.length - 1, responders.length - 1)];
      if (responder === undefined) throw new Error('no responder');
      return responder();
    }),
  );
  return seen;
}

function model(options: Partial<OpenAICompatibleOptions> = {}, withApiKey = true) {
  return createOpenAICompatible({
    baseUrl: BASE_URL,
    ...(withApiKey ? { apiKey: API_KEY } : {}),
    model: 'test-model',
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

const OK_BODY = sse(chunk({ role: 'assistant', content: 'ok' }), chunk({}, 'stop'), '[DONE]');

describe('createOpenAICompatible (msw)', () => {
  describe('recorded fixtures', () => {
    for (const name of Object.keys(FIXTURES) as FixtureName[]) {
      const expected = FIXTURES[name];
      it(`parses ${expected.file} (${expected.description})`, async () => {
        const seen = route([() => sseResponse(readFixture(name), 7)]);
        const result = await collect(model().stream(HELLO));
        expect(result.thrown).toBeUndefined();
        expect(result.text).toBe(expected.text);
        expect(result.reasoning).toBe(expected.reasoning);
        expect(endOf(result)).toEqual(expected.end);
        expect(terminalCount(result)).toBe(1);
        // A mid-stream error after the first token is reported, not retried.
        expect(seen).toHaveLength(1);
      });
    }

    it('reads a fixture delivered one byte at a time the same way', async () => {
      const bytes = readFixture('reasoning');
      route([() => sseResponse(bytes, bytes.length)]);
      const result = await collect(model().stream(HELLO));
      expect(result.text).toBe(FIXTURES.reasoning.text);
      expect(result.reasoning).toBe(FIXTURES.reasoning.reasoning);
      expect(endOf(result)).toEqual(FIXTURES.reasoning.end);
    });
  });

  describe('stream parsing', () => {
    it('ends at [DONE] and ignores anything after it', async () => {
      route([
        () =>
          sseResponse(
            sse(
              chunk({ content: 'before' }),
              chunk({}, 'stop'),
              '[DONE]',
              chunk({ content: 'after' }),
            ),
          ),
      ]);
      const result = await collect(model().stream(HELLO));
      expect(result.text).toBe('before');
      expect(result.events.map((event) => event.type)).toEqual(['text-delta', 'finish']);
    });

    it.each([
      ['stop', 'stop'],
      ['length', 'length'],
      ['content_filter', 'content-filter'],
      ['sensitive', 'content-filter'],
      ['tool_calls', 'tool-calls'],
      ['function_call', 'tool-calls'],
      ['eos', 'other'],
    ])('maps finish_reason %s to %s', async (raw, reason) => {
      route([() => sseResponse(sse(chunk({ content: 'x' }), chunk({}, raw), '[DONE]'))]);
      const result = await collect(model().stream(HELLO));
      expect(result.last).toEqual({ type: 'finish', reason });
    });

    it('keeps the last finish_reason seen when the body ends without [DONE]', async () => {
      route([() => sseResponse(sse(chunk({ content: 'a' }, 'length')))]);
      const result = await collect(model().stream(HELLO));
      expect(result.events).toEqual([
        { type: 'text-delta', text: 'a' },
        { type: 'finish', reason: 'length' },
      ]);
    });

    it('reports Zhipu finish_reason network_error as a retryable error, not a short answer', async () => {
      route([() => sseResponse(sse(chunk({ content: 'a' }), chunk({}, 'network_error')))]);
      const result = await collect(model().stream(HELLO));
      expect(endOf(result)).toEqual({ type: 'error', kind: 'server', retryable: true });
      expect(result.events.some((event) => event.type === 'finish')).toBe(false);
    });

    it('turns an `event: error` SSE event into an error event', async () => {
      route([
        () =>
          sseResponse(
            `${sse(chunk({ content: 'a' }))}event: error\ndata: {"message":"bad input","code":"invalid_parameter"}\n\n`,
          ),
      ]);
      const result = await collect(model().stream(HELLO));
      expect(endOf(result)).toEqual({ type: 'error', kind: 'invalid-request', retryable: false });
    });

    it.each([
      [{ code: 'insufficient_quota', message: 'quota' }, 'quota', false],
      [{ type: 'authentication_error', message: 'bad key' }, 'auth', false],
      [
        { code: 'data_inspection_failed', message: 'inappropriate content' },
        'content-filter',
        false,
      ],
      [{ code: 'context_length_exceeded', message: 'too long' }, 'invalid-request', false],
      [{ message: 'overloaded', type: 'server_error' }, 'server', true],
      [{ message: 'upstream', code: 503 }, 'server', true],
      ['a plain string', 'unknown', false],
    ])(
      'classifies the mid-stream error %j as %s (retryable %s)',
      async (error, kind, retryable) => {
        route([() => sseResponse(sse(chunk({ content: 'a' }), { error }))]);
        const result = await collect(model().stream(HELLO));
        expect(endOf(result)).toEqual({ type: 'error', kind, retryable });
      },
    );

    it('retries a retryable error event that arrives before the first token', async () => {
      const seen = route([
        () =>
          sseResponse(
            sse(chunk({ role: 'assistant', content: '' }), {
              error: { message: 'busy', code: 'rate_limit_exceeded' },
            }),
          ),
        () => sseResponse(OK_BODY),
      ]);
      const result = await collect(model().stream(HELLO));
      expect(seen).toHaveLength(2);
      expect(result.text).toBe('ok');
      expect(result.last).toEqual({ type: 'finish', reason: 'stop' });
    });
  });

  describe('request', () => {
    it('posts model, system message, history, stream, stream_options, user, extra body and auth', async () => {
      const seen = route([() => sseResponse(OK_BODY)]);
      const result = await collect(
        model({
          includeUsage: true,
          headers: { 'x-trace': 'abc' },
          body: { temperature: 0.2, max_tokens: 64, enable_enhancement: false, model: 'ignored' },
        }).stream({
          instructions: 'Be brief.',
          user: 'user-42',
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello!' },
            { role: 'user', content: 'Tell me a joke' },
          ],
        }),
      );
      expect(result.text).toBe('ok');
      expect(seen).toHaveLength(1);
      expect(seen[0]?.body).toEqual({
        temperature: 0.2,
        max_tokens: 64,
        enable_enhancement: false,
        model: 'test-model',
        stream: true,
        stream_options: { include_usage: true },
        user: 'user-42',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Tell me a joke' },
        ],
      });
      expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
      expect(seen[0]?.headers.get('content-type')).toBe('application/json');
      expect(seen[0]?.headers.get('accept')).toBe('text/event-stream');
      expect(seen[0]?.headers.get('x-trace')).toBe('abc');
    });

    it('sends no system message, stream_options, user or Authorization unless asked', async () => {
      const seen = route([() => sseResponse(OK_BODY)]);
      await collect(model({}, false).stream(HELLO));
      expect(seen[0]?.body).toEqual({
        model: 'test-model',
        stream: true,
        messages: [{ role: 'user', content: 'Hello' }],
      });
      expect(seen[0]?.headers.has('authorization')).toBe(false);
    });

    it('calls an async apiKey resolver for every attempt', async () => {
      let calls = 0;
      const seen = route([
        () => HttpResponse.json({}, { status: 503 }),
        () => sseResponse(OK_BODY),
      ]);
      const result = await collect(
        model({
          apiKey: async () => {
            calls += 1;
            return `${API_KEY}-${calls}`;
          },
        }).stream(HELLO),
      );
      expect(result.text).toBe('ok');
      expect(seen.map((entry) => entry.headers.get('authorization'))).toEqual([
        `Bearer ${API_KEY}-1`,
        `Bearer ${API_KEY}-2`,
      ]);
    });

    it('joins baseUrl and /chat/completions whatever the trailing slash', async () => {
      const seen = route([() => sseResponse(OK_BODY)]);
      const result = await collect(model({ baseUrl: `${BASE_URL}//` }).stream(HELLO));
      expect(result.text).toBe('ok');
      expect(seen).toHaveLength(1);
    });

    it('checks its options at creation, naming the option and the env variable of the examples', () => {
      const env: Record<string, string | undefined> = {};
      expect(() =>
        createOpenAICompatible({ baseUrl: env.LLM_BASE_URL as string, model: 'm' }),
      ).toThrow(
        'createOpenAICompatible: baseUrl must be a non-empty string, received nothing (undefined) (examples read it from LLM_BASE_URL)',
      );
      expect(() => model({ baseUrl: 'api.deepseek.com' })).toThrow(
        /baseUrl must be an absolute http\(s\) URL, received "api\.deepseek\.com"/,
      );
      expect(() => model({ model: ' ' })).toThrow(
        'createOpenAICompatible: model must be a non-empty string, received a blank string (examples read it from LLM_MODEL)',
      );
      expect(() => model({ apiKey: '' })).toThrow(
        /apiKey must be .*received an empty string \(examples read it from LLM_API_KEY\)/,
      );
      expect(() => model({ firstTokenTimeoutMs: -5 })).toThrow(/firstTokenTimeoutMs must be/);
      // An unset optional variable is `undefined`, which every optional option takes.
      expect(() =>
        model({ apiKey: env.LLM_API_KEY, timeoutMs: undefined, retry: undefined }),
      ).not.toThrow();
    });

    it('declares v2 (tool calling), its provider and model id', () => {
      const deepseek = model({ provider: 'deepseek', model: 'deepseek-chat' });
      expect([deepseek.specificationVersion, deepseek.provider, deepseek.modelId]).toEqual([
        'v2',
        'deepseek',
        'deepseek-chat',
      ]);
      expect(model().provider).toBe('openai-compatible');
    });
  });

  describe('HTTP errors and retries', () => {
    it('does not retry 401 and reports an auth error', async () => {
      const seen = route([
        () =>
          HttpResponse.json(
            {
              error: {
                message: 'Incorrect API key provided',
                type: 'invalid_request_error',
                code: 'invalid_api_key',
              },
            },
            { status: 401 },
          ),
      ]);
      const result = await collect(model().stream(HELLO));
      expect(seen).toHaveLength(1);
      expect(endOf(result)).toEqual({ type: 'error', kind: 'auth', retryable: false });
      const last = result.last;
      expect(
        last?.type === 'error' && APICallError.isInstance(last.error) && last.error.statusCode,
      ).toBe(401);
    });

    it('retries 429 after the retry-after the server asked for, then streams', async () => {
      const seen = route([
        () =>
          HttpResponse.json(
            {
              error: {
                message: 'Rate limit reached',
                type: 'requests',
                code: 'rate_limit_exceeded',
              },
            },
            { status: 429, headers: { 'retry-after': '0.15' } },
          ),
        () => sseResponse(OK_BODY),
      ]);
      const started = performance.now();
      // Back-off alone would wait 10 s: only honouring retry-after finishes in time.
      const result = await collect(
        model({ retry: { initialDelayMs: 10_000, maxDelayMs: 20_000 } }).stream(HELLO),
      );
      const elapsed = performance.now() - started;
      expect(seen).toHaveLength(2);
      expect(result.text).toBe('ok');
      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(elapsed).toBeLessThan(3000);
    });

    it('does not retry a 429 that means an exhausted quota', async () => {
      const seen = route([
        () =>
          HttpResponse.json(
            {
              error: {
                message: 'You exceeded your current quota',
                type: 'insufficient_quota',
                code: 'insufficient_quota',
              },
            },
            { status: 429 },
          ),
      ]);
      const result = await collect(model().stream(HELLO));
      expect(seen).toHaveLength(1);
      expect(endOf(result)).toEqual({ type: 'error', kind: 'quota', retryable: false });
      const last = result.last;
      expect(last?.type === 'error' && APICallError.isInstance(last.error) && last.error.hint).toBe(
        'the account balance or quota at this vendor is used up',
      );
    });

    it('retries 500 and succeeds on a later attempt', async () => {
      const seen = route([
        () => HttpResponse.json({ error: { message: 'boom' } }, { status: 500 }),
        () => HttpResponse.json({ error: { message: 'boom' } }, { status: 500 }),
        () => sseResponse(OK_BODY),
      ]);
      const result = await collect(model().stream(HELLO));
      expect(seen).toHaveLength(3);
      expect(result.text).toBe('ok');
      expect(result.last).toEqual({ type: 'finish', reason: 'stop' });
    });

    it('gives up after maxRetries and reports the last server error', async () => {
      const seen = route([
        () => HttpResponse.json({ error: { message: 'boom' } }, { status: 502 }),
      ]);
      const result = await collect(
        model({ retry: { maxRetries: 1, initialDelayMs: 1 } }).stream(HELLO),
      );
      expect(seen).toHaveLength(2);
      expect(endOf(result)).toEqual({ type: 'error', kind: 'server', retryable: true });
    });

    it('does not retry 400', async () => {
      const seen = route([
        () =>
          HttpResponse.json(
            {
              error: {
                message: "Invalid value for 'temperature'",
                type: 'invalid_request_error',
                code: null,
              },
            },
            { status: 400 },
          ),
      ]);
      const result = await collect(model().stream(HELLO));
      expect(seen).toHaveLength(1);
      expect(endOf(result)).toEqual({ type: 'error', kind: 'invalid-request', retryable: false });
      const last = result.last;
      expect(last?.type === 'error' && String(last.error)).toContain(
        "Invalid value for 'temperature'",
      );
    });

    it('does not retry when retry is false', async () => {
      const seen = route([() => HttpResponse.json({}, { status: 500 })]);
      await collect(model({ retry: false }).stream(HELLO));
      expect(seen).toHaveLength(1);
    });

    it('reports an unreachable host as an APICallError of kind network, without a cause', async () => {
      const result = await collect(
        model({
          retry: false,
          fetch: () => Promise.reject(new TypeError('fetch failed')),
        }).stream(HELLO),
      );
      const last = result.last;
      expect(last?.type === 'error' && APICallError.isInstance(last.error)).toBe(true);
      expect(last?.type === 'error' && last.error).toMatchObject({
        kind: 'network',
        retryable: true,
      });
      expect(last?.type === 'error' && (last.error as Error).cause).toBeUndefined();
    });
  });

  describe('secrets', () => {
    function expectNoKey(value: unknown): void {
      const error = value as Error;
      for (const text of [
        String(error),
        error.message,
        inspect(error, { depth: 10 }),
        JSON.stringify(error),
      ]) {
        expect(text).not.toContain(API_KEY);
      }
    }

    it('keeps the API key out of an HTTP error that echoes it', async () => {
      route([
        () =>
          HttpResponse.json(
            {
              error: {
                message: `Incorrect API key provided: ${API_KEY}`,
                code: `bad_key_${API_KEY}`,
              },
            },
            { status: 401 },
          ),
      ]);
      const result = await collect(model().stream(HELLO));
      const last = result.last;
      expect(last?.type).toBe('error');
      if (last?.type !== 'error') return;
      expect(String(last.error)).toContain('[redacted]');
      expectNoKey(last.error);
    });

    it('keeps the API key out of a mid-stream error event that echoes it', async () => {
      route([
        () =>
          sseResponse(
            sse(chunk({ content: 'a' }), {
              error: { message: `key ${API_KEY} is disabled`, code: API_KEY },
            }),
          ),
      ]);
      const result = await collect(model().stream(HELLO));
      const last = result.last;
      expect(last?.type).toBe('error');
      if (last?.type !== 'error') return;
      expect(String(last.error)).toContain('[redacted]');
      expectNoKey(last.error);
    });

    it('keeps a resolved API key out of a network error that mentions it', async () => {
      const result = await collect(
        model({
          retry: false,
          apiKey: async () => API_KEY,
          fetch: () => Promise.reject(new TypeError(`connect failed for ${API_KEY}`)),
        }).stream(HELLO),
      );
      const last = result.last;
      expect(last?.type).toBe('error');
      if (last?.type !== 'error') return;
      expect(last.error).toMatchObject({ kind: 'network' });
      expect((last.error as Error).cause).toBeUndefined();
      expectNoKey(last.error);
    });

    it('keeps the API key out of a foreign error thrown by a custom fetch', async () => {
      const result = await collect(
        model({
          retry: false,
          fetch: async () => {
            const response = new Response('data: x\n\n');
            Object.defineProperty(response, 'body', {
              get() {
                throw new RangeError(`weird ${API_KEY}`);
              },
            });
            return response;
          },
        }).stream(HELLO),
      );
      const last = result.last;
      expect(last?.type).toBe('error');
      if (last?.type !== 'error') return;
      expect(String(last.error)).toContain('[redacted]');
      expectNoKey(last.error);
    });

    it('keeps a secret custom header out of errors', async () => {
      const secret = 'azure-secret-0123456789abcdef';
      route([
        () => HttpResponse.json({ error: { message: `bad api-key ${secret}` } }, { status: 403 }),
      ]);
      const result = await collect(model({ headers: { 'api-key': secret } }, false).stream(HELLO));
      const last = result.last;
      expect(last?.type === 'error' && String(last.error)).toContain('[redacted]');
      expect(last?.type === 'error' && inspect(last.error)).not.toContain(secret);
    });
  });

  describe('abort', () => {
    it('sends nothing and throws AbortedError when the signal is already aborted', async () => {
      const seen = route([() => sseResponse(OK_BODY)]);
      const controller = new AbortController();
      controller.abort();
      const result = await collect(model().stream({ ...HELLO, signal: controller.signal }));
      expect(seen).toHaveLength(0);
      expect(result.events).toEqual([]);
      expect(AbortedError.isInstance(result.thrown)).toBe(true);
    });

    it('yields no text after an abort, even from the chunk already parsed', async () => {
      route([
        () =>
          sseResponse(
            sse(chunk({ reasoning_content: 'thinking', content: 'answer' }), chunk({}, 'stop')),
          ),
      ]);
      const controller = new AbortController();
      const iterator = model()
        .stream({ ...HELLO, signal: controller.signal })
        [Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value).toEqual({ type: 'reasoning-delta', text: 'thinking' });
      controller.abort();
      const outcome = await iterator.next().then(
        (step) => step.value,
        (error: unknown) => error,
      );
      expect(AbortedError.isInstance(outcome)).toBe(true);
    });

    it('stops waiting for a retry back-off when aborted', async () => {
      const seen = route([() => HttpResponse.json({}, { status: 500 })]);
      const controller = new AbortController();
      const pending = collect(
        model({ retry: { initialDelayMs: 60_000 } }).stream({
          ...HELLO,
          signal: controller.signal,
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const abortedAt = performance.now();
      controller.abort();
      const result = await pending;
      expect(performance.now() - abortedAt).toBeLessThan(200);
      expect(seen).toHaveLength(1);
      expect(AbortedError.isInstance(result.thrown)).toBe(true);
    });
  });

  describe('OPENAI_COMPATIBLE_PRESETS', () => {
    it('holds absolute base URLs without a trailing slash or /chat/completions', () => {
      for (const preset of Object.values(OPENAI_COMPATIBLE_PRESETS)) {
        const url = new URL(preset.baseUrl);
        expect(['https:', 'http:']).toContain(url.protocol);
        expect(url.protocol === 'https:' || url.hostname === 'localhost').toBe(true);
        expect(preset.baseUrl.endsWith('/')).toBe(false);
        expect(preset.baseUrl).not.toContain('chat/completions');
        expect(preset.notes.length).toBeGreaterThan(10);
      }
    });

    it('has the documented endpoints', () => {
      expect(OPENAI_COMPATIBLE_PRESETS.deepseek.baseUrl).toBe('https://api.deepseek.com');
      expect(OPENAI_COMPATIBLE_PRESETS.qwenCn.baseUrl).toBe(
        'https://dashscope.aliyuncs.com/compatible-mode/v1',
      );
      expect(OPENAI_COMPATIBLE_PRESETS.qwenIntl.baseUrl).toBe(
        'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
      );
      expect(OPENAI_COMPATIBLE_PRESETS.moonshotCn.baseUrl).toBe('https://api.moonshot.cn/v1');
      expect(OPENAI_COMPATIBLE_PRESETS.moonshotIntl.baseUrl).toBe('https://api.moonshot.ai/v1');
      expect(OPENAI_COMPATIBLE_PRESETS.hunyuan.baseUrl).toBe(
        'https://api.hunyuan.cloud.tencent.com/v1',
      );
      expect(OPENAI_COMPATIBLE_PRESETS.zhipuCn.baseUrl).toBe(
        'https://open.bigmodel.cn/api/paas/v4',
      );
      expect(OPENAI_COMPATIBLE_PRESETS.zhipuIntl.baseUrl).toBe('https://api.z.ai/api/paas/v4');
      expect(OPENAI_COMPATIBLE_PRESETS.minimaxGlobal.baseUrl).toBe('https://api.minimax.io/v1');
      expect(OPENAI_COMPATIBLE_PRESETS.minimaxCn.baseUrl).toBe('https://api.minimaxi.com/v1');
      expect(OPENAI_COMPATIBLE_PRESETS.ollama.baseUrl).toBe('http://localhost:11434/v1');
      expect(OPENAI_COMPATIBLE_PRESETS.vllm.baseUrl).toBe('http://localhost:8000/v1');
    });

    it('plugs into createOpenAICompatible', async () => {
      const seen = route([() => sseResponse(OK_BODY)], 'https://api.deepseek.com/chat/completions');
      const result = await collect(
        createOpenAICompatible({
          ...OPENAI_COMPATIBLE_PRESETS.deepseek,
          apiKey: API_KEY,
          model: 'deepseek-chat',
        }).stream(HELLO),
      );
      expect(result.text).toBe('ok');
      expect(seen[0]?.body.model).toBe('deepseek-chat');
    });
  });
});

describe('classifyOpenAICompatibleError', () => {
  it.each([
    ['invalid_api_key', 'auth', false],
    ['rate_limit_exceeded', 'rate-limit', true],
    ['insufficient_quota', 'quota', false],
    ['data_inspection_failed', 'content-filter', false],
    ['context_length_exceeded', 'invalid-request', false],
    ['server_error', 'server', true],
    ['something_else', 'unknown', false],
    ['', 'unknown', false],
  ] as const)('classifies %j as %s (retryable: %s)', (code, kind, retryable) => {
    expect(classifyOpenAICompatibleError(code)).toMatchObject({ kind, retryable });
  });

  it('adds hints for a bad key, an exhausted quota and a too long conversation', () => {
    expect(classifyOpenAICompatibleError('invalid_api_key').hint).toContain('LLM_API_KEY');
    expect(classifyOpenAICompatibleError('insufficient_quota').hint).toContain('quota');
    expect(classifyOpenAICompatibleError('context_length_exceeded').hint).toContain('history');
    expect(classifyOpenAICompatibleError('server_error').hint).toBeUndefined();
  });
});
