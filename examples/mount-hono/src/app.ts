import type { RequestHandler, WebhookContext } from '@imbridge/core';
import { type Context, type Env, Hono } from 'hono';

/** The webhook path the examples use; set `https://your-host/tencent-chat/webhook` in the console. */
export const WEBHOOK_PATH = '/tencent-chat/webhook';

/**
 * The runtime's background-work hook for the bot: Cloudflare's `ExecutionContext` on Workers,
 * so the reply keeps streaming after the webhook was answered. `c.executionCtx` is a getter that
 * **throws** where there is none (Node through `@hono/node-server`, Bun); there the process
 * itself keeps the reply alive, and an empty context is right.
 */
export function webhookContext(c: Context): WebhookContext {
  try {
    // Passed as the object (not a detached `waitUntil` function): workerd's `waitUntil` must be
    // called on its context.
    return c.executionCtx;
  } catch {
    return {};
  }
}

/**
 * A Hono app with the bot's webhook. Hono hands routes the Web `Request` itself (`c.req.raw`),
 * unread, so no raw-body set-up is needed, as long as no middleware on this route reads the body
 * first (a JSON validator, a body-logging middleware).
 *
 * @param webhookFor returns the bot's handler; on Workers it builds it from `c.env` on first use.
 */
export function createApp<E extends Env = Env>(
  webhookFor: (c: Context<E>) => RequestHandler,
): Hono<E> {
  const app = new Hono<E>();
  app.post(WEBHOOK_PATH, (c) => webhookFor(c)(c.req.raw, webhookContext(c)));
  app.get('/healthz', (c) => c.text('ok'));
  return app;
}
