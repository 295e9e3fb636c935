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
import { redisState } from '@imbridge/redis';
import { createTencentChatAdapter, type TencentChatAdapter } from '@imbridge/tencent-chat';
import { type BotConfig, readConfig } from './config.ts';
import { middleware, tools } from './handlers.ts';
import { createModelFromEnv } from './model.ts';

/**
 * The bot's state from the environment: Redis when `REDIS_URL` is set (run several instances of
 * this server behind a load balancer: they share dedupe, turn locks, interrupts, history and the
 * vendor's rate budget), else `undefined` (the runtime's in-process memory state).
 */
export function stateFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): (StateAdapter & { close(): Promise<void> }) | undefined {
  const url = env.REDIS_URL;
  return url === undefined || url === '' ? undefined : redisState({ url });
}

/** A running bot server. */
export interface BotServer {
  /** The webhook URL to configure in the Tencent Cloud Chat console. */
  webhookUrl: string;
  bot: Bot;
  adapter: TencentChatAdapter;
  server: Server;
  close(): Promise<void>;
}

/**
 * Starts the webhook server: POST /tencent-chat/webhook receives Tencent Cloud Chat callbacks;
 * GET /healthz answers 200.
 */
export async function startBotServer(options: {
  config: BotConfig;
  model: LanguageModel;
  /** Where the bot and the adapter log. @default warnings and errors to the console */
  logger?: LoggerOption;
  host?: string;
  /** Shared state for several instances. @default stateFromEnv() (memory without REDIS_URL) */
  state?: StateAdapter | undefined;
}): Promise<BotServer> {
  const adapter = createTencentChatAdapter({ ...options.config.adapter, logger: options.logger });
  // A state made here from REDIS_URL is closed with the server; one passed in is the caller's.
  const ownState = options.state === undefined ? stateFromEnv() : undefined;
  const bot = createBot({
    model: options.model,
    instructions:
      'You are a helpful assistant in a Tencent Cloud Chat conversation. Answer briefly.',
    concurrency: 'interrupt',
    errorMessage: 'Sorry, I could not answer that. Please try again.',
    logger: options.logger,
    state: options.state ?? ownState,
    // Commands answered without the model, and a tool the model may call (see handlers.ts).
    // Tools need a model that calls them (LanguageModel v2); Dify runs its own.
    middleware,
    tools: options.model.specificationVersion === 'v2' ? tools : undefined,
  });
  const webhook = toNodeListener(bot.webhook(adapter));
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'POST' && path === '/tencent-chat/webhook') {
      void webhook(request, response);
      return;
    }
    response.statusCode = path === '/healthz' ? 200 : 404;
    response.end(path === '/healthz' ? 'ok' : 'not found');
  });
  await new Promise<void>((resolve) =>
    server.listen(options.config.port, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://${options.host ?? '127.0.0.1'}:${port}/tencent-chat/webhook`,
    bot,
    adapter,
    server,
    async close() {
      // Within 8 s: replies the users see are finished with a short notice, and messages not
      // started yet stay in state for the next instance (with a shared state such as Redis).
      await bot.close({ timeoutMs: 8_000 });
      await new Promise((resolve) => server.close(resolve));
      await ownState?.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = readConfig();
  const running = await startBotServer({
    config,
    model: createModelFromEnv(),
    host: process.env.HOST ?? '0.0.0.0',
    // Replies started/finished and every warning; pass pino or winston here as they are.
    logger: consoleLogger({ level: 'info' }),
  });
  console.log(`Tencent Cloud Chat robot ${config.robotId} listening: ${running.webhookUrl}`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
