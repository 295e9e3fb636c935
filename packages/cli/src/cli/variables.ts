/**
 * Every environment variable `imbridge` reads: the names the examples use (`examples/*`), what
 * each holds and where to find it, and which are secrets (never printed, and accepted from the
 * environment or `.env` only — a flag would land in the shell history and the process list).
 *
 * @module
 */

/** What the CLI knows about one environment variable. */
export interface VariableDefinition {
  /** What it holds and where to find it, for messages ("Set X: …"). */
  description: string;
  /** A secret: never printed, never taken from a flag. */
  secret?: true;
}

/** The environment variables of the CLI, by name. */
export const VARIABLES = {
  TENCENT_IM_SDK_APP_ID: {
    description:
      'the SDKAppID of your Tencent Cloud Chat app (Chat console → Application → Basic configuration)',
  },
  TENCENT_IM_SECRET_KEY: {
    description: "the app's secret key (Chat console → Application → Basic configuration → Key)",
    secret: true,
  },
  TENCENT_IM_ADMIN_USER_ID: {
    description: 'an App admin account (Chat console → Account management → App admin)',
  },
  TENCENT_IM_REGION: {
    description:
      "the app's data centre: china, singapore, seoul, tokyo, frankfurt, mumbai, siliconValley or jakarta",
  },
  TENCENT_IM_BASE_URL: {
    description: 'one base URL instead of the regional host (a proxy, the local Tencent Chat)',
  },
  TENCENT_IM_CALLBACK_TOKEN: {
    description: 'the callback authentication token (Chat console → Callback configuration)',
    secret: true,
  },
  TENCENT_IM_ROBOT_ID: { description: 'the robot account, starting with @RBT#' },
  RONGCLOUD_APP_KEY: { description: 'the App Key of your RongCloud app (console → App Key)' },
  RONGCLOUD_APP_SECRET: {
    description: 'the App Secret of that app (console → App Key → App Secret), not the App Key',
    secret: true,
  },
  RONGCLOUD_REGION: {
    description: "the app's data centre: china, singapore, singaporeB, northAmerica or saudiArabia",
  },
  RONGCLOUD_BASE_URL: {
    description: 'one base URL instead of the region (a proxy, the local RongCloud)',
  },
  RONGCLOUD_BOT_USER_ID: { description: 'the user id of the bot your webhook answers' },
  DIFY_BASE_URL: {
    description: "the Dify app's Service API base URL, e.g. https://api.dify.ai/v1",
  },
  DIFY_API_KEY: { description: "the Dify app's API key (app-…)", secret: true },
  TRTC_SDK_APP_ID: {
    description: 'the SDKAppID of your TRTC application (TRTC console → Applications)',
  },
  TRTC_SECRET_KEY: {
    description:
      "the SDK secret key of that application (TRTC console → the application's Basic Information), which signs UserSigs",
    secret: true,
  },
  TENCENTCLOUD_SECRET_ID: {
    description:
      'the SecretId of a Tencent Cloud API key allowed to call TRTC (CAM console → API keys)',
  },
  TENCENTCLOUD_SECRET_KEY: {
    description: 'the SecretKey of that API key (not the TRTC SDK secret key)',
    secret: true,
  },
  TENCENTCLOUD_SESSION_TOKEN: {
    description: 'the session token of temporary (STS) credentials',
    secret: true,
  },
  TENCENTCLOUD_REGION: {
    description: 'the region of the TRTC calls, e.g. ap-guangzhou, ap-singapore, na-siliconvalley',
  },
  TRTC_ENDPOINT: {
    description: 'the TRTC API site: china (trtc.tencentcloudapi.com) or international',
  },
  TRTC_BASE_URL: { description: 'one base URL instead of the site (a proxy, the local TRTC)' },
  TRTC_CALLBACK_KEY: {
    description: 'the callback signing key set next to the callback URL in the TRTC console',
    secret: true,
  },
  TRTC_TTS_VOICE_ID: { description: "the agent's voice (TRTC's built-in flow voices)" },
  TRTC_TTS_MODEL: { description: 'the model of that voice, e.g. flow_01_turbo' },
  AGENT_SYSTEM_PROMPT: { description: "the voice agent's system prompt" },
  AGENT_WELCOME_MESSAGE: { description: 'what the voice agent says first' },
  LLM_BASE_URL: {
    description: 'the base URL of an OpenAI-compatible API, e.g. https://api.deepseek.com',
  },
  LLM_MODEL: { description: 'the model id, e.g. deepseek-chat' },
  LLM_API_KEY: { description: 'the API key of that LLM', secret: true },
  IMBRIDGE_DEV_BOT_URL: {
    description: "for imbridge dev: your bot's Tencent Chat webhook URL (--bot-url)",
  },
  IMBRIDGE_DEV_RONGCLOUD_BOT_URL: {
    description: "for imbridge dev: your bot's RongCloud webhook URL (--rongcloud-bot-url)",
  },
  IMBRIDGE_DEV_TRTC_BOT_URL: {
    description: "for imbridge dev: your bot's TRTC callback URL (--trtc-bot-url)",
  },
} as const satisfies Record<string, VariableDefinition>;

/** The name of one of {@link VARIABLES}. */
export type VariableName = keyof typeof VARIABLES;

/** True when the variable holds a secret. */
export function isSecretVariable(name: VariableName): boolean {
  const definition: VariableDefinition = VARIABLES[name];
  return definition.secret === true;
}

/** The names of every secret variable. */
export const SECRET_VARIABLES: readonly VariableName[] = (
  Object.keys(VARIABLES) as VariableName[]
).filter(isSecretVariable);
