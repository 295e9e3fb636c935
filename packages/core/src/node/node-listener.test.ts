import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from './node-listener.ts';

let server: Server | undefined;

async function serve(listener: ReturnType<typeof toNodeListener>): Promise<string> {
  const created = createServer((request, response) => void listener(request, response));
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
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
});
