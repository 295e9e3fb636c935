import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  APICallError,
  IMBridgeError,
  isAbortError,
  isRateLimitError,
  isRetryableError,
  NetworkError,
  SignatureVerificationError,
  TimeoutError,
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
    expect(TimeoutError.isInstance(foreign)).toBe(false);
  });

  it('gives each subclass a stable string name and code', () => {
    const errors = [
      new APICallError({ message: 'm', provider: 'p' }),
      new SignatureVerificationError({ message: 'm', reason: 'mismatch' }),
      new ValidationError({ message: 'm', issues: [{ path: ['a'], message: 'bad' }] }),
      new TimeoutError({ message: 'm', timeoutMs: 5 }),
      new NetworkError({ message: 'm' }),
      new AbortedError({ message: 'm' }),
    ];
    expect(errors.map((error) => [error.name, error.code])).toEqual([
      ['APICallError', 'api-call'],
      ['SignatureVerificationError', 'signature-verification'],
      ['ValidationError', 'validation'],
      ['TimeoutError', 'timeout'],
      ['NetworkError', 'network'],
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
    expect(isRetryableError(new TimeoutError({ message: 'm', timeoutMs: 1 }))).toBe(true);
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
    const original = new NetworkError({ message: 'reset' });
    expect(IMBridgeError.from(original)).toBe(original);
    expect(AbortedError.isInstance(IMBridgeError.from(new DOMException('x', 'AbortError')))).toBe(
      true,
    );
    const wrapped = IMBridgeError.from('a string');
    expect(wrapped.message).toBe('Unexpected error');
    expect(wrapped.cause).toBe('a string');
  });
});
