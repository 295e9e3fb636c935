import { inspect } from 'node:util';
import { SignatureVerificationError, ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rongCloudSignature } from '../signing/signature.ts';
import { FIXTURE_APP_SECRET, FIXTURE_NOW_MS, signedQuery } from './__fixtures__/webhooks.ts';
import {
  DEFAULT_WEBHOOK_MAX_AGE_MS,
  type VerifyRongCloudWebhookSignatureOptions,
  verifyRongCloudWebhookSignature,
} from './sign.ts';

/** The published Server API vector (reference §A1): the same formula signs callbacks. */
const PUBLISHED = {
  appSecret: 'Y1W2MeFwwwRxa0',
  nonce: '14314',
  timestamp: '1408710653000',
  signature: '30be0bbca9c9b2e27578701e9fda2358a814c88f',
};

const options: VerifyRongCloudWebhookSignatureOptions = {
  appSecret: FIXTURE_APP_SECRET,
  nowMs: FIXTURE_NOW_MS,
};

function query(parameters: Record<string, string>): URLSearchParams {
  return new URLSearchParams(parameters);
}

/** Changes one hex digit of a signature. */
function flipDigit(signature: string, index: number): string {
  const digit = signature[index] === '0' ? '1' : '0';
  return `${signature.slice(0, index)}${digit}${signature.slice(index + 1)}`;
}

async function verifyError(
  parameters: URLSearchParams | URL,
  verifyOptions: VerifyRongCloudWebhookSignatureOptions = options,
): Promise<unknown> {
  try {
    await verifyRongCloudWebhookSignature(parameters, verifyOptions);
  } catch (error) {
    return error;
  }
  throw new Error('expected verifyRongCloudWebhookSignature to reject');
}

async function reasonOf(
  parameters: URLSearchParams | URL,
  verifyOptions: VerifyRongCloudWebhookSignatureOptions = options,
): Promise<string | undefined> {
  const error = await verifyError(parameters, verifyOptions);
  if (!SignatureVerificationError.isInstance(error)) throw error;
  return error.reason;
}

describe('verifyRongCloudWebhookSignature', () => {
  describe('accepted spellings', () => {
    it('accepts nonce, signTimestamp (ms) and signature', async () => {
      await expect(
        verifyRongCloudWebhookSignature(query(signedQuery()), options),
      ).resolves.toBeUndefined();
    });

    it('accepts rc-nonce, rc-timestamp (seconds) and rc-signature', async () => {
      const parameters = signedQuery({ spelling: 'rc-prefixed' });
      expect(parameters['rc-timestamp']).toBe('1726627371');
      await expect(
        verifyRongCloudWebhookSignature(query(parameters), options),
      ).resolves.toBeUndefined();
    });

    it('accepts the message-callback spelling nonce, timestamp, signature', async () => {
      await expect(
        verifyRongCloudWebhookSignature(
          query(signedQuery({ spelling: 'plain-timestamp' })),
          options,
        ),
      ).resolves.toBeUndefined();
    });

    it('accepts a URL as well as its query, with other parameters around', async () => {
      const url = new URL(
        `https://bot.example.com/hook?appKey=k&${new URLSearchParams(signedQuery())}&x=1`,
      );
      await expect(verifyRongCloudWebhookSignature(url, options)).resolves.toBeUndefined();
    });

    it('accepts the published vector at its own time', async () => {
      expect(rongCloudSignature(PUBLISHED.appSecret, PUBLISHED.nonce, PUBLISHED.timestamp)).toBe(
        PUBLISHED.signature,
      );
      await expect(
        verifyRongCloudWebhookSignature(
          query({
            nonce: PUBLISHED.nonce,
            signTimestamp: PUBLISHED.timestamp,
            signature: PUBLISHED.signature,
          }),
          { appSecret: PUBLISHED.appSecret, nowMs: Number(PUBLISHED.timestamp) },
        ),
      ).resolves.toBeUndefined();
    });

    it('accepts an upper-case signature and parameter names in another letter case', async () => {
      const { nonce, signTimestamp, signature } = signedQuery() as Record<string, string>;
      await expect(
        verifyRongCloudWebhookSignature(
          query({
            Nonce: nonce as string,
            SignTimestamp: signTimestamp as string,
            Signature: (signature as string).toUpperCase(),
          }),
          options,
        ),
      ).resolves.toBeUndefined();
    });

    it('prefers signTimestamp over timestamp when both are present', async () => {
      const parameters = { ...signedQuery(), timestamp: '1' };
      await expect(
        verifyRongCloudWebhookSignature(query(parameters), options),
      ).resolves.toBeUndefined();
    });

    it('accepts an App Secret given as an async resolver', async () => {
      await expect(
        verifyRongCloudWebhookSignature(query(signedQuery()), {
          ...options,
          appSecret: async () => FIXTURE_APP_SECRET,
        }),
      ).resolves.toBeUndefined();
    });
  });

  describe('rejections', () => {
    it('rejects the right signature under another secret as a mismatch', async () => {
      expect(await reasonOf(query(signedQuery({ appSecret: 'another-secret' })))).toBe('mismatch');
    });

    it('rejects the App Key passed where the App Secret belongs, with a hint', async () => {
      const error = await verifyError(query(signedQuery()), { ...options, appSecret: 'app-key' });
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('mismatch');
      expect((error as Error).message).toContain('App Secret');
    });

    it('rejects a signature with one digit changed, or a changed nonce, as a mismatch', async () => {
      const parameters = signedQuery();
      for (const index of [0, 19, 39]) {
        const tampered = { ...parameters, signature: flipDigit(parameters.signature ?? '', index) };
        expect(await reasonOf(query(tampered))).toBe('mismatch');
      }
      expect(await reasonOf(query({ ...parameters, nonce: '83683' }))).toBe('mismatch');
    });

    it('rejects a timestamp re-sent in the other unit as a mismatch (it is hashed as sent)', async () => {
      const parameters = signedQuery();
      const inSeconds = { ...parameters, signTimestamp: String(FIXTURE_NOW_MS / 1000) };
      expect(await reasonOf(query(inSeconds))).toBe('mismatch');
    });

    it('accepts a timestamp exactly maxAgeMs away and rejects one 1 ms further, both ways', async () => {
      const parameters = query(signedQuery());
      for (const skew of [DEFAULT_WEBHOOK_MAX_AGE_MS, -DEFAULT_WEBHOOK_MAX_AGE_MS]) {
        await expect(
          verifyRongCloudWebhookSignature(parameters, { ...options, nowMs: FIXTURE_NOW_MS + skew }),
        ).resolves.toBeUndefined();
      }
      expect(
        await reasonOf(parameters, {
          ...options,
          nowMs: FIXTURE_NOW_MS + DEFAULT_WEBHOOK_MAX_AGE_MS + 1,
        }),
      ).toBe('expired');
      expect(
        await reasonOf(parameters, {
          ...options,
          nowMs: FIXTURE_NOW_MS - DEFAULT_WEBHOOK_MAX_AGE_MS - 1,
        }),
      ).toBe('expired');
    });

    it('reads a timestamp below 10^11 as seconds: a stale rc-timestamp is expired', async () => {
      const stale = signedQuery({ spelling: 'rc-prefixed', timestamp: '1726626000' });
      expect(await reasonOf(query(stale))).toBe('expired');
      const fresh = signedQuery({ spelling: 'rc-prefixed', timestamp: '1726627300' });
      await expect(verifyRongCloudWebhookSignature(query(fresh), options)).resolves.toBeUndefined();
    });

    it('honours a custom maxAgeMs', async () => {
      const parameters = query(signedQuery());
      expect(
        await reasonOf(parameters, { ...options, nowMs: FIXTURE_NOW_MS + 1001, maxAgeMs: 1000 }),
      ).toBe('expired');
    });

    it('uses the current clock when nowMs is not given', async () => {
      const fresh = signedQuery({ timestamp: String(Date.now()) });
      await expect(
        verifyRongCloudWebhookSignature(query(fresh), { appSecret: FIXTURE_APP_SECRET }),
      ).resolves.toBeUndefined();
      expect(await reasonOf(query(signedQuery()), { appSecret: FIXTURE_APP_SECRET })).toBe(
        'expired',
      );
    });

    it.each(['nonce', 'signTimestamp', 'signature'])(
      'rejects a query without %s, or with it empty, as missing',
      async (name) => {
        const { [name]: _removed, ...rest } = signedQuery();
        expect(await reasonOf(query(rest))).toBe('missing');
        expect(await reasonOf(query({ ...signedQuery(), [name]: '' }))).toBe('missing');
      },
    );

    it('rejects an empty query as missing', async () => {
      expect(await reasonOf(new URL('https://bot.example.com/hook'))).toBe('missing');
    });

    it.each([
      ['a word', 'soon'],
      ['negative', '-1726627371000'],
      ['fractional', '1726627371000.5'],
      ['padded', ' 1726627371000'],
      ['16 digits', '1726627371000000'],
    ])('rejects a timestamp that is %s as malformed', async (_name, timestamp) => {
      const parameters = { ...signedQuery(), signTimestamp: timestamp };
      expect(await reasonOf(query(parameters))).toBe('malformed');
    });

    it.each([
      ['too short', (signature: string) => signature.slice(0, 39)],
      ['too long', (signature: string) => `${signature}0`],
      ['not hex', (signature: string) => `${signature.slice(0, 39)}g`],
      ['a SHA-256', (signature: string) => signature.padEnd(64, '0')],
    ])('rejects a signature that is %s as malformed', async (_name, change) => {
      const parameters = signedQuery();
      const changed = { ...parameters, signature: change(parameters.signature ?? '') };
      expect(await reasonOf(query(changed))).toBe('malformed');
    });

    it('does not call the secret resolver for a missing, malformed or stale signature', async () => {
      let calls = 0;
      const appSecret = (): string => {
        calls += 1;
        return FIXTURE_APP_SECRET;
      };
      const verifyOptions = { ...options, appSecret };
      expect(await reasonOf(query({}), verifyOptions)).toBe('missing');
      expect(await reasonOf(query({ ...signedQuery(), signature: 'x' }), verifyOptions)).toBe(
        'malformed',
      );
      expect(
        await reasonOf(query(signedQuery()), { ...verifyOptions, nowMs: FIXTURE_NOW_MS * 2 }),
      ).toBe('expired');
      expect(calls).toBe(0);
      await verifyRongCloudWebhookSignature(query(signedQuery()), verifyOptions);
      expect(calls).toBe(1);
    });
  });

  describe('options', () => {
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['blank', '   '],
      ['a number', 42],
    ])('refuses an appSecret that is %s, naming RONGCLOUD_APP_SECRET', async (_name, appSecret) => {
      const error = await verifyError(query(signedQuery()), {
        appSecret: appSecret as unknown as string,
      });
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
      expect((error as Error).message).toContain('RONGCLOUD_APP_SECRET');
    });

    it('refuses a resolver that returns an empty string', async () => {
      const error = await verifyError(query(signedQuery()), { ...options, appSecret: () => '' });
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
    });

    it('reports a resolver that throws without its error, which may hold the secret', async () => {
      const error = await verifyError(query(signedQuery()), {
        ...options,
        appSecret: () => {
          throw new Error(`vault said ${FIXTURE_APP_SECRET}`);
        },
      });
      expect(ValidationError.isInstance(error) && error.code).toBe('secret-resolver-failed');
      expect(inspect(error)).not.toContain(FIXTURE_APP_SECRET);
    });

    it.each([
      ['maxAgeMs', Number.NaN],
      ['maxAgeMs', -1],
      ['maxAgeMs', 1.5],
      ['nowMs', Number.NaN],
      ['nowMs', -1],
      ['nowMs', Number.POSITIVE_INFINITY],
    ])('refuses %s = %s', async (name, value) => {
      const error = await verifyError(query(signedQuery()), { ...options, [name]: value });
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
      expect((error as Error).message).toContain(name);
    });
  });

  describe('properties', () => {
    it('accepts any secret, nonce and timestamp it signed, and rejects any other signature', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'grapheme', minLength: 1 }).filter((secret) => secret.trim() !== ''),
          fc.string({ minLength: 1, maxLength: 18 }),
          fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 }),
          fc.integer({ min: -DEFAULT_WEBHOOK_MAX_AGE_MS, max: DEFAULT_WEBHOOK_MAX_AGE_MS }),
          fc.integer({ min: 0, max: 39 }),
          async (appSecret, nonce, timestampMs, skew, index) => {
            const timestamp = String(timestampMs);
            const signature = rongCloudSignature(appSecret, nonce, timestamp);
            const nowMs = timestampMs + skew;
            const good = query({ nonce, signTimestamp: timestamp, signature });
            await verifyRongCloudWebhookSignature(good, { appSecret, nowMs });
            const bad = query({
              nonce,
              signTimestamp: timestamp,
              signature: flipDigit(signature, index),
            });
            expect(await reasonOf(bad, { appSecret, nowMs })).toBe('mismatch');
          },
        ),
        { numRuns: 100 },
      );
    });

    it('answers arbitrary query strings with a typed rejection or success, never a crash', async () => {
      const parameter = fc.constantFrom(
        'nonce',
        'rc-nonce',
        'signTimestamp',
        'timestamp',
        'rc-timestamp',
        'signature',
        'rc-signature',
        'other',
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(parameter, fc.string())), async (pairs) => {
          try {
            await verifyRongCloudWebhookSignature(new URLSearchParams(pairs), options);
          } catch (error) {
            expect(SignatureVerificationError.isInstance(error)).toBe(true);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
