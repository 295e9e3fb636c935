import { APICallError } from '@imbridge/core';
import { ReplyError } from 'ioredis';
import { ClientClosedError, ClientOfflineError, ErrorReply, SimpleError } from 'redis';
import { describe, expect, it } from 'vitest';
import { replyPrefix, toRedisError } from './errors.ts';

const SECRET = 's3cr3t/pass';

describe('toRedisError', () => {
  it('maps the clients’ connection errors to retryable network errors without their text', () => {
    const refused = Object.assign(new Error(`connect ECONNREFUSED redis://:${SECRET}@host`), {
      code: 'ECONNREFUSED',
    });
    for (const [error, providerCode] of [
      [new ClientOfflineError(), 'ClientOfflineError'],
      [refused, 'ECONNREFUSED'],
      [new Error('Connection is closed.'), undefined],
    ] as const) {
      const mapped = toRedisError(error, 'get', [SECRET]);
      expect(mapped).toMatchObject({ provider: 'redis', kind: 'network', retryable: true });
      expect((mapped as APICallError).providerCode).toBe(providerCode);
      expect(mapped.message).not.toContain(SECRET);
      expect(mapped.cause).toBeUndefined();
    }
    expect(toRedisError(new ClientClosedError(), 'get', []).message).toContain('connect()');
  });

  it('classifies server error replies of both clients by their prefix and redacts secrets', () => {
    const cases = [
      [new SimpleError(`WRONGPASS invalid password ${SECRET}`), 'auth', 'WRONGPASS'],
      [
        new ReplyError(`NOAUTH Authentication required. ${encodeURIComponent(SECRET)}`),
        'auth',
        'NOAUTH',
      ],
      [new ErrorReply('LOADING Redis is loading the dataset in memory'), 'server', 'LOADING'],
      [new SimpleError('WRONGTYPE Operation against a key'), 'invalid-request', 'WRONGTYPE'],
      [new SimpleError('OOM command not allowed'), 'quota', 'OOM'],
      [new SimpleError('SOMETHING new'), 'unknown', 'SOMETHING'],
    ] as const;
    for (const [error, kind, prefix] of cases) {
      expect(replyPrefix(error)).toBe(prefix);
      const mapped = toRedisError(error, 'set', [SECRET]);
      expect(APICallError.isInstance(mapped)).toBe(true);
      expect(mapped).toMatchObject({ kind, providerCode: prefix });
      expect(mapped.message).not.toContain(SECRET);
      expect(mapped.message).not.toContain(encodeURIComponent(SECRET));
    }
  });

  it('keeps only the class name of an unknown error, whose text may hold anything', () => {
    class StrangeError extends Error {}
    const mapped = toRedisError(new StrangeError(`token ${SECRET}`), 'publish', []);
    expect(mapped).toMatchObject({ kind: 'unknown', retryable: false });
    expect(mapped.message).toBe('Redis publish failed: an unexpected StrangeError error');
    expect(toRedisError('thrown string', 'get', []).message).toContain('string');
  });
});
