/**
 * Tencent Cloud Chat settings and client for the commands: `TENCENT_IM_*` variables (the names
 * of `examples/tencent-chat-bot`), each overridable by a flag of the `tencent` group.
 *
 * @module
 */
import {
  createTencentChatClient,
  TENCENT_CHAT_REGIONS,
  type TencentChatClient,
  type TencentChatRegion,
} from '@imbridge/tencent-chat';
import type { CommandContext } from '../cli/context.ts';

/** The flags of the `tencent` group (and of the commands that need the app). */
export interface TencentFlags {
  /** `--sdk-app-id`. */
  sdkAppId?: string | undefined;
  /** `--admin-user-id`. */
  adminUserId?: string | undefined;
  /** `--region`. */
  region?: string | undefined;
  /** `--base-url`. */
  baseUrl?: string | undefined;
}

/** The connection settings of a Tencent Chat app. */
export interface TencentAppSettings {
  sdkAppId: number;
  secretKey: string;
  adminUserId: string;
  region: TencentChatRegion;
  baseUrl: string | undefined;
}

/** The largest SDKAppID (an unsigned 32-bit integer). */
export const MAX_SDK_APP_ID = 4_294_967_295;

/** The variables a configured Tencent Chat app sets. */
export const TENCENT_REQUIRED_VARIABLES = [
  'TENCENT_IM_SDK_APP_ID',
  'TENCENT_IM_SECRET_KEY',
] as const;

/**
 * Reads the app's settings.
 *
 * @throws {ConfigError} when the SDKAppID or the secret key is missing, or a value is malformed.
 */
export function tencentAppSettings(
  context: CommandContext,
  flags: TencentFlags,
): TencentAppSettings {
  const { settings } = context;
  return {
    sdkAppId: settings.requiredInteger('TENCENT_IM_SDK_APP_ID', flags.sdkAppId, {
      min: 1,
      max: MAX_SDK_APP_ID,
    }),
    secretKey: settings.required('TENCENT_IM_SECRET_KEY'),
    adminUserId:
      settings.optional('TENCENT_IM_ADMIN_USER_ID', flags.adminUserId) ?? 'administrator',
    region: settings.oneOf(
      'TENCENT_IM_REGION',
      flags.region,
      Object.keys(TENCENT_CHAT_REGIONS) as TencentChatRegion[],
      'china',
    ),
    baseUrl: settings.url('TENCENT_IM_BASE_URL', flags.baseUrl),
  };
}

/** Where the calls go, for messages (a base URL is never signed). */
export function tencentTarget(app: TencentAppSettings): string {
  return app.baseUrl ?? `https://${TENCENT_CHAT_REGIONS[app.region].primary}`;
}

/** A REST client for the app, with the run's fetch and timeout. */
export function createTencentClient(
  context: CommandContext,
  app: TencentAppSettings,
  options: { retry?: false } = {},
): TencentChatClient {
  return createTencentChatClient({
    // Settings were resolved by the command line (flags, its environment, .env): none is read again.
    env: {},
    sdkAppId: app.sdkAppId,
    secretKey: app.secretKey,
    adminUserId: app.adminUserId,
    region: app.region,
    baseUrl: app.baseUrl,
    fetch: context.fetch,
    timeoutMs: context.timeoutMs,
    ...(options.retry === false ? { retry: false } : {}),
  });
}
