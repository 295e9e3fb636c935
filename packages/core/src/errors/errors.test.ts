import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  API_ERROR_KINDS,
  APICallError,
  IMBridgeError,
  isAbortError,
  isRateLimitError,
  isRetryableError,
  isRetryableKind,
  SignatureVerificationError,
  ValidationError,
} from './errors.ts';

describe('IMBridgeError', () => {
  it('recognises errors from another copy of the package by their Symbol.for brand', () => {
    // What a second (CJS) copy's error looks like to this copy: same global symbols, other class.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('imbridge.error')]: true,
      [Symbol.for('imbridge.error.api-call')]: true,
    });
    expect(foreign instanceof APICallError).toBe(false);
    expect(IMBridgeError.isInstance(foreign)).toBe(true);
    expect(APICallError.isInstance(foreign)).toBe(true);
    expect(SignatureVerificationError.isInstance(foreign)).toBe(false);
  });

  it('gives each subclass a stable string name and code', () => {
    const errors = [
      new APICallError({ message: 'm', provider: 'p' }),
      new SignatureVerificationError({ message: 'm', reason: 'mismatch' }),
      new ValidationError({ message: 'm', issues: [{ path: ['a'], message: 'bad' }] }),
      new AbortedError({ message: 'm' }),
    ];
    expect(errors.map((error) => [error.name, error.code])).toEqual([
      ['APICallError', 'api-call'],
      ['SignatureVerificationError', 'signature-verification'],
      ['ValidationError', 'validation'],
      ['AbortedError', 'aborted'],
    ]);
    expect(errors.every((error) => IMBridgeError.isInstance(error))).toBe(true);
  });

  it('derives retryable from the kind and status unless told', () => {
    expect(new APICallError({ message: 'm', provider: 'p', kind: 'rate-limit' }).retryable).toBe(
      true,
    );
    expect(new APICallError({ message: 'm', provider: 'p', statusCode: 503 }).retryable).toBe(true);
    expect(new APICallError({ message: 'm', provider: 'p', statusCode: 400 }).retryable).toBe(
      false,
    );
    expect(new APICallError({ message: 'm', provider: 'p', kind: 'auth' }).retryable).toBe(false);
    expect(
      new APICallError({ message: 'm', provider: 'p', kind: 'server', retryable: false }).retryable,
    ).toBe(false);
  });

  it('classifies aborts, retryables and rate limits', () => {
    const domAbort = new DOMException('aborted', 'AbortError');
    expect(isAbortError(domAbort)).toBe(true);
    expect(
      isRetryableError(
        new APICallError({ message: 'm', provider: 'p', kind: 'timeout', timeoutMs: 1 }),
      ),
    ).toBe(true);
    expect(isRetryableError(new AbortedError({ message: 'm' }))).toBe(false);
    expect(isRetryableError(new Error('plain'))).toBe(false);
    expect(
      isRateLimitError(new APICallError({ message: 'm', provider: 'p', statusCode: 429 })),
    ).toBe(true);
    expect(
      isRateLimitError(new APICallError({ message: 'm', provider: 'p', kind: 'server' })),
    ).toBe(false);
  });

  it('from() keeps imbridge errors, maps aborts, wraps anything else with the cause', () => {
    const original = new APICallError({ message: 'reset', provider: 'p', kind: 'network' });
    expect(IMBridgeError.from(original)).toBe(original);
    expect(AbortedError.isInstance(IMBridgeError.from(new DOMException('x', 'AbortError')))).toBe(
      true,
    );
    const wrapped = IMBridgeError.from('a string');
    expect(wrapped.message).toBe('Unexpected error');
    expect(wrapped.cause).toBe('a string');
  });

  it('has one shape per failure: a timeout is an APICallError of kind timeout with its limit', () => {
    const timeout = new APICallError({
      message: 'no answer within 10 ms',
      provider: 'p',
      kind: 'timeout',
      timeoutMs: 10,
      timeoutPhase: 'first-token',
    });
    expect(timeout).toMatchObject({ kind: 'timeout', timeoutMs: 10, timeoutPhase: 'first-token' });
    expect(timeout.retryable).toBe(true);
    expect(isAbortError(timeout)).toBe(false);
  });

  it('appends the hint to the message and keeps it as a field', () => {
    const error = new APICallError({
      message: 'Tencent Chat openim/sendmsg failed (code 70009)',
      provider: 'tencent-chat',
      kind: 'auth',
      hint: 'secretKey does not belong to this sdkAppId',
    });
    expect(error.message).toBe(
      'Tencent Chat openim/sendmsg failed (code 70009) — secretKey does not belong to this sdkAppId',
    );
    expect(error.hint).toBe('secretKey does not belong to this sdkAppId');
  });
});

describe('isRetryableKind', () => {
  it('is true exactly for rate-limit, timeout, server and network', () => {
    const retryable = API_ERROR_KINDS.filter((kind) => isRetryableKind(kind));
    expect(retryable).toEqual(['rate-limit', 'timeout', 'server', 'network']);
  });
});
