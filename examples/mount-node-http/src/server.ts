import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RequestHandler, toNodeListener } from '@imbridge/core';

/** The webhook path the examples use; set `https://your-host/tencent-chat/webhook` in the console. */
export const WEBHOOK_PATH = '/tencent-chat/webhook';

/**
 * A plain `node:http` server: `POST /tencent-chat/webhook` goes to the bot through
 * `toNodeListener` (it reads the body with a 1 MiB cap and streams the `Response` back);
 * everything else is yours.
 */
export function createWebhookServer(webhook: RequestHandler): Server {
  const listener = toNodeListener(webhook);
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'POST' && path === WEBHOOK_PATH) {
      void listener(request, response);
      return;
    }
    response.statusCode = path === '/healthz' ? 200 : 404;
    response.end(path === '/healthz' ? 'ok' : 'not found');
  });
}

/** Listens on `port` (0: a free one) and resolves with the webhook URL. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}${WEBHOOK_PATH}`;
}
