/**
 * How to point your own bot at the playground: the settings, under the variable names the
 * examples and the CLI read, that make a bot use the local vendors and their made-up
 * credentials. The terminal and the page show them.
 *
 * @module
 */
import {
  LOCAL_RONGCLOUD,
  LOCAL_TENCENT_CHAT,
  LOCAL_TRTC,
  type PlaygroundVendor,
} from './local-setup.ts';

/** Where a bot reaches each local vendor. */
export interface VendorEndpoints {
  /** The recording proxy in front of the local Tencent Cloud Chat. */
  readonly tencentChat: string;
  /** The recording proxy in front of the local RongCloud. */
  readonly rongCloud: string;
  /** The local TRTC itself. */
  readonly trtc: string;
}

/** One setting: a variable name and its value. */
export type Setting = readonly [name: string, value: string];

/** The settings of a bot using the local vendors, per vendor. */
export function connectionSettings(
  endpoints: VendorEndpoints,
  ids: { robotId: string; botUserId: string },
): Record<PlaygroundVendor, Setting[]> {
  return {
    'tencent-chat': [
      ['TENCENT_IM_BASE_URL', endpoints.tencentChat],
      ['TENCENT_IM_SDK_APP_ID', String(LOCAL_TENCENT_CHAT.sdkAppId)],
      ['TENCENT_IM_SECRET_KEY', LOCAL_TENCENT_CHAT.secretKey],
      ['TENCENT_IM_ADMIN_USER_ID', LOCAL_TENCENT_CHAT.adminUserId],
      ['TENCENT_IM_CALLBACK_TOKEN', LOCAL_TENCENT_CHAT.callbackToken],
      ['TENCENT_IM_ROBOT_ID', ids.robotId],
    ],
    rongcloud: [
      ['RONGCLOUD_BASE_URL', endpoints.rongCloud],
      ['RONGCLOUD_APP_KEY', LOCAL_RONGCLOUD.appKey],
      ['RONGCLOUD_APP_SECRET', LOCAL_RONGCLOUD.appSecret],
      ['RONGCLOUD_BOT_USER_ID', ids.botUserId],
    ],
    trtc: [
      ['TRTC_BASE_URL', endpoints.trtc],
      ['TRTC_SDK_APP_ID', String(LOCAL_TRTC.sdkAppId)],
      ['TRTC_SECRET_KEY', LOCAL_TRTC.appSecretKey],
      ['TRTC_CALLBACK_KEY', LOCAL_TRTC.callbackKey],
      ['TENCENTCLOUD_SECRET_ID', LOCAL_TRTC.secretId],
      ['TENCENTCLOUD_SECRET_KEY', LOCAL_TRTC.secretKey],
      ['TENCENTCLOUD_REGION', LOCAL_TRTC.region],
    ],
  };
}
