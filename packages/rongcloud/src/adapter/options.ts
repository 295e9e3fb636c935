import { checkInteger, type LoggerOption, optionError } from '@imbridge/core';
import {
  checkSecretInput,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  type SecretInput,
} from '@imbridge/provider-utils';
import type { RongCloudClientOptions } from '../client/options.ts';
import type { RongCloudClient } from '../client/types.ts';
import { missingAppSecret } from '../webhooks/parse.ts';

/** Options of {@link createRongCloudAdapter}: the client's, plus the bot's. */
export interface RongCloudAdapterOptions extends RongCloudClientOptions {
  /**
   * The bot user ids this adapter answers for (one adapter can serve several bots); webhooks for
   * other bots are ignored. @default every bot whose webhook reaches this URL
   */
  botUserIds?: readonly string[] | undefined;
  /**
   * `true`: replies stream as one `RC:StreamMsg` message growing chunk by chunk (clients show
   * it as it grows; Web SDK ≥ 5.16.1 and the current mobile SDKs). `false`: one `RC:TxtMsg` with
   * the whole answer once it is complete. @default true
   */
  streaming?: boolean | undefined;
  /**
   * Verify the signature RongCloud puts on each webhook URL (`nonce`, `signTimestamp`,
   * `signature`). Turning it off accepts anyone's webhooks — for local experiments only (a
   * warning is logged). @default true
   */
  verifySignatures?: boolean | undefined;
  /** Oldest webhook signature accepted, in milliseconds. @default 300_000 (5 min) */
  webhookMaxAgeMs?: number | undefined;
  /** Minimum time between two chunks of one reply. @default 250 */
  minUpdateIntervalMs?: number | undefined;
  /**
   * Largest reply in one stream message, in UTF-8 bytes; longer replies continue in a
   * follow-up message. Each call carries only the new text, well under the 128 KB per call.
   * @default 60_000
   */
  maxTextBytes?: number | undefined;
  /**
   * Retries of the calls that end a reply (the `complete` chunk, the text message, the error
   * message): retried until `maxElapsedMs`, because a stream that never gets its `complete`
   * chunk stays "generating". Intermediate chunks are one attempt each (the next carries more).
   * @default { maxRetries: 20, initialDelayMs: 500, maxDelayMs: 4_000, maxElapsedMs: 30_000 }
   */
  finalUpdateRetry?: RetryOptions | undefined;
  /** Use an existing client (shares its rate limits). */
  client?: RongCloudClient | undefined;
  /**
   * Where rejected webhooks are logged (`webhook-rejected` with the reason): the same logger as
   * the bot. @default warnings and errors to the console
   */
  logger?: LoggerOption;
}

/** {@link RongCloudAdapterOptions} checked, with defaults. */
export interface RongCloudAdapterSettings {
  appSecret: SecretInput | undefined;
  verifySignatures: boolean;
  webhookMaxAgeMs: number;
  botUserIds: readonly string[] | undefined;
  streaming: boolean;
  minUpdateIntervalMs: number;
  maxTextBytes: number;
  finalUpdateRetry: ResolvedRetryOptions;
}

/** The final calls' retries unless told otherwise: until 30 s after the final update started. */
export const DEFAULT_RONGCLOUD_FINAL_UPDATE_RETRY: ResolvedRetryOptions = {
  maxRetries: 20,
  initialDelayMs: 500,
  maxDelayMs: 4_000,
  maxElapsedMs: 30_000,
};

const OWNER = 'createRongCloudAdapter';

function optionalInteger(value: number | undefined, name: string, fallback: number, min: number) {
  return value === undefined ? fallback : checkInteger(value, { owner: OWNER, name }, { min });
}

/**
 * Checks the adapter's own options when it is created. A missing `appSecret` fails here (not
 * as a 401 on every webhook) unless `verifySignatures: false` says so explicitly.
 */
export function resolveAdapterSettings(options: RongCloudAdapterOptions): RongCloudAdapterSettings {
  const verifySignatures = options.verifySignatures !== false;
  let appSecret: SecretInput | undefined;
  if (verifySignatures) {
    if (options.appSecret === undefined) throw missingAppSecret(OWNER);
    appSecret = checkSecretInput(options.appSecret, {
      owner: OWNER,
      name: 'appSecret',
      envVariable: 'RONGCLOUD_APP_SECRET',
    });
  }
  if (options.botUserIds !== undefined) {
    const reference = { owner: OWNER, name: 'botUserIds', envVariable: 'RONGCLOUD_BOT_USER_ID' };
    if (!Array.isArray(options.botUserIds) || options.botUserIds.length === 0) {
      throw optionError(reference, 'a non-empty array of bot user ids', options.botUserIds);
    }
    for (const userId of options.botUserIds) {
      if (typeof userId !== 'string' || userId.length === 0 || userId.length > 64) {
        throw optionError(reference, 'bot user ids of 1 to 64 characters', userId);
      }
    }
  }
  if (options.streaming !== undefined && typeof options.streaming !== 'boolean') {
    throw optionError({ owner: OWNER, name: 'streaming' }, 'true or false', options.streaming);
  }
  return {
    appSecret,
    verifySignatures,
    webhookMaxAgeMs: optionalInteger(options.webhookMaxAgeMs, 'webhookMaxAgeMs', 300_000, 1_000),
    botUserIds: options.botUserIds,
    streaming: options.streaming !== false,
    minUpdateIntervalMs: optionalInteger(
      options.minUpdateIntervalMs,
      'minUpdateIntervalMs',
      250,
      0,
    ),
    maxTextBytes: optionalInteger(options.maxTextBytes, 'maxTextBytes', 60_000, 16),
    finalUpdateRetry: resolveRetryOptions(
      options.finalUpdateRetry,
      DEFAULT_RONGCLOUD_FINAL_UPDATE_RETRY,
      `${OWNER}: finalUpdateRetry`,
    ),
  };
}
