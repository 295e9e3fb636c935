import type { RequestHandler } from '@imbridge/core';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerWebhook } from './webhook-plugin.ts';

/** The webhook path the examples use; set `https://your-host/tencent-chat/webhook` in the console. */
export const WEBHOOK_PATH = '/tencent-chat/webhook';

/**
 * A Fastify 5 app: the bot's webhook in its own encapsulated context (raw body), next to routes
 * that keep Fastify's default JSON parsing.
 */
export async function createApp(
  webhook: RequestHandler,
  options: FastifyServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify(options);
  await app.register(registerWebhook, { webhook, path: WEBHOOK_PATH });
  app.get('/healthz', async () => 'ok');
  app.post('/api/echo', async (request) => ({ received: request.body }));
  return app;
}
