import {
  checkInteger,
  type OptionReference,
  optionError,
  SignatureVerificationError,
  ValidationError,
} from '@imbridge/core';
import {
  parseJsonText,
  readBodyText,
  resolveSecret,
  type SecretInput,
} from '@imbridge/provider-utils';
import { decodeBotWebhook } from './bot-decode.ts';
import type { WebhookQuery } from './message-fields.ts';
import { checkCallbackSign } from './sign.ts';
import type { TencentWebhook } from './types.ts';

/** Default cap on the webhook body size: 1 MiB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The deepest nesting of arrays and objects accepted in a webhook body. Tencent's callbacks nest
 * about 5 deep; a deeper body is refused (400, `json-too-deep`) before it is parsed, so a signed
 * body nested thousands of levels deep can neither crash the server nor be stored and overflow
 * the stack of whatever copies it later.
 */
const WEBHOOK_MAX_JSON_DEPTH = 64;

/** Options of {@link parseTencentWebhook}. */
export interface ParseTencentWebhookOptions {
  /** Your SDKAppID; callbacks for any other app are rejected. */
  sdkAppId: number;
  /**
   * The console's callback authentication token (a value or an async resolver;
   * `TENCENT_IM_CALLBACK_TOKEN` in the examples). Required: every callback must carry a valid
   * `Sign` and a fresh `RequestTime`. Leaving it out is an error unless `verifySignatures` is
   * `false` — a missing token never turns the check off by itself.
   */
  callbackToken?: SecretInput | undefined;
  /**
   * `false` accepts unsigned callbacks (a console without callback authentication; local
   * experiments). Anyone who can reach the URL can then post as any user. @default true
   */
  verifySignatures?: boolean | undefined;
  /** The current time in unix seconds, for the replay window. @default Math.floor(Date.now() / 1000) */
  nowSeconds?: number | undefined;
  /** Accepted distance between `RequestTime` and now, in seconds. @default 60 */
  toleranceSeconds?: number | undefined;
  /** Largest accepted body, in bytes. @default 1048576 (1 MiB) */
  maxBodyBytes?: number | undefined;
}

/** The schema half of the parser, once the first webhook has loaded it. */
let decodeModule: typeof import('./decode.ts') | undefined;

const OWNER = 'parseTencentWebhook';
const TOKEN_OPTION: OptionReference = {
  owner: OWNER,
  name: 'callbackToken',
  envVariable: 'TENCENT_IM_CALLBACK_TOKEN',
  secret: true,
};

/**
 * The error for a signature check that is neither configured nor explicitly turned off.
 * Shared with the adapter, which raises it at construction.
 */
export function missingCallbackToken(owner: string): ValidationError {
  return optionError(
    { ...TOKEN_OPTION, owner },
    'the callback token from the console (or pass verifySignatures: false to accept unsigned webhooks — not for production)',
    undefined,
  );
}

function queryParam(url: URL, name: string): string | undefined {
  const exact = url.searchParams.get(name);
  if (exact !== null) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of url.searchParams) if (key.toLowerCase() === lower) return value;
  return undefined;
}

const READ_FAILURES = {
  'too-large': ['body-too-large', 'The webhook body exceeds the size limit'],
  'not-utf8': ['invalid-encoding', 'The webhook body is not valid UTF-8'],
  timeout: ['body-unreadable', 'The webhook body could not be read'],
  aborted: ['body-unreadable', 'The webhook body could not be read'],
  broken: ['body-unreadable', 'The webhook body could not be read'],
} as const;

async function verifySignature(
  url: URL,
  token: SecretInput,
  options: ParseTencentWebhookOptions,
): Promise<void> {
  const check = await checkCallbackSign({
    token: await resolveSecret(token, TOKEN_OPTION),
    requestTime: queryParam(url, 'RequestTime'),
    sign: queryParam(url, 'Sign'),
    ...(options.nowSeconds !== undefined ? { nowSeconds: options.nowSeconds } : {}),
    ...(options.toleranceSeconds !== undefined
      ? { toleranceSeconds: options.toleranceSeconds }
      : {}),
  });
  if (!check.valid) {
    const messages = {
      missing: 'The webhook request carries no Sign or RequestTime',
      malformed: 'The webhook Sign or RequestTime is malformed',
      expired: 'The webhook RequestTime is outside the accepted window',
      mismatch:
        'The webhook signature does not match (is callbackToken the one set in the console?)',
    } as const;
    throw new SignatureVerificationError({ reason: check.reason, message: messages[check.reason] });
  }
}

/**
 * Verifies and parses a Tencent Cloud Chat webhook (third-party callback) request.
 *
 * Checks run in this order, and nothing is read from the body before the request is known to
 * come from Tencent for this app: `SdkAppid` query parameter; `Sign`/`RequestTime` (unless
 * `verifySignatures: false`); body size (streamed with a byte counter); UTF-8; nesting depth (at
 * most 64 levels of arrays and objects, checked without recursion) and JSON; then the schema of
 * the `CallbackCommand` (body field, else query parameter): `Bot.OnC2CMessage` and
 * `Bot.OnGroupMessage` are checked by hand code, every other command (and any body that check
 * refuses, to report zod's issues) by zod schemas loaded with the first such webhook. Commands
 * without a typed result come back as `{ command: 'unknown' }`; acknowledge them with
 * {@link webhookAcknowledgement}.
 *
 * @throws {SignatureVerificationError} `reason` `'app-mismatch'` (absent or other `SdkAppid`),
 * `'missing'`, `'malformed'`, `'expired'` or `'mismatch'`.
 * @throws {ValidationError} `code` `'body-too-large'`, `'body-unreadable'`, `'invalid-encoding'`,
 * `'invalid-json'`, `'json-too-deep'` (arrays and objects nested more than 64 levels deep),
 * `'invalid-payload'` (with `issues`) or `'missing-command'`; `code`
 * `'invalid-option'` when `sdkAppId` is not a positive integer, or `callbackToken` is missing
 * (without `verifySignatures: false`) or resolves to an empty string.
 * @example
 * ```ts
 * export async function handle(request: Request): Promise<Response> {
 *   try {
 *     const webhook = await parseTencentWebhook(request, {
 *       sdkAppId: 1400000000,
 *       callbackToken: process.env.TENCENT_IM_CALLBACK_TOKEN,
 *     });
 *     if (webhook.command === 'bot.c2c-message') queueReply(webhook.fromUserId, webhook.text);
 *     return webhookAcknowledgement();
 *   } catch (error) {
 *     return webhookRejection(error);
 *   }
 * }
 * ```
 * @see https://www.tencentcloud.com/document/product/1047/34354
 */
export async function parseTencentWebhook(
  request: Request,
  options: ParseTencentWebhookOptions,
): Promise<TencentWebhook> {
  checkInteger(
    options.sdkAppId,
    { owner: OWNER, name: 'sdkAppId', envVariable: 'TENCENT_IM_SDK_APP_ID' },
    { min: 1 },
  );
  if (options.callbackToken === undefined && options.verifySignatures !== false) {
    throw missingCallbackToken(OWNER);
  }
  const url = new URL(request.url);
  if (queryParam(url, 'SdkAppid') !== String(options.sdkAppId)) {
    throw new SignatureVerificationError({
      reason: 'app-mismatch',
      message: 'The webhook was not sent for the configured SDKAppID',
    });
  }
  if (options.verifySignatures !== false && options.callbackToken !== undefined) {
    await verifySignature(url, options.callbackToken, options);
  }

  const read = await readBodyText(request.body, {
    maxBytes: options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES,
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
  const query: WebhookQuery = {
    sdkAppId: options.sdkAppId,
    callbackCommand: queryParam(url, 'CallbackCommand'),
    clientIp: queryParam(url, 'ClientIP'),
    platform: queryParam(url, 'OptPlatform'),
  };
  // A valid robot command (what a bot receives on every turn) is checked by hand, without zod.
  const botWebhook = decodeBotWebhook(parsed.value, query);
  if (botWebhook !== undefined) return botWebhook;
  // Anything else, including an invalid robot body (rejected with zod's issues), goes through the
  // schemas (zod), which load with the first such webhook, not at import; later webhooks reuse
  // them without an `import()` round trip.
  decodeModule ??= await import('./decode.ts');
  return decodeModule.decodeWebhook(parsed.value, query);
}
