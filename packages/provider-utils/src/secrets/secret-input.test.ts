import { inspect } from 'node:util';
import { ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSecretInput, REDACTED, redactSecrets, resolveSecret } from './secret-input.ts';

const OPTION = {
  owner: 'createTestClient',
  name: 'secretKey',
  envVariable: 'TEST_SECRET_KEY',
};
const SECRET = 'sk-live-4f9a0c2e7b';

/** The error a call throws (fails the test when it does not throw). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('checkSecretInput', () => {
  it('returns a non-blank string and a resolver function as they are', () => {
    const resolver = (): string => SECRET;
    expect(checkSecretInput(SECRET, OPTION)).toBe(SECRET);
    expect(checkSecretInput(resolver, OPTION)).toBe(resolver);
  });

  it.each([
    ['undefined', undefined, 'nothing (undefined)'],
    ['null', null, 'null'],
    ['an empty string', '', 'an empty string'],
    ['a blank string', ' \t\n', 'a blank string'],
    ['a number', 123_456_789, 'a number'],
    ['an object', { key: SECRET }, 'a object'],
  ])(
    'rejects %s with a ValidationError naming the option and its env variable',
    (_label, value, received) => {
      const error = thrown(() => checkSecretInput(value, OPTION));
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'invalid-option' });
      expect((error as Error).message).toBe(
        `createTestClient: secretKey must be a non-empty string or a function returning one, received ${received} (examples read it from TEST_SECRET_KEY)`,
      );
    },
  );

  it('never puts the rejected value in the message or the inspect output', () => {
    for (const value of [{ key: SECRET }, [SECRET], 123_456_789, true]) {
      const error = thrown(() => checkSecretInput(value, OPTION));
      const shown = inspect(error, { depth: 5 });
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain('123456789');
      expect((error as Error).cause).toBeUndefined();
    }
  });
});

describe('resolveSecret', () => {
  it('returns a string value, and what a sync or async resolver returns, on every call (rotation)', async () => {
    let version = 0;
    const rotating = async (): Promise<string> => {
      version += 1;
      return `${SECRET}-v${version}`;
    };
    expect(await resolveSecret(SECRET, OPTION)).toBe(SECRET);
    expect(await resolveSecret(() => SECRET, OPTION)).toBe(SECRET);
    expect(await resolveSecret(rotating, OPTION)).toBe(`${SECRET}-v1`);
    expect(await resolveSecret(rotating, OPTION)).toBe(`${SECRET}-v2`);
  });

  it('rejects a blank string value, naming the option', async () => {
    const error = await rejected(resolveSecret('   ', OPTION));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'createTestClient: secretKey must be a non-empty string, received a blank string (examples read it from TEST_SECRET_KEY)',
    );
  });

  it('turns a resolver that throws or rejects into a ValidationError without its message or cause', async () => {
    const failures: Array<() => string | Promise<string>> = [
      () => {
        throw new TypeError(`vault answered 403 for token ${SECRET}`);
      },
      async () => {
        throw new RangeError(`vault answered 403 for token ${SECRET}`);
      },
      () => {
        throw `vault answered 403 for token ${SECRET}`;
      },
    ];
    const messages: string[] = [];
    for (const resolver of failures) {
      const error = await rejected(resolveSecret(resolver, OPTION));
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'secret-resolver-failed' });
      expect((error as Error).cause).toBeUndefined();
      const shown = inspect(error, { depth: 5 });
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain('vault answered');
      messages.push((error as Error).message);
    }
    expect(messages).toEqual([
      'createTestClient: the secretKey resolver failed (TypeError)',
      'createTestClient: the secretKey resolver failed (RangeError)',
      'createTestClient: the secretKey resolver failed (string)',
    ]);
  });

  it.each([
    ['an empty string', '', 'an empty string'],
    ['a blank string', '  ', 'a blank string'],
    ['undefined', undefined, 'nothing (undefined)'],
    ['a number', 42, 'a number'],
  ])(
    'rejects a resolver returning %s, naming the resolved option',
    async (_label, value, received) => {
      const error = await rejected(resolveSecret(async () => value as string, OPTION));
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        `createTestClient: secretKey (resolved) must be a non-empty string, received ${received} (examples read it from TEST_SECRET_KEY)`,
      );
    },
  );
});

describe('redactSecrets', () => {
  it('replaces every raw occurrence of every secret with one mark each', () => {
    const text = `key=${SECRET}; again ${SECRET}; sig=abcd1234`;
    expect(redactSecrets(text, [SECRET, 'abcd1234'])).toBe(
      `key=${REDACTED}; again ${REDACTED}; sig=${REDACTED}`,
    );
    expect(REDACTED).toBe('[redacted]');
  });

  it('replaces the URL-encoded form of a secret (as in a signed query string)', () => {
    const secret = 'a+b/c=d e&f';
    const url = `https://api.example.com/v4?usersig=${encodeURIComponent(secret)}&x=1`;
    expect(url).toContain('a%2Bb%2Fc%3Dd%20e%26f');
    expect(redactSecrets(url, [secret])).toBe(`https://api.example.com/v4?usersig=${REDACTED}&x=1`);
    expect(redactSecrets(`raw ${secret} and encoded ${encodeURIComponent(secret)}`, [secret])).toBe(
      `raw ${REDACTED} and encoded ${REDACTED}`,
    );
  });

  it('ignores values shorter than 4 characters and undefined entries', () => {
    const text = 'the abc of it: id 42';
    expect(redactSecrets(text, ['abc', '42', '', undefined])).toBe(text);
    expect(redactSecrets('the abcd of it', ['abcd'])).toBe(`the ${REDACTED} of it`);
  });

  it('returns the text unchanged when no secret occurs in it', () => {
    expect(redactSecrets('nothing to hide here', [SECRET, undefined])).toBe('nothing to hide here');
    expect(redactSecrets('', [SECRET])).toBe('');
  });

  it('does not rebuild a secret from the mark and the text beside it', () => {
    // `]abc` + `abc` → `[redacted]abc`, which ends in `]abc` again.
    expect(redactSecrets(']abcabc', [']abc'])).not.toContain(']abc');
    // `abc` + `abc[` → `abc[redacted]`, which starts with `abc[` again.
    expect(redactSecrets('abcabc[', ['abc['])).not.toContain('abc[');
  });

  const character = fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('你', '%', '+', '/', '=', ' ', '&') },
    // The mark's brackets, so that secrets which can join up with a mark are tried often.
    { weight: 1, arbitrary: fc.constantFrom('[', ']') },
  );
  const secret = fc.string({ unit: character, minLength: 4, maxLength: 12 });

  /**
   * A text around a secret: random characters mixed with pieces of the secret (raw and
   * URL-encoded, whole or cut) and of the mark, so that occurrences which overlap each other or
   * touch a mark are tried too — not only a secret between unrelated strings.
   */
  const textAround = (value: string): fc.Arbitrary<string> => {
    const encoded = encodeURIComponent(value);
    const piece = fc.oneof(
      character,
      fc.constantFrom(value, encoded),
      fc.nat(value.length).map((cut) => value.slice(0, cut)),
      fc.nat(value.length).map((cut) => value.slice(cut)),
      fc.nat(REDACTED.length).map((cut) => REDACTED.slice(0, cut)),
      fc.nat(REDACTED.length).map((cut) => REDACTED.slice(cut)),
    );
    return fc
      .tuple(
        fc.array(piece, { maxLength: 6 }),
        fc.constantFrom(value, encoded),
        fc.array(piece, { maxLength: 6 }),
      )
      .map(([before, embedded, after]) => [...before, embedded, ...after].join(''));
  };

  it('property: a secret of 4+ characters embedded anywhere in any text is not in the output', () => {
    fc.assert(
      fc.property(
        secret
          // A secret that is part of the mark itself (`dact`) cannot be kept out of it.
          .filter((value) => !REDACTED.includes(value))
          .chain((value) => fc.tuple(fc.constant(value), textAround(value))),
        ([value, text]) => {
          const output = redactSecrets(text, [value]);
          expect(output).not.toContain(value);
          expect(output).not.toContain(encodeURIComponent(value));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: text that holds no secret passes through unchanged', () => {
    fc.assert(
      fc.property(fc.string(), secret, (plain, value) => {
        fc.pre(!plain.includes(value) && !plain.includes(encodeURIComponent(value)));
        expect(redactSecrets(plain, [value])).toBe(plain);
      }),
    );
  });
});
