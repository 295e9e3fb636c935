import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError, APICallError } from '@imbridge/core';
import { languageModelContract, type ModelContractScenario } from '@imbridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMiniMax, type MiniMaxOptions } from './minimax.ts';

const API_KEY = 'mm-loopback-secret-0123456789';
const FULL_TEXT = '你好！有什么可以帮你的吗？';

function blocks(name: string): string[] {
  return readFileSync(new URL(`../__fixtures__/minimax/${name}`, import.meta.url), 'utf8')
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => `${block}\n\n`);
}

const TEXT_EVENTS = blocks('stream-text.sse');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the server sees the client drop the `slow` request. */
let slowClosed: Promise<void> = Promise.resolve();
let markSlowClosed: () => void = () => undefined;
/** Resolves when the server sees the client drop the `hold` request. */
let holdClosed: Promise<void> = Promise.resolve();
let markHoldClosed: () => void = () => undefined;

async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  for await (const _chunk of request) {
    // Drain the request body.
  }
  const scenario = request.url?.split('/')[1] ?? '';
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (scenario === 'text') {
    for (const event of TEXT_EVENTS) {
      response.write(event);
      await sleep(5);
    }
    response.end();
    return;
  }
  if (scenario === 'hold') {
    response.on('close', () => markHoldClosed());
    for (const event of TEXT_EVENTS.slice(0, -1)) response.write(event);
    return; // The final full repeat came, but the connection stays open.
  }
  if (scenario === 'slow') {
    response.on('close', () => markSlowClosed());
    response.write(TEXT_EVENTS[0]);
    return; // Never ends on its own.
  }
  // 'error': a token, then a retryable vendor failure (too late to retry).
  response.write(TEXT_EVENTS[0]);
  response.end(
    `data: ${JSON.stringify({ choices: null, base_resp: { status_code: 1024, status_msg: 'internal error' } })}\n\n`,
  );
}

const server = createServer((request, response) => {
  void answer(request, response);
});
let origin = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function model(scenario: ModelContractScenario | 'hold', overrides: Partial<MiniMaxOptions> = {}) {
  if (scenario === 'slow') {
    slowClosed = new Promise<void>((resolve) => {
      markSlowClosed = resolve;
    });
  }
  if (scenario === 'hold') {
    holdClosed = new Promise<void>((resolve) => {
      markHoldClosed = resolve;
    });
  }
  return createMiniMax({
    apiKey: API_KEY,
    model: 'MiniMax-M2',
    baseUrl: `${origin}/${scenario}/v1`,
    retry: { initialDelayMs: 5 },
    ...overrides,
  });
}

describe('createMiniMax over a loopback server', () => {
  for (const test of languageModelContract({
    createModel: (scenario) => model(scenario),
    expectedText: FULL_TEXT,
  })) {
    it(test.name, test.run);
  }

  it('stops iterating and closes the HTTP request as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const iterator = model('slow')
      .stream({ messages: [{ role: 'user', content: 'Hi' }], signal: controller.signal })
      [Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({ type: 'text-delta', text: '你好' });
    const abortedAt = Date.now();
    controller.abort();
    const outcome = await iterator.next().then(
      (step) => step,
      (error: unknown) => error,
    );
    expect(AbortedError.isInstance(outcome)).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(250);
    const closed = await Promise.race([slowClosed.then(() => true), sleep(1000).then(() => false)]);
    expect(closed).toBe(true);
  });

  it('finishes on the final full repeat and closes a connection the server keeps open', async () => {
    const startedAt = Date.now();
    const seen = [];
    for await (const event of model('hold').stream({
      messages: [{ role: 'user', content: 'Hi' }],
    })) {
      seen.push(event);
    }
    expect(seen.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    expect(Date.now() - startedAt).toBeLessThan(1000);
    const closed = await Promise.race([holdClosed.then(() => true), sleep(1000).then(() => false)]);
    expect(closed).toBe(true);
  });

  it('reports a stalled stream as a retryable stall timeout', async () => {
    const { events } = await (async () => {
      const seen = [];
      for await (const event of model('slow', {
        stallTimeoutMs: 100,
        retry: false,
      }).stream({ messages: [{ role: 'user', content: 'Hi' }] })) {
        seen.push(event);
      }
      return { events: seen };
    })();
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'error']);
    const last = events.at(-1);
    const error = last?.type === 'error' ? last.error : undefined;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      kind: 'timeout',
      timeoutPhase: 'stall',
      timeoutMs: 100,
      retryable: true,
    });
  });
});
