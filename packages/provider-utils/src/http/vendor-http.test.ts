import { getEventListeners } from 'node:events';
import { inspect } from 'node:util';
import { AbortedError, APICallError, IMBridgeError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deadUrl,
  json,
  type LoopbackHandler,
  type LoopbackServer,
  startLoopback,
} from '../__fixtures__/loopback.ts';
import { isRecord } from '../body/read-body.ts';
import {
  createErrorCodeTable,
  type ErrorClassification,
  type ResponseClassifier,
} from '../errors/classification.ts';
import type { RetryEvent, VendorHttpOptions } from './types.ts';
import { createVendorHttp } from './vendor-http.ts';

const servers: LoopbackServer[] = [];
async function serve(handler: LoopbackHandler): Promise<LoopbackServer> {
  const server = await startLoopback(handler);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const tencentCodes = createErrorCodeTable<number>([
  { codes: [60007], kind: 'rate-limit' },
  { codes: [70001], kind: 'auth', hint: 'the UserSig expired' },
  { codes: [70009], kind: 'auth', hint: 'secretKey does not belong to this sdkAppId' },
]);

/** A Tencent-style envelope: HTTP 200 with ActionStatus/ErrorCode. */
const envelope: ResponseClassifier = (response, body): ErrorClassification | undefined => {
  if (!response.ok) return undefined;
  if (!isRecord(body) || typeof body.ErrorCode !== 'number') {
    return { kind: 'server', retryable: true, message: 'no envelope' };
  }
  if (body.ErrorCode === 0) return undefined;
  return {
    ...tencentCodes(body.ErrorCode),
    providerCode: body.ErrorCode,
    message: typeof body.ErrorInfo === 'string' ? body.ErrorInfo : undefined,
    renewCredentials: body.ErrorCode === 70001,
  };
};

const OK = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };
const SECRET = 'eJwrtopsecretusersig';

function client(baseUrls: string[], extra: Partial<VendorHttpOptions> = {}) {
  const retries: RetryEvent[] = [];
  const http = createVendorHttp({
    provider: 'test-vendor',
    label: 'Test Vendor',
    baseUrls,
    timeoutMs: 500,
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 200 },
    classify: envelope,
    secrets: () => [SECRET],
    prepare: (request) => {
      request.url.searchParams.set('usersig', SECRET);
    },
    onRetry: (event) => retries.push(event),
    ...extra,
  });
  return { http, retries };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('createVendorHttp', () => {
  it('sends the JSON body once serialised, signs each attempt and returns the parsed body', async () => {
    const server = await serve((_request, response) => json(response, 200, { ...OK, Value: 7 }));
    const { http } = client([server.url]);
    const result = await http.request({ path: 'v4/openim/sendmsg', json: { To_Account: 'a' } });
    expect(result.body).toEqual({ ...OK, Value: 7 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toBe('{"To_Account":"a"}');
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(server.requests[0]?.url).toBe(`/v4/openim/sendmsg?usersig=${SECRET}`);
  });

  it('sends every attempt through an injected fetch with the signed URL and the exact body text, and returns the answer headers as received', async () => {
    const server = await serve((_request, response, index) => {
      response.setHeader('x-request-id', `req-${index}`);
      json(response, 200, index === 0 ? { ErrorCode: 60007, ErrorInfo: 'busy' } : OK);
    });
    const sent: { url: string; method: string | undefined; body: unknown }[] = [];
    const { http } = client([server.url], {
      fetch: (input, init) => {
        sent.push({
          url: input instanceof Request ? input.url : String(input),
          method: init?.method,
          body: init?.body,
        });
        return globalThis.fetch(input, init);
      },
    });
    const result = await http.request({ path: 'v4/x/y', json: { To_Account: 'a' } });
    const signed = `${server.url}/v4/x/y?usersig=${SECRET}`;
    const body = '{"To_Account":"a"}';
    expect(sent).toEqual([
      { url: signed, method: 'POST', body },
      { url: signed, method: 'POST', body },
    ]);
    expect(server.requests.map((request) => request.body)).toEqual([body, body]);
    expect(result.status).toBe(200);
    expect(result.headers.get('x-request-id')).toBe('req-1');
    expect(result.headers.get('content-type')).toBe('application/json');
  });

  it('retries a retryable envelope error with ky.retry() and succeeds: one request per attempt', async () => {
    const server = await serve((_request, response, index) =>
      json(response, 200, index < 2 ? { ErrorCode: 60007, ErrorInfo: 'busy' } : OK),
    );
    const { http, retries } = client([server.url]);
    await http.request({ path: 'v4/x/y' });
    expect(server.requests).toHaveLength(3);
    expect(retries.map((event) => [event.retry, event.error.name])).toEqual([
      [1, 'APICallError'],
      [2, 'APICallError'],
    ]);
  });

  it('gives up after maxRetries on a sustained failure: exactly 1 + maxRetries requests', async () => {
    const server = await serve((_request, response) =>
      json(response, 503, { error: { message: 'overloaded' } }),
    );
    const { http } = client([server.url]);
    const error = await failure(http.request({ path: 'v4/x/y', operation: 'x/y' }));
    expect(server.requests).toHaveLength(3);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      kind: 'server',
      statusCode: 503,
      retryable: true,
      message: 'Test Vendor x/y answered HTTP 503: overloaded',
    });
    expect((error as Error).cause).toBeUndefined();
  });

  it('does not retry a non-retryable code and carries the hint in the message', async () => {
    const server = await serve((_request, response) =>
      json(response, 200, { ActionStatus: 'FAIL', ErrorCode: 70009, ErrorInfo: 'sig check fail' }),
    );
    const { http } = client([server.url]);
    const error = await failure(http.request({ path: 'v4/x/y', operation: 'x/y' }));
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({
      kind: 'auth',
      providerCode: 70009,
      retryable: false,
      hint: 'secretKey does not belong to this sdkAppId',
    });
    expect((error as Error).message).toBe(
      'Test Vendor x/y failed: sig check fail (code 70009) — secretKey does not belong to this sdkAppId',
    );
  });

  it('renews credentials once on a stale-credential code, outside the retry budget', async () => {
    const server = await serve((_request, response) =>
      json(response, 200, { ErrorCode: 70001, ErrorInfo: 'expired' }),
    );
    const renewals: boolean[] = [];
    const { http } = client([server.url], {
      retry: { maxRetries: 0, initialDelayMs: 10, maxDelayMs: 100 },
      prepare: (_request, context) => {
        renewals.push(context.renewCredentials);
      },
    });
    const error = await failure(http.request({ path: 'v4/x/y' }));
    expect(renewals).toEqual([false, true]);
    expect(server.requests).toHaveLength(2);
    expect(error).toMatchObject({ providerCode: 70001, kind: 'auth' });
  });

  it('honours Retry-After, and does not retry when the wait asked for exceeds maxDelayMs', async () => {
    let asked = '0.15';
    const server = await serve((_request, response, index) =>
      index % 2 === 0
        ? json(response, 429, { error: 'slow down' }, { 'retry-after': asked })
        : json(response, 200, OK),
    );
    const { http } = client([server.url]);
    await http.request({ path: 'v4/x/y' });
    const [first, second] = server.requests;
    expect((second?.atMs ?? 0) - (first?.atMs ?? 0)).toBeGreaterThanOrEqual(140);

    asked = '30';
    const error = await failure(http.request({ path: 'v4/x/y' }));
    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ kind: 'rate-limit', statusCode: 429, retryAfterMs: 30_000 });
  });

  it('times out each attempt on its own (headers) and retries: the second attempt gets the full limit', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) return; // hangs
      setTimeout(() => json(response, 200, OK), 300);
    });
    const { http, retries } = client([server.url], { timeoutMs: 400 });
    const result = await http.request({ path: 'v4/x/y' });
    expect(result.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(retries[0]?.error).toMatchObject({
      kind: 'timeout',
      timeoutMs: 400,
      timeoutPhase: 'request',
    });
  });

  it('counts the body read in the attempt limit: a body that stalls after the headers times out', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"ErrorCode":');
    });
    const { http } = client([server.url], {
      timeoutMs: 150,
      retry: { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 10 },
    });
    const started = Date.now();
    const error = await failure(http.request({ path: 'v4/x/y' }));
    expect(error).toMatchObject({ kind: 'timeout', timeoutMs: 150 });
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops a body read when the caller aborts: an AbortedError, not a timeout, no retry, no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"ErrorCode":');
    });
    const { http, retries } = client([server.url], { timeoutMs: 5_000 });
    const controller = new AbortController();
    const pending = failure(http.request({ path: 'v4/x/y', signal: controller.signal }));
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort(new Error('user left'));
    const error = await pending;
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(retries).toHaveLength(0);
    // Aborting ky's fetch after its answer was cloned made undici reject where nobody listens.
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('leaves no listener on a long-lived caller signal, whatever the outcome of the calls', async () => {
    const server = await serve((_request, response, index) => {
      if (index % 3 === 0) json(response, 200, { ErrorCode: 60007, ErrorInfo: 'slow down' });
      else if (index % 3 === 1) json(response, 200, OK);
      else json(response, 400, { message: 'bad' });
    });
    const { http } = client([server.url], {
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 },
    });
    const signal = new AbortController().signal;
    for (let call = 0; call < 6; call += 1) {
      await http.request({ path: 'v4/x', signal }).catch(() => undefined);
    }
    await http.stream({ path: 'v4/s', signal }).catch(() => undefined);
    expect(server.requests.length).toBeGreaterThanOrEqual(7);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('fails over to the backup host on a refused connection, and stays there (sticky)', async () => {
    const backup = await serve((_request, response) => json(response, 200, OK));
    const { http, retries } = client([await deadUrl(), backup.url]);
    await http.request({ path: 'v4/x/y' });
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ failover: true, error: { kind: 'network' } });
    expect(http.baseUrl).toBe(backup.url);
    await http.request({ path: 'v4/x/y' });
    expect(retries).toHaveLength(1);
    expect(backup.requests).toHaveLength(2);
  });

  it('fails over on 5xx but never on 4xx or a vendor code', async () => {
    const primary = await serve((request, response) =>
      request.url.includes('bad')
        ? json(response, 400, { error: 'bad request' })
        : json(response, 502, { error: 'bad gateway' }),
    );
    const backup = await serve((_request, response) => json(response, 200, OK));
    const { http } = client([primary.url, backup.url]);
    await failure(http.request({ path: 'v4/bad' }));
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
    await http.request({ path: 'v4/good' });
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(1);
  });

  it('aborts during a back-off wait with an AbortedError, and before any request', async () => {
    const server = await serve((_request, response) => json(response, 503, {}));
    const { http } = client([server.url], {
      retry: { maxRetries: 3, initialDelayMs: 5_000, maxDelayMs: 5_000 },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(http.request({ path: 'v4/x', signal: controller.signal }));
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);

    const early = await failure(http.request({ path: 'v4/x', signal: AbortSignal.abort() }));
    expect(AbortedError.isInstance(early)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('lets no ky error and no signed URL escape: typed errors, no cause, secret redacted', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) response.destroy();
      else json(response, 200, { ErrorCode: 70009, ErrorInfo: `bad usersig ${SECRET}` });
    });
    const { http } = client([server.url], {
      retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 },
    });
    const broken = await failure(http.request({ path: 'v4/x' }));
    const rejected = await failure(http.request({ path: 'v4/x' }));
    for (const error of [broken, rejected]) {
      expect(IMBridgeError.isInstance(error)).toBe(true);
      expect((error as Error).cause).toBeUndefined();
      expect(inspect(error, { depth: 5 })).not.toContain(SECRET);
      expect(inspect(error, { depth: 5 })).not.toContain('127.0.0.1');
    }
    expect(broken).toMatchObject({ kind: 'network' });
    expect((rejected as Error).message).toContain('bad usersig [redacted]');
  });

  it('sends forms with repeated keys, and exact body text as is (what a body signature covers)', async () => {
    const server = await serve((_request, response) => json(response, 200, OK));
    const signedBodies: Array<string | undefined> = [];
    const { http } = client([server.url], {
      prepare: (request) => {
        signedBodies.push(request.body);
        request.headers.set('x-signature', `sig(${request.body ?? ''})`);
      },
    });
    await http.request({
      path: 'message/private/publish.json',
      form: { toUserId: ['a', 'b'], content: '{"x":"你"}' },
    });
    await http.request({ path: 'v3/x', body: '{"Exact": 1 }', contentType: 'application/json' });
    expect(server.requests[0]?.body).toBe(
      'toUserId=a&toUserId=b&content=%7B%22x%22%3A%22%E4%BD%A0%22%7D',
    );
    expect(server.requests[0]?.headers['content-type']).toContain(
      'application/x-www-form-urlencoded',
    );
    expect(server.requests[1]?.body).toBe('{"Exact": 1 }');
    expect(signedBodies).toEqual([server.requests[0]?.body, '{"Exact": 1 }']);
    expect(server.requests[1]?.headers['x-signature']).toBe('sig({"Exact": 1 })');
  });

  it('refuses an answer over maxResponseBytes without retrying it', async () => {
    const server = await serve((_request, response) =>
      json(response, 200, { ...OK, big: 'x'.repeat(5000) }),
    );
    const { http } = client([server.url], { maxResponseBytes: 1024 });
    const error = await failure(http.request({ path: 'v4/x', operation: 'x' }));
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'server', retryable: false });
    expect((error as Error).message).toBe('Test Vendor x answered with a body over 1024 bytes');
  });

  it('a per-call retry override replaces the client budget (retry: false is one attempt)', async () => {
    const server = await serve((_request, response) => json(response, 500, {}));
    const { http } = client([server.url]);
    await failure(http.request({ path: 'v4/x', retry: false }));
    expect(server.requests).toHaveLength(1);
    await failure(http.request({ path: 'v4/x', retry: { maxRetries: 4, initialDelayMs: 1 } }));
    expect(server.requests).toHaveLength(6);
  });

  describe('stream', () => {
    it('resolves at the headers with the body unread, and makes one request only', async () => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write('data: one\n\n');
        setTimeout(() => response.end('data: two\n\n'), 50);
      });
      const { http } = client([server.url]);
      const response = await http.stream({ path: 'chat/completions', json: { stream: true } });
      expect(server.requests[0]?.headers.accept).toBe('text/event-stream');
      expect(await response.text()).toBe('data: one\n\ndata: two\n\n');
    });

    it('classifies an error answer and never retries it (the caller owns streaming retries)', async () => {
      const server = await serve((_request, response) =>
        json(response, 503, { error: { message: 'try later' } }, { 'retry-after': '1' }),
      );
      const { http } = client([server.url], { classify: undefined });
      const error = await failure(http.stream({ path: 'chat/completions', operation: 'chat' }));
      expect(server.requests).toHaveLength(1);
      expect(error).toMatchObject({
        kind: 'server',
        statusCode: 503,
        retryAfterMs: 1000,
        message: 'Test Vendor chat answered HTTP 503: try later',
      });
    });
  });
});
