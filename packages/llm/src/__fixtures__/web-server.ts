/**
 * A loopback server that hands a Web-standard handler the request body as a live stream, the way
 * Bun, Deno and Cloudflare Workers do (core's `toNodeListener` buffers the body first), and counts
 * the bytes the handler pulled from it. For tests that must show a body was never read.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from '@imbridge/core';

/** A running server. */
export interface WebServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Bytes of request bodies the handler pulled, over all requests. */
  bodyBytesRead(): number;
  /** The requests the handler received, in order. */
  readonly requests: Request[];
  close(): Promise<void>;
}

/** A body stream over the socket that pulls only when the handler reads (no read-ahead). */
function liveBody(incoming: IncomingMessage, onBytes: (count: number) => void) {
  const chunks = incoming[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const step = await chunks.next();
        if (step.done) {
          controller.close();
          return;
        }
        const bytes = new Uint8Array(step.value as Buffer);
        onBytes(bytes.byteLength);
        controller.enqueue(bytes);
      },
      cancel() {
        incoming.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Serves `handler` on 127.0.0.1 with streamed request bodies. */
export async function serveWeb(handler: RequestHandler): Promise<WebServer> {
  let bytesRead = 0;
  const requests: Request[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const method = incoming.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const init = {
      method,
      headers,
      ...(hasBody
        ? {
            body: liveBody(incoming, (count) => {
              bytesRead += count;
            }),
            duplex: 'half',
          }
        : {}),
    };
    const request = new Request(`http://127.0.0.1${incoming.url ?? '/'}`, init as RequestInit);
    requests.push(request);
    void (async () => {
      const response = await handler(request);
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    })().catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodyBytesRead: () => bytesRead,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
