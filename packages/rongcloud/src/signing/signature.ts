import { checkNonEmptyString, optionError } from '@imbridge/core';
import { sha1HexOfText } from '../crypto/sha1.ts';

/**
 * How many characters a nonce may have: RongCloud's documentation caps `Nonce` at 18.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/auth
 */
export const RONGCLOUD_MAX_NONCE_LENGTH = 18;

/**
 * The RongCloud signature: the lower-case hex SHA-1 of the UTF-8 bytes of
 * `appSecret + nonce + timestamp`. The same formula signs Server API requests (headers) and
 * RongCloud's callbacks to your server (query parameters `nonce`, `signTimestamp`, `signature`).
 *
 * Hashing runs synchronously on the calling thread (no Web Crypto promise per call). The inputs
 * are concatenated as they are given; a number timestamp is written in decimal.
 *
 * @param appSecret - The App Secret of the RongCloud app (not the App Key).
 * @param nonce - The nonce sent with the request or callback.
 * @param timestamp - The timestamp sent with it, as sent (milliseconds or seconds).
 * @returns 40 lower-case hex digits.
 * @example
 * ```ts
 * rongCloudSignature('Y1W2MeFwwwRxa0', '14314', '1408710653000');
 * // '30be0bbca9c9b2e27578701e9fda2358a814c88f'
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/auth
 */
export function rongCloudSignature(
  appSecret: string,
  nonce: string,
  timestamp: string | number,
): string {
  return sha1HexOfText(`${appSecret}${nonce}${timestamp}`);
}

/**
 * Compares two strings in time that depends only on the length of `a` (signatures, tokens):
 * every character is compared, whatever the first difference. Use it to check a received
 * signature against the expected one (`constantTimeEqual(expected, received)`).
 *
 * @returns `true` when both strings have the same length and the same UTF-16 code units.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let index = 0; index < a.length; index += 1) {
    difference |= a.charCodeAt(index) ^ (b.charCodeAt(index) | 0);
  }
  return difference === 0;
}

/**
 * Which spelling of the authentication headers to produce: `'standard'` (`App-Key`, `Nonce`,
 * `Timestamp`, `Signature`) or `'rc-prefixed'` (`RC-App-Key`, `RC-Nonce`, `RC-Timestamp`,
 * `RC-Signature`), for proxies and PaaS gateways that strip the unprefixed names. RongCloud
 * accepts either.
 */
export type RongCloudHeaderStyle = 'standard' | 'rc-prefixed';

/** The four authentication headers of a RongCloud Server API request, in the standard spelling. */
export interface RongCloudStandardAuthHeaders {
  /** The App Key. */
  'App-Key': string;
  /** The nonce (≤ 18 characters). */
  Nonce: string;
  /** The timestamp, in milliseconds since the epoch. */
  Timestamp: string;
  /** `hex(sha1(appSecret + nonce + timestamp))`. */
  Signature: string;
}

/** The four authentication headers of a RongCloud Server API request, `RC-` prefixed. */
export interface RongCloudPrefixedAuthHeaders {
  /** The App Key. */
  'RC-App-Key': string;
  /** The nonce (≤ 18 characters). */
  'RC-Nonce': string;
  /** The timestamp, in milliseconds since the epoch. */
  'RC-Timestamp': string;
  /** `hex(sha1(appSecret + nonce + timestamp))`. */
  'RC-Signature': string;
}

/** The authentication headers in the spelling chosen by `Style`. */
export type RongCloudAuthHeaders<Style extends RongCloudHeaderStyle = 'standard'> =
  Style extends 'rc-prefixed' ? RongCloudPrefixedAuthHeaders : RongCloudStandardAuthHeaders;

/** Options of {@link signRongCloudRequest}. */
export interface SignRongCloudRequestOptions<Style extends RongCloudHeaderStyle = 'standard'> {
  /** The App Key of the RongCloud app (sent in clear as `App-Key`). */
  appKey: string;
  /** The App Secret of the RongCloud app (signs; never sent). */
  appSecret: string;
  /**
   * The nonce: 1 to 18 characters.
   *
   * @default 18 random decimal digits (`crypto.getRandomValues`, drawn in batches)
   */
  nonce?: string | undefined;
  /**
   * The timestamp, as it will be sent: a non-negative integer (a number or a string of digits).
   * RongCloud documents milliseconds; the official Java and Go SDKs send seconds and the server
   * accepts both. imbridge sends milliseconds.
   *
   * @default `Date.now()` (milliseconds)
   */
  timestamp?: string | number | undefined;
  /**
   * The spelling of the headers.
   *
   * @default 'standard'
   */
  headerStyle?: Style | undefined;
}

/** What {@link signRongCloudRequest} returns. */
export interface SignedRongCloudRequest<Style extends RongCloudHeaderStyle = 'standard'> {
  /** The nonce that was signed. */
  nonce: string;
  /** The timestamp that was signed, as sent. */
  timestamp: string;
  /** `hex(sha1(appSecret + nonce + timestamp))`, lower case. */
  signature: string;
  /** The headers to send (the App Secret is not among them). */
  headers: RongCloudAuthHeaders<Style>;
}

const OWNER = 'signRongCloudRequest';
const DIGITS = /^\d+$/;
/** Largest multiple of 10^9 below 2^32: values at or above it are redrawn (no modulo bias). */
const UNBIASED_LIMIT = 4_000_000_000;
/** Random words drawn from `crypto.getRandomValues` in batches (one call per 128 nonces or so). */
const randomPool = new Uint32Array(256);
let randomPoolIndex = randomPool.length;

/** Nine random decimal digits. */
function randomNineDigits(): string {
  for (;;) {
    if (randomPoolIndex >= randomPool.length) {
      crypto.getRandomValues(randomPool);
      randomPoolIndex = 0;
    }
    const word = randomPool[randomPoolIndex] ?? UNBIASED_LIMIT;
    randomPool[randomPoolIndex] = 0;
    randomPoolIndex += 1;
    if (word < UNBIASED_LIMIT) return String(word % 1_000_000_000).padStart(9, '0');
  }
}

/** 18 random decimal digits (two unbiased draws of nine digits each). */
function randomNonce(): string {
  return randomNineDigits() + randomNineDigits();
}

function checkTimestamp(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw optionError({ owner: OWNER, name: 'timestamp' }, 'a non-negative integer', value);
    }
    return String(value);
  }
  if (typeof value !== 'string' || !DIGITS.test(value)) {
    throw optionError({ owner: OWNER, name: 'timestamp' }, 'a string of decimal digits', value);
  }
  return value;
}

/**
 * Signs one RongCloud Server API request: picks a fresh nonce and timestamp (unless given) and
 * returns them with the signature and the four headers to send.
 *
 * Call it for **every** request, retries included: RongCloud expects a fresh nonce and timestamp
 * on each request. (The official Node SDK, `rongcloud-sdk`, computes its nonce, timestamp and
 * signature once per process at `init` and reuses them forever; `createRongCloudClient` signs
 * every attempt afresh.)
 *
 * @throws {ValidationError} code `invalid-option` when `appKey` or `appSecret` is empty, the
 *   nonce is empty or longer than 18 characters, or the timestamp is not a non-negative integer.
 *   The App Secret is never shown, only its shape.
 * @example
 * ```ts
 * const { headers } = signRongCloudRequest({ appKey, appSecret });
 * await fetch('https://api.rong-api.com/user/getToken.json', { method: 'POST', headers, body });
 * // RC- prefixed spellings, for gateways that strip the plain names:
 * signRongCloudRequest({ appKey, appSecret, headerStyle: 'rc-prefixed' }).headers['RC-Signature'];
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/auth
 */
export function signRongCloudRequest<Style extends RongCloudHeaderStyle = 'standard'>(
  options: SignRongCloudRequestOptions<Style>,
): SignedRongCloudRequest<Style> {
  const appKey = checkNonEmptyString(options.appKey, { owner: OWNER, name: 'appKey' });
  const appSecret = checkNonEmptyString(options.appSecret, {
    owner: OWNER,
    name: 'appSecret',
    secret: true,
  });
  const nonce = options.nonce ?? randomNonce();
  if (
    typeof nonce !== 'string' ||
    nonce.length === 0 ||
    nonce.length > RONGCLOUD_MAX_NONCE_LENGTH
  ) {
    throw optionError(
      { owner: OWNER, name: 'nonce' },
      `a string of 1 to ${RONGCLOUD_MAX_NONCE_LENGTH} characters`,
      nonce,
    );
  }
  const timestamp = checkTimestamp(options.timestamp ?? Date.now());
  const signature = rongCloudSignature(appSecret, nonce, timestamp);
  const style = options.headerStyle ?? 'standard';
  if (style !== 'standard' && style !== 'rc-prefixed') {
    throw optionError(
      { owner: OWNER, name: 'headerStyle' },
      "one of 'standard', 'rc-prefixed'",
      style,
    );
  }
  const headers =
    style === 'rc-prefixed'
      ? {
          'RC-App-Key': appKey,
          'RC-Nonce': nonce,
          'RC-Timestamp': timestamp,
          'RC-Signature': signature,
        }
      : { 'App-Key': appKey, Nonce: nonce, Timestamp: timestamp, Signature: signature };
  return { nonce, timestamp, signature, headers: headers as RongCloudAuthHeaders<Style> };
}
