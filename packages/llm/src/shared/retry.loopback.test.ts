/**
 * One retry owner per model call, pinned by counting requests: every adapter against a real
 * `node:http` server on 127.0.0.1 that fails in the ways a vendor does. The model's own
 * `withRetriesBeforeFirstToken` is the only retry loop (the HTTP layer and the bot runtime do not
 * retry), so a call makes at most `1 + maxRetries` requests and fails within the documented bound.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { APICallError, type LanguageModel, type ModelEvent } from '@imbridge/core';
import {
  maxTotalBackoffMs,
  type RetryOptions,
  resolveRetryOptions,
} from '@imbridge/provider-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDify } from '../dify/dify.ts';
import { createMiniMax } from '../minimax/minimax.ts';
import { createOpenAICompatible } from '../openai-compatible/openai-compatible.ts';
import { MODEL_RETRY_DEFAULTS, type ModelConnectionOptions } from './model-options.ts';

const API_KEY = 'sk-count-0123456789abcdef0123456789';
/** Small delays keep the suite fast; `maxRetries` stays at its default (2: 3 requests). */
const RETRY: RetryOptions = { initialDelayMs: 20, maxDelayMs: 200 };
const RESOLVED_RETRY = resolveRetryOptions(RETRY, MODEL_RETRY_DEFAULTS, 'test');
/** Loopback round trips, timers and scheduling on a busy CI machine. */
const SLACK_MS = 750;

type Scenario = 'unavailable' | 'limited' | 'silent' | 'stall';

interface Adapter {
  name: string;
  create: (baseUrl: string, options: ModelConnectionOptions) => LanguageModel;
  /** One event with some text, in the vendor's wire format. */
  textEvent: string;
}

const ADAPTERS: Adapter[] = [
  {
    name: 'createOpenAICompatible',
    create: (baseUrl, options) =>
      createOpenAICompatible({ baseUrl, apiKey: API_KEY, model: 'count-model', ...options }),
    textEvent: `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hel' } }] })}\n\n`,
  },
  {
    name: 'createMiniMax',
    create: (baseUrl, options) =>
      createMiniMax({ baseUrl, apiKey: API_KEY, model: 'MiniMax-M2', ...options }),
    textEvent: `data: ${JSON.stringify({
      choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' } }],
      object: 'chat.completion.chunk',
      base_resp: { status_code: 0, status_msg: '' },
    })}\n\n`,
  },
  {
    name: 'createDify',
    create: (baseUrl, options) => createDify({ baseUrl, apiKey: API_KEY, app: 'chat', ...options }),
    textEvent: `data: ${JSON.stringify({
      event: 'message',
      answer: 'Hel',
      task_id: 'task-1',
      conversation_id: 'conv-1',
      message_id: 'msg-1',
    })}\n\n`,
  },
];

const requests = new Map<string, number>();
let server: Server;
let origin = '';

function answer(request: IncomingMessage, response: ServerResponse): void {
  const [, route = ''] = (request.url ?? '').split('/');
  requests.set(route, (requests.get(route) ?? 0) + 1);
  const [adapterName, scenario] = route.split('.') as [string, Scenario];
  const adapter = ADAPTERS.find((candidate) => candidate.name === adapterName);
  // A vendor that echoes the credentials it received: errors must not show them.
  const echoed = request.headers.authorization ?? '';
  switch (scenario) {
    case 'unavailable':
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `overloaded (${echoed})` } }));
      return;
    case 'limited':
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
      response.end(JSON.stringify({ error: { message: `slow down (${echoed})` } }));
      return;
    case 'silent':
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.flushHeaders();
      return; // Headers, then nothing: the first token never comes.
    case 'stall':
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(adapter?.textEvent ?? '');
      return; // A first token, then silence.
    default:
      response.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function run(
  adapter: Adapter,
  scenario: Scenario,
  options: ModelConnectionOptions = {},
): Promise<{ events: ModelEvent[]; error: APICallError; requests: number; elapsedMs: number }> {
  const route = `${adapter.name}.${scenario}`;
  requests.delete(route);
  const model = adapter.create(`${origin}/${route}/v1`, { retry: RETRY, ...options });
  const started = performance.now();
  const events: ModelEvent[] = [];
  for await (const event of model.stream({ messages: [{ role: 'user', content: 'Hi' }] })) {
    events.push(event);
  }
  const elapsedMs = performance.now() - started;
  const last = events.at(-1);
  if (last?.type !== 'error' || !APICallError.isInstance(last.error)) {
    throw new Error(`expected an APICallError event last, got ${JSON.stringify(last)}`);
  }
  // One shape per failure: no cause to dig into, no key anywhere in what a log would print.
  expect(last.error.cause).toBeUndefined();
  const shown = `${inspect(last.error, { depth: 10 })} ${String(last.error)} ${JSON.stringify(last.error)}`;
  expect(shown).not.toContain(API_KEY);
  return { events, error: last.error, requests: requests.get(route) ?? 0, elapsedMs };
}

describe('one retry owner: requests per model call (loopback)', () => {
  it('documents the default bound: 3 requests at most, 3.6 s of back-off at most', () => {
    expect(MODEL_RETRY_DEFAULTS).toEqual({
      maxRetries: 2,
      initialDelayMs: 1000,
      maxDelayMs: 10_000,
    });
    expect(maxTotalBackoffMs(MODEL_RETRY_DEFAULTS)).toBe(3600);
  });

  for (const adapter of ADAPTERS) {
    describe(adapter.name, () => {
      it('makes exactly 1 + maxRetries requests against a server that always answers 503, and fails within the bound', async () => {
        const result = await run(adapter, 'unavailable');
        expect(result.requests).toBe(1 + RESOLVED_RETRY.maxRetries);
        expect(result.requests).toBe(3);
        expect(result.error).toMatchObject({ kind: 'server', statusCode: 503, retryable: true });
        expect(result.events).toHaveLength(1);
        const bound = maxTotalBackoffMs(RESOLVED_RETRY);
        expect(result.elapsedMs).toBeLessThan(bound + SLACK_MS);
        // The back-offs did happen (at least 0.8 × each un-jittered delay).
        expect(result.elapsedMs).toBeGreaterThanOrEqual(0.8 * (20 + 40) - 5);
      });

      it('does not retry a 429 whose Retry-After is longer than maxDelayMs, and reports the wait', async () => {
        const result = await run(adapter, 'limited');
        expect(result.requests).toBe(1);
        expect(result.error).toMatchObject({
          kind: 'rate-limit',
          statusCode: 429,
          retryAfterMs: 30_000,
        });
        expect(result.elapsedMs).toBeLessThan(SLACK_MS);
      });

      it('reports a first token that never comes as a first-token timeout, retried like any retryable failure', async () => {
        const result = await run(adapter, 'silent', { firstTokenTimeoutMs: 60 });
        expect(result.error).toMatchObject({
          kind: 'timeout',
          timeoutPhase: 'first-token',
          timeoutMs: 60,
          retryable: true,
        });
        expect(result.requests).toBe(3);
        expect(result.elapsedMs).toBeLessThan(
          3 * 60 + maxTotalBackoffMs(RESOLVED_RETRY) + SLACK_MS,
        );
      });

      it('reports a stream that stalls after text as a stall timeout, not retried', async () => {
        const result = await run(adapter, 'stall', { stallTimeoutMs: 60 });
        expect(result.events.map((event) => event.type)).toEqual(['text-delta', 'error']);
        expect(result.error).toMatchObject({
          kind: 'timeout',
          timeoutPhase: 'stall',
          timeoutMs: 60,
        });
        expect(result.requests).toBe(1);
      });
    });
  }
});
