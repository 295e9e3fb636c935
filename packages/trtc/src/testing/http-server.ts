/**
 * The HTTP listener of the local TRTC: `node:http` on 127.0.0.1, reading each request's headers
 * and exact body bytes (up to 10 MB, TRTC's limit for a TC3 POST), handing them to the
 * dispatcher, and sending its answer — or none at all (the connection is destroyed) when an
 * injected fault says so.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** TRTC's limit on a TC3 POST body. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** A request as the dispatcher sees it. */
export interface RawRequest {
  readonly method: string;
  /** The query string without `?`. */
  readonly query: string;
  /** Header values by lower-case name. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
  /** The body was longer than {@link MAX_REQUEST_BYTES} (and cut). */
  readonly tooLarge: boolean;
}

/** What to send back: a status and a body, or nothing (`reset`). */
export type RawAnswer =
  | { readonly reset: true }
  | {
      readonly reset?: false;
      readonly status: number;
      readonly contentType: string;
      readonly text: string;
    };

/** A listening server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

function headersOf(request: IncomingMessage): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers.set(name.toLowerCase(), first);
  }
  return headers;
}

function readBody(request: IncomingMessage): Promise<{ body: Uint8Array; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve({ body: new Uint8Array(Buffer.concat(chunks)), tooLarge: size > MAX_REQUEST_BYTES }),
    );
    request.on('error', reject);
  });
}

/** Listens on 127.0.0.1:`port` (0 = a free port) and answers every request with `handle`. */
export async function listenOnLoopback(
  port: number,
  handle: (request: RawRequest) => Promise<RawAnswer>,
): Promise<LoopbackServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        const { body, tooLarge } = await readBody(request);
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        const answer = await handle({
          method: request.method ?? 'GET',
          query: url.search.slice(1),
          headers: headersOf(request),
          body,
          tooLarge,
        });
        if (answer.reset === true) {
          response.destroy();
          return;
        }
        response.writeHead(answer.status, { 'content-type': answer.contentType });
        response.end(answer.text);
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
    throw new Error('local-trtc: could not read the server address');
  }
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
