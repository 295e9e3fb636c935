/**
 * The same fixtures as the msw tests, served by a real `node:http` server on 127.0.0.1 in several
 * writes with delays, plus what only a real socket shows: aborts and timeouts closing the
 * connection, keep-alives, and the `languageModelContract`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError, APICallError } from '@imbridge/core';
import { languageModelContract, type ModelContractScenario } from '@imbridge/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

const API_KEY = 'sk-loopback-00112233445566778899aabbccddeeff';
const HELLO = { messages: [{ role: 'user' as const, content: 'Hello' }] };

type Handler = (response: ServerResponse, request: IncomingMessage) => Promise<void> | void;

interface Served {
  route: string;
  body: string;
  /** Resolves with true when the client went away before the response ended. */
  closedEarly: Promise<boolean>;
}

const routes = new Map<string, Handler>();
const served: Served[] = [];
let server: Server;
let origin = '';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function startEventStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
}

/** Writes the bytes in `pieces` writes, `delayMs` apart; stops if the client left. */
async function writeSlowly(
  response: ServerResponse,
  body: string | Uint8Array,
  pieces = 6,
  delayMs = 3,
): Promise<void> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  for (const part of splitBytes(bytes, pieces)) {
    if (response.destroyed) return;
    response.write(part);
    await sleep(delayMs);
  }
}

/** Waits until the client closes the connection, at most `ms`. */
function untilClosed(response: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    response.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (part: Buffer) => chunks.push(part));
    request.on('end', () => {
      const route = (request.url ?? '').split('/')[1] ?? '';
      const closedEarly = new Promise<boolean>((resolve) => {
        response.once('close', () => resolve(!response.writableFinished));
      });
      served.push({ route, body: Buffer.concat(chunks).toString('utf8'), closedEarly });
      const handler = routes.get(route);
      if (handler === undefined) {
        response.writeHead(404).end();
        return;
      }
      Promise.resolve(handler(response, request)).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  routes.clear();
  served.length = 0;
});

function model(route: string, options: Partial<OpenAICompatibleOptions> = {}) {
  return createOpenAICompatible({
    baseUrl: `${origin}/${route}/v1`,
    apiKey: API_KEY,
    model: 'test-model',
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

function servedOn(route: string): Served[] {
  return served.filter((entry) => entry.route === route);
}

describe('createOpenAICompatible (loopback node:http)', () => {
  describe('recorded fixtures in delayed writes', () => {
    for (const name of Object.keys(FIXTURES) as FixtureName[]) {
      const expected = FIXTURES[name];
      it(`parses ${expected.file}`, async () => {
        routes.set(name, async (response) => {
          startEventStream(response);
          await writeSlowly(response, readFixture(name), 9, 4);
          response.end();
        });
        const result = await collect(model(name).stream(HELLO));
        expect(result.thrown).toBeUndefined();
        expect(result.text).toBe(expected.text);
        expect(result.reasoning).toBe(expected.reasoning);
        expect(endOf(result)).toEqual(expected.end);
        expect(terminalCount(result)).toBe(1);
        expect(servedOn(name)).toHaveLength(1);
        expect(JSON.parse(servedOn(name)[0]?.body ?? '{}')).toMatchObject({
          model: 'test-model',
          stream: true,
        });
      });
    }
  });

  describe('abort', () => {
    beforeEach(() => {
      routes.set('slow', async (response) => {
        startEventStream(response);
        await writeSlowly(response, sse(chunk({ role: 'assistant', content: 'Hel' })), 2, 2);
        await untilClosed(response, 10_000);
        response.end(sse(chunk({ content: 'lo' }), chunk({}, 'stop'), '[DONE]'));
      });
    });

    it('stops at once mid-stream and the server sees the connection closed', async () => {
      const controller = new AbortController();
      const iterator = model('slow')
        .stream({ ...HELLO, signal: controller.signal })
        [Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value).toEqual({ type: 'text-delta', text: 'Hel' });
      const pending = iterator.next();
      const abortedAt = performance.now();
      controller.abort();
      const outcome = await pending.then(
        (step) => ({ step, error: undefined }),
        (error: unknown) => ({ step: undefined, error }),
      );
      expect(performance.now() - abortedAt).toBeLessThan(100);
      expect(outcome.step).toBeUndefined();
      expect(AbortedError.isInstance(outcome.error)).toBe(true);
      const closedEarly = servedOn('slow')[0]?.closedEarly;
      expect(await Promise.race([closedEarly, sleep(1000).then(() => 'still open')])).toBe(true);
    });

    it('closes the connection when the consumer stops iterating', async () => {
      for await (const event of model('slow').stream(HELLO)) {
        expect(event).toEqual({ type: 'text-delta', text: 'Hel' });
        break;
      }
      const closedEarly = servedOn('slow')[0]?.closedEarly;
      expect(await Promise.race([closedEarly, sleep(1000).then(() => 'still open')])).toBe(true);
    });

    it('aborts a request whose headers have not arrived yet', async () => {
      routes.set('no-headers', (response) => untilClosed(response, 10_000));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = performance.now();
      const result = await collect(
        model('no-headers').stream({ ...HELLO, signal: controller.signal }),
      );
      expect(performance.now() - started).toBeLessThan(500);
      expect(AbortedError.isInstance(result.thrown)).toBe(true);
      expect(result.events).toEqual([]);
    });
  });

  describe('truncated streams', () => {
    it('reports a body that ends without finish_reason or [DONE] as an error after the text, not a finish', async () => {
      routes.set('cut', async (response) => {
        startEventStream(response);
        await writeSlowly(
          response,
          sse(chunk({ role: 'assistant', content: 'Once' }), chunk({ content: ' upon a' })),
          3,
        );
        response.end();
      });
      const result = await collect(model('cut').stream(HELLO));
      expect(result.thrown).toBeUndefined();
      expect(result.events.map((event) => event.type)).toEqual([
        'text-delta',
        'text-delta',
        'error',
      ]);
      expect(result.text).toBe('Once upon a');
      const last = result.last;
      expect(last?.type === 'error' && APICallError.isInstance(last.error)).toBe(true);
      expect(last?.type === 'error' && last.error).toMatchObject({
        kind: 'network',
        retryable: true,
        provider: 'openai-compatible',
      });
      expect(String(last?.type === 'error' && last.error)).toContain('[DONE]');
      // The text already reached the consumer: reported, never retried.
      expect(servedOn('cut')).toHaveLength(1);
    });

    it('retries a body that ends before any content, then streams the answer', async () => {
      let calls = 0;
      routes.set('cut-early', (response) => {
        calls += 1;
        startEventStream(response);
        if (calls === 1) response.end(sse(chunk({ role: 'assistant', content: '' })));
        else response.end(sse(chunk({ content: 'ok' }), chunk({}, 'stop'), '[DONE]'));
      });
      const result = await collect(model('cut-early').stream(HELLO));
      expect(servedOn('cut-early')).toHaveLength(2);
      expect(result.text).toBe('ok');
      expect(result.last).toEqual({ type: 'finish', reason: 'stop' });
    });

    it('treats an empty finish_reason as none: the body is still truncated', async () => {
      routes.set('empty-reason', (response) => {
        startEventStream(response);
        response.end(sse(chunk({ content: 'a' }, '')));
      });
      const result = await collect(model('empty-reason').stream(HELLO));
      expect(result.last?.type).toBe('error');
      expect(result.events.some((event) => event.type === 'finish')).toBe(false);
    });

    it('finishes a body that carries a finish_reason but no [DONE] (servers that omit it)', async () => {
      routes.set('no-done', (response) => {
        startEventStream(response);
        response.end(sse(chunk({ content: 'Hi' }), chunk({}, 'length')));
      });
      const result = await collect(model('no-done').stream(HELLO));
      expect(result.events).toEqual([
        { type: 'text-delta', text: 'Hi' },
        { type: 'finish', reason: 'length' },
      ]);
    });

    it('finishes a body that ends with [DONE] but no finish_reason, reason other', async () => {
      routes.set('done-only', (response) => {
        startEventStream(response);
        response.end(sse(chunk({ content: 'Hi' }), '[DONE]'));
      });
      const result = await collect(model('done-only').stream(HELLO));
      expect(result.events).toEqual([
        { type: 'text-delta', text: 'Hi' },
        { type: 'finish', reason: 'other' },
      ]);
    });

    it('takes a finish_reason from any choice of a chunk', async () => {
      routes.set('second-choice', (response) => {
        startEventStream(response);
        const last = {
          ...chunk({}),
          choices: [
            { index: 0, delta: {}, finish_reason: null },
            { index: 1, delta: {}, finish_reason: 'stop' },
          ],
        };
        response.end(sse(chunk({ content: 'Hi' }), last));
      });
      const result = await collect(model('second-choice').stream(HELLO));
      expect(result.last).toEqual({ type: 'finish', reason: 'stop' });
    });
  });

  describe('timeouts', () => {
    it('reports a silent server after the headers as a first-token timeout, retried', async () => {
      routes.set('silent', async (response) => {
        startEventStream(response);
        await untilClosed(response, 10_000);
      });
      const result = await collect(
        model('silent', {
          firstTokenTimeoutMs: 120,
          retry: { maxRetries: 1, initialDelayMs: 1 },
        }).stream(HELLO),
      );
      const last = result.last;
      expect(last?.type).toBe('error');
      if (last?.type !== 'error') return;
      expect(APICallError.isInstance(last.error)).toBe(true);
      expect(last.error).toMatchObject({ kind: 'timeout', timeoutPhase: 'first-token' });
      expect(servedOn('silent')).toHaveLength(2);
      expect(await servedOn('silent')[0]?.closedEarly).toBe(true);
    });

    it('reports a stall after the first token as a stall timeout, not retried', async () => {
      routes.set('stall', async (response) => {
        startEventStream(response);
        response.write(sse(chunk({ content: 'Hel' })));
        await untilClosed(response, 10_000);
      });
      const result = await collect(model('stall', { stallTimeoutMs: 120 }).stream(HELLO));
      expect(result.text).toBe('Hel');
      const last = result.last;
      expect(last?.type === 'error' && last.error).toMatchObject({
        kind: 'timeout',
        timeoutPhase: 'stall',
        timeoutMs: 120,
      });
      expect(terminalCount(result)).toBe(1);
      expect(servedOn('stall')).toHaveLength(1);
    });

    it('counts keep-alive comments as activity', async () => {
      routes.set('keep-alive', async (response) => {
        startEventStream(response);
        response.write(sse(chunk({ content: 'A' })));
        for (let index = 0; index < 5; index += 1) {
          await sleep(50);
          response.write(': keep-alive\n\n');
        }
        response.end(sse(chunk({ content: 'B' }, 'stop'), '[DONE]'));
      });
      const result = await collect(model('keep-alive', { stallTimeoutMs: 150 }).stream(HELLO));
      expect(result.text).toBe('AB');
      expect(result.last).toEqual({ type: 'finish', reason: 'stop' });
    });

    it('reports missing response headers as a request timeout', async () => {
      routes.set('no-headers', (response) => untilClosed(response, 10_000));
      const result = await collect(
        model('no-headers', { timeoutMs: 120, retry: false }).stream(HELLO),
      );
      const last = result.last;
      expect(last?.type === 'error' && last.error).toMatchObject({
        kind: 'timeout',
        timeoutPhase: 'request',
        timeoutMs: 120,
      });
    });
  });

  describe('languageModelContract', () => {
    const expectedText = FIXTURES.normal.text;
    beforeEach(() => {
      routes.set('contract-text', async (response) => {
        startEventStream(response);
        await writeSlowly(response, readFixture('normal'), 5, 3);
        response.end();
      });
      routes.set('contract-slow', async (response) => {
        startEventStream(response);
        response.write(sse(chunk({ role: 'assistant', content: 'Hello' })));
        await untilClosed(response, 5000);
        response.end(sse(chunk({ content: ', world' }, 'stop'), '[DONE]'));
      });
      routes.set('contract-error', (response) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ error: { message: 'internal error', type: 'server_error' } }),
        );
      });
    });

    const cases = languageModelContract({
      createModel: (scenario: ModelContractScenario) => model(`contract-${scenario}`),
      expectedText,
      abortWithinMs: 200,
    });
    for (const contractCase of cases) it(contractCase.name, contractCase.run);
  });
});
