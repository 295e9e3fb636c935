import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from './redact.ts';

describe('createRedactor', () => {
  it('replaces a secret raw, URL-encoded and JSON-escaped', () => {
    const redactor = createRedactor();
    const secret = 'a/b+c"d\\e';
    redactor.add([secret]);
    const text = `raw ${secret} url ${encodeURIComponent(secret)} json ${JSON.stringify(secret)}`;
    expect(redactor.redact(text)).toBe(`raw ${REDACTED} url ${REDACTED} json "${REDACTED}"`);
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    const redactor = createRedactor();
    redactor.add(['secret', 'secret-and-more']);
    expect(redactor.redact('x secret-and-more y secret')).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  it('ignores empty, missing and very short values', () => {
    const redactor = createRedactor();
    redactor.add([undefined, '', '  ', 'abc']);
    expect(redactor.redact('abc is not a secret')).toBe('abc is not a secret');
  });
});
