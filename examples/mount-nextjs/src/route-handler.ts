import type { RequestHandler } from '@imbridge/core';
import { after } from 'next/server';

/**
 * The second argument Next.js passes to an App Router route handler: the dynamic segments of
 * the route (none for `/tencent-chat/webhook`, so an empty object).
 */
export interface NextRouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

/** An App Router route handler (`export const POST = …` in `route.ts`). */
export type NextRouteHandler = (request: Request, context: NextRouteContext) => Promise<Response>;

/**
 * Turns the bot's Web-standard handler into a Next.js route handler.
 *
 * - **The second argument.** `bot.webhook(adapter)` takes `(request, { waitUntil? })`, but Next
 *   calls a route handler with `(request, { params })` and `next build` checks that type, so the
 *   webhook is not exported as it is: this wrapper takes Next's argument and builds the bot's.
 * - **`after()`.** The bot answers the vendor at once and streams the reply afterwards. On
 *   serverless hosts the function may be frozen once the response is sent; `after()` from
 *   `next/server` (Next 15.1+) keeps it running until the reply's work settles (on Vercel it
 *   uses the platform's `waitUntil`).
 * - **Created on first use.** `next build` imports route modules to collect their settings,
 *   where the secrets may be absent; `getWebhook` is called on the first request.
 *
 * @example
 * ```ts
 * // app/tencent-chat/webhook/route.ts
 * export const POST = toNextRouteHandler(() => getBot().webhook);
 * ```
 */
export function toNextRouteHandler(getWebhook: () => RequestHandler): NextRouteHandler {
  return async (request) =>
    getWebhook()(request, {
      waitUntil: (promise) => {
        after(promise);
      },
    });
}
