import { AbortedError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  json,
  type LoopbackHandler,
  type LoopbackServer,
  startLoopback,
} from '../__fixtures__/loopback.ts';
import type { RetryEvent } from './types.ts';
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

const OK = { ok: true };

/** A client with a short client-wide budget; each test sets the call's own. */
function client(baseUrls: string[]) {
  const retries: RetryEvent[] = [];
  /** When each attempt was sent (client side: the server may see one in flight later). */
  const sentAtMs: number[] = [];
  const http = createVendorHttp({
    provider: 'test-vendor',
    label: 'Test Vendor',
    baseUrls,
    fetch: (input, init) => {
      sentAtMs.push(Date.now());
      return fetch(input, init);
    },
    timeoutMs: 500,
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 200 },
    onRetry: (event) => retries.push(event),
  });
  return { http, retries, sentAtMs };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('createVendorHttp: a deadline for the retries (retry.maxElapsedMs)', () => {
  const deadlineRetry = { maxRetries: 100, initialDelayMs: 20, maxDelayMs: 80 };

  it('rides out an outage shorter than the deadline: retried until the vendor answers', async () => {
    let outageEndsAtMs = 0;
    const server = await serve((_request, response) =>
      Date.now() < outageEndsAtMs ? json(response, 502, {}) : json(response, 200, OK),
    );
    const { http } = client([server.url]);
    outageEndsAtMs = Date.now() + 300;
    const result = await http.request({
      path: 'v4/x',
      retry: { ...deadlineRetry, maxElapsedMs: 2_000 },
    });
    expect(result.body).toEqual(OK);
    const last = server.requests.at(-1);
    expect(last?.atMs).toBeGreaterThanOrEqual(outageEndsAtMs);
    // Back-offs of at least 16, 32, 64, then 64 ms each: at most 9 requests fit in 300 ms (+1).
    expect(server.requests.length).toBeGreaterThan(2);
    expect(server.requests.length).toBeLessThanOrEqual(10);
  });

  it('gives up at the deadline, not at maxRetries, with the last error; the last retry is made at the deadline', async () => {
    const server = await serve((_request, response) => json(response, 502, { error: 'down' }));
    const { http, retries } = client([server.url]);
    const started = Date.now();
    const error = await failure(
      http.request({ path: 'v4/x', retry: { ...deadlineRetry, maxElapsedMs: 400 } }),
    );
    const elapsedMs = Date.now() - started;
    expect(error).toMatchObject({ kind: 'server', statusCode: 502, retryable: true });
    expect(elapsedMs).toBeGreaterThanOrEqual(400);
    expect(elapsedMs).toBeLessThan(400 + 500);
    // 16 + 32 + 64 ms, then at most 64 ms apart: at most 9 requests by 400 ms; at least 5.
    expect(server.requests.length).toBeGreaterThanOrEqual(5);
    expect(server.requests.length).toBeLessThanOrEqual(9);
    expect(retries).toHaveLength(server.requests.length - 1);
    // The last retry goes out at the deadline, not a back-off earlier (timers may fire a few ms
    // early or late on a busy machine: the slack is well under one back-off of 64 ms).
    const lastAtMs = server.requests.at(-1)?.atMs ?? 0;
    expect(lastAtMs - started).toBeGreaterThanOrEqual(400 - 30);
  });

  it('keeps maxRetries as a cap under a deadline', async () => {
    const server = await serve((_request, response) => json(response, 502, {}));
    const { http } = client([server.url]);
    await failure(
      http.request({
        path: 'v4/x',
        retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 5, maxElapsedMs: 5_000 },
      }),
    );
    expect(server.requests).toHaveLength(3);
  });

  it('does not wait out a Retry-After that ends past the deadline', async () => {
    const server = await serve((_request, response) =>
      json(response, 429, { error: 'slow down' }, { 'retry-after': '1' }),
    );
    const { http } = client([server.url]);
    const started = Date.now();
    const error = await failure(
      http.request({
        path: 'v4/x',
        retry: { maxRetries: 5, initialDelayMs: 10, maxDelayMs: 5_000, maxElapsedMs: 500 },
      }),
    );
    expect(Date.now() - started).toBeLessThan(400);
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'rate-limit', retryAfterMs: 1_000 });
  });

  it('stops promptly when the signal fires during the retries', async () => {
    const server = await serve((_request, response) => json(response, 502, {}));
    const { http, sentAtMs } = client([server.url]);
    const controller = new AbortController();
    let abortedAtMs = Number.POSITIVE_INFINITY;
    setTimeout(() => {
      abortedAtMs = Date.now();
      controller.abort();
    }, 150);
    const started = Date.now();
    const error = await failure(
      http.request({
        path: 'v4/x',
        signal: controller.signal,
        retry: { maxRetries: 100, initialDelayMs: 40, maxDelayMs: 40, maxElapsedMs: 30_000 },
      }),
    );
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(400);
    const count = sentAtMs.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    // No attempt is sent after the abort (one sent just before it may reach the server later).
    expect(sentAtMs).toHaveLength(count);
    expect(sentAtMs.filter((atMs) => atMs > abortedAtMs)).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(6);
  });
});
