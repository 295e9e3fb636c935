import { consoleLogger } from '@imbridge/core';
import { createApp } from './app.ts';
import { createTencentBot } from './bot.ts';

const logger = consoleLogger({ level: 'info' });
const { bot, webhook } = createTencentBot({ logger });
const port = Number(process.env.PORT ?? 3000);
const server = createApp(webhook, { logger }).listen(port, process.env.HOST ?? '0.0.0.0', () => {
  console.log(`webhook listening on port ${port}: POST /tencent-chat/webhook`);
});

const stop = (): void => {
  // Replies in flight are finished with a short notice before the process exits.
  void bot.close({ timeoutMs: 8_000 }).then(() => server.close(() => process.exit(0)));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
