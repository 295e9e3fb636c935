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
  /** `(request, context?) => Promise<Response>`: what every recipe mounts. */
  webhook: RequestHandler;
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

/**
 * Creates the adapter and the bot; `webhook` is the handler to mount. The adapter reads each
 * setting left out of `adapter` from the `TENCENT_IM_*` environment variables
 * (`TENCENT_IM_SDK_APP_ID`, `TENCENT_IM_SECRET_KEY`, `TENCENT_IM_CALLBACK_TOKEN`,
 * `TENCENT_IM_ROBOT_ID`, and optionally `TENCENT_IM_ADMIN_USER_ID`, `TENCENT_IM_BASE_URL`…) and
 * says which one is missing.
 */
export function createTencentBot(
  options: {
    /** Adapter options; what is left out comes from the environment (or `adapter.env`). */
    adapter?: TencentChatAdapterOptions | undefined;
    model?: LanguageModel | undefined;
    logger?: LoggerOption;
    /** Where the reply's background work goes (Next.js `after`). */
    waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
  } = {},
): TencentBot {
  const adapter = createTencentChatAdapter({ ...options.adapter, logger: options.logger });
  const bot = createBot({
    model: options.model ?? createEchoModel(),
    instructions: 'You are a helpful assistant. Answer briefly.',
    logger: options.logger,
    waitUntil: options.waitUntil,
  });
  return { bot, adapter, webhook: bot.webhook(adapter) };
}
