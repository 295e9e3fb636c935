/**
 * One host of the local RongCloud: `node:http` on 127.0.0.1, reading each request body (up to
 * 1 MiB), handing it to the dispatcher and sending its answer — late, or not at all (a TCP reset)
 * when an injected fault says so. While the host is down, every request — on a new or a
 * kept-alive connection — is recorded and reset before its body is read, and an answer held by
 * `delayMs` is not sent.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { RestAnswer, RestRequest } from './rest-dispatch.ts';
import type { LocalHost } from './types.ts';

const MAX_REQUEST_BYTES = 1024 * 1024;

/** What a host does with its requests. */
export interface HostHandlers {
  /** True while the host is down. */
  isDown(): boolean;
  /** Told about a request reset because the host is down (its body unread: `bodyText` is empty). */
  refused(request: RestRequest): void;
  /** Answers a request. */
  answer(request: RestRequest): RestAnswer;
}

/** A listening host. */
export interface LoopbackHost {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** Listens on 127.0.0.1:`port` (0 = a free port) as `host`. */
export async function listenOnLoopback(
  host: LocalHost,
  port: number,
  handlers: HostHandlers,
): Promise<LoopbackHost> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const base = {
      host,
      method: request.method ?? 'GET',
      path: new URL(request.url ?? '/', 'http://127.0.0.1').pathname,
      headers: headersOf(request),
    };
    if (handlers.isDown()) {
      handlers.refused({ ...base, bodyText: '', tooLarge: false });
      request.socket.resetAndDestroy();
      return;
    }
    void (async () => {
      try {
        const { text, tooLarge } = await readRequestBody(request);
        const result = handlers.answer({ ...base, bodyText: text, tooLarge });
        if (result.delayMs !== undefined && result.delayMs > 0) await sleep(result.delayMs);
        if (response.destroyed) return;
        // A host taken down while the answer was held does not answer either.
        if (result.reset === true || handlers.isDown()) {
          request.socket.resetAndDestroy();
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
    throw new Error('local-rongcloud: could not read the server address');
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
