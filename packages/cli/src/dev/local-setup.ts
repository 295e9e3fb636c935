/**
 * The made-up world of the playground: one app per vendor with local credentials (they open
 * nothing but the stand-ins on this machine, so they may be shown to connect a bot), the users a
 * developer chats as, and the groups they share with the bot.
 *
 * @module
 */

/** The vendors of the playground, by their provider ids. */
export const PLAYGROUND_VENDORS = ['tencent-chat', 'rongcloud', 'trtc'] as const;

/** One of {@link PLAYGROUND_VENDORS}. */
export type PlaygroundVendor = (typeof PLAYGROUND_VENDORS)[number];

/** The users a developer can chat as; all three are in the groups. */
export const PLAYGROUND_USERS = ['alice', 'bob', 'carol'] as const;

/** One of {@link PLAYGROUND_USERS}. */
export type PlaygroundUser = (typeof PLAYGROUND_USERS)[number];

/** The local Tencent Cloud Chat app (the SDKAppID range of real apps, a made-up key). */
export const LOCAL_TENCENT_CHAT = {
  sdkAppId: 1_400_000_000,
  secretKey: 'imbridge-dev-local-tencent-secret-key',
  callbackToken: 'imbridge-dev-local-callback-token',
  adminUserId: 'administrator',
  robotId: '@RBT#assistant',
  groupId: '@TGS#playground',
} as const;

/** The local RongCloud app. */
export const LOCAL_RONGCLOUD = {
  appKey: 'imbridge-dev-app-key',
  appSecret: 'imbridge-dev-local-app-secret',
  botUserId: 'bot-assistant',
  groupId: 'playground',
} as const;

/** The local TRTC application and Cloud API key. */
export const LOCAL_TRTC = {
  sdkAppId: 1_400_000_001,
  secretId: 'AKIDimbridgedevlocal000000000000',
  secretKey: 'imbridge-dev-local-cloud-api-key',
  appSecretKey: 'imbridge-dev-local-trtc-sdk-secret-key',
  callbackKey: 'imbridge-dev-local-trtc-callback-key',
  region: 'ap-guangzhou',
} as const;

/** The names of the vendors, as the terminal and the page show them. */
export const VENDOR_LABELS: Readonly<Record<PlaygroundVendor, string>> = {
  'tencent-chat': 'Tencent Chat',
  rongcloud: 'RongCloud',
  trtc: 'TRTC',
};

/** The `imbridge dev` flag that sends a vendor's webhooks to your bot instead of the example bot. */
export const BOT_URL_FLAGS: Readonly<Record<PlaygroundVendor, string>> = {
  'tencent-chat': '--bot-url',
  rongcloud: '--rongcloud-bot-url',
  trtc: '--trtc-bot-url',
};

/** True for one of {@link PLAYGROUND_USERS}. */
export function isPlaygroundUser(value: unknown): value is PlaygroundUser {
  return PLAYGROUND_USERS.some((user) => user === value);
}

/** True for one of {@link PLAYGROUND_VENDORS}. */
export function isPlaygroundVendor(value: unknown): value is PlaygroundVendor {
  return PLAYGROUND_VENDORS.some((vendor) => vendor === value);
}
