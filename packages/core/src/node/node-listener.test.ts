import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../logging/log-entry.ts';
import type { Logger } from '../logging/logger.ts';
import { knownBodyText, textResponse } from '../util/text-response.ts';
import { BODY_ALREADY_READ_MESSAGE, toNodeListener } from './node-listener.ts';

let server: Server | undefined;

async function serve(listener: ReturnType<typeof toNodeListener>): Promise<string> {
  const created = createServer((request, response) => void listener(request, response));
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}`;
}

/** What a body-parser middleware does: read the whole stream, then leave a parsed body on req. */
async function parseBody(
  request: IncomingMessage,
  parse: (bytes: Buffer) => unknown,
): Promise<IncomingMessage & { body?: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Object.assign(request, { body: parse(Buffer.concat(chunks)) });
}

async function serveBehindParser(
  listener: ReturnType<typeof toNodeListener>,
  parse: (bytes: Buffer) => unknown,
): Promise<string> {
  const created = createServer((request, response) => {
    void parseBody(request, parse).then((parsed) => listener(parsed, response));
  });
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running === undefined) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe('toNodeListener', () => {
  it('passes method, path, headers and body to the handler and writes its response back', async () => {
    let seen: { method: string; url: string; header: string | null; body: string } | undefined;
    const url = await serve(
      toNodeListener(async (request) => {
        seen = {
          method: request.method,
          url: new URL(request.url).pathname + new URL(request.url).search,
          header: request.headers.get('x-test'),
          body: await request.text(),
        };
        return new Response('{"ok":true}', { status: 201, headers: { 'x-reply': 'yes' } });
      }),
    );
    const response = await fetch(`${url}/hook?SdkAppid=1`, {
      method: 'POST',
      headers: { 'x-test': 'value' },
      body: '你好 body',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-reply')).toBe('yes');
    expect(await response.json()).toEqual({ ok: true });
    expect(seen).toEqual({
      method: 'POST',
      url: '/hook?SdkAppid=1',
      header: 'value',
      body: '你好 body',
    });
  });

  it('sends a textResponse in one write without reading its stream, with a content-length', async () => {
    const sent: Response[] = [];
    const url = await serve(
      toNodeListener(async () => {
        const response = textResponse('{"ActionStatus":"OK","text":"你好"}', {
          status: 202,
          headers: { 'content-type': 'application/json; charset=utf-8', 'x-reply': 'yes' },
        });
        sent.push(response);
        return response;
      }),
    );
    const response = await fetch(`${url}/hook`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-reply')).toBe('yes');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(
      String(Buffer.byteLength('{"ActionStatus":"OK","text":"你好"}')),
    );
    expect(await response.text()).toBe('{"ActionStatus":"OK","text":"你好"}');
    // The listener took the text, not the stream: the Response is still unread.
    expect(sent[0]?.bodyUsed).toBe(false);
  });

  it('keeps a textResponse an ordinary Response: readable once, then no longer known', async () => {
    const response = textResponse('plain', { status: 200 });
    expect(knownBodyText(response)).toBe('plain');
    expect(knownBodyText(new Response('plain'))).toBeUndefined();
    expect(await response.text()).toBe('plain');
    expect(knownBodyText(response)).toBeUndefined();
  });

  it('rejects a body over maxBodyBytes with 413 without calling the handler', async () => {
    let called = false;
    const url = await serve(
      toNodeListener(
        async () => {
          called = true;
          return new Response('ok');
        },
        { maxBodyBytes: 10 },
      ),
    );
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(100) });
    expect(response.status).toBe(413);
    expect(called).toBe(false);
  });

  it('streams the response body as it is produced (server-sent events)', async () => {
    let release: (() => void) | undefined;
    const url = await serve(
      toNodeListener(async () => {
        const encoder = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode('data: first\n\n'));
            await new Promise<void>((resolve) => {
              release = resolve;
            });
            controller.enqueue(encoder.encode('data: second\n\n'));
            controller.close();
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const response = await fetch(url, { method: 'POST', body: '{}' });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The first event arrives while the handler still holds the second one back.
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('data: first\n\n');
    release?.();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    expect(rest).toBe('data: second\n\n');
  });

  it('aborts the request signal and cancels the body when the client disconnects', async () => {
    let signalAborted: Promise<void> | undefined;
    let cancelled: () => void = () => undefined;
    const bodyCancelled = new Promise<void>((resolve) => {
      cancelled = resolve;
    });
    const url = await serve(
      toNodeListener(async (request) => {
        signalAborted = new Promise<void>((resolve) =>
          request.signal.addEventListener('abort', () => resolve()),
        );
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('data: tick\n\n'));
          },
          cancel() {
            cancelled();
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const client = new AbortController();
    const response = await fetch(url, { method: 'POST', body: '{}', signal: client.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    client.abort();
    await expect(Promise.all([signalAborted, bodyCancelled])).resolves.toBeDefined();
  });

  it('answers 500 without leaking the error when the handler throws', async () => {
    const url = await serve(
      toNodeListener(async () => {
        throw new Error('secret detail');
      }),
    );
    const response = await fetch(url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret');
  });

  it('refuses a body a JSON parser already consumed, saying how to mount the route, and logs it', async () => {
    const errors: Array<{ message: string; entry: LogEntry }> = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (message, entry) => errors.push({ message, entry }),
    };
    let called = false;
    const url = await serveBehindParser(
      toNodeListener(
        async () => {
          called = true;
          return new Response('ok');
        },
        { logger },
      ),
      (bytes) => JSON.parse(bytes.toString('utf8')),
    );
    const response = await fetch(url, { method: 'POST', body: '{"a":1}' });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: BODY_ALREADY_READ_MESSAGE });
    expect(BODY_ALREADY_READ_MESSAGE).toContain('rawBody');
    expect(called).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('express.json()');
  });

  it('uses the raw bytes a raw-body parser left on req.body', async () => {
    let seen: string | undefined;
    const url = await serveBehindParser(
      toNodeListener(async (request) => {
        seen = await request.text();
        return new Response('ok');
      }),
      (bytes) => bytes,
    );
    const response = await fetch(url, { method: 'POST', body: '{"raw":"体"}' });
    expect(response.status).toBe(200);
    expect(seen).toBe('{"raw":"体"}');
  });

  it('reads the stream when a parser skipped the request and left an empty object (Express 4)', async () => {
    let seen: string | undefined;
    const created = createServer((request, response) => {
      // What express.json() does for a content type it does not parse: body {}, stream untouched.
      void listener(Object.assign(request, { body: {} }), response);
    });
    const listener = toNodeListener(async (request) => {
      seen = await request.text();
      return new Response('ok');
    });
    server = created;
    await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(created.address() as AddressInfo).port}`;
    const response = await fetch(url, { method: 'POST', body: 'plain text body' });
    expect(response.status).toBe(200);
    expect(seen).toBe('plain text body');
  });

  it('checks its options when created', () => {
    expect(() => toNodeListener(async () => new Response(), { maxBodyBytes: Number.NaN })).toThrow(
      'toNodeListener: maxBodyBytes must be a positive integer, received NaN',
    );
  });
});
