import { type OptionReference, SignatureVerificationError } from '@imbridge/core';
import { checkSecretInput, resolveSecret, type SecretInput } from '@imbridge/provider-utils';

/** The environment variable the examples read the callback key from. */
const CALLBACK_KEY_ENV = 'TRTC_CALLBACK_KEY';

/**
 * A `Sign` header: the base64 of a 32-byte HMAC-SHA256, so 43 base64 characters and one `=`.
 * Surrounding whitespace is trimmed before the check.
 */
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

const encoder = new TextEncoder();

/** Options of {@link verifyTrtcWebhook} and {@link computeTrtcWebhookSignature}. */
export interface VerifyTrtcWebhookOptions {
  /**
   * The callback signing key set in the TRTC console next to the callback URL (a value or an
   * async resolver; `TRTC_CALLBACK_KEY` in the examples). The console takes up to 32 letters and
   * digits. It is resolved only once the `Sign` header is present and well formed.
   */
  callbackKey: SecretInput;
}

/** The reference to the `callbackKey` option in errors raised on behalf of `owner`. */
export function callbackKeyOption(owner: string): OptionReference {
  return { owner, name: 'callbackKey', envVariable: CALLBACK_KEY_ENV, secret: true };
}

const FAILURE_MESSAGES = {
  missing: 'The webhook request carries no Sign header',
  malformed: 'The webhook Sign header is not the base64 of an HMAC-SHA256',
  mismatch:
    'The webhook signature does not match the body (is callbackKey the key set in the TRTC console?)',
} as const;

function rejected(reason: keyof typeof FAILURE_MESSAGES): SignatureVerificationError {
  return new SignatureVerificationError({ reason, message: FAILURE_MESSAGES[reason] });
}

/**
 * The 32 bytes of a `Sign` header.
 *
 * @throws {SignatureVerificationError} `'missing'` for an absent or blank header, `'malformed'`
 * for anything but 44 characters of standard base64.
 */
export function decodeSignature(signature: string | null | undefined): Uint8Array<ArrayBuffer> {
  const value = typeof signature === 'string' ? signature.trim() : '';
  if (value === '') throw rejected('missing');
  if (!SIGNATURE_PATTERN.test(value)) throw rejected('malformed');
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

async function hmacKey(callbackKey: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    encoder.encode(callbackKey),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    [usage],
  );
}

/** The body as bytes backed by a plain `ArrayBuffer`, as Web Crypto takes them. */
function bodyBytes(rawBody: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof rawBody === 'string') return encoder.encode(rawBody);
  return rawBody.buffer instanceof ArrayBuffer
    ? (rawBody as Uint8Array<ArrayBuffer>)
    : new Uint8Array(rawBody);
}

/**
 * Checks `signature` (already decoded) against the HMAC-SHA256 of `rawBody` under the callback
 * key, with Web Crypto's `verify`, which compares in constant time. Shared by
 * {@link verifyTrtcWebhook} and `parseTrtcWebhook`.
 *
 * @throws {SignatureVerificationError} `'mismatch'`.
 * @throws {ValidationError} from the key resolver (`'invalid-option'`, `'secret-resolver-failed'`).
 */
export async function verifyBodySignature(
  rawBody: string | Uint8Array,
  signature: Uint8Array<ArrayBuffer>,
  callbackKey: SecretInput,
  owner: string,
): Promise<void> {
  const key = await hmacKey(await resolveSecret(callbackKey, callbackKeyOption(owner)), 'verify');
  const valid = await crypto.subtle.verify('HMAC', key, signature, bodyBytes(rawBody));
  if (!valid) throw rejected('mismatch');
}

const VERIFY_OWNER = 'verifyTrtcWebhook';

/**
 * Verifies the `Sign` header of a TRTC server callback:
 * `Sign = base64(HMAC-SHA256(callbackKey, raw body))`.
 *
 * The signature covers the **raw body bytes** exactly as received — verify before parsing, and
 * never re-serialise the JSON. It carries no timestamp or nonce, so a captured callback can be
 * replayed: serve the URL over HTTPS only and deduplicate on task, event type and event time.
 *
 * Checks run in this order: the options; the header present (`missing`) and 44 characters of
 * standard base64 (`malformed`); then — after resolving `callbackKey` — the HMAC, compared in
 * constant time by Web Crypto (`mismatch`).
 *
 * @param rawBody The request body as received: its bytes, or its text (encoded as UTF-8).
 * @param signature The `Sign` header (`request.headers.get('Sign')`).
 * @throws {SignatureVerificationError} `reason` `'missing'`, `'malformed'` or `'mismatch'`. No
 * message holds the key, the body or either signature.
 * @throws {ValidationError} code `'invalid-option'` when `callbackKey` is missing or empty (also
 * once resolved); code `'secret-resolver-failed'` when its resolver throws (the resolver's error
 * is dropped: it may hold the key).
 * @example
 * ```ts
 * const rawBody = new Uint8Array(await request.arrayBuffer());
 * try {
 *   await verifyTrtcWebhook(rawBody, request.headers.get('Sign') ?? '', {
 *     callbackKey: process.env.TRTC_CALLBACK_KEY ?? '',
 *   });
 * } catch (error) {
 *   return webhookRejection(error); // 401 for a bad signature
 * }
 * ```
 * @see https://trtc.io/document/68331
 */
export async function verifyTrtcWebhook(
  rawBody: string | Uint8Array,
  signature: string | null | undefined,
  options: VerifyTrtcWebhookOptions,
): Promise<void> {
  const callbackKey = checkSecretInput(options.callbackKey, callbackKeyOption(VERIFY_OWNER));
  const received = decodeSignature(signature);
  await verifyBodySignature(rawBody, received, callbackKey, VERIFY_OWNER);
}

/**
 * Computes the `Sign` header TRTC sends with a callback whose body is `rawBody`:
 * `base64(HMAC-SHA256(callbackKey, rawBody))`. For tests and local stand-ins that post signed
 * callbacks.
 *
 * @throws {ValidationError} code `'invalid-option'` or `'secret-resolver-failed'` for a missing,
 * empty or failing `callbackKey`.
 * @example
 * ```ts
 * const body = JSON.stringify({ EventGroupId: 9, EventType: 909, EventInfo: { … } });
 * const sign = await computeTrtcWebhookSignature(body, { callbackKey: 'abc123' });
 * await fetch(url, { method: 'POST', body, headers: { Sign: sign, SdkAppId: '1400000000' } });
 * ```
 * @see https://trtc.io/document/68331
 */
export async function computeTrtcWebhookSignature(
  rawBody: string | Uint8Array,
  options: VerifyTrtcWebhookOptions,
): Promise<string> {
  const option = callbackKeyOption('computeTrtcWebhookSignature');
  const callbackKey = await resolveSecret(checkSecretInput(options.callbackKey, option), option);
  const key = await hmacKey(callbackKey, 'sign');
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, bodyBytes(rawBody)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}
