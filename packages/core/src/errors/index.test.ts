import * as core from '@imbridge/core';
import * as errors from '@imbridge/core/errors';
import { describe, expect, it } from 'vitest';

describe('@imbridge/core/errors', () => {
  it('exports the very classes and predicates of @imbridge/core, and nothing else', () => {
    const names = Object.keys(errors).sort();
    expect(names).toEqual([
      'APICallError',
      'API_ERROR_KINDS',
      'AbortedError',
      'IMBridgeError',
      'SignatureVerificationError',
      'ValidationError',
      'isAbortError',
      'isRateLimitError',
      'isRetryableError',
      'isRetryableKind',
    ]);
    const coreExports = new Map(Object.entries(core));
    for (const [name, value] of Object.entries(errors)) {
      expect(value, name).toBe(coreExports.get(name));
    }
  });

  it('keeps instanceof and the branded isInstance across both entries', () => {
    const fromErrors = new errors.ValidationError({ message: 'bad option' });
    const fromCore = new core.APICallError({ message: 'failed', provider: 'tencent-chat' });
    expect(fromErrors).toBeInstanceOf(core.ValidationError);
    expect(fromErrors).toBeInstanceOf(core.IMBridgeError);
    expect(fromCore).toBeInstanceOf(errors.APICallError);
    expect(core.ValidationError.isInstance(fromErrors)).toBe(true);
    expect(errors.APICallError.isInstance(fromCore)).toBe(true);
    expect(errors.IMBridgeError.isInstance(fromCore)).toBe(true);
    expect(errors.ValidationError.isInstance(fromCore)).toBe(false);
  });
});
