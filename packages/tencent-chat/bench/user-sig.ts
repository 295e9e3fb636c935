/**
 * Figure 1: UserSig. `genUserSig` against the official `tls-sig-api-v2` package (same SDKAppID,
 * key, UserID and validity), and `verifyUserSig` against a plain Node check built from
 * `node:zlib` + `node:crypto` (tls-sig-api-v2 has no verifier). Imports the sources.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { inflateSync } from 'node:zlib';
import { genUserSig, verifyUserSig } from '../src/user-sig/user-sig.ts';
import { format, keep, printTable, runRounds, speedRows, type Variant } from './report.ts';
import { Api, EXPIRES_IN_SECONDS, SDK_APP_ID, SECRET_KEY, USER_ID } from './settings.ts';

/** A UserSig check with Node built-ins only (what a Node service would write by hand). */
function verifyWithNodeBuiltIns(userSig: string, secretKey: string): boolean {
  const standard = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  const doc = JSON.parse(inflateSync(Buffer.from(standard, 'base64')).toString('utf8')) as Record<
    string,
    unknown
  >;
  const content = `TLS.identifier:${String(doc['TLS.identifier'])}\nTLS.sdkappid:${String(doc['TLS.sdkappid'])}\nTLS.time:${String(doc['TLS.time'])}\nTLS.expire:${String(doc['TLS.expire'])}\n`;
  const expected = createHmac('sha256', secretKey).update(content).digest();
  const actual = Buffer.from(String(doc['TLS.sig']), 'base64');
  const fresh = Number(doc['TLS.time']) + Number(doc['TLS.expire']) >= Date.now() / 1000;
  return fresh && actual.length === expected.length && timingSafeEqual(actual, expected);
}

export async function figureUserSig(): Promise<void> {
  const official = new Api(SDK_APP_ID, SECRET_KEY);
  const options = {
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET_KEY,
    userId: USER_ID,
    expiresInSeconds: EXPIRES_IN_SECONDS,
  };
  // 33 secrets cycle through the 32-entry key cache, so every call derives its key afresh.
  const rotatingKeys = Array.from({ length: 33 }, (_, index) => `${SECRET_KEY}-${index}`);
  let rotation = 0;

  // What a Web-API-only implementation would pay for its HMAC alone (crypto.subtle, key imported
  // once, the same 100-odd bytes signed): ours computes the whole UserSig in TypeScript instead.
  const webCryptoKey = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(SECRET_KEY),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signedContent = new TextEncoder().encode(
    `TLS.identifier:${USER_ID}\nTLS.sdkappid:${SDK_APP_ID}\nTLS.time:1700000000\nTLS.expire:${EXPIRES_IN_SECONDS}\n`,
  );

  const officialLabel = 'tls-sig-api-v2 Api#genUserSig (sync)';
  const genVariants: Variant[] = [
    {
      name: officialLabel,
      baseline: officialLabel,
      batch: 2_000,
      run: async (batch) => {
        const start = performance.now();
        for (let index = 0; index < batch; index += 1) {
          keep(official.genUserSig(USER_ID, EXPIRES_IN_SECONDS));
        }
        return performance.now() - start;
      },
    },
    {
      name: 'genUserSig (ours, awaited)',
      baseline: officialLabel,
      batch: 2_000,
      run: async (batch) => {
        const start = performance.now();
        for (let index = 0; index < batch; index += 1) keep(await genUserSig(options));
        return performance.now() - start;
      },
    },
    {
      name: 'Web Crypto HMAC alone (no UserSig around it)',
      baseline: officialLabel,
      batch: 500,
      run: async (batch) => {
        const key = await webCryptoKey;
        const start = performance.now();
        for (let index = 0; index < batch; index += 1)
          keep(await crypto.subtle.sign('HMAC', key, signedContent));
        return performance.now() - start;
      },
    },
    {
      name: 'genUserSig (ours), new secret each call',
      baseline: officialLabel,
      batch: 2_000,
      run: async (batch) => {
        const start = performance.now();
        for (let index = 0; index < batch; index += 1) {
          rotation = (rotation + 1) % rotatingKeys.length;
          const secretKey = rotatingKeys[rotation] ?? SECRET_KEY;
          keep(await genUserSig({ ...options, secretKey }));
        }
        return performance.now() - start;
      },
    },
  ];

  const officialUserSig = official.genUserSig(USER_ID, EXPIRES_IN_SECONDS);
  const check = await verifyUserSig({ ...options, userSig: officialUserSig });
  if (!check.valid || !verifyWithNodeBuiltIns(officialUserSig, SECRET_KEY)) {
    throw new Error('the verification set-up is wrong: an official UserSig was rejected');
  }
  const nodeLabel = 'node:zlib inflateSync + node:crypto HMAC';
  const verifyVariants: Variant[] = [
    {
      name: nodeLabel,
      baseline: nodeLabel,
      batch: 1_000,
      run: async (batch) => {
        const start = performance.now();
        for (let index = 0; index < batch; index += 1) {
          keep(verifyWithNodeBuiltIns(officialUserSig, SECRET_KEY));
        }
        return performance.now() - start;
      },
    },
    {
      name: 'verifyUserSig (ours, awaited)',
      baseline: nodeLabel,
      batch: 1_000,
      run: async (batch) => {
        const start = performance.now();
        for (let index = 0; index < batch; index += 1) {
          keep(await verifyUserSig({ ...options, userId: USER_ID, userSig: officialUserSig }));
        }
        return performance.now() - start;
      },
    },
  ];

  const headers = ['variant', 'ops/s', 'µs/op', 'speed vs first row'];
  printTable('1a. genUserSig', headers, speedRows(genVariants, await runRounds(genVariants)), [
    `Same inputs on both sides: SDKAppID ${SDK_APP_ID}, a 64-character secret key, UserID "${USER_ID}", validity ${format(EXPIRES_IN_SECONDS)} s, issue time = now. The official library builds an Api object once (its intended use); ours takes the options object per call.`,
    "Ours: validation, HMAC-SHA256 in TypeScript (pad states cached per secret), the built-in fixed-Huffman zlib encoder and UserSig base64, resolved through a promise; the official package uses node:crypto createHmac and zlib.deflateSync. 'New secret each call' cycles 33 secrets through the 32-entry cache, so every call also derives the key (UTF-8 encode + 2 compressions).",
  ]);
  printTable(
    '1b. verifyUserSig (tls-sig-api-v2 has no verifier)',
    headers,
    speedRows(verifyVariants, await runRounds(verifyVariants)),
    [
      'Input: a UserSig issued by tls-sig-api-v2 (zlib level 6). The first row is a minimal hand-written Node check (no schema, no length or inflate caps beyond Node defaults).',
      'Ours: UserSig base64 decode, the built-in synchronous inflater capped at 64 KiB with its Adler-32 check, JSON checked by hand (no schema library), SDKAppID / UserID / expiry checks, HMAC, constant-time compare, resolved through a promise.',
    ],
  );
}
