/**
 * The HTTP listener of the local Tencent Cloud Chat: `node:http` on 127.0.0.1, reading each
 * request body (up to 1 MiB), handing it to the REST dispatcher, and sending its answer — late,
 * or not at all (the connection is destroyed), when an injected fault says so.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { RestAnswer, RestRequest } from './rest-dispatch.ts';

const MAX_REQUEST_BYTES = 1024 * 1024;

/** A listening server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0 = a free port) and answers every request with `handle`. */
export async function listenOnLoopback(
  port: number,
  handle: (request: RestRequest) => Promise<RestAnswer>,
): Promise<LoopbackServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        const { text, tooLarge } = await readRequestBody(request);
        const result = await handle({
          method: request.method ?? 'GET',
          url: new URL(request.url ?? '/', 'http://127.0.0.1'),
          bodyText: text,
          tooLarge,
        });
        if (result.delayMs !== undefined && result.delayMs > 0) await sleep(result.delayMs);
        if (result.reset === true || response.destroyed) {
          // No answer at all: the client sees the connection close (or has given up already).
          response.destroy();
          return;
        }
        response.writeHead(result.status, { 'content-type': result.contentType });
        response.end(result.text);
      } catch (error) {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error instanceof Error ? error.message : 'error');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error('local-tencent-chat: could not read the server address');
  }
  let closed = false;
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Waits `ms` without keeping the process alive (a closed server leaves no timer behind). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}

function readRequestBody(request: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    request.on('error', reject);
  });
}
