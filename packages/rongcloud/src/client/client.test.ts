import { inspect } from 'node:util';
import { AbortedError, APICallError, ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  json,
  type LoopbackHandler,
  type LoopbackServer,
  ok,
  startLoopback,
} from './__fixtures__/loopback.ts';
import { createRongCloudClient } from './client.ts';
import { RONGCLOUD_SIGNATURE_HINT } from './errors.ts';
import type { RongCloudClientOptions } from './options.ts';

const APP_KEY = 'c9kqb3rdkbb8j';
const APP_SECRET = 'Y1W2MeFwwwRxa0';
const CREDENTIALS = { appKey: APP_KEY, appSecret: APP_SECRET };

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: LoopbackHandler): Promise<LoopbackServer> {
  const server = await startLoopback(CREDENTIALS, handler);
  servers.push(server);
  return server;
}

function client(options: Partial<RongCloudClientOptions> = {}) {
  return createRongCloudClient({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

const register = { userId: 'alice', name: 'Alice' };
const tokenAnswer = { userId: 'alice', token: 'token-of-alice' };

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('createRongCloudClient', () => {
  describe('signing', () => {
    it('signs every attempt afresh with the App Key, a new nonce and a millisecond timestamp', async () => {
      const server = await serve((_request, response, index) => {
        if (index < 2) json(response, 500, { code: 1000, errorMessage: 'internal error' });
        else ok(response, tokenAnswer);
      });
      const before = Date.now();
      const result = await client({ hosts: [server.url] }).registerUser(register);
      const after = Date.now();
      expect(result).toEqual({ userId: 'alice', token: 'token-of-alice' });
      expect(server.requests).toHaveLength(3);
      for (const request of server.requests) {
        expect(request.signatureValid).toBe(true);
        expect(request.headers['app-key']).toBe(APP_KEY);
        expect(request.nonce).toMatch(/^\d{1,18}$/);
        expect(Number(request.timestamp)).toBeGreaterThanOrEqual(before);
        expect(Number(request.timestamp)).toBeLessThanOrEqual(after);
        expect(request.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      }
      const nonces = new Set(server.requests.map((request) => request.nonce));
      expect(nonces.size).toBe(3);
    });

    it('sends the RC- prefixed header spellings when asked', async () => {
      const server = await serve((_request, response) => ok(response, tokenAnswer));
      await client({ baseUrl: server.url, headerStyle: 'rc-prefixed' }).registerUser(register);
      const [request] = server.requests;
      expect(request?.signatureValid).toBe(true);
      expect(request?.headers['rc-app-key']).toBe(APP_KEY);
      expect(request?.headers['rc-signature']).toMatch(/^[0-9a-f]{40}$/);
      expect(request?.headers['app-key']).toBeUndefined();
      expect(request?.headers.signature).toBeUndefined();
    });

    it('resolves the App Secret from a function before every attempt', async () => {
      let resolved = 0;
      const server = await serve((_request, response, index) => {
        if (index === 0) json(response, 503, { code: 1000 });
        else ok(response, tokenAnswer);
      });
      await client({
        baseUrl: server.url,
        appSecret: async () => {
          resolved += 1;
          return APP_SECRET;
        },
      }).registerUser(register);
      expect(resolved).toBe(2);
      expect(server.requests.every((request) => request.signatureValid)).toBe(true);
    });
  });

  describe('hosts and failover', () => {
    it('uses the China pair by default and the region pair when asked', async () => {
      const seen: string[] = [];
      const fetchSpy: typeof fetch = async (input) => {
        seen.push(new URL(input instanceof Request ? input.url : String(input)).origin);
        return Response.json({ code: 200, ...tokenAnswer });
      };
      await client({ fetch: fetchSpy }).registerUser(register);
      await client({ fetch: fetchSpy, region: 'singapore' }).registerUser(register);
      await client({ fetch: fetchSpy, hosts: ['api.cn.ronghub.com'] }).registerUser(register);
      expect(seen).toEqual([
        'https://api.rong-api.com',
        'https://api.sg-light-api.com',
        'https://api.cn.ronghub.com',
      ]);
    });

    it('fails over from a primary that resets connections to the backup, and stays there', async () => {
      const primary = await serve((_request, response) => {
        response.destroy();
      });
      const backup = await serve((_request, response) => ok(response, tokenAnswer));
      const api = client({ hosts: [primary.url, backup.url] });
      await api.registerUser(register);
      expect(api.baseUrl).toBe(backup.url);
      await api.registerUser(register);
      await api.registerUser(register);
      expect(primary.requests).toHaveLength(1);
      expect(backup.requests).toHaveLength(3);
      expect(backup.requests.every((request) => request.signatureValid)).toBe(true);
    });

    it('fails over from a primary answering 502 to the backup, and stays there', async () => {
      const primary = await serve((_request, response) => {
        response.writeHead(502, { 'content-type': 'text/html' });
        response.end('<html>Bad Gateway</html>');
      });
      const backup = await serve((_request, response) => ok(response, tokenAnswer));
      const api = client({ hosts: [primary.url, backup.url] });
      await api.registerUser(register);
      await api.registerUser(register);
      expect(primary.requests).toHaveLength(1);
      expect(backup.requests).toHaveLength(2);
      expect(api.baseUrl).toBe(backup.url);
    });

    it('fails over on a 5xx carrying a code it does not know', async () => {
      const primary = await serve((_request, response) =>
        json(response, 503, { code: 4242, errorMessage: 'maintenance' }),
      );
      const backup = await serve((_request, response) => ok(response, tokenAnswer));
      await client({ hosts: [primary.url, backup.url] }).registerUser(register);
      expect(primary.requests).toHaveLength(1);
      expect(backup.requests).toHaveLength(1);
    });

    it('never fails over or retries on 401/1004, and says what usually causes it', async () => {
      const primary = await serve((_request, response) =>
        json(response, 401, { code: 1004, errorMessage: 'signature error' }),
      );
      const backup = await serve((_request, response) => ok(response, tokenAnswer));
      const error = await caught(
        client({ hosts: [primary.url, backup.url] }).registerUser(register),
      );
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        provider: 'rongcloud',
        kind: 'auth',
        providerCode: 1004,
        statusCode: 401,
        retryable: false,
        hint: RONGCLOUD_SIGNATURE_HINT,
      });
      const message = (error as Error).message;
      expect(message).toContain(
        'the usual cause is passing the App Key where the App Secret belongs',
      );
      expect(message).not.toContain(APP_SECRET);
      expect(inspect(error, { depth: 5 })).not.toContain(APP_SECRET);
      expect(primary.requests).toHaveLength(1);
      expect(backup.requests).toHaveLength(0);
    });

    it('gives the signature hint for a bare 401 without an envelope too', async () => {
      const server = await serve((_request, response) => {
        response.writeHead(401);
        response.end();
      });
      await expect(client({ baseUrl: server.url }).registerUser(register)).rejects.toMatchObject({
        kind: 'auth',
        hint: RONGCLOUD_SIGNATURE_HINT,
      });
    });

    it('never fails over or retries on 4xx with code 1002', async () => {
      const primary = await serve((_request, response) =>
        json(response, 400, { code: 1002, errorMessage: 'userId is required' }),
      );
      const backup = await serve((_request, response) => ok(response, tokenAnswer));
      const error = await caught(
        client({ hosts: [primary.url, backup.url] }).registerUser(register),
      );
      expect(error).toMatchObject({
        kind: 'invalid-request',
        providerCode: 1002,
        retryable: false,
      });
      expect((error as Error).message).toContain('userId is required (code 1002)');
      expect(primary.requests).toHaveLength(1);
      expect(backup.requests).toHaveLength(0);
    });

    it('retries code 1000 on the same host when the answer is HTTP 200 (no failover)', async () => {
      const primary = await serve((_request, response, index) => {
        if (index === 0) json(response, 200, { code: 1000, errorMessage: 'internal' });
        else ok(response, tokenAnswer);
      });
      const backup = await serve((_request, response) => ok(response, tokenAnswer));
      await client({ hosts: [primary.url, backup.url] }).registerUser(register);
      expect(primary.requests).toHaveLength(2);
      expect(backup.requests).toHaveLength(0);
    });
  });

  describe('retries', () => {
    it('backs off and retries 1008 (rate limit), then succeeds', async () => {
      const server = await serve((_request, response, index) => {
        if (index < 2)
          json(response, 429, { code: 1008, errorMessage: 'call frequency exceeds limit' });
        else ok(response, tokenAnswer);
      });
      await client({
        baseUrl: server.url,
        retry: { maxRetries: 2, initialDelayMs: 40, maxDelayMs: 1_000 },
      }).registerUser(register);
      expect(server.requests).toHaveLength(3);
      const [first, second, third] = server.requests.map((request) => request.atMs);
      // ±20 % jitter around 40 ms, then 80 ms.
      expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(30);
      expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(60);
    });

    it('makes 1 + maxRetries requests under a sustained 1008 and reports a retryable rate limit', async () => {
      const server = await serve((_request, response) =>
        json(response, 200, { code: 1008, errorMessage: 'call frequency exceeds limit' }),
      );
      const error = await caught(
        client({
          baseUrl: server.url,
          retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 2 },
        }).registerUser(register),
      );
      expect(server.requests).toHaveLength(4);
      expect(error).toMatchObject({ kind: 'rate-limit', providerCode: 1008, retryable: true });
    });

    it('honours retry: false per call', async () => {
      const server = await serve((_request, response) => json(response, 500, { code: 1000 }));
      await expect(
        client({ baseUrl: server.url }).registerUser({ ...register, retry: false }),
      ).rejects.toMatchObject({ kind: 'server', providerCode: 1000 });
      expect(server.requests).toHaveLength(1);
    });

    it('times out a slow attempt with kind timeout', async () => {
      const server = await serve(() => undefined);
      await expect(
        client({ baseUrl: server.url, timeoutMs: 50, retry: false }).registerUser(register),
      ).rejects.toMatchObject({ kind: 'timeout', timeoutMs: 50 });
    });

    it('aborts through the signal with an AbortedError', async () => {
      const server = await serve(() => undefined);
      const controller = new AbortController();
      const pending = client({ baseUrl: server.url }).registerUser({
        ...register,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 20);
      const error = await caught(pending);
      expect(AbortedError.isInstance(error)).toBe(true);
    });

    it('treats a 2xx body without a code envelope as a server error', async () => {
      const server = await serve((_request, response) => json(response, 200, { token: 'x' }));
      await expect(
        client({ baseUrl: server.url, retry: false }).registerUser(register),
      ).rejects.toMatchObject({ kind: 'server' });
    });
  });

  describe('rate limits', () => {
    it('paces each API with its own token bucket', async () => {
      const server = await serve((request, response) => {
        if (request.url.startsWith('/v3/bot/delete')) ok(response);
        else ok(response, tokenAnswer);
      });
      const api = client({ baseUrl: server.url, callsPerSecondPerApi: 20 });
      const started = Date.now();
      const throttled = Array.from({ length: 23 }, () => api.registerUser(register));
      const other = api.deleteBot({ userId: 'bot' });
      await Promise.all([...throttled, other]);
      // 20 tokens at once, then one per 50 ms: the 23rd register waits ≈ 150 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      const paths = server.requests.map((request) => request.url);
      expect(paths).toHaveLength(24);
      // The other API is not held up behind the throttled one's queue.
      expect(paths.indexOf('/v3/bot/delete.json')).toBeLessThan(paths.length - 1);
    });
  });

  describe('call', () => {
    it('encodes a form for classic paths and JSON for /v3 paths, decided by the path', async () => {
      const server = await serve((_request, response) => ok(response, { extra: 1 }));
      const api = client({ baseUrl: server.url });
      expect(await api.call('user/block.json', { userId: ['a', 'b'], minute: 60 })).toEqual({
        code: 200,
        extra: 1,
      });
      await api.call('/v3/bot/delete.json', { userId: 'b' });
      expect(
        server.requests.map((request) => [
          request.url,
          request.headers['content-type'],
          request.body,
        ]),
      ).toEqual([
        [
          '/user/block.json',
          'application/x-www-form-urlencoded;charset=utf-8',
          'userId=a&userId=b&minute=60',
        ],
        ['/v3/bot/delete.json', 'application/json', '{"userId":"b"}'],
      ]);
      await expect(api.call('user/block.json', { nested: { a: 1 } })).rejects.toThrow(
        'form field nested must be a string, a finite number, a boolean or an array of strings',
      );
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('options checked at creation', () => {
    const base = { appKey: APP_KEY, appSecret: APP_SECRET };

    it.each([
      [
        'an empty appKey',
        { ...base, appKey: '' },
        'createRongCloudClient: appKey must be a non-empty string, received an empty string (examples read it from RONGCLOUD_APP_KEY)',
      ],
      [
        'an unknown region',
        { ...base, region: 'mars' },
        'createRongCloudClient: region must be one of',
      ],
      [
        'a baseUrl that is not a URL',
        { ...base, baseUrl: 'not a url' },
        'createRongCloudClient: baseUrl must be an http(s) URL',
      ],
      [
        'both hosts and baseUrl',
        { ...base, baseUrl: 'http://127.0.0.1:1', hosts: ['a.example'] },
        'createRongCloudClient: hosts must be left out when baseUrl is given',
      ],
      [
        'an empty hosts list',
        { ...base, hosts: [] },
        'createRongCloudClient: hosts must be a non-empty array',
      ],
      [
        'a zero timeoutMs',
        { ...base, timeoutMs: 0 },
        'createRongCloudClient: timeoutMs must be a positive integer',
      ],
      [
        'a fractional callsPerSecondPerApi',
        { ...base, callsPerSecondPerApi: 1.5 },
        'createRongCloudClient: callsPerSecondPerApi must be a positive integer',
      ],
      ['a negative retry.maxRetries', { ...base, retry: { maxRetries: -1 } }, 'retry.maxRetries'],
    ])('rejects %s with a ValidationError naming the option', (_label, options, message) => {
      let thrown: unknown;
      try {
        createRongCloudClient(options as RongCloudClientOptions);
      } catch (error) {
        thrown = error;
      }
      expect(ValidationError.isInstance(thrown)).toBe(true);
      expect((thrown as ValidationError).code).toBe('invalid-option');
      expect((thrown as Error).message).toContain(message);
    });

    it('shows a bad App Secret only by its shape', () => {
      expect(() => createRongCloudClient({ appKey: APP_KEY, appSecret: '   ' })).toThrow(
        'appSecret must be a non-empty string or a function returning one, received a blank string (examples read it from RONGCLOUD_APP_SECRET)',
      );
      expect(() =>
        createRongCloudClient({ appKey: APP_KEY, appSecret: 42 as unknown as string }),
      ).toThrow('received a number');
    });
  });
});
