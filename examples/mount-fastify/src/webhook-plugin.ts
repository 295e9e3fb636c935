import type { RequestHandler } from '@imbridge/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Options of {@link registerWebhook}. */
export interface WebhookRouteOptions {
  /** The bot's handler: `bot.webhook(adapter)`. */
  webhook: RequestHandler;
  /** Route path. @default '/tencent-chat/webhook' */
  path?: string | undefined;
  /** Largest accepted body, in bytes; larger bodies get 413 from Fastify. @default 1_048_576 */
  maxBodyBytes?: number | undefined;
}

/** Turns a Fastify request whose body is the raw bytes into a Web `Request`. */
function toWebRequest(request: FastifyRequest, body: Uint8Array): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, String(value));
  }
  return new Request(new URL(request.url, `${request.protocol}://${request.host}`), {
    method: request.method,
    headers,
    body: new Uint8Array(body),
  });
}

/**
 * Mounts the bot's webhook on a Fastify app, in its own encapsulated context.
 *
 * Fastify parses `application/json` bodies by default, but the adapter needs the exact bytes
 * (the adapter reads them with its own size cap and schema; some vendors sign them). So,
 * inside this plugin only, every content type is parsed as a raw `Buffer`; the rest of the app
 * keeps Fastify's JSON parser. The route hands a Web `Request` to the bot and returns the bot's
 * Web `Response`, which Fastify 5 sends as it is (status, headers, streamed body) — Fastify's
 * hooks, logging and error handling still apply.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(registerWebhook, { webhook: bot.webhook(adapter) });
 * ```
 */
export async function registerWebhook(
  instance: FastifyInstance,
  options: WebhookRouteOptions,
): Promise<void> {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: options.maxBodyBytes ?? 1_048_576 },
    (_request, body, done) => done(null, body),
  );
  instance.post(options.path ?? '/tencent-chat/webhook', async (request) => {
    // No body at all (no content type, no length): empty bytes, which the adapter rejects.
    const body = request.body ?? new Uint8Array(0);
    if (!(body instanceof Uint8Array)) {
      // Another parser turned the body into an object (the route was moved out of this plugin,
      // say): the original bytes are gone. Fail loudly (Fastify answers 500 and logs this).
      throw new Error(
        'the webhook body is not raw bytes: register the route with registerWebhook, whose ' +
          'raw-body content-type parser must be the one that reads it',
      );
    }
    return options.webhook(toWebRequest(request, body));
  });
}
