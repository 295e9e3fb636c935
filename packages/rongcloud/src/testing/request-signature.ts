/**
 * The Server API signature check of the local RongCloud: the four authentication headers in
 * either spelling (`App-Key` or `RC-App-Key`, and so on), the App Key, the nonce length, the
 * timestamp, then `Signature = hex(sha1(appSecret + nonce + timestamp))`. Every failure answers
 * HTTP 401 with code 1004, as RongCloud does.
 *
 * @module
 */
import { constantTimeEqual, rongCloudSignature } from '../signing/signature.ts';
import { LOCAL_RONGCLOUD_ERROR_CODES as CODES, fail } from './error-codes.ts';
import type { LocalRongCloudConfig } from './options.ts';

/** RongCloud's documented limit on `Nonce`. */
const MAX_NONCE_LENGTH = 18;

/** A timestamp below this is unix seconds (10^11 s is the year 5138), at or above milliseconds. */
const SECONDS_BELOW = 100_000_000_000;

const TIMESTAMP_PATTERN = /^\d{1,15}$/;

/** The authentication headers of a request, each from its plain or its `RC-` spelling. */
export interface SignatureHeaders {
  appKey: string | undefined;
  nonce: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

function header(headers: Headers, name: string): string | undefined {
  return headers.get(name) ?? headers.get(`RC-${name}`) ?? undefined;
}

/** Reads `App-Key`, `Nonce`, `Timestamp` and `Signature`, or their `RC-` spellings. */
export function readSignatureHeaders(headers: Headers): SignatureHeaders {
  return {
    appKey: header(headers, 'App-Key'),
    nonce: header(headers, 'Nonce'),
    timestamp: header(headers, 'Timestamp'),
    signature: header(headers, 'Signature'),
  };
}

function rejected(message: string): never {
  fail(CODES.signatureError, message);
}

/**
 * Checks the headers of a request; answers 1004 (HTTP 401) when a header is missing, the App Key
 * is not this app's, the nonce is over 18 characters, the timestamp is not a string of digits,
 * the signature does not match (compared in constant time, lower-case hex as documented) or —
 * with `timestampToleranceMs` — the timestamp is too far from now.
 */
export function checkRequestSignature(
  config: LocalRongCloudConfig,
  headers: SignatureHeaders,
): void {
  const { appKey, nonce, timestamp, signature } = headers;
  if (!appKey) rejected('App-Key (or RC-App-Key) header is missing');
  if (!nonce) rejected('Nonce (or RC-Nonce) header is missing');
  if (!timestamp) rejected('Timestamp (or RC-Timestamp) header is missing');
  if (!signature) rejected('Signature (or RC-Signature) header is missing');
  if (appKey !== config.appKey) rejected('App-Key is not the key of any app');
  if (nonce.length > MAX_NONCE_LENGTH) {
    rejected(`Nonce must be at most ${MAX_NONCE_LENGTH} characters, received ${nonce.length}`);
  }
  if (!TIMESTAMP_PATTERN.test(timestamp)) rejected('Timestamp must be a string of digits');
  const expected = rongCloudSignature(config.appSecret, nonce, timestamp);
  if (!constantTimeEqual(expected, signature)) {
    rejected('signature error: check that the App Key and the App Secret are right');
  }
  const tolerance = config.timestampToleranceMs;
  if (tolerance !== undefined) {
    const value = Number(timestamp);
    const timestampMs = value < SECONDS_BELOW ? value * 1000 : value;
    if (Math.abs(config.now() - timestampMs) > tolerance) {
      rejected(`Timestamp is more than ${tolerance} ms away from the server's clock`);
    }
  }
}
