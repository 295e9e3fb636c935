/**
 * The bundled example bot: what `npx imbridge dev` answers with when no bot URL is given. One
 * `createBot` with the Tencent Cloud Chat and RongCloud adapters, and a TRTC voice agent, all on
 * the scripted example model and the playground's made-up credentials. The IM adapters call the
 * vendors through the playground's recording proxy, as a bot of yours would.
 *
 * @module
 */
import { createBot, type LoggerOption, memoryState, type RequestHandler } from '@imbridge/core';
import { createRongCloudAdapter } from '@imbridge/rongcloud';
import { createTencentChatAdapter } from '@imbridge/tencent-chat';
import {
  createTrtcClient,
  createTrtcWebhookHandler,
  createVoiceAgent,
  type VoiceAgent,
} from '@imbridge/trtc';
import { createExampleModel, type ExampleModelOptions } from './example-model.ts';
import {
  LOCAL_RONGCLOUD,
  LOCAL_TENCENT_CHAT,
  LOCAL_TRTC,
  type PlaygroundVendor,
} from './local-setup.ts';

/** Options of {@link createExampleBot}. */
export interface ExampleBotOptions {
  /** Base URL of the Tencent Cloud Chat REST API the bot calls. */
  tencentChatBaseUrl: string;
  /** Base URL of the RongCloud Server API the bot calls. */
  rongCloudBaseUrl: string;
  /** Base URL of the TRTC API the voice agent calls. */
  trtcBaseUrl: string;
  /** Where TRTC reaches the voice agent's LLM endpoint (`…/chat/completions` is appended). */
  llmPublicUrl: string;
  /** The Tencent robot the bot answers as. */
  robotId: string;
  /** The RongCloud bot the bot answers as. */
  botUserId: string;
  /** How the scripted model streams. */
  model?: ExampleModelOptions | undefined;
  /** Where the bot, the adapters and the agent log. */
  logger?: LoggerOption;
}

/** The running example bot. */
export interface ExampleBot {
  /** The webhook handler of each vendor. */
  readonly webhooks: Readonly<Record<PlaygroundVendor, RequestHandler>>;
  /** The voice agent (its `handler` is the LLM endpoint TRTC calls). */
  readonly voiceAgent: VoiceAgent;
  /** Finishes open replies and stops the bot. */
  close(): Promise<void>;
}

/** Minimum time between two updates of a reply: quick enough to watch it grow. */
const MIN_UPDATE_INTERVAL_MS = 300;

/**
 * Creates the example bot.
 *
 * @example
 * ```ts
 * const bot = createExampleBot({ tencentChatBaseUrl, rongCloudBaseUrl, trtcBaseUrl,
 *   llmPublicUrl, robotId: '@RBT#assistant', botUserId: 'bot-assistant' });
 * const response = await bot.webhooks['tencent-chat'](request);
 * ```
 */
export function createExampleBot(options: ExampleBotOptions): ExampleBot {
  const model = createExampleModel(options.model);
  const { logger } = options;
  const bot = createBot({
    model,
    state: memoryState(),
    instructions: 'You are the imbridge example bot. Answer briefly and kindly.',
    concurrency: 'interrupt',
    errorMessage: 'Sorry, I could not answer that. Please try again.',
    logger,
  });
  const tencentChat = createTencentChatAdapter({
    sdkAppId: LOCAL_TENCENT_CHAT.sdkAppId,
    secretKey: LOCAL_TENCENT_CHAT.secretKey,
    adminUserId: LOCAL_TENCENT_CHAT.adminUserId,
    callbackToken: LOCAL_TENCENT_CHAT.callbackToken,
    baseUrl: options.tencentChatBaseUrl,
    robotIds: [options.robotId],
    minUpdateIntervalMs: MIN_UPDATE_INTERVAL_MS,
    logger,
    // The playground's settings are all here: none comes from the user's shell.
    env: {},
  });
  const rongCloud = createRongCloudAdapter({
    appKey: LOCAL_RONGCLOUD.appKey,
    appSecret: LOCAL_RONGCLOUD.appSecret,
    baseUrl: options.rongCloudBaseUrl,
    botUserIds: [options.botUserId],
    minUpdateIntervalMs: MIN_UPDATE_INTERVAL_MS,
    logger,
    env: {},
  });
  const voiceAgent = createVoiceAgent({
    trtc: createTrtcClient({
      credentials: { secretId: LOCAL_TRTC.secretId, secretKey: LOCAL_TRTC.secretKey },
      region: LOCAL_TRTC.region,
      baseUrl: options.trtcBaseUrl,
      env: {},
    }),
    sdkAppId: LOCAL_TRTC.sdkAppId,
    secretKey: LOCAL_TRTC.appSecretKey,
    model,
    publicUrl: options.llmPublicUrl,
    ttsConfig: { type: 'flow', voiceId: 'v-female-R2s4N9qJ', model: 'flow_01_turbo' },
    llm: { systemPrompt: 'You are the imbridge example voice agent. Answer in two sentences.' },
    logger,
    env: {},
  });
  const trtcWebhook = createTrtcWebhookHandler({
    callbackKey: LOCAL_TRTC.callbackKey,
    onWebhook: (webhook) => voiceAgent.handleWebhook(webhook),
    logger,
    env: {},
  });
  return {
    webhooks: {
      'tencent-chat': bot.webhook(tencentChat),
      rongcloud: bot.webhook(rongCloud),
      trtc: trtcWebhook,
    },
    voiceAgent,
    close: () => bot.close({ timeoutMs: 3_000 }),
  };
}
