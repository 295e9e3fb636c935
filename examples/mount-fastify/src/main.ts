import { consoleLogger } from '@imbridge/core';
import { createApp } from './app.ts';
import { createTencentBot } from './bot.ts';

const logger = consoleLogger({ level: 'info' });
const { bot, webhook } = createTencentBot({ logger });
const app = await createApp(webhook, { logger: true });
await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '0.0.0.0' });

const stop = (): void => {
  // Replies in flight are finished with a short notice before the process exits.
  void bot.close({ timeoutMs: 8_000 }).then(() => app.close().then(() => process.exit(0)));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
