import type {
  TencentChatAdapterOptions,
  TencentChatRegion,
  TencentStreamMode,
} from '@imbridge/tencent-chat';

/** The example's settings, read from the environment (see `.env.example`). */
export interface BotConfig {
  adapter: TencentChatAdapterOptions;
  robotId: string;
  port: number;
}

const REGIONS: TencentChatRegion[] = [
  'china',
  'singapore',
  'seoul',
  'tokyo',
  'frankfurt',
  'mumbai',
  'siliconValley',
  'jakarta',
];
const MODES: TencentStreamMode[] = ['custom-message', 'stream-elem', 'text-modify'];

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value.length === 0) throw new Error(`Set ${name} (see .env.example)`);
  return value;
}

/** Reads and checks the settings; throws a message naming the missing variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  const sdkAppId = Number(required(env, 'TENCENT_IM_SDK_APP_ID'));
  if (!Number.isInteger(sdkAppId) || sdkAppId <= 0)
    throw new Error('TENCENT_IM_SDK_APP_ID must be a number');
  const region = (env.TENCENT_IM_REGION ?? 'china') as TencentChatRegion;
  if (!REGIONS.includes(region))
    throw new Error(`TENCENT_IM_REGION must be one of ${REGIONS.join(', ')}`);
  const streamMode = (env.TENCENT_IM_STREAM_MODE ?? 'custom-message') as TencentStreamMode;
  if (!MODES.includes(streamMode))
    throw new Error(`TENCENT_IM_STREAM_MODE must be one of ${MODES.join(', ')}`);
  const robotId = required(env, 'TENCENT_IM_ROBOT_ID');
  return {
    robotId,
    port: Number(env.PORT ?? 3000),
    adapter: {
      sdkAppId,
      secretKey: required(env, 'TENCENT_IM_SECRET_KEY'),
      adminUserId: env.TENCENT_IM_ADMIN_USER_ID ?? 'administrator',
      region,
      streamMode,
      robotIds: [robotId],
      baseUrl: env.TENCENT_IM_BASE_URL || undefined,
      // Required by the adapter, which says so at start-up when it is missing; only an explicit
      // TENCENT_IM_VERIFY_SIGNATURES=false turns the check off (and logs a warning).
      callbackToken: env.TENCENT_IM_CALLBACK_TOKEN || undefined,
      verifySignatures: env.TENCENT_IM_VERIFY_SIGNATURES !== 'false',
    },
  };
}
