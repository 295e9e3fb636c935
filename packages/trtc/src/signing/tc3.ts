import { checkNonEmptyString, type OptionReference, optionError } from '@imbridge/core';
import { hmacSha256Hex, sha256Hex } from '../crypto/sha256.ts';
import { derivedSigningKey } from './derived-key.ts';

/** The TC3 algorithm name, first in the `Authorization` value and the string to sign. */
export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** The languages Tencent Cloud API 3.0 answers error messages in (`X-TC-Language`). */
export const TC3_LANGUAGES = ['zh-CN', 'en-US'] as const;

/** A value of {@link TC3_LANGUAGES}. */
export type TC3Language = (typeof TC3_LANGUAGES)[number];

/** Options of {@link signTc3Request}. */
export interface SignTC3RequestOptions {
  /** The API key's SecretId (`TENCENTCLOUD_SECRET_ID`); sent in clear in `Authorization`. */
  secretId: string;
  /** The API key's SecretKey (`TENCENTCLOUD_SECRET_KEY`); signs, never sent. */
  secretKey: string;
  /** The STS session token of temporary credentials (`TENCENTCLOUD_SESSION_TOKEN`): sent as `X-TC-Token`, not signed. */
  sessionToken?: string | undefined;
  /** The credential-scope service: the first label of the product's host, e.g. `'trtc'`. */
  service: string;
  /** The `Host` header as sent: `trtc.tencentcloudapi.com` (with `:port` when the URL has one). */
  host: string;
  /** The API action, e.g. `'StartAIConversation'` (`X-TC-Action`). */
  action: string;
  /** The API version, e.g. `'2019-07-22'` (`X-TC-Version`). */
  version: string;
  /** The region (`X-TC-Region`), for the APIs that take one. Left out: no header. */
  region?: string | undefined;
  /** Unix time in seconds (`X-TC-Timestamp`); its UTC date is the credential scope's date. */
  timestampSeconds: number;
  /** The exact body sent: a string (hashed as UTF-8) or bytes. A GET request hashes `''`. */
  payload: string | Uint8Array;
  /**
   * The `Content-Type` sent, byte for byte (signed lower-cased).
   *
   * @default 'application/json'
   */
  contentType?: string | undefined;
  /** `X-TC-Language`: the language of error messages. Left out: no header (Tencent answers in Chinese). */
  language?: TC3Language | undefined;
  /**
   * Also sign `x-tc-action` (lower-cased), as Tencent's newest signature demo does
   * (`SignedHeaders=content-type;host;x-tc-action`). The official SDKs sign only
   * `content-type;host`; the server accepts both.
   *
   * @default false
   */
  signAction?: boolean | undefined;
  /**
   * The HTTP method.
   *
   * @default 'POST'
   */
  method?: 'POST' | 'GET' | undefined;
  /**
   * The canonical query string (a GET request's URL-encoded query, without `?`).
   *
   * @default ''
   */
  canonicalQueryString?: string | undefined;
}

/** The headers of a TC3-signed request (the `Host` header is implied by the URL with `fetch`). */
export interface TC3Headers {
  /** `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
  Authorization: string;
  /** The content type that was signed. */
  'Content-Type': string;
  /** The host that was signed. */
  Host: string;
  /** The action. */
  'X-TC-Action': string;
  /** The timestamp, in seconds. */
  'X-TC-Timestamp': string;
  /** The API version. */
  'X-TC-Version': string;
  /** The region, when given. */
  'X-TC-Region'?: string;
  /** The session token of temporary credentials, when given. */
  'X-TC-Token'?: string;
  /** The language of error messages, when given. */
  'X-TC-Language'?: string;
}

/** What {@link signTc3Request} returns. */
export interface SignedTC3Request {
  /** The `Authorization` value. */
  authorization: string;
  /** The 64 lower-case hex digits of the signature. */
  signature: string;
  /** `<date>/<service>/tc3_request`. */
  credentialScope: string;
  /** The headers to send (the SecretKey is not among them). */
  headers: TC3Headers;
}

const OWNER = 'signTc3Request';
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/;
const TOKEN = /^[A-Za-z0-9-]+$/;
const VERSION = /^\d{4}-\d{2}-\d{2}$/;
/** Characters that would break a header or the canonical request. */
const LINE_BREAK = /[\r\n]/;
/** 9999-12-31T23:59:59Z: the last second with a four-digit year. */
const MAX_TIMESTAMP_SECONDS = 253_402_300_799;

function checkPattern(value: unknown, name: string, pattern: RegExp, expected: string): string {
  const reference: OptionReference = { owner: OWNER, name };
  const text = checkNonEmptyString(value, reference);
  if (!pattern.test(text)) throw optionError(reference, expected, value);
  return text;
}

function checkHeaderValue(value: unknown, reference: OptionReference): string {
  const text = checkNonEmptyString(value, reference);
  if (LINE_BREAK.test(text)) throw optionError(reference, 'a string without line breaks', value);
  return text;
}

/** The UTC `yyyy-mm-dd` of a Unix time in seconds (the credential scope's date). */
export function tc3Date(timestampSeconds: number): string {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

/**
 * Signs one Tencent Cloud API 3.0 request with TC3-HMAC-SHA256 and returns the `Authorization`
 * value and the headers to send. The payload hashed is the exact body sent; the derived key chain
 * (date → service → `tc3_request`) is cached per secret key, UTC date and service, so signing is
 * one HMAC and two SHA-256 hashes, synchronous, with no platform crypto.
 *
 * Sign every attempt afresh (a retry gets a new timestamp): Tencent rejects a timestamp more than
 * 5 minutes from its clock (`AuthFailure.SignatureExpire`).
 *
 * @throws {ValidationError} code `invalid-option` when a field is empty or malformed (a host with
 *   a path, a version not `yyyy-mm-dd`, a header value with a line break, a timestamp that is not
 *   a non-negative integer). The SecretKey and session token are shown only by their shape.
 * @example
 * ```ts
 * const body = JSON.stringify({ TaskId: 'task-123' });
 * const { headers } = signTc3Request({
 *   secretId: process.env.TENCENTCLOUD_SECRET_ID ?? '',
 *   secretKey: process.env.TENCENTCLOUD_SECRET_KEY ?? '',
 *   service: 'trtc', host: 'trtc.tencentcloudapi.com',
 *   action: 'StopAIConversation', version: '2019-07-22', region: 'ap-guangzhou',
 *   timestampSeconds: Math.floor(Date.now() / 1000), payload: body,
 * });
 * const { Host: _host, ...sent } = headers; // fetch sets Host from the URL
 * await fetch('https://trtc.tencentcloudapi.com/', { method: 'POST', headers: sent, body });
 * ```
 * @see https://www.tencentcloud.com/document/api/1021/34193
 */
export function signTc3Request(options: SignTC3RequestOptions): SignedTC3Request {
  const secretId = checkHeaderValue(options.secretId, {
    owner: OWNER,
    name: 'secretId',
    envVariable: 'TENCENTCLOUD_SECRET_ID',
  });
  const secretKey = checkNonEmptyString(options.secretKey, {
    owner: OWNER,
    name: 'secretKey',
    envVariable: 'TENCENTCLOUD_SECRET_KEY',
    secret: true,
  });
  const service = checkPattern(options.service, 'service', TOKEN, 'letters, digits and dashes');
  const host = checkPattern(options.host, 'host', HOST, 'a host name, with an optional :port');
  const action = checkPattern(
    options.action,
    'action',
    TOKEN,
    'an action name such as StartAIConversation',
  );
  const version = checkPattern(options.version, 'version', VERSION, 'a version such as 2019-07-22');
  const timestampSeconds = options.timestampSeconds;
  if (
    !Number.isSafeInteger(timestampSeconds) ||
    timestampSeconds < 0 ||
    timestampSeconds > MAX_TIMESTAMP_SECONDS
  ) {
    throw optionError(
      { owner: OWNER, name: 'timestampSeconds' },
      'a non-negative integer of seconds before the year 10000',
      timestampSeconds,
    );
  }
  const payload = options.payload;
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw optionError({ owner: OWNER, name: 'payload' }, 'a string or a Uint8Array', payload);
  }
  const contentType =
    options.contentType === undefined
      ? 'application/json'
      : checkHeaderValue(options.contentType, { owner: OWNER, name: 'contentType' });
  const method = options.method ?? 'POST';
  if (method !== 'POST' && method !== 'GET') {
    throw optionError({ owner: OWNER, name: 'method' }, "'POST' or 'GET'", method);
  }
  const query = options.canonicalQueryString ?? '';
  if (typeof query !== 'string' || LINE_BREAK.test(query)) {
    throw optionError(
      { owner: OWNER, name: 'canonicalQueryString' },
      'a string without line breaks',
      query,
    );
  }

  const date = tc3Date(timestampSeconds);
  const credentialScope = `${date}/${service}/tc3_request`;
  const lowerHost = host.toLowerCase();
  let canonicalHeaders = `content-type:${contentType.trim().toLowerCase()}\nhost:${lowerHost}\n`;
  let signedHeaders = 'content-type;host';
  if (options.signAction === true) {
    canonicalHeaders += `x-tc-action:${action.toLowerCase()}\n`;
    signedHeaders += ';x-tc-action';
  }
  const canonicalRequest = `${method}\n/\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${sha256Hex(payload)}`;
  const stringToSign = `${TC3_ALGORITHM}\n${timestampSeconds}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
  const signature = hmacSha256Hex(derivedSigningKey(secretKey, date, service), stringToSign);
  const authorization = `${TC3_ALGORITHM} Credential=${secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;

  const headers: TC3Headers = {
    Authorization: authorization,
    'Content-Type': contentType,
    Host: lowerHost,
    'X-TC-Action': action,
    'X-TC-Timestamp': String(timestampSeconds),
    'X-TC-Version': version,
  };
  if (options.region !== undefined) {
    headers['X-TC-Region'] = checkPattern(
      options.region,
      'region',
      TOKEN,
      'a region such as ap-guangzhou',
    );
  }
  if (options.sessionToken !== undefined) {
    headers['X-TC-Token'] = checkHeaderValue(options.sessionToken, {
      owner: OWNER,
      name: 'sessionToken',
      envVariable: 'TENCENTCLOUD_SESSION_TOKEN',
      secret: true,
    });
  }
  if (options.language !== undefined) {
    if (!(TC3_LANGUAGES as readonly string[]).includes(options.language)) {
      throw optionError(
        { owner: OWNER, name: 'language' },
        "one of 'zh-CN', 'en-US'",
        options.language,
      );
    }
    headers['X-TC-Language'] = options.language;
  }
  return { authorization, signature, credentialScope, headers };
}
