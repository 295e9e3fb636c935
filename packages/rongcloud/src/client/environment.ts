/**
 * Which environment variable fills which option of the client and the adapter, and the reading
 * of the connection settings (App Key, App Secret, region or base URL) a caller left out.
 *
 * @module
 */
import type { SecretInput } from '@imbridge/provider-utils';
import { createEnvironmentReader, type EnvironmentReader } from '@imbridge/provider-utils';
import { RONGCLOUD_REGIONS, type RongCloudClientOptions, type RongCloudRegion } from './options.ts';

/**
 * The environment variable of each option, read when the option is left out (the names the
 * examples and the `imbridge` CLI use). An option given in code always wins.
 */
export const RONGCLOUD_ENV_VARIABLES = {
  appKey: 'RONGCLOUD_APP_KEY',
  appSecret: 'RONGCLOUD_APP_SECRET',
  region: 'RONGCLOUD_REGION',
  baseUrl: 'RONGCLOUD_BASE_URL',
  botUserIds: 'RONGCLOUD_BOT_USER_ID',
} as const;

/** Client options whose App Key and App Secret are known. */
export type RongCloudConnectionOptions = RongCloudClientOptions & {
  appKey: string;
  appSecret: SecretInput;
};

/**
 * The App Secret, from the option or `RONGCLOUD_APP_SECRET`; `undefined` when in neither.
 */
export function appSecretFromEnvironment(
  options: RongCloudClientOptions,
  reader: EnvironmentReader,
): SecretInput | undefined {
  return options.appSecret ?? reader.text(RONGCLOUD_ENV_VARIABLES.appSecret);
}

/**
 * The options with each connection setting the caller left out (`undefined`) read from its
 * variable of {@link RONGCLOUD_ENV_VARIABLES}. `region`, `baseUrl` and `hosts` say one thing
 * (where the API is): when any of them is given in code, none is read from the environment.
 *
 * @throws {ValidationError} naming the option and the variable when `appKey` or `appSecret` is in
 *   neither, or a variable is malformed (a secret's value is never shown).
 */
export function connectionFromEnvironment(
  options: RongCloudClientOptions,
  owner: string,
  reader: EnvironmentReader = createEnvironmentReader(owner, options.env),
): RongCloudConnectionOptions {
  const names = RONGCLOUD_ENV_VARIABLES;
  const appKey = options.appKey ?? reader.text(names.appKey);
  if (appKey === undefined) {
    throw reader.missing('appKey', names.appKey, 'the App Key of your RongCloud app');
  }
  const appSecret = appSecretFromEnvironment(options, reader);
  if (appSecret === undefined) {
    throw reader.missing(
      'appSecret',
      names.appSecret,
      'the App Secret shown next to the App Key in the console',
    );
  }
  const located =
    options.region !== undefined || options.baseUrl !== undefined || options.hosts !== undefined;
  if (located) return { ...options, appKey, appSecret };
  return {
    ...options,
    appKey,
    appSecret,
    region: reader.oneOf(
      'region',
      names.region,
      Object.keys(RONGCLOUD_REGIONS) as RongCloudRegion[],
    ),
    baseUrl: reader.url('baseUrl', names.baseUrl),
  };
}
