import { APICallError, type JsonValue, ValidationError } from '@imbridge/core';
import { memoryLogger } from '@imbridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRedisClient, openState, redisUrl, uniquePrefix } from './__fixtures__/clients.ts';
import { redisState } from './index.ts';
import { DEFAULT_TTL_MS } from './options.ts';

type Client = Awaited<ReturnType<typeof nodeRedisClient>>;

let raw: Client;
beforeAll(async () => {
  raw = await nodeRedisClient();
});
afterAll(async () => {
  await raw.close();
});

/** Every key under the prefix, with its PTTL, read directly from Redis. */
async function keysWithTtl(prefix: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for await (const keys of raw.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    for (const key of keys) found.set(key, await raw.pTTL(key));
  }
  return found;
}

describe('redisState', () => {
  it('puts keyPrefix before every key and channel, so two prefixes never meet', async () => {
    const prefixA = uniquePrefix('a');
    const prefixB = uniquePrefix('b');
    const a = await openState('node-redis client', { keyPrefix: prefixA });
    const b = await openState('node-redis client', { keyPrefix: prefixB });
    try {
      await a.state.set('shared-name', 'from a');
      await b.state.set('shared-name', 'from b');
      await a.state.appendToList('list', 'a-item');
      expect(await a.state.get('shared-name')).toBe('from a');
      expect(await b.state.get('shared-name')).toBe('from b');
      expect(await b.state.getList('list')).toEqual([]);
      expect(await b.state.acquireLock('list', { ttlMs: 1000 })).not.toBeNull();
      expect(await raw.get(`${prefixA}shared-name`)).toBe('"from a"');

      const heardByB: JsonValue[] = [];
      const heardByA: JsonValue[] = [];
      const stopB = await b.state.subscribe('cancel', (message) => heardByB.push(message));
      const stopA = await a.state.subscribe('cancel', (message) => heardByA.push(message));
      await a.state.publish('cancel', 'for a only');
      await expect.poll(() => heardByA).toEqual(['for a only']);
      expect(heardByB).toEqual([]);
      await stopA();
      await stopB();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('gives every key it writes a TTL (defaultTtlMs when the caller gives none)', async () => {
    const keyPrefix = uniquePrefix('ttl');
    const { state, close } = await openState('url', { keyPrefix, defaultTtlMs: 60_000 });
    try {
      await state.set('value', 1);
      await state.set('value-with-ttl', 1, { ttlMs: 5000 });
      await state.setIfAbsent('dedupe', 1);
      await state.appendToList('list', 1);
      await state.appendToList('list-with-ttl', 1, { ttlMs: 5000, maxLength: 10 });
      await state.acquireLock('lock', { ttlMs: 5000 });
      const lock = await state.acquireLock('extended', { ttlMs: 1000 });
      if (lock !== null) await state.extendLock(lock, { ttlMs: 8000 });
      await state.consumeRateLimit('bucket', { ratePerSecond: 10, burst: 20 });
      const ttls = await keysWithTtl(keyPrefix);
      expect([...ttls.keys()].map((key) => key.slice(keyPrefix.length)).sort()).toEqual([
        'bucket',
        'dedupe',
        'extended',
        'list',
        'list-with-ttl',
        'lock',
        'value',
        'value-with-ttl',
      ]);
      for (const [key, ttl] of ttls) {
        expect(ttl, key).toBeGreaterThan(0);
        expect(ttl, key).toBeLessThanOrEqual(60_000);
      }
      expect(ttls.get(`${keyPrefix}value`)).toBeGreaterThan(55_000);
      expect(ttls.get(`${keyPrefix}extended`)).toBeGreaterThan(5000);
      // A bucket lives until it would be full again: burst / rate = 2 s, plus 1 s.
      expect(ttls.get(`${keyPrefix}bucket`)).toBeGreaterThan(2500);
      expect(ttls.get(`${keyPrefix}bucket`)).toBeLessThanOrEqual(3000);
    } finally {
      await close();
    }
  });

  it('keeps a list’s TTL when an append gives none, as memoryState keeps its expiry', async () => {
    const keyPrefix = uniquePrefix('list-ttl');
    const { state, close } = await openState('node-redis client', { keyPrefix });
    try {
      await state.appendToList('history', 1, { ttlMs: 30_000 });
      await state.appendToList('history', 2);
      const ttl = await raw.pTTL(`${keyPrefix}history`);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      expect(DEFAULT_TTL_MS).toBe(604_800_000);
    } finally {
      await close();
    }
  });

  it('reloads its scripts with EVAL after the server forgot them (SCRIPT FLUSH, restart)', async () => {
    const { state, close } = await openState('node-redis client', { keyPrefix: uniquePrefix() });
    try {
      const lock = await state.acquireLock('lock', { ttlMs: 5000 });
      expect(lock).not.toBeNull();
      if (lock === null) return;
      expect(await state.extendLock(lock, { ttlMs: 5000 })).toBe(true);
      await raw.sendCommand(['SCRIPT', 'FLUSH']);
      expect(await state.extendLock(lock, { ttlMs: 5000 })).toBe(true);
      expect(await state.releaseLock(lock)).toBe(true);
    } finally {
      await close();
    }
  });

  it('reports a value it did not write as a ValidationError, a wrong type as invalid-request', async () => {
    const keyPrefix = uniquePrefix();
    const { state, close } = await openState('node-redis client', { keyPrefix });
    try {
      await raw.set(`${keyPrefix}foreign`, 'not json', { PX: 5000 });
      const decode = await state.get('foreign').catch((error: unknown) => error);
      expect(ValidationError.isInstance(decode) && decode.code).toBe('state-decode');
      await state.set('value', 'a string');
      const wrongType = await state.appendToList('value', 1).catch((error: unknown) => error);
      expect(APICallError.isInstance(wrongType)).toBe(true);
      expect(wrongType).toMatchObject({
        provider: 'redis',
        kind: 'invalid-request',
        providerCode: 'WRONGTYPE',
        retryable: false,
      });
    } finally {
      await close();
    }
  });

  it('keeps delivering to other listeners when one throws, and logs the failure', async () => {
    const logger = memoryLogger();
    const { state, close } = await openState('url', { keyPrefix: uniquePrefix(), logger });
    try {
      const heard: JsonValue[] = [];
      await state.subscribe('events', () => {
        throw new Error('listener bug');
      });
      await state.subscribe('events', (message) => heard.push(message));
      await state.publish('events', 'hello');
      await expect.poll(() => heard).toEqual(['hello']);
      const failure = logger.entries.find((entry) => entry.event === 'background-failed');
      expect(failure?.level).toBe('error');
    } finally {
      await close();
    }
  });

  it('checks call options: rate-limit numbers, list lengths and TTLs', async () => {
    const { state, close } = await openState('node-redis client', { keyPrefix: uniquePrefix() });
    try {
      for (const limit of [
        { ratePerSecond: 0, burst: 1 },
        { ratePerSecond: 1, burst: Number.NaN },
        { ratePerSecond: 1, burst: 1, cost: -1 },
      ]) {
        await expect(state.consumeRateLimit('bucket', limit)).rejects.toSatisfy(
          ValidationError.isInstance,
        );
      }
      await expect(state.appendToList('list', 1, { maxLength: 1.5 })).rejects.toSatisfy(
        ValidationError.isInstance,
      );
      await expect(state.set('value', 1, { ttlMs: Number.NaN })).rejects.toSatisfy(
        ValidationError.isInstance,
      );
    } finally {
      await close();
    }
  });

  it('close() ends its own connections, leaves a passed client open, and refuses later calls', async () => {
    const client = await nodeRedisClient();
    const state = redisState({ client, keyPrefix: uniquePrefix(), logger: false });
    await state.subscribe('channel', () => undefined);
    await state.close();
    await state.close();
    expect(client.isOpen).toBe(true);
    expect(await client.ping()).toBe('PONG');
    const refused = await state.get('key').catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'IMBridgeError', code: 'state-closed' });
    await client.close();

    const owned = redisState({ url: redisUrl(), logger: false });
    await owned.set(`${uniquePrefix()}key`, 1, { ttlMs: 1000 });
    await owned[Symbol.asyncDispose]();
    await expect(owned.get('key')).rejects.toMatchObject({ code: 'state-closed' });
  });

  it('checks its options before connecting, never showing the URL', () => {
    const secretUrl = 'http://user:hunter2-secret@127.0.0.1:6379';
    const attempts: Array<() => unknown> = [
      () => redisState({} as never),
      () => redisState({ url: '' }),
      () => redisState({ url: 'not a url' }),
      () => redisState({ url: secretUrl }),
      () => redisState({ url: redisUrl(), client: {} as never } as never),
      () => redisState({ client: { get: () => undefined } as never }),
      () => redisState({ url: redisUrl(), timeoutMs: 0 }),
      () => redisState({ url: redisUrl(), defaultTtlMs: 1.5 }),
      () => redisState({ url: redisUrl(), keyPrefix: 42 as never }),
    ];
    for (const attempt of attempts) {
      let thrown: unknown;
      try {
        attempt();
      } catch (error) {
        thrown = error;
      }
      expect(ValidationError.isInstance(thrown) && thrown.code).toBe('invalid-option');
      expect(String((thrown as Error).message)).not.toContain('hunter2');
    }
  });
});
