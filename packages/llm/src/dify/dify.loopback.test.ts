import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError, type ModelEvent } from '@imbridge/core';
import { languageModelContract } from '@imbridge/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDify } from './dify.ts';
import type { DifyApp } from './dify-wire.ts';

const API_KEY = 'app-loopbackSECRET0123456789';
const EXPECTED_TEXT = 'Hello from the loopback Dify!';
const TASK_ID = 'c3800678-a077-43df-a102-53f23ed20b88';

interface Received {
  method: string | undefined;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

const received: Received[] = [];
const timers = new Set<ReturnType<typeof setTimeout>>();
let closedStreams = 0;
let baseUrl = '';

function later(ms: number, action: () => void): void {
  const timer = setTimeout(() => {
    timers.delete(timer);
    action();
  }, ms);
  timers.add(timer);
}

function event(payload: Record<string, unknown>): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length > 0 ? JSON.parse(text) : undefined;
}

function startStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.on('close', () => {
    closedStreams += 1;
  });
}

/** Routes `/{scenario}/v1/{endpoint}`. */
async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  received.push({
    method: request.method,
    path,
    body: await readBody(request),
    authorization: request.headers.authorization,
  });
  const [, scenario = '', , ...rest] = path.split('/');
  const endpoint = `/${rest.join('/')}`;
  const ids = { task_id: TASK_ID, conversation_id: 'conv-loop', message_id: 'msg-loop' };

  if (endpoint.endsWith('/stop')) {
    if (scenario === 'stop-fails') {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'internal_server_error', message: 'x', status: 500 }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ result: 'success' }));
    return;
  }
  if (scenario === 'text') {
    startStream(response);
    response.write('event: ping\n\n');
    const pieces = ['Hello ', 'from the ', 'loopback ', 'Dify!'];
    pieces.forEach((answer, index) => {
      later(5 * (index + 1), () => response.write(event({ ...ids, event: 'message', answer })));
    });
    later(30, () => {
      response.end(
        event({ ...ids, event: 'message_end', metadata: { usage: { total_tokens: 9 } } }),
      );
    });
    return;
  }
  if (scenario === 'error') {
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        code: 'internal_server_error',
        message: 'Internal Server Error',
        status: 500,
      }),
    );
    return;
  }
  // 'slow' and 'stop-fails': a first chunk (workflows stream text_chunk), then silence, then more.
  startStream(response);
  const first =
    endpoint === '/workflows/run'
      ? { ...ids, event: 'text_chunk', data: { text: 'First ' } }
      : { ...ids, event: 'message', answer: 'First ' };
  response.write(event(first));
  later(3000, () => {
    if (!response.writableEnded)
      response.write(event({ ...ids, event: 'message', answer: 'late' }));
  });
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    response.destroy(error instanceof Error ? error : undefined);
  });
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  received.length = 0;
  closedStreams = 0;
});
afterAll(async () => {
  for (const timer of timers) clearTimeout(timer);
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

function loopbackModel(scenario: string, app: DifyApp = 'chat') {
  return createDify({
    apiKey: API_KEY,
    app,
    baseUrl: `${baseUrl}/${scenario}/v1`,
    retry: { maxRetries: 1, initialDelayMs: 5 },
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createDify language model contract (loopback server)', () => {
  const cases = languageModelContract({
    createModel: (scenario) => loopbackModel(scenario),
    expectedText: EXPECTED_TEXT,
    abortWithinMs: 500,
  });
  for (const contractCase of cases) it(contractCase.name, contractCase.run);
});

describe('createDify abort (loopback server)', () => {
  it.each([
    ['chat', `/chat-messages/${TASK_ID}/stop`],
    ['agent', `/chat-messages/${TASK_ID}/stop`],
    ['chatflow', `/chat-messages/${TASK_ID}/stop`],
    ['completion', `/completion-messages/${TASK_ID}/stop`],
    ['workflow', `/workflows/tasks/${TASK_ID}/stop`],
  ] as const)(
    'stops a %s task at %s with the same user and ends the iteration at once',
    async (app, stopPath) => {
      const controller = new AbortController();
      const iterator = loopbackModel('slow', app)
        .stream({
          messages: [{ role: 'user', content: 'Go slowly' }],
          user: 'user-abort',
          signal: controller.signal,
        })
        [Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value).toEqual({ type: 'text-delta', text: 'First ' });
      const abortedAt = Date.now();
      controller.abort();
      await expect(iterator.next()).rejects.toSatisfy((error) => AbortedError.isInstance(error));
      expect(Date.now() - abortedAt).toBeLessThan(500);
      // Only this call's stop (same path, this call's user): the contract's aborted call on the
      // same scenario may still be stopping meanwhile. Without a stop for 'user-abort', waitFor fails.
      const isOurs = (request: Received): boolean =>
        request.path === `/slow/v1${stopPath}` &&
        (request.body as { user?: unknown } | undefined)?.user === 'user-abort';
      await waitFor(() => received.some(isOurs));
      const stop = received.find(isOurs);
      expect(stop).toEqual({
        method: 'POST',
        path: `/slow/v1${stopPath}`,
        body: { user: 'user-abort' },
        authorization: `Bearer ${API_KEY}`,
      });
      await waitFor(() => closedStreams >= 1);
    },
  );

  it('swallows a failing stop call and still ends with an AbortedError', async () => {
    const controller = new AbortController();
    const events: ModelEvent[] = [];
    const run = (async () => {
      for await (const item of loopbackModel('stop-fails').stream({
        messages: [{ role: 'user', content: 'Go slowly' }],
        signal: controller.signal,
      })) {
        events.push(item);
        controller.abort();
      }
    })();
    await expect(run).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    await waitFor(() => received.some((request) => request.path.endsWith('/stop')));
    expect(received.find((request) => request.path.endsWith('/stop'))?.body).toEqual({
      user: 'imbridge-user',
    });
    expect(events).toEqual([{ type: 'text-delta', text: 'First ' }]);
  });

  it('calls neither Dify nor the stop endpoint when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const iterator = loopbackModel('slow')
      .stream({ messages: [{ role: 'user', content: 'Hi' }], signal: controller.signal })
      [Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]);
  });
});
