import { readFileSync } from 'node:fs';
import {
  APICallError,
  type ModelEvent,
  type ModelMessage,
  type ModelRequest,
} from '@imbridge/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMiniMax, type MiniMaxOptions } from './minimax.ts';
import { classifyMiniMaxStatus } from './minimax-errors.ts';

const API_KEY = 'mm-test-secret-0123456789abcdef';
const BASE_URL = 'https://api.minimax.test/v1';
const ENDPOINT = `${BASE_URL}/text/chatcompletion_v2`;
const FULL_TEXT = '你好！有什么可以帮你的吗？';

function fixture(name: string): string {
  return readFileSync(new URL(`../__fixtures__/minimax/${name}`, import.meta.url), 'utf8');
}

/** The `data:` events of an SSE fixture, so tests can drop or edit one. */
function events(name: string): string[] {
  return fixture(name)
    .split('\n\n')
    .filter((block) => block.trim() !== '');
}

function sse(blocks: ReadonlyArray<string>): string {
  return `${blocks.join('\n\n')}\n\n`;
}

/** Serves an SSE body in small byte slices (splitting events and UTF-8 characters). */
function sseResponse(body: string, sliceBytes = 7): HttpResponse<ReadableStream<Uint8Array>> {
  const bytes = new TextEncoder().encode(body);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let index = 0; index < bytes.length; index += sliceBytes) {
        controller.enqueue(bytes.slice(index, index + sliceBytes));
      }
      controller.close();
    },
  });
  return new HttpResponse(stream, { headers: { 'content-type': 'text/event-stream' } });
}

interface Recorded {
  url: URL;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Answers calls in order (the last answer repeats) and records each request. */
function serve(...answers: ReadonlyArray<() => Response>): {
  requests: Recorded[];
  use: (url?: string) => void;
} {
  const requests: Recorded[] = [];
  return {
    requests,
    use(url = ENDPOINT) {
      server.use(
        http.post(url, async ({ request }) => {
          requests.push({
            url: new URL(request.url),
            headers: request.headers,
            body: (await request.json()) as Record<string, unknown>,
          });
          const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
          if (answer === undefined) throw new Error('no answer configured');
          return answer();
        }),
      );
    },
  };
}

function model(overrides: Partial<MiniMaxOptions> = {}) {
  return createMiniMax({
    apiKey: API_KEY,
    model: 'MiniMax-M2',
    baseUrl: BASE_URL,
    retry: { initialDelayMs: 1, maxRetries: 2 },
    ...overrides,
  });
}

const hello: ModelRequest = { messages: [{ role: 'user', content: 'Hi' }] };

async function collect(
  iterable: AsyncIterable<ModelEvent>,
): Promise<{ events: ModelEvent[]; thrown: unknown }> {
  const seen: ModelEvent[] = [];
  try {
    for await (const event of iterable) seen.push(event);
    return { events: seen, thrown: undefined };
  } catch (error) {
    return { events: seen, thrown: error };
  }
}

function textOf(seen: ReadonlyArray<ModelEvent>): string {
  let text = '';
  for (const event of seen) {
    if (event.type === 'text-delta') text += event.text;
    if (event.type === 'text-replace') text = event.text;
  }
  return text;
}

function errorOf(seen: ReadonlyArray<ModelEvent>): APICallError {
  const event = seen.find((item) => item.type === 'error');
  if (event?.type !== 'error') throw new Error(`no error event in ${JSON.stringify(seen)}`);
  if (!APICallError.isInstance(event.error)) throw new Error(`not an APICallError: ${event.error}`);
  return event.error;
}

function expectOneTerminal(seen: ReadonlyArray<ModelEvent>, type: 'finish' | 'error'): void {
  const terminals = seen.filter((event) => event.type === 'finish' || event.type === 'error');
  expect(terminals.map((event) => event.type)).toEqual([type]);
  expect(seen.at(-1)?.type).toBe(type);
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('createMiniMax', () => {
  it('streams each delta once and does not append the final full repeat', async () => {
    const backend = serve(() => sseResponse(fixture('stream-text.sse')));
    backend.use();
    const { events: seen, thrown } = await collect(model().stream(hello));
    expect(thrown).toBeUndefined();
    expect(seen.filter((event) => event.type === 'text-delta').map((event) => event.text)).toEqual([
      '你好',
      '！有什么',
      '可以帮你的吗？',
    ]);
    expect(seen.some((event) => event.type === 'text-replace')).toBe(false);
    expect(textOf(seen)).toBe(FULL_TEXT);
    expectOneTerminal(seen, 'finish');
    expect(seen.at(-1)).toEqual({
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 58, outputTokens: 13, totalTokens: 71 },
    });
  });

  it('sends only the missing tail when the final text extends the streamed text', async () => {
    const blocks = events('stream-text.sse').filter((block) => !block.includes('"可以帮你的吗？"'));
    serve(() => sseResponse(sse(blocks))).use();
    const { events: seen } = await collect(model().stream(hello));
    expect(seen.filter((event) => event.type === 'text-delta').map((event) => event.text)).toEqual([
      '你好',
      '！有什么',
      '可以帮你的吗？',
    ]);
    expect(seen.some((event) => event.type === 'text-replace')).toBe(false);
    expectOneTerminal(seen, 'finish');
  });

  it('emits one text-replace when the final text differs from the streamed text', async () => {
    const corrected = '您好！请问需要什么帮助？';
    const body = fixture('stream-text.sse').replace(
      `"content":"${FULL_TEXT}"`,
      `"content":"${corrected}"`,
    );
    expect(body).toContain(corrected);
    serve(() => sseResponse(body)).use();
    const { events: seen } = await collect(model().stream(hello));
    expect(seen.filter((event) => event.type === 'text-replace')).toEqual([
      { type: 'text-replace', text: corrected },
    ]);
    expect(textOf(seen)).toBe(corrected);
    expectOneTerminal(seen, 'finish');
  });

  it('turns reasoning_content into reasoning deltas, kept out of the text and not repeated', async () => {
    serve(() => sseResponse(fixture('stream-reasoning.sse'))).use();
    const { events: seen } = await collect(model().stream(hello));
    const reasoning = seen.filter((event) => event.type === 'reasoning-delta');
    expect(reasoning.map((event) => event.text).join('')).toBe(
      'The user greets me. Answer briefly.',
    );
    expect(reasoning).toHaveLength(2);
    expect(textOf(seen)).toBe('Hello there!');
    expectOneTerminal(seen, 'finish');
    expect(seen.at(-1)).toMatchObject({ reason: 'stop', usage: { outputTokens: 20 } });
  });

  it('tolerates delta: null, an empty role and a usage-only chunk without a final repeat', async () => {
    serve(() => sseResponse(fixture('stream-delta-null.sse'))).use();
    const { events: seen, thrown } = await collect(model().stream(hello));
    expect(thrown).toBeUndefined();
    expect(textOf(seen)).toBe('Short answer.');
    expectOneTerminal(seen, 'finish');
    expect(seen.at(-1)).toEqual({
      type: 'finish',
      reason: 'length',
      usage: { inputTokens: 28, outputTokens: 2, totalTokens: 30 },
    });
  });

  it('reports a base_resp 1002 after text as a retryable rate-limit error, without retrying', async () => {
    const backend = serve(() => sseResponse(fixture('stream-error-1002.sse')));
    backend.use();
    const { events: seen } = await collect(model().stream(hello));
    expect(textOf(seen)).toBe('Let me');
    expectOneTerminal(seen, 'error');
    const error = errorOf(seen);
    expect(error).toMatchObject({
      provider: 'minimax',
      providerCode: 1002,
      kind: 'rate-limit',
      retryable: true,
      statusCode: 200,
    });
    expect(error.message).toContain('rate limit exceeded(RPM)');
    expect(backend.requests).toHaveLength(1);
  });

  it('retries a base_resp 1002 that arrives before the first token, then succeeds', async () => {
    const rateLimited = events('stream-error-1002.sse').filter((block) => block.includes('1002'));
    const backend = serve(
      () => sseResponse(sse(rateLimited)),
      () => sseResponse(fixture('stream-text.sse')),
    );
    backend.use();
    let keyLookups = 0;
    const resolver = async (): Promise<string> => {
      keyLookups += 1;
      return API_KEY;
    };
    const { events: seen } = await collect(model({ apiKey: resolver }).stream(hello));
    expect(backend.requests).toHaveLength(2);
    expect(keyLookups).toBe(2);
    expect(seen.some((event) => event.type === 'error')).toBe(false);
    expect(textOf(seen)).toBe(FULL_TEXT);
    expectOneTerminal(seen, 'finish');
  });

  it('reports a plain JSON 200 body with base_resp 1004 as a non-retryable auth error', async () => {
    const backend = serve(() => HttpResponse.json(JSON.parse(fixture('json-error-1004.json'))));
    backend.use();
    const { events: seen } = await collect(model().stream(hello));
    expectOneTerminal(seen, 'error');
    const error = errorOf(seen);
    expect(error).toMatchObject({ providerCode: 1004, kind: 'auth', retryable: false });
    expect(error.message).toContain('login fail');
    expect(error.hint).toContain('check the MiniMax API key');
    expect(error.message).toContain(`— ${error.hint}`);
    expect(backend.requests).toHaveLength(1);
  });

  it('never puts the API key into an error, even when MiniMax echoes it', async () => {
    const echoed = {
      ...JSON.parse(fixture('json-error-1004.json')),
      base_resp: { status_code: 1004, status_msg: `invalid api key: ${API_KEY}` },
    };
    serve(() => HttpResponse.json(echoed)).use();
    const { events: seen } = await collect(model().stream(hello));
    const error = errorOf(seen);
    expect(error.message).toContain('[redacted]');
    expect(`${error.message} ${error.stack} ${String(error)}`).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });

  it('maps an HTTP error whose body carries base_resp to its MiniMax code and kind', async () => {
    const body = {
      base_resp: { status_code: 1008, status_msg: `insufficient balance for ${API_KEY}` },
    };
    const backend = serve(() => HttpResponse.json(body, { status: 402 }));
    backend.use();
    const { events: seen } = await collect(model().stream(hello));
    const error = errorOf(seen);
    expect(error).toMatchObject({
      providerCode: 1008,
      kind: 'quota',
      retryable: false,
      statusCode: 402,
    });
    expect(error.message).toContain('insufficient balance');
    expect(error.hint).toBe('the MiniMax account balance is insufficient');
    expect(error.message).not.toContain(API_KEY);
    expect(backend.requests).toHaveLength(1);
  });

  it('finishes with content-filter when the output is flagged sensitive', async () => {
    serve(() => sseResponse(fixture('stream-sensitive.sse'))).use();
    const { events: seen } = await collect(model().stream(hello));
    expect(textOf(seen)).toBe('I can');
    expectOneTerminal(seen, 'finish');
    expect(seen.at(-1)).toMatchObject({ type: 'finish', reason: 'content-filter' });
  });

  it('reports a truncated stream as a retryable error after the text it got', async () => {
    const backend = serve(() => sseResponse(fixture('stream-truncated.sse')));
    backend.use();
    const { events: seen } = await collect(model().stream(hello));
    expect(textOf(seen)).toBe('This reply is cut');
    expectOneTerminal(seen, 'error');
    expect(errorOf(seen)).toMatchObject({ kind: 'network', retryable: true });
    expect(backend.requests).toHaveLength(1);
  });

  it('sends one system message, the conversation, streaming options and auth', async () => {
    const backend = serve(() => sseResponse(fixture('stream-text.sse')));
    backend.use();
    const stray = { role: 'system', content: 'Also be polite.' } as unknown as ModelMessage;
    await collect(
      model({
        groupId: 'group-42',
        headers: { 'x-trace': 'abc' },
        body: { temperature: 0.3, model: 'other', stream: false, stream_options: { extra: 1 } },
      }).stream({
        instructions: 'Be brief.',
        messages: [
          { role: 'user', content: 'Hi' },
          stray,
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: 'How are you?' },
        ],
      }),
    );
    const [request] = backend.requests;
    expect(request?.url.searchParams.get('GroupId')).toBe('group-42');
    expect(request?.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers.get('x-trace')).toBe('abc');
    expect(request?.body).toMatchObject({
      model: 'MiniMax-M2',
      stream: true,
      temperature: 0.3,
      stream_options: { extra: 1, include_usage: true },
    });
    expect(request?.body.messages).toEqual([
      { role: 'system', content: 'Be brief.\n\nAlso be polite.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'How are you?' },
    ]);
  });

  it('sends no system message without instructions and defaults to the global endpoint', async () => {
    const backend = serve(() => sseResponse(fixture('stream-text.sse')));
    backend.use('https://api.minimax.io/v1/text/chatcompletion_v2');
    const { events: seen } = await collect(
      createMiniMax({ apiKey: API_KEY, model: 'MiniMax-M2' }).stream(hello),
    );
    expect(textOf(seen)).toBe(FULL_TEXT);
    expect(backend.requests[0]?.url.search).toBe('');
    expect(backend.requests[0]?.body.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });
});

describe('createMiniMax options', () => {
  it('checks its options at creation, naming the option and the env variable of the examples', () => {
    const env: Record<string, string | undefined> = {};
    expect(() => createMiniMax({ apiKey: env.MINIMAX_API_KEY ?? '', model: 'MiniMax-M2' })).toThrow(
      'createMiniMax: apiKey must be a non-empty string or a function returning one, received an empty string (examples read it from MINIMAX_API_KEY)',
    );
    expect(() => model({ model: '' })).toThrow(/createMiniMax: model must be a non-empty string/);
    expect(() => model({ baseUrl: 'minimaxi.com' })).toThrow(/baseUrl must be an absolute http/);
    expect(() => model({ stallTimeoutMs: 1.5 })).toThrow(/stallTimeoutMs must be/);
    expect(() =>
      model({ baseUrl: env.MINIMAX_BASE_URL, groupId: env.MINIMAX_GROUP_ID }),
    ).not.toThrow();
  });
});

describe('classifyMiniMaxStatus', () => {
  it.each([
    [1000, 'unknown', true],
    // A MiniMax-side timeout is an answer from MiniMax: kind `timeout` means ours got none.
    [1001, 'server', true],
    [1002, 'rate-limit', true],
    [1039, 'rate-limit', true],
    [1004, 'auth', false],
    [1008, 'quota', false],
    [1024, 'server', true],
    [1033, 'server', true],
    [1026, 'content-filter', false],
    [1027, 'content-filter', false],
    [2013, 'invalid-request', false],
    [2049, 'unknown', false],
  ] as const)('classifies %i as %s (retryable: %s)', (code, kind, retryable) => {
    expect(classifyMiniMaxStatus(code)).toMatchObject({ kind, retryable });
  });

  it('adds a hint the user can act on where the code says what to fix', () => {
    expect(classifyMiniMaxStatus(1004).hint).toContain('check the MiniMax API key');
    expect(classifyMiniMaxStatus(1004).hint).toContain('region of baseUrl');
    expect(classifyMiniMaxStatus(1008).hint).toBe('the MiniMax account balance is insufficient');
    expect(classifyMiniMaxStatus(1002).hint).toContain('requests-per-minute');
    expect(classifyMiniMaxStatus(2049).hint).toBeUndefined();
  });
});
