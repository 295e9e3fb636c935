/**
 * Connection loss on a real redis-server of this file's own (killed with SIGKILL and started
 * again on the same port): calls reject with typed, secret-free errors within a bound, the
 * outage is logged once, and the adapter and its subscriptions work again once Redis is back.
 */
import { APICallError, type JsonValue } from '@imbridge/core';
import { memoryLogger } from '@imbridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KINDS, openState, uniquePrefix } from './__fixtures__/clients.ts';
import { freePort, type RedisServer, startRedisServer } from './__fixtures__/redis-server.ts';
import { redisState } from './index.ts';

const PASSWORD = 'hunter2-do-not-leak';
const TIMEOUT_MS = 1000;
/** Room on top of `timeoutMs` for a rejection to arrive. */
const SLACK_MS = 500;
const RECOVERY_TIMEOUT_MS = 15_000;

function expectTypedFailure(error: unknown): void {
  expect(APICallError.isInstance(error), String(error)).toBe(true);
  if (!APICallError.isInstance(error)) return;
  expect(error.provider).toBe('redis');
  expect(['network', 'timeout']).toContain(error.kind);
  expect(error.retryable).toBe(true);
  expect(error.cause).toBeUndefined();
  for (const text of [error.message, String(error), JSON.stringify(error)]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
  }
}

/** Resolves once `attempt` stops throwing. */
async function recovers(attempt: () => Promise<unknown>): Promise<void> {
  await expect
    .poll(
      () =>
        attempt().then(
          () => true,
          () => false,
        ),
      { timeout: RECOVERY_TIMEOUT_MS, interval: 100 },
    )
    .toBe(true);
}

describe('redisState when Redis goes away', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer({ password: PASSWORD });
  });
  afterAll(async () => {
    await server.stop();
  });

  for (const kind of CLIENT_KINDS) {
    it(`fails fast with typed errors and recovers with its subscriptions (${kind})`, async () => {
      const logger = memoryLogger();
      const { state, close } = await openState(kind, {
        url: server.url,
        keyPrefix: uniquePrefix('outage'),
        timeoutMs: TIMEOUT_MS,
        logger,
      });
      try {
        const heard: JsonValue[] = [];
        await state.subscribe('cancel', (message) => heard.push(message));
        await state.set('before', 1);

        await server.kill();
        // Let the clients see the socket close (else ioredis re-sends in-flight commands later).
        await new Promise((resolve) => setTimeout(resolve, 50));
        const startedAt = Date.now();
        const outcomes = await Promise.allSettled([
          state.get('before'),
          state.set('key', 1, { ttlMs: 5000 }),
          state.setIfAbsent('dedupe', 1, { ttlMs: 5000 }),
          state.appendToList('list', 1, { ttlMs: 5000 }),
          state.acquireLock('lock', { ttlMs: 5000 }),
          state.publish('cancel', 'lost'),
          state.consumeRateLimit('bucket', { ratePerSecond: 1, burst: 1 }),
          state.subscribe('other', () => undefined),
        ]);
        expect(Date.now() - startedAt).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        for (const outcome of outcomes) {
          expect(outcome.status).toBe('rejected');
          if (outcome.status === 'rejected') expectTypedFailure(outcome.reason);
        }
        // The clients retry every few hundred milliseconds; the outage is logged once.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const failures = logger.entries.filter((entry) => entry.event === 'state-failed');
        expect(failures.length).toBeGreaterThanOrEqual(1);
        expect(failures.length).toBeLessThanOrEqual(2);
        expect(JSON.stringify(logger.entries)).not.toContain(PASSWORD);

        await server.restart();
        await recovers(() => state.set('after', 2, { ttlMs: 5000 }));
        expect(await state.get('after')).toBe(2);
        // The subscriber connection re-subscribed on its own.
        await expect
          .poll(
            async () => {
              await state.publish('cancel', 'again').catch(() => undefined);
              return heard.includes('again');
            },
            { timeout: RECOVERY_TIMEOUT_MS, interval: 200 },
          )
          .toBe(true);
        expect(heard).not.toContain('lost');
      } finally {
        await close();
      }
    });
  }

  it('answers calls made before Redis is up with a network error, then works once it is', async () => {
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    const logger = memoryLogger();
    const state = redisState({ url, timeoutMs: TIMEOUT_MS, keyPrefix: uniquePrefix(), logger });
    let late: RedisServer | undefined;
    try {
      const startedAt = Date.now();
      const refused = await state.get('key').catch((error: unknown) => error);
      expect(Date.now() - startedAt).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      expectTypedFailure(refused);
      expect(refused).toMatchObject({ kind: 'network', providerCode: 'ECONNREFUSED' });
      late = await startRedisServer({ port, password: PASSWORD });
      await recovers(() => state.set('key', 'up', { ttlMs: 5000 }));
      expect(await state.get('key')).toBe('up');
      expect(JSON.stringify(logger.entries)).not.toContain(PASSWORD);
    } finally {
      await state.close();
      await late?.stop();
    }
  });

  it('reports a wrong password as an auth error that does not show it', async () => {
    const wrong = 'wrong-password-123';
    const url = server.url.replace(encodeURIComponent(PASSWORD), wrong);
    const state = redisState({ url, timeoutMs: TIMEOUT_MS, logger: false });
    try {
      const error = await state.get('key').catch((failure: unknown) => failure);
      expect(error).toMatchObject({ provider: 'redis', kind: 'auth', retryable: false });
      expect(String(error)).not.toContain(wrong);
      expect(String((error as APICallError).hint)).toContain('REDIS_URL');
    } finally {
      await state.close();
    }
  });
});
