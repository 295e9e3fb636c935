/**
 * The HTTP listener of the local Dify: `node:http` on 127.0.0.1, reading each request body (up
 * to 1 MiB) and handing the handler a small reply object that answers JSON, streams server-sent
 * events, or resets the connection.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const MAX_REQUEST_BYTES = 1024 * 1024;

/** A request, with its body read. */
export interface LoopbackRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  bodyText: string;
  /** The body was larger than 1 MiB (and was not kept). */
  tooLarge: boolean;
}

/** How a handler answers. Writes after the end or after the client left do nothing. */
export interface LoopbackReply {
  /** Answers a complete body. */
  send(status: number, contentType: string, text: string): void;
  /** Sends `200 text/event-stream` headers. */
  startEventStream(): void;
  /** Writes to a started event stream. */
  write(text: string): void;
  /** Ends the answer. */
  end(): void;
  /** Closes the connection without (more of) an answer. */
  reset(): void;
  /** True once the answer ended or the connection closed. */
  readonly closed: boolean;
  /** Aborted when the client goes away before the answer ended, or the server closes. */
  readonly signal: AbortSignal;
}

/** A listening server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

function toReply(response: ServerResponse, serverSignal: AbortSignal): LoopbackReply {
  const controller = new AbortController();
  const onServerClose = (): void => controller.abort();
  serverSignal.addEventListener('abort', onServerClose, { once: true });
  response.on('close', () => {
    serverSignal.removeEventListener('abort', onServerClose);
    if (!response.writableFinished) controller.abort();
  });
  const closed = (): boolean => response.writableEnded || response.destroyed;
  return {
    send: (status, contentType, text) => {
      if (closed()) return;
      response.writeHead(status, { 'content-type': contentType });
      response.end(text);
    },
    startEventStream: () => {
      if (closed()) return;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      });
      response.flushHeaders();
    },
    write: (text) => {
      if (!closed()) response.write(text);
    },
    end: () => {
      if (!closed()) response.end();
    },
    reset: () => {
      response.destroy();
    },
    get closed() {
      return closed();
    },
    signal: controller.signal,
  };
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

function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * Listens on 127.0.0.1:`port` (0 = a free port) and hands every request to `handle`; a handler
 * that throws answers 500 with Dify's `internal_server_error` body.
 */
export async function listenOnLoopback(
  port: number,
  handle: (request: LoopbackRequest, reply: LoopbackReply) => Promise<void>,
): Promise<LoopbackServer> {
  const closing = new AbortController();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const reply = toReply(response, closing.signal);
    void (async () => {
      try {
        const { text, tooLarge } = await readRequestBody(request);
        await handle(
          {
            method: request.method ?? 'GET',
            path: new URL(request.url ?? '/', 'http://127.0.0.1').pathname,
            headers: headersOf(request),
            bodyText: text,
            tooLarge,
          },
          reply,
        );
      } catch {
        reply.send(
          500,
          'application/json',
          '{"code": "internal_server_error", "message": "Internal Server Error", "status": 500}\n',
        );
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
    throw new Error('local-dify: could not read the server address');
  }
  let closed: Promise<void> | undefined;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
