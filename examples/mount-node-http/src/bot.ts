import {
  type Bot,
  createBot,
  type LanguageModel,
  type LoggerOption,
  type RequestHandler,
} from '@imbridge/core';
import { createScriptedModel, textSteps } from '@imbridge/core/testing';
import {
  createTencentChatAdapter,
  type TencentChatAdapter,
  type TencentChatAdapterOptions,
} from '@imbridge/tencent-chat';

/** The bot and the Web-standard handler a framework mounts. */
export interface TencentBot {
  bot: Bot;
  adapter: TencentChatAdapter;
  /** `(request, { waitUntil? }) => Promise<Response>`: what every recipe mounts. */
  webhook: RequestHandler;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`Set ${name}`);
  return value;
}

/** The Tencent Cloud Chat adapter's options from the `TENCENT_IM_*` environment variables. */
export function tencentOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): TencentChatAdapterOptions {
  return {
    sdkAppId: Number(required(env, 'TENCENT_IM_SDK_APP_ID')),
    secretKey: required(env, 'TENCENT_IM_SECRET_KEY'),
    adminUserId: env.TENCENT_IM_ADMIN_USER_ID || 'administrator',
    callbackToken: required(env, 'TENCENT_IM_CALLBACK_TOKEN'),
    robotIds: [required(env, 'TENCENT_IM_ROBOT_ID')],
    baseUrl: env.TENCENT_IM_BASE_URL || undefined,
  };
}

/** An offline model that streams back what it was asked; replace it with a real one. */
export function createEchoModel(options: { delayMs?: number } = {}): LanguageModel {
  return createScriptedModel({
    provider: 'offline',
    modelId: 'echo',
    scripts: (request) => ({
      steps: textSteps(`You said: ${request.messages.at(-1)?.content ?? ''}`, {
        chunkSize: 3,
        delayMs: options.delayMs ?? 40,
      }),
    }),
  });
}

/** Creates the adapter and the bot; `webhook` is the handler to mount. */
export function createTencentBot(options: {
  adapter: TencentChatAdapterOptions;
  model?: LanguageModel | undefined;
  logger?: LoggerOption;
}): TencentBot {
  const adapter = createTencentChatAdapter({ ...options.adapter, logger: options.logger });
  const bot = createBot({
    model: options.model ?? createEchoModel(),
    instructions: 'You are a helpful assistant. Answer briefly.',
    logger: options.logger,
  });
  return { bot, adapter, webhook: bot.webhook(adapter) };
}
