import { consoleLogger } from '@imbridge/core';
import { createTencentBot } from './bot.ts';
import { createWebhookServer, listen } from './server.ts';

const logger = consoleLogger({ level: 'info' });
const { bot, webhook } = createTencentBot({ logger });
const server = createWebhookServer(webhook);
const url = await listen(server, Number(process.env.PORT ?? 3000), process.env.HOST ?? '0.0.0.0');
console.log(`webhook listening: ${url}`);

const stop = (): void => {
  // Replies in flight are finished with a short notice before the process exits.
  void bot.close({ timeoutMs: 8_000 }).then(() => server.close(() => process.exit(0)));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
