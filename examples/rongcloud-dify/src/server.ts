import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  type Bot,
  consoleLogger,
  createBot,
  type LanguageModel,
  type LoggerOption,
  type StateAdapter,
  toNodeListener,
} from '@imbridge/core';
import { createDify } from '@imbridge/llm';
import { createRongCloudAdapter, type RongCloudAdapter } from '@imbridge/rongcloud';
import { ConfigError, type ExampleConfig, readConfig, WEBHOOK_PATH } from './config.ts';

/**
 * How long a Dify conversation is kept per user and bot: 24 h, like RongCloud's own Dify
 * integration. The runtime's TTL slides (24 h after the last reply); RongCloud's starts a fresh
 * conversation 24 h after the first one.
 */
export const CONVERSATION_TTL_MS = 24 * 3_600_000;

/** A running bot server. */
export interface BotServer {
  /** The webhook URL on this machine (the public one goes into `PUBLIC_WEBHOOK_URL`). */
  webhookUrl: string;
  bot: Bot;
  adapter: RongCloudAdapter;
  server: Server;
  close(): Promise<void>;
}

/** The Dify model of the example: the Chatflow app at `DIFY_BASE_URL`, streamed. */
export function createDifyModel(config: ExampleConfig): LanguageModel {
  return createDify({ baseUrl: config.dify.baseUrl, apiKey: config.dify.apiKey, app: 'chatflow' });
}

/**
 * Starts the webhook server: POST /rongcloud/webhook receives the webhook bot's messages from
 * RongCloud and answers each with the Dify model, streamed back as one `RC:StreamMsg`; GET
 * /healthz answers 200.
 */
export async function startBotServer(options: {
  config: ExampleConfig;
  /** @default the Dify model of `config.dify` */
  model?: LanguageModel;
  /** Where the bot and the adapter log. @default warnings and errors to the console */
  logger?: LoggerOption;
  /**
   * Where conversations (the Dify conversation ids), queues and locks are kept; a shared store
   * when several instances serve the bot. @default memoryState() (this process)
   */
  state?: StateAdapter;
  /** @default '127.0.0.1' */
  host?: string;
}): Promise<BotServer> {
  const { config } = options;
  const adapter = createRongCloudAdapter({
    ...config.rongcloud,
    botUserIds: [config.webhookBotUserId],
    logger: options.logger,
  });
  const bot = createBot({
    model: options.model ?? createDifyModel(config),
    // Dify keeps the conversation; the runtime keeps its id (the model's providerState) per
    // user and bot, forgotten after 24 h without a message. Only the newest message is sent.
    history: { maxMessages: 1, ttlMs: CONVERSATION_TTL_MS },
    errorMessage: 'Sorry, I could not answer that. Please try again.',
    state: options.state,
    logger: options.logger,
  });
  const webhook = toNodeListener(bot.webhook(adapter));
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'POST' && path === WEBHOOK_PATH) {
      void webhook(request, response);
      return;
    }
    response.statusCode = path === '/healthz' ? 200 : 404;
    response.end(path === '/healthz' ? 'ok' : 'not found');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(config.port, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://${host}:${port}${WEBHOOK_PATH}`,
    bot,
    adapter,
    server,
    async close() {
      // Within 8 s: replies the users see are finished with a short notice, and messages not
      // started yet stay in state for the next instance (with a shared state store).
      await bot.close({ timeoutMs: 8_000 });
      server.closeIdleConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let config: ExampleConfig;
  try {
    config = readConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  }
  const running = await startBotServer({
    config,
    host: process.env.HOST ?? '0.0.0.0',
    // Replies started/finished and every warning; pass pino or winston here as they are.
    logger: consoleLogger({ level: 'info' }),
  });
  console.log(
    `RongCloud bot ${config.webhookBotUserId} answering with Dify (${config.dify.baseUrl}); listening: ${running.webhookUrl}`,
  );
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
