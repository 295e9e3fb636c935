/**
 * TRTC settings and client for the commands: the variables of `examples/trtc-voice-agent`
 * (`TRTC_*`, `TENCENTCLOUD_*`), each non-secret one overridable by a flag of the `trtc` group.
 *
 * @module
 */
import {
  createTrtcClient,
  TRTC_ENDPOINTS,
  type TRTCClient,
  type TRTCEndpoint,
} from '@imbridge/trtc';
import type { CommandContext } from '../cli/context.ts';
import { ConfigError } from '../cli/exit-codes.ts';
import { MAX_SDK_APP_ID } from './tencent.ts';

/** The flags of the `trtc` group. */
export interface TrtcFlags {
  /** `--sdk-app-id`. */
  sdkAppId?: string | undefined;
  /** `--region`. */
  region?: string | undefined;
  /** `--endpoint`. */
  endpoint?: string | undefined;
  /** `--base-url`. */
  baseUrl?: string | undefined;
}

/** The Cloud API key and where TRTC's API is. */
export interface TrtcApiSettings {
  secretId: string;
  secretKey: string;
  sessionToken: string | undefined;
  region: string;
  endpoint: TRTCEndpoint;
  baseUrl: string | undefined;
}

/** The variables a configured TRTC API key sets. */
export const TRTC_REQUIRED_VARIABLES = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
] as const;

const REGION = /^[a-z]{2}-[a-z]+(?:-[a-z0-9]+)*$/;

/**
 * Reads the API key and the API's location.
 *
 * @throws {ConfigError} when the key is missing, a value is malformed, or
 *   `TENCENTCLOUD_SECRET_KEY` holds the TRTC SDK secret key.
 */
export function trtcApiSettings(context: CommandContext, flags: TrtcFlags): TrtcApiSettings {
  const { settings } = context;
  const secretKey = settings.required('TENCENTCLOUD_SECRET_KEY');
  if (secretKey === settings.optional('TRTC_SECRET_KEY')) {
    throw new ConfigError(
      'TENCENTCLOUD_SECRET_KEY',
      'TENCENTCLOUD_SECRET_KEY holds the TRTC SDK secret key: set it to the SecretKey of the Cloud API key whose SecretId is TENCENTCLOUD_SECRET_ID',
    );
  }
  const region = settings.optional('TENCENTCLOUD_REGION', flags.region) ?? 'ap-guangzhou';
  if (!REGION.test(region)) {
    throw new ConfigError(
      'TENCENTCLOUD_REGION',
      `TENCENTCLOUD_REGION must be a region such as ap-guangzhou or ap-singapore, received "${region}"`,
    );
  }
  return {
    secretId: settings.required('TENCENTCLOUD_SECRET_ID'),
    secretKey,
    sessionToken: settings.optional('TENCENTCLOUD_SESSION_TOKEN'),
    region,
    endpoint: settings.oneOf(
      'TRTC_ENDPOINT',
      flags.endpoint,
      Object.keys(TRTC_ENDPOINTS) as TRTCEndpoint[],
      'china',
    ),
    baseUrl: settings.url('TRTC_BASE_URL', flags.baseUrl),
  };
}

/** The TRTC application (`TRTC_SDK_APP_ID`). */
export function trtcSdkAppId(context: CommandContext, flags: TrtcFlags): number {
  return context.settings.requiredInteger('TRTC_SDK_APP_ID', flags.sdkAppId, {
    min: 1,
    max: MAX_SDK_APP_ID,
  });
}

/** Where the calls go, for messages. */
export function trtcTarget(api: TrtcApiSettings): string {
  return api.baseUrl ?? `https://${TRTC_ENDPOINTS[api.endpoint]}`;
}

/** A TRTC API client, with the run's fetch and timeout. */
export function createTrtcApiClient(
  context: CommandContext,
  api: TrtcApiSettings,
  options: { retry?: false } = {},
): TRTCClient {
  return createTrtcClient({
    // Settings were resolved by the command line (flags, its environment, .env): none is read again.
    env: {},
    credentials: {
      secretId: api.secretId,
      secretKey: api.secretKey,
      ...(api.sessionToken === undefined ? {} : { sessionToken: api.sessionToken }),
    },
    region: api.region,
    endpoint: api.endpoint,
    baseUrl: api.baseUrl,
    fetch: context.fetch,
    timeoutMs: context.timeoutMs,
    ...(options.retry === false ? { retry: false } : {}),
  });
}
