/**
 * Which environment variable fills which option of the client and the adapter, and the reading
 * of the connection settings (app, secret key, admin, region or base URL) a caller left out.
 *
 * @module
 */
import type { SecretInput } from '@imbridge/provider-utils';
import { createEnvironmentReader, type EnvironmentReader } from '@imbridge/provider-utils';
import {
  TENCENT_CHAT_REGIONS,
  type TencentChatClientOptions,
  type TencentChatRegion,
} from './options.ts';

/**
 * The environment variable of each option, read when the option is left out (the names the
 * examples and the `imbridge` CLI use). An option given in code always wins.
 */
export const TENCENT_CHAT_ENV_VARIABLES = {
  sdkAppId: 'TENCENT_IM_SDK_APP_ID',
  secretKey: 'TENCENT_IM_SECRET_KEY',
  adminUserId: 'TENCENT_IM_ADMIN_USER_ID',
  region: 'TENCENT_IM_REGION',
  baseUrl: 'TENCENT_IM_BASE_URL',
  callbackToken: 'TENCENT_IM_CALLBACK_TOKEN',
  robotIds: 'TENCENT_IM_ROBOT_ID',
  streamMode: 'TENCENT_IM_STREAM_MODE',
} as const;

/** The App admin used when neither `adminUserId` nor `TENCENT_IM_ADMIN_USER_ID` is set. */
export const DEFAULT_ADMIN_USER_ID = 'administrator';

/** The largest SDKAppID (an unsigned 32-bit integer). */
const MAX_SDK_APP_ID = 4_294_967_295;

/** Client options whose app, secret key and admin are known. */
export type TencentChatConnectionOptions = TencentChatClientOptions & {
  sdkAppId: number;
  secretKey: SecretInput;
  adminUserId: string;
};

/**
 * The options with each connection setting the caller left out (`undefined`) read from its
 * variable of {@link TENCENT_CHAT_ENV_VARIABLES}. `region` and `baseUrl` say one thing (where the
 * API is): when either is given in code, neither is read from the environment.
 *
 * @throws {ValidationError} naming the option and the variable when `sdkAppId` or `secretKey` is
 *   in neither, or a variable is malformed (a secret's value is never shown).
 */
export function connectionFromEnvironment(
  options: TencentChatClientOptions,
  owner: string,
  reader: EnvironmentReader = createEnvironmentReader(owner, options.env),
): TencentChatConnectionOptions {
  const names = TENCENT_CHAT_ENV_VARIABLES;
  const sdkAppId =
    options.sdkAppId ?? reader.integer('sdkAppId', names.sdkAppId, { min: 1, max: MAX_SDK_APP_ID });
  if (sdkAppId === undefined) {
    throw reader.missing('sdkAppId', names.sdkAppId, 'the SDKAppID of your Chat app');
  }
  const secretKey = options.secretKey ?? reader.text(names.secretKey);
  if (secretKey === undefined) {
    throw reader.missing('secretKey', names.secretKey, "the app's secret key from the console");
  }
  const located = options.region !== undefined || options.baseUrl !== undefined;
  const region: TencentChatRegion | undefined = located
    ? options.region
    : reader.oneOf(
        'region',
        names.region,
        Object.keys(TENCENT_CHAT_REGIONS) as TencentChatRegion[],
      );
  const baseUrl = located ? options.baseUrl : reader.url('baseUrl', names.baseUrl);
  return {
    ...options,
    sdkAppId,
    secretKey,
    adminUserId: options.adminUserId ?? reader.text(names.adminUserId) ?? DEFAULT_ADMIN_USER_ID,
    region,
    baseUrl,
  };
}
