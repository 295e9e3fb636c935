/**
 * The local vendors of the playground: the stand-ins the vendor packages ship for their tests
 * (`@imbridge/<vendor>/testing`), started on 127.0.0.1 with their webhooks aimed at the
 * playground's relay, and seeded as a developer would set up a real app: the users, the Tencent
 * robot and its friends, the RongCloud bot with a webhook integration, and a group per vendor.
 *
 * @module
 */
import { createRongCloudClient } from '@imbridge/rongcloud';
import { createLocalRongCloud, type LocalRongCloud } from '@imbridge/rongcloud/testing';
import { createTencentChatClient } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { createLocalTRTC, type LocalTRTC } from '@imbridge/trtc/testing';
import {
  LOCAL_RONGCLOUD,
  LOCAL_TENCENT_CHAT,
  LOCAL_TRTC,
  PLAYGROUND_USERS,
  type PlaygroundVendor,
} from './local-setup.ts';

/** Options of {@link startLocalVendors}. */
export interface LocalVendorsOptions {
  /** Where each stand-in posts its webhooks (the playground's relay). */
  webhookUrlOf: (vendor: PlaygroundVendor) => string;
  /** The Tencent robot the users chat with. @default '@RBT#assistant' */
  robotId?: string | undefined;
  /** The RongCloud bot the users chat with. @default 'bot-assistant' */
  botUserId?: string | undefined;
}

/** The running stand-ins and who is who in them. */
export interface LocalVendors {
  /** The local Tencent Cloud Chat. */
  readonly tencentChat: LocalTencentChat;
  /** The local RongCloud (primary and backup host). */
  readonly rongCloud: LocalRongCloud;
  /** The local TRTC. */
  readonly trtc: LocalTRTC;
  /** The Tencent robot account. */
  readonly robotId: string;
  /** The RongCloud bot user. */
  readonly botUserId: string;
  /** Stops the three stand-ins. */
  close(): Promise<void>;
}

/** A robot avatar, as RongCloud requires a profile URL. */
const BOT_PROFILE_URL = 'https://example.com/imbridge-dev/bot.png';

async function seedTencentChat(chat: LocalTencentChat, robotId: string): Promise<void> {
  const client = createTencentChatClient({
    // Settings were resolved by the command line (flags, its environment, .env): none is read again.
    env: {},
    sdkAppId: LOCAL_TENCENT_CHAT.sdkAppId,
    secretKey: LOCAL_TENCENT_CHAT.secretKey,
    adminUserId: chat.adminUserId,
    baseUrl: chat.baseUrl,
  });
  await client.createRobot({ robotId, nick: 'Assistant' });
  for (const userId of PLAYGROUND_USERS) {
    chat.importAccount(userId, { nick: userId });
    await client.addFriends({ userId, friends: [{ userId: robotId }] });
  }
  chat.createGroup({
    groupId: LOCAL_TENCENT_CHAT.groupId,
    type: 'Public',
    memberIds: [...PLAYGROUND_USERS, robotId],
  });
}

async function seedRongCloud(
  rongCloud: LocalRongCloud,
  botUserId: string,
  webhookUrl: string,
): Promise<void> {
  const client = createRongCloudClient({
    // Settings were resolved by the command line (flags, its environment, .env): none is read again.
    env: {},
    appKey: LOCAL_RONGCLOUD.appKey,
    appSecret: LOCAL_RONGCLOUD.appSecret,
    baseUrl: rongCloud.primaryUrl,
  });
  for (const userId of PLAYGROUND_USERS) rongCloud.registerUser(userId, { name: userId });
  rongCloud.registerUser(botUserId, { name: 'Assistant' });
  await client.createBot({
    userId: botUserId,
    name: 'Assistant',
    type: 'Message AI',
    profileUrl: BOT_PROFILE_URL,
    integrations: [
      {
        type: 'webhook',
        callbackUrl: webhookUrl,
        events: ['message:private', 'message:group'],
        objectNames: ['RC:TxtMsg'],
      },
    ],
  });
  rongCloud.createGroup({
    groupId: LOCAL_RONGCLOUD.groupId,
    name: 'Playground',
    memberIds: [...PLAYGROUND_USERS, botUserId],
  });
}

/**
 * Starts the local Tencent Cloud Chat, RongCloud and TRTC with the playground's made-up
 * credentials, and seeds them. What fails half-way is closed before the error is thrown.
 *
 * @throws {Error} when a stand-in cannot listen or a seeding call fails.
 */
export async function startLocalVendors(options: LocalVendorsOptions): Promise<LocalVendors> {
  const robotId = options.robotId ?? LOCAL_TENCENT_CHAT.robotId;
  const botUserId = options.botUserId ?? LOCAL_RONGCLOUD.botUserId;
  const started: Array<{ close(): Promise<void> }> = [];
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled(started.map((server) => server.close()));
  };
  try {
    const tencentChat = await createLocalTencentChat({
      sdkAppId: LOCAL_TENCENT_CHAT.sdkAppId,
      secretKey: LOCAL_TENCENT_CHAT.secretKey,
      adminUserId: LOCAL_TENCENT_CHAT.adminUserId,
      callbackToken: LOCAL_TENCENT_CHAT.callbackToken,
      callbackUrl: options.webhookUrlOf('tencent-chat'),
    });
    started.push(tencentChat);
    const rongCloud = await createLocalRongCloud({
      appKey: LOCAL_RONGCLOUD.appKey,
      appSecret: LOCAL_RONGCLOUD.appSecret,
    });
    started.push(rongCloud);
    const trtc = await createLocalTRTC({
      secretId: LOCAL_TRTC.secretId,
      secretKey: LOCAL_TRTC.secretKey,
      sdkAppId: LOCAL_TRTC.sdkAppId,
      callbackUrl: options.webhookUrlOf('trtc'),
      callbackKey: LOCAL_TRTC.callbackKey,
      webhookRetry: false,
    });
    started.push(trtc);
    await seedTencentChat(tencentChat, robotId);
    await seedRongCloud(rongCloud, botUserId, options.webhookUrlOf('rongcloud'));
    return { tencentChat, rongCloud, trtc, robotId, botUserId, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
