/**
 * RongCloud settings and client for the commands: `RONGCLOUD_*` variables (the names of
 * `examples/rongcloud-dify`), each overridable by a flag of the `rongcloud` group.
 *
 * @module
 */
import {
  createRongCloudClient,
  RONGCLOUD_REGIONS,
  type RongCloudClient,
  type RongCloudRegion,
} from '@imbridge/rongcloud';
import type { CommandContext } from '../cli/context.ts';

/** The flags of the `rongcloud` group. */
export interface RongCloudFlags {
  /** `--app-key`. */
  appKey?: string | undefined;
  /** `--region`. */
  region?: string | undefined;
  /** `--base-url`. */
  baseUrl?: string | undefined;
}

/** The connection settings of a RongCloud app. */
export interface RongCloudAppSettings {
  appKey: string;
  appSecret: string;
  region: RongCloudRegion;
  baseUrl: string | undefined;
}

/** The variables a configured RongCloud app sets. */
export const RONGCLOUD_REQUIRED_VARIABLES = ['RONGCLOUD_APP_KEY', 'RONGCLOUD_APP_SECRET'] as const;

/**
 * Reads the app's settings.
 *
 * @throws {ConfigError} when the App Key or App Secret is missing, or a value is malformed.
 */
export function rongCloudAppSettings(
  context: CommandContext,
  flags: RongCloudFlags,
): RongCloudAppSettings {
  const { settings } = context;
  return {
    appKey: settings.required('RONGCLOUD_APP_KEY', flags.appKey),
    appSecret: settings.required('RONGCLOUD_APP_SECRET'),
    region: settings.oneOf(
      'RONGCLOUD_REGION',
      flags.region,
      Object.keys(RONGCLOUD_REGIONS) as RongCloudRegion[],
      'china',
    ),
    baseUrl: settings.url('RONGCLOUD_BASE_URL', flags.baseUrl),
  };
}

/** Where the calls go, for messages. */
export function rongCloudTarget(app: RongCloudAppSettings): string {
  return app.baseUrl ?? `https://${RONGCLOUD_REGIONS[app.region].primary}`;
}

/** A Server API client for the app, with the run's fetch and timeout. */
export function createRongCloudAppClient(
  context: CommandContext,
  app: RongCloudAppSettings,
  options: { retry?: false } = {},
): RongCloudClient {
  return createRongCloudClient({
    // Settings were resolved by the command line (flags, its environment, .env): none is read again.
    env: {},
    appKey: app.appKey,
    appSecret: app.appSecret,
    ...(app.baseUrl === undefined ? { region: app.region } : { baseUrl: app.baseUrl }),
    fetch: context.fetch,
    timeoutMs: context.timeoutMs,
    ...(options.retry === false ? { retry: false } : {}),
  });
}
