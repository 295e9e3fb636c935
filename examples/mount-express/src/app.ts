import { type LoggerOption, type RequestHandler, toNodeListener } from '@imbridge/core';
import express, { type Express } from 'express';

/** The webhook path the examples use; set `https://your-host/tencent-chat/webhook` in the console. */
export const WEBHOOK_PATH = '/tencent-chat/webhook';

/**
 * An Express 5 app with the bot's webhook mounted the safe way.
 *
 * The adapter checks the vendor's signature and reads the body itself (size cap, schema), so
 * the webhook route must see the request's exact bytes:
 * - the route is registered **before** the app-wide `express.json()`. A JSON parser that runs
 *   first turns the body into an object, and no later `express.raw()` gets the bytes back (body
 *   parsers skip a request another parser already read);
 * - `express.raw()` on the route is optional: with it Express reads the bytes (and enforces its
 *   `limit`) and `toNodeListener` takes the `Buffer` in `req.body`; without it `toNodeListener`
 *   reads the stream itself, with its own 1 MiB cap.
 *
 * Had a JSON parser consumed the body first, `toNodeListener` answers 500 and logs
 * `webhook-failed` saying how to mount the route (see the test). When the global parser cannot
 * move, give it a `verify` hook that keeps the bytes in `req.rawBody` ({@link keepRawBody}).
 */
export function createApp(
  webhook: RequestHandler,
  options: { logger?: LoggerOption } = {},
): Express {
  const app = express();
  app.post(
    WEBHOOK_PATH,
    express.raw({ type: '*/*', limit: '1mb' }),
    toNodeListener(webhook, { logger: options.logger }),
  );

  // The rest of the app, with its JSON body parser.
  app.use(express.json());
  app.get('/healthz', (_request, response) => {
    response.send('ok');
  });
  app.post('/api/echo', (request, response) => {
    response.json({ received: request.body as unknown });
  });
  return app;
}

/**
 * A `verify` hook for an app-wide `express.json()` that must stay in front of the webhook:
 * it keeps the exact bytes in `req.rawBody`, which `toNodeListener` prefers over the parsed
 * `req.body`.
 *
 * @example
 * ```ts
 * app.use(express.json({ verify: keepRawBody }));
 * app.post('/tencent-chat/webhook', toNodeListener(webhook));
 * ```
 */
export function keepRawBody(request: object, _response: unknown, bytes: Buffer): void {
  Object.assign(request, { rawBody: bytes });
}
