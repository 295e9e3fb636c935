/**
 * The options of the local RongCloud, checked and with every default applied.
 *
 * @module
 */
import { checkInteger, checkNonEmptyString, optionError } from '@imbridge/core';
import {
  isLocalRongCloudAPI,
  LOCAL_RONGCLOUD_DEFAULT_RATE_LIMITS,
  type LocalRongCloudAPI,
} from './apis.ts';
import type { LocalRongCloudOptions } from './types.ts';

const OWNER = 'createLocalRongCloud';

/** {@link LocalRongCloudOptions} checked, with every default applied. */
export interface LocalRongCloudConfig {
  readonly appKey: string;
  readonly appSecret: string;
  readonly port: number;
  readonly backupPort: number;
  readonly rateLimits: Readonly<Record<LocalRongCloudAPI, number>>;
  readonly timestampToleranceMs: number | undefined;
  readonly webhookTimeoutMs: number;
  readonly difyTimeoutMs: number;
  readonly now: () => number;
}

function checkPort(value: number | undefined, name: string): number {
  return value === undefined
    ? 0
    : checkInteger(value, { owner: OWNER, name }, { min: 0, max: 65_535 });
}

function checkUrl(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw optionError({ owner: OWNER, name }, 'an absolute URL', value);
  }
  return value;
}

function checkRateLimits(
  value: LocalRongCloudOptions['rateLimits'],
): Record<LocalRongCloudAPI, number> {
  const limits = { ...LOCAL_RONGCLOUD_DEFAULT_RATE_LIMITS };
  for (const [api, callsPerSecond] of Object.entries(value ?? {})) {
    if (!isLocalRongCloudAPI(api)) {
      throw optionError({ owner: OWNER, name: 'rateLimits' }, 'keyed by API paths', api);
    }
    if (callsPerSecond === undefined) continue;
    limits[api] = checkInteger(
      callsPerSecond,
      { owner: OWNER, name: `rateLimits.${api}` },
      {
        min: 1,
      },
    );
  }
  return limits;
}

/**
 * Checks the options of {@link createLocalRongCloud} and applies the defaults.
 * @throws {ValidationError} code `invalid-option` for an empty key or secret, a bad port, URL,
 *   rate limit or duration.
 */
export function resolveLocalRongCloudOptions(options: LocalRongCloudOptions): {
  config: LocalRongCloudConfig;
  callbackUrl: string | undefined;
} {
  const appKey = checkNonEmptyString(options.appKey, {
    owner: OWNER,
    name: 'appKey',
    envVariable: 'RONGCLOUD_APP_KEY',
  });
  const appSecret = checkNonEmptyString(options.appSecret, {
    owner: OWNER,
    name: 'appSecret',
    envVariable: 'RONGCLOUD_APP_SECRET',
    secret: true,
  });
  const tolerance = options.timestampToleranceMs;
  return {
    config: {
      appKey,
      appSecret,
      port: checkPort(options.port, 'port'),
      backupPort: checkPort(options.backupPort, 'backupPort'),
      rateLimits: checkRateLimits(options.rateLimits),
      timestampToleranceMs:
        tolerance === undefined
          ? undefined
          : checkInteger(tolerance, { owner: OWNER, name: 'timestampToleranceMs' }, { min: 0 }),
      webhookTimeoutMs:
        options.webhookTimeoutMs === undefined
          ? 10_000
          : checkInteger(
              options.webhookTimeoutMs,
              { owner: OWNER, name: 'webhookTimeoutMs' },
              { min: 1 },
            ),
      difyTimeoutMs:
        options.difyTimeoutMs === undefined
          ? 60_000
          : checkInteger(
              options.difyTimeoutMs,
              { owner: OWNER, name: 'difyTimeoutMs' },
              { min: 1 },
            ),
      now: options.now ?? Date.now,
    },
    callbackUrl: checkUrl(options.callbackUrl, 'callbackUrl'),
  };
}
