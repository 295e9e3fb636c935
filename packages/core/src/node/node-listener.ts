import type { WebhookContext, WebhookHandler } from '../runtime/bot.ts';

/** The parts of Node's `http.IncomingMessage` the listener reads. */
export interface NodeIncomingMessage extends AsyncIterable<unknown> {
  /** HTTP method. */
  method?: string | undefined;
  /** Path and query. */
  url?: string | undefined;
  /** Request headers (lower-cased names). */
  headers: Record<string, string | string[] | undefined>;
}

/** The parts of Node's `http.ServerResponse` the listener writes. */
export interface NodeServerResponse {
  /** Status to send. */
  statusCode: number;
  /** Sets a response header. */
  setHeader(name: string, value: string | string[]): unknown;
  /** Sends the body and ends the response. */
  end(chunk?: Uint8Array | string): unknown;
  /** True once headers went out. */
  headersSent?: boolean;
}

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Largest accepted request body, in bytes; larger bodies get 413. @default 1_048_576 (1 MiB) */
  maxBodyBytes?: number;
  /** Base URL used to build the `Request` URL. @default 'http://localhost' */
  baseUrl?: string;
  /** Background-work hook passed to the handler. */
  context?: WebhookContext;
}

/**
 * Adapts a Web-standard webhook handler to Node's `http.createServer` (and Express) listener
 * signature. Reads the body with a size cap, converts headers, and writes the `Response` back.
 * Imports no `node:` module, so it also bundles for edge runtimes.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(toNodeListener(bot.webhook(adapter))).listen(3000);
 * ```
 */
export function toNodeListener(
  handler: WebhookHandler,
  options: NodeListenerOptions = {},
): (request: NodeIncomingMessage, response: NodeServerResponse) => Promise<void> {
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const baseUrl = options.baseUrl ?? 'http://localhost';
  const encoder = new TextEncoder();
  return async (incoming, outgoing) => {
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else headers.set(name, value);
      }
      const method = incoming.method ?? 'GET';
      let body: Uint8Array<ArrayBuffer> | undefined;
      if (method !== 'GET' && method !== 'HEAD') {
        const declared = Number(headers.get('content-length') ?? '0');
        if (declared > maxBodyBytes) {
          write(outgoing, new Response('{"error":"body too large"}', { status: 413 }), encoder);
          return;
        }
        const chunks: Uint8Array[] = [];
        let total = 0;
        for await (const chunk of incoming) {
          const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : (chunk as Uint8Array);
          total += bytes.byteLength;
          if (total > maxBodyBytes) {
            write(outgoing, new Response('{"error":"body too large"}', { status: 413 }), encoder);
            return;
          }
          chunks.push(bytes);
        }
        body = new Uint8Array(total);
        let offset = 0;
        for (const chunk of chunks) {
          body.set(chunk, offset);
          offset += chunk.byteLength;
        }
      }
      const request = new Request(new URL(incoming.url ?? '/', baseUrl), {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const response = await handler(request, options.context);
      const payload = new Uint8Array(await response.arrayBuffer());
      outgoing.statusCode = response.status;
      response.headers.forEach((value, name) => {
        outgoing.setHeader(name, value);
      });
      outgoing.end(payload);
    } catch {
      if (!outgoing.headersSent) {
        write(outgoing, new Response('{"error":"internal error"}', { status: 500 }), encoder);
      } else outgoing.end();
    }
  };
}

function write(outgoing: NodeServerResponse, response: Response, encoder: TextEncoder): void {
  outgoing.statusCode = response.status;
  outgoing.setHeader('content-type', 'application/json');
  // Bodies built here are small constant strings.
  void response.text().then((text) => outgoing.end(encoder.encode(text)));
}
