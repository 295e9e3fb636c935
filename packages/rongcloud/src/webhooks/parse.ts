import { checkInteger, optionError, ValidationError } from '@imbridge/core';
import { isRecord, parseJsonText, readBodyText, type SecretInput } from '@imbridge/provider-utils';
import { checkSignatureSettings, verifySignatureParameters } from './sign.ts';
import type { RongCloudWebhook } from './types.ts';

/** Default cap on the webhook body size: 1 MiB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The deepest nesting of arrays and objects accepted in a webhook body. RongCloud's bot
 * webhooks nest about 3 deep (`bot.metadata`); a deeper body is refused (400, `json-too-deep`)
 * before it is parsed, so a signed body nested thousands of levels deep can neither crash the
 * server nor be stored and overflow the stack of whatever copies it later.
 */
const WEBHOOK_MAX_JSON_DEPTH = 64;

/** Options of {@link parseRongCloudWebhook}. */
export interface ParseRongCloudWebhookOptions {
  /**
   * The App Secret of the RongCloud app (a value or an async resolver; `RONGCLOUD_APP_SECRET` in
   * the examples) — not the App Key. Required: every webhook must carry a valid, fresh signature.
   * Leaving it out is an error unless `verifySignatures` is `false` — a missing secret never
   * turns the check off by itself.
   */
  appSecret?: SecretInput | undefined;
  /**
   * `false` accepts unsigned webhooks (local experiments only): anyone who can reach the URL can
   * then post as any user. @default true
   */
  verifySignatures?: boolean | undefined;
  /** Largest accepted body, in bytes. @default 1048576 (1 MiB) */
  maxBodyBytes?: number | undefined;
  /** The current time in unix milliseconds, for the freshness window. @default Date.now() */
  nowMs?: number | undefined;
  /**
   * Accepted distance between the signed timestamp and now, in milliseconds, either direction.
   * @default 300000 (5 minutes)
   */
  maxAgeMs?: number | undefined;
}

const OWNER = 'parseRongCloudWebhook';

/** The schema half of the parser, once the first webhook has loaded it. */
let decodeModule: typeof import('./decode.ts') | undefined;

/**
 * The error for a signature check that is neither configured nor explicitly turned off.
 * Shared with the adapter, which raises it at construction.
 */
export function missingAppSecret(owner: string): ValidationError {
  return optionError(
    { owner, name: 'appSecret', envVariable: 'RONGCLOUD_APP_SECRET', secret: true },
    'the App Secret of the RongCloud app (or pass verifySignatures: false to accept unsigned webhooks — not for production)',
    undefined,
  );
}

const READ_FAILURES = {
  'too-large': ['body-too-large', 'The webhook body exceeds the size limit'],
  'not-utf8': ['invalid-encoding', 'The webhook body is not valid UTF-8'],
  timeout: ['body-unreadable', 'The webhook body could not be read'],
  aborted: ['body-unreadable', 'The webhook body could not be read'],
  broken: ['body-unreadable', 'The webhook body could not be read'],
} as const;

/** Reads the body (capped, strict UTF-8) and parses it as a depth-bounded JSON object. */
async function readJsonObject(
  request: Request,
  maxBodyBytes: number,
): Promise<Readonly<Record<string, unknown>>> {
  const read = await readBodyText(request.body, {
    maxBytes: maxBodyBytes,
    declaredLength: request.headers.get('content-length'),
    strictUtf8: true,
  });
  if (!read.ok) {
    const [code, message] = READ_FAILURES[read.reason];
    throw new ValidationError({ code, message });
  }
  const parsed = parseJsonText(read.text, { maxDepth: WEBHOOK_MAX_JSON_DEPTH });
  if (!parsed.ok) {
    throw parsed.reason === 'too-deep'
      ? new ValidationError({
          code: 'json-too-deep',
          message: `The webhook body nests arrays and objects more than ${WEBHOOK_MAX_JSON_DEPTH} levels deep`,
        })
      : new ValidationError({ code: 'invalid-json', message: 'The webhook body is not JSON' });
  }
  if (!isRecord(parsed.value)) {
    throw new ValidationError({
      code: 'invalid-payload',
      message: 'The webhook body is not a JSON object',
      issues: [{ path: [], message: 'Expected an object' }],
    });
  }
  return parsed.value;
}

/**
 * Verifies and parses a RongCloud bot webhook (the `webhook` integration of a bot created with
 * `/v3/bot/create.json`).
 *
 * Checks run in this order, and nothing is read from the body before the request is known to
 * come from RongCloud: the options; the signature query parameters (unless
 * `verifySignatures: false`; see {@link verifyRongCloudWebhookSignature} for the accepted
 * spellings and units); body size (streamed with a byte counter); UTF-8; nesting depth (at most
 * 64 levels, checked without recursion) and JSON; the body's `type`; then the schema of that
 * event. The signature does not cover the body: deduplicate on `messageId`.
 *
 * Event types:
 * - `message:private` → `{ kind: 'private-message' }`.
 * - `message:group` → `{ kind: 'group-message' }`. Assumed name and shape: RongCloud documents no
 *   group event for bot webhooks yet (see {@link RongCloudGroupMessageWebhook}).
 * - any other `type` → `{ kind: 'unknown' }`: acknowledge it with
 *   {@link webhookAcknowledgement} and report it as ignored.
 *
 * `data.content`, a string holding the message content's JSON, is parsed a second time (at most
 * 32 levels deep) into `content`; an `RC:TxtMsg`'s text is `text`. The message id and send time
 * are read from `data.msgUID` / `messageUID` / `messageId` and `data.msgTimestamp` /
 * `msgTimeStamp` / `sentTime` (not documented: the first present wins). Unknown fields are
 * ignored.
 *
 * @throws {SignatureVerificationError} `reason` `'missing'`, `'malformed'`, `'expired'` or
 * `'mismatch'`.
 * @throws {ValidationError} `code` `'body-too-large'`, `'body-unreadable'`, `'invalid-encoding'`,
 * `'invalid-json'`, `'json-too-deep'` (the body nested more than 64 levels, or the content more
 * than 32), `'invalid-payload'` (with `issues`, e.g. `['data', 'content']` for content that is not
 * a JSON object) or `'missing-event-type'`; `code` `'invalid-option'` when `appSecret` is missing
 * (without `verifySignatures: false`) or empty, or `maxBodyBytes`, `nowMs` or `maxAgeMs` is out of
 * range; `code` `'secret-resolver-failed'` when the `appSecret` resolver throws.
 * @example
 * ```ts
 * export async function handle(request: Request): Promise<Response> {
 *   try {
 *     const webhook = await parseRongCloudWebhook(request, {
 *       appSecret: process.env.RONGCLOUD_APP_SECRET,
 *     });
 *     if (webhook.kind === 'private-message' && webhook.text !== undefined) {
 *       queueReply(webhook.botUserId, webhook.fromUserId, webhook.text);
 *     }
 *     return webhookAcknowledgement();
 *   } catch (error) {
 *     return webhookRejection(error);
 *   }
 * }
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
export async function parseRongCloudWebhook(
  request: Request,
  options: ParseRongCloudWebhookOptions,
): Promise<RongCloudWebhook> {
  const maxBodyBytes =
    options.maxBodyBytes === undefined
      ? DEFAULT_WEBHOOK_MAX_BODY_BYTES
      : checkInteger(options.maxBodyBytes, { owner: OWNER, name: 'maxBodyBytes' }, { min: 1 });
  if (options.verifySignatures !== false) {
    if (options.appSecret === undefined) throw missingAppSecret(OWNER);
    const settings = checkSignatureSettings(OWNER, options);
    await verifySignatureParameters(new URL(request.url).searchParams, settings, OWNER);
  }

  const json = await readJsonObject(request, maxBodyBytes);
  // The schemas (zod) load with the first webhook, not at import; later webhooks reuse them
  // without an `import()` round trip.
  decodeModule ??= await import('./decode.ts');
  return decodeModule.decodeWebhook(json);
}
