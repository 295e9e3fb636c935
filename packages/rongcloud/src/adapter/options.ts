import { checkInteger, type LoggerOption, optionError } from '@imbridge/core';
import type { EnvironmentReader } from '@imbridge/provider-utils';
import {
  checkSecretInput,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  type SecretInput,
} from '@imbridge/provider-utils';
import { appSecretFromEnvironment, RONGCLOUD_ENV_VARIABLES } from '../client/environment.ts';
import type { RongCloudClientOptions } from '../client/options.ts';
import type { RongCloudClient } from '../client/types.ts';

/**
 * Options of {@link createRongCloudAdapter}: the client's, plus the bot's. Each setting that has
 * an environment variable (see {@link RONGCLOUD_ENV_VARIABLES}) is read from it when left out; an
 * option given in code always wins.
 */
export interface RongCloudAdapterOptions extends RongCloudClientOptions {
  /**
   * The bot user ids this adapter answers for (one adapter can serve several bots); webhooks for
   * other bots are ignored. Left out: read from `RONGCLOUD_BOT_USER_ID` (one id, or several
   * separated by commas). @default every bot whose webhook reaches this URL
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
   * `signature`) with the App Secret. Turning it off accepts anyone's webhooks — for local
   * experiments only (a warning is logged). Only code can turn it off: there is no environment
   * variable for it. @default true
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
  /**
   * Use an existing client (shares its rate limits). `appKey`, `region`, `hosts` and `baseUrl`
   * are then neither needed nor read; `appSecret` still verifies the webhooks.
   */
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
 * Checks the adapter's own options when it is created, reading those left out from the
 * environment. A missing `appSecret` fails here (not as a 401 on every webhook) unless
 * `verifySignatures: false` says so explicitly.
 */
export function resolveAdapterSettings(
  options: RongCloudAdapterOptions,
  environment: EnvironmentReader,
): RongCloudAdapterSettings {
  const names = RONGCLOUD_ENV_VARIABLES;
  const verifySignatures = options.verifySignatures !== false;
  let appSecret: SecretInput | undefined;
  if (verifySignatures) {
    const secret = appSecretFromEnvironment(options, environment);
    if (secret === undefined) {
      throw environment.missing(
        'appSecret',
        names.appSecret,
        'the App Secret of the RongCloud app, which verifies the webhooks (or pass verifySignatures: false to accept unsigned webhooks — not for production)',
      );
    }
    appSecret = checkSecretInput(secret, {
      owner: OWNER,
      name: 'appSecret',
      envVariable: names.appSecret,
    });
  }
  const botUserIds = options.botUserIds ?? environment.list(names.botUserIds);
  if (botUserIds !== undefined) {
    const reference = { owner: OWNER, name: 'botUserIds', envVariable: names.botUserIds };
    if (!Array.isArray(botUserIds) || botUserIds.length === 0) {
      throw optionError(reference, 'a non-empty array of bot user ids', botUserIds);
    }
    for (const userId of botUserIds) {
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
    botUserIds,
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
