/**
 * The options of the local TRTC, checked and with every default applied.
 *
 * @module
 */
import { checkInteger, checkNonEmptyString, optionError } from '@imbridge/core';
import type { LocalTRTCOptions } from './types.ts';

const OWNER = 'createLocalTRTC';

/** How long a webhook POST may take, as TRTC allows (5 s). */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** TRTC's webhook retry schedule: every 10 s until the message is a minute old. */
export const DEFAULT_WEBHOOK_RETRY = { intervalMs: 10_000, maxAgeMs: 60_000 } as const;

/** A webhook retry schedule, resolved. */
export interface WebhookRetryConfig {
  readonly intervalMs: number;
  readonly maxAgeMs: number;
}

/** {@link LocalTRTCOptions} checked, with every default applied. */
export interface LocalTRTCConfig {
  readonly secretId: string;
  readonly secretKey: string;
  readonly sdkAppId: number;
  readonly callbackUrl: string | undefined;
  readonly callbackKey: string | undefined;
  readonly now: () => number;
  readonly port: number;
  /** `undefined`: one try per webhook. */
  readonly webhookRetry: WebhookRetryConfig | undefined;
}

/**
 * Checks the options of `createLocalTRTC` and applies the defaults.
 *
 * @throws {ValidationError} code `invalid-option` for an empty SecretId, SecretKey or callback
 *   key, an SdkAppId or port that is not an integer in range, a callback URL that is not absolute,
 *   a retry interval or age that is not a non-negative integer (the interval at least 1).
 */
export function resolveLocalTRTCOptions(options: LocalTRTCOptions): LocalTRTCConfig {
  const secretId = checkNonEmptyString(options.secretId, {
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
  const sdkAppId = checkInteger(
    options.sdkAppId,
    { owner: OWNER, name: 'sdkAppId', envVariable: 'TRTC_SDK_APP_ID' },
    { min: 1 },
  );
  const callbackUrl = options.callbackUrl;
  if (
    callbackUrl !== undefined &&
    (typeof callbackUrl !== 'string' || !URL.canParse(callbackUrl))
  ) {
    throw optionError({ owner: OWNER, name: 'callbackUrl' }, 'an absolute URL', callbackUrl);
  }
  const callbackKey =
    options.callbackKey === undefined
      ? undefined
      : checkNonEmptyString(options.callbackKey, {
          owner: OWNER,
          name: 'callbackKey',
          envVariable: 'TRTC_CALLBACK_KEY',
          secret: true,
        });
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw optionError({ owner: OWNER, name: 'now' }, 'a function returning milliseconds', now);
  }
  const port =
    options.port === undefined
      ? 0
      : checkInteger(options.port, { owner: OWNER, name: 'port' }, { min: 0, max: 65_535 });
  const webhookRetry = resolveWebhookRetry(options.webhookRetry);
  return { secretId, secretKey, sdkAppId, callbackUrl, callbackKey, now, port, webhookRetry };
}

function resolveWebhookRetry(
  option: LocalTRTCOptions['webhookRetry'],
): WebhookRetryConfig | undefined {
  if (option === false) return undefined;
  if (option === undefined) return DEFAULT_WEBHOOK_RETRY;
  if (typeof option !== 'object' || option === null) {
    throw optionError({ owner: OWNER, name: 'webhookRetry' }, 'an object or false', option);
  }
  const intervalMs =
    option.intervalMs === undefined
      ? DEFAULT_WEBHOOK_RETRY.intervalMs
      : checkInteger(
          option.intervalMs,
          { owner: OWNER, name: 'webhookRetry.intervalMs' },
          { min: 1 },
        );
  const maxAgeMs =
    option.maxAgeMs === undefined
      ? DEFAULT_WEBHOOK_RETRY.maxAgeMs
      : checkInteger(option.maxAgeMs, { owner: OWNER, name: 'webhookRetry.maxAgeMs' }, { min: 0 });
  return { intervalMs, maxAgeMs };
}
