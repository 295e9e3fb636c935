import {
  checkInteger,
  checkNumber,
  type OptionReference,
  SignatureVerificationError,
} from '@imbridge/core';
import { checkSecretInput, resolveSecret, type SecretInput } from '@imbridge/provider-utils';
import { constantTimeEqual, rongCloudSignature } from '../signing/signature.ts';

/**
 * Default freshness window of webhook signatures: 5 minutes, in either direction. RongCloud
 * documents no window for its callbacks; 5 minutes absorbs clock skew and the one-second
 * resolution of the old `rc-timestamp` spelling while keeping the replay window short.
 */
export const DEFAULT_WEBHOOK_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * A signature timestamp below this is read as unix seconds, at or above it as milliseconds:
 * 10^11 seconds is the year 5138, 10^11 milliseconds is March 1973, so no real time of either
 * unit falls on the wrong side.
 */
const SECONDS_BELOW = 100_000_000_000;

/** The accepted spellings of each signature query parameter, in order of preference. */
const PARAMETER_NAMES = {
  nonce: ['nonce', 'rc-nonce'],
  timestamp: ['signTimestamp', 'timestamp', 'rc-timestamp'],
  signature: ['signature', 'rc-signature'],
} as const;

const TIMESTAMP_PATTERN = /^\d{1,15}$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{40}$/;

/** The environment variable the examples read the App Secret from. */
const APP_SECRET_ENV = 'RONGCLOUD_APP_SECRET';

/** Options of {@link verifyRongCloudWebhookSignature}. */
export interface VerifyRongCloudWebhookSignatureOptions {
  /**
   * The App Secret of the RongCloud app (a value or an async resolver; `RONGCLOUD_APP_SECRET` in
   * the examples) — not the App Key. It is resolved only once the query parameters are present,
   * well formed and fresh, so unsigned junk never reaches a secret store.
   */
  appSecret: SecretInput;
  /** The current time in unix milliseconds, for the freshness window. @default Date.now() */
  nowMs?: number | undefined;
  /**
   * Accepted distance between the signed timestamp and now, in milliseconds, either direction.
   * @default 300000 (5 minutes)
   */
  maxAgeMs?: number | undefined;
}

/** The checked settings of a signature verification. */
export interface SignatureSettings {
  /** The App Secret or its resolver (resolved only when a signature is compared). */
  appSecret: SecretInput;
  /** The current time, unix milliseconds. */
  nowMs: number;
  /** The freshness window, milliseconds. */
  maxAgeMs: number;
}

function appSecretOption(owner: string): OptionReference {
  return { owner, name: 'appSecret', envVariable: APP_SECRET_ENV, secret: true };
}

/**
 * Checks the options of a signature verification on behalf of `owner` (the function the user
 * called, named in the error).
 */
export function checkSignatureSettings(
  owner: string,
  options: { appSecret?: unknown; nowMs?: unknown; maxAgeMs?: unknown },
): SignatureSettings {
  const { nowMs, maxAgeMs } = options;
  return {
    appSecret: checkSecretInput(options.appSecret, appSecretOption(owner)),
    nowMs:
      nowMs === undefined ? Date.now() : checkNumber(nowMs, { owner, name: 'nowMs' }, { min: 0 }),
    maxAgeMs:
      maxAgeMs === undefined
        ? DEFAULT_WEBHOOK_MAX_AGE_MS
        : checkInteger(maxAgeMs, { owner, name: 'maxAgeMs' }, { min: 0 }),
  };
}

/** The first of `names` present in the query: exact spelling first, then any letter case. */
function firstParameter(query: URLSearchParams, names: readonly string[]): string | undefined {
  for (const name of names) {
    const exact = query.get(name);
    if (exact !== null) return exact;
  }
  for (const name of names) {
    const lower = name.toLowerCase();
    for (const [key, value] of query) if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

const FAILURE_MESSAGES = {
  missing: 'The webhook URL carries no nonce, timestamp or signature query parameter',
  malformed: 'The webhook timestamp or signature query parameter is malformed',
  expired: 'The webhook timestamp is outside the accepted window',
  mismatch:
    'The webhook signature does not match (is appSecret the App Secret of this app, not its App Key?)',
} as const;

function rejected(reason: keyof typeof FAILURE_MESSAGES): SignatureVerificationError {
  return new SignatureVerificationError({ reason, message: FAILURE_MESSAGES[reason] });
}

/**
 * Verifies the signature query parameters with settings already checked. Shared by
 * {@link verifyRongCloudWebhookSignature} and `parseRongCloudWebhook`.
 */
export async function verifySignatureParameters(
  query: URLSearchParams,
  settings: SignatureSettings,
  owner: string,
): Promise<void> {
  const nonce = firstParameter(query, PARAMETER_NAMES.nonce);
  const timestamp = firstParameter(query, PARAMETER_NAMES.timestamp);
  const signature = firstParameter(query, PARAMETER_NAMES.signature);
  if (!nonce || !timestamp || !signature) throw rejected('missing');
  const received = signature.toLowerCase();
  if (!TIMESTAMP_PATTERN.test(timestamp) || !SIGNATURE_PATTERN.test(received)) {
    throw rejected('malformed');
  }
  const value = Number(timestamp);
  const timestampMs = value < SECONDS_BELOW ? value * 1000 : value;
  if (!(Math.abs(settings.nowMs - timestampMs) <= settings.maxAgeMs)) throw rejected('expired');
  const appSecret = await resolveSecret(settings.appSecret, appSecretOption(owner));
  const expected = rongCloudSignature(appSecret, nonce, timestamp);
  if (!constantTimeEqual(expected, received)) throw rejected('mismatch');
}

const OWNER = 'verifyRongCloudWebhookSignature';

/**
 * Verifies the signature RongCloud appends to the URL of a webhook (callback) request:
 * `signature = hex(sha1(appSecret + nonce + timestamp))`.
 *
 * Both spellings of the query parameters are accepted (reference "Open questions": which one
 * bot webhooks use is not confirmed): `nonce` or `rc-nonce`; `signTimestamp`, `timestamp` or
 * `rc-timestamp`; `signature` or `rc-signature` — the first present in that order, exact case
 * first, then any letter case. The timestamp is hashed as sent, and its unit is told by its
 * magnitude: below 10^11 it is unix **seconds** (the old `rc-timestamp` spelling, and the
 * official Java and Go SDKs), otherwise **milliseconds** (the documented `signTimestamp`). The
 * signature may be upper or lower case; it is compared in constant time.
 *
 * The signature covers the nonce and the timestamp only, **not the body**: whoever captures a
 * signed URL can post another body with it until the timestamp leaves the window. Keep
 * `maxAgeMs` short, serve the webhook over HTTPS only, and deduplicate on the message id.
 *
 * Checks run in this order: all three parameters present (`missing`), timestamp of at most 15
 * digits and signature of 40 hex digits (`malformed`), timestamp within `maxAgeMs` of now
 * (`expired`), then — after resolving `appSecret` — the signature (`mismatch`).
 *
 * @param url The request URL (`new URL(request.url)`) or its query.
 * @throws {SignatureVerificationError} `reason` `'missing'`, `'malformed'`, `'expired'` or
 * `'mismatch'`. No message holds the secret, the nonce or either signature.
 * @throws {ValidationError} code `'invalid-option'` when `appSecret` is missing or empty (also once
 * resolved), `nowMs` is not a non-negative finite number or `maxAgeMs` not a non-negative
 * integer; code `'secret-resolver-failed'` when the `appSecret` resolver throws (its error is
 * dropped: it may hold the secret).
 * @example
 * ```ts
 * try {
 *   await verifyRongCloudWebhookSignature(new URL(request.url), {
 *     appSecret: process.env.RONGCLOUD_APP_SECRET ?? '',
 *   });
 * } catch (error) {
 *   return webhookRejection(error); // 401 for a bad signature
 * }
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
export async function verifyRongCloudWebhookSignature(
  url: URL | URLSearchParams,
  options: VerifyRongCloudWebhookSignatureOptions,
): Promise<void> {
  const settings = checkSignatureSettings(OWNER, options);
  await verifySignatureParameters(url instanceof URL ? url.searchParams : url, settings, OWNER);
}
