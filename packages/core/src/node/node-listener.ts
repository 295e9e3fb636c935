import { createLogEmitter, type LoggerOption } from '../logging/logger.ts';
import type { RequestHandler, WebhookContext } from '../runtime/options.ts';
import { checkInteger, checkNonEmptyString } from '../util/option-checks.ts';
import { knownBodyText } from '../util/text-response.ts';

/** The parts of Node's `http.IncomingMessage` the listener reads. */
export interface NodeIncomingMessage extends AsyncIterable<unknown> {
  /** HTTP method. */
  method?: string | undefined;
  /** Path and query. */
  url?: string | undefined;
  /** Request headers (lower-cased names). */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Set by body parsers (Express `express.json()`/`express.raw()`, Nest, Koa's bodyparser on
   * `req`). Raw bytes or text (`express.raw()`, `express.text()`) are used as the body; a parsed
   * object cannot be turned back into the exact bytes a signature covers, so it is refused.
   */
  body?: unknown;
  /** Raw bytes kept by a framework (Nest's `rawBody: true`, an `express.json({ verify })` hook); preferred over `body`. */
  rawBody?: unknown;
  /** True once the request stream was read to its end (by a body parser, for instance). */
  readableEnded?: boolean | undefined;
}

/** The parts of Node's `http.ServerResponse` the listener writes. */
export interface NodeServerResponse {
  /** Status to send. */
  statusCode: number;
  /** Sets a response header. */
  setHeader(name: string, value: string | string[]): unknown;
  /** Sends headers (first call) and a piece of the body; false asks the writer to wait for `drain`. */
  write(chunk: Uint8Array): boolean;
  /** Sends the rest of the body and ends the response. */
  end(chunk?: Uint8Array | string): unknown;
  /** Listens for `close` (the client went away or the response ended) and `drain`. */
  once(event: 'close' | 'drain', listener: () => void): unknown;
  /** True once headers went out. */
  headersSent?: boolean;
  /** True once `end()` was called. */
  writableEnded?: boolean;
}

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Largest accepted request body, in bytes; larger bodies get 413. @default 1_048_576 (1 MiB) */
  maxBodyBytes?: number | undefined;
  /** Base URL used to build the `Request` URL. @default 'http://localhost' */
  baseUrl?: string | undefined;
  /** Background-work hook passed to the handler. */
  context?: WebhookContext | undefined;
  /** Where a refused request is reported. @default warnings and errors to the console */
  logger?: LoggerOption;
}

/** What to do when a body parser consumed the request first. */
export const BODY_ALREADY_READ_MESSAGE =
  'the request body was already read by a body parser (e.g. a global express.json()): ' +
  'mount the webhook route before the parser, or keep the exact bytes with ' +
  'express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })';

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/**
 * Adapts a Web-standard handler to Node's `http.createServer` (and Express) listener signature.
 * Reads the body with a size cap (or takes the raw bytes a body parser such as `express.raw()`
 * left in `req.body`; a parsed JSON body is refused with a message that says how to mount the
 * route), converts headers, and streams the `Response` back as it is produced (server-sent events included, with back-pressure). When the client disconnects, the
 * `Request`'s `signal` aborts and the response body is cancelled, so work stops.
 * Imports no `node:` module, so it also bundles for edge runtimes.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(toNodeListener(bot.webhook(adapter))).listen(3000);
 * ```
 */
export function toNodeListener(
  handler: RequestHandler,
  options: NodeListenerOptions = {},
): (request: NodeIncomingMessage, response: NodeServerResponse) => Promise<void> {
  const maxBodyBytes =
    options.maxBodyBytes === undefined
      ? 1_048_576
      : checkInteger(
          options.maxBodyBytes,
          { owner: 'toNodeListener', name: 'maxBodyBytes' },
          { min: 1 },
        );
  const baseUrl =
    options.baseUrl === undefined
      ? 'http://localhost'
      : checkNonEmptyString(options.baseUrl, { owner: 'toNodeListener', name: 'baseUrl' });
  const encoder = new TextEncoder();
  const log = createLogEmitter(options.logger);
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
      const parsed = isBytes(incoming.rawBody) ? incoming.rawBody : incoming.body;
      if (
        method !== 'GET' &&
        method !== 'HEAD' &&
        (isBytes(parsed) || typeof parsed === 'string' || incoming.readableEnded === true)
      ) {
        // A body parser ran first: raw bytes or text are usable as they are; a stream it consumed
        // into anything else is not. (A parser that skipped the request, like Express 4 leaving
        // `req.body = {}` for another content type, left the stream unread: it is read below.)
        const bytes = isBytes(parsed)
          ? parsed
          : typeof parsed === 'string'
            ? encoder.encode(parsed)
            : undefined;
        if (bytes === undefined) {
          log('error', {
            event: 'webhook-failed',
            platform: 'node',
            error: { name: 'BodyAlreadyRead', message: BODY_ALREADY_READ_MESSAGE },
          });
          write(
            outgoing,
            new Response(JSON.stringify({ error: BODY_ALREADY_READ_MESSAGE }), { status: 500 }),
            encoder,
          );
          return;
        }
        if (bytes.byteLength > maxBodyBytes) {
          write(outgoing, new Response('{"error":"body too large"}', { status: 413 }), encoder);
          return;
        }
        body = new Uint8Array(bytes);
      } else if (method !== 'GET' && method !== 'HEAD') {
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
      const disconnected = new AbortController();
      outgoing.once('close', () => {
        if (outgoing.writableEnded !== true) disconnected.abort();
      });
      const request = new Request(new URL(incoming.url ?? '/', baseUrl), {
        method,
        headers,
        signal: disconnected.signal,
        ...(body !== undefined ? { body } : {}),
      });
      const response = await handler(request, options.context);
      outgoing.statusCode = response.status;
      response.headers.forEach((value, name) => {
        outgoing.setHeader(name, value);
      });
      const text = knownBodyText(response);
      if (text !== undefined) {
        // A body known up front (a `textResponse`): one write, no stream to read.
        outgoing.end(text);
        return;
      }
      if (response.body === null) {
        outgoing.end();
        return;
      }
      const reader = response.body.getReader();
      const stop = (): void => {
        void reader.cancel().catch(() => undefined);
      };
      disconnected.signal.addEventListener('abort', stop, { once: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || disconnected.signal.aborted) break;
          if (!outgoing.write(value)) {
            await new Promise<void>((resolve) => {
              outgoing.once('drain', resolve);
              outgoing.once('close', resolve);
            });
          }
        }
      } finally {
        disconnected.signal.removeEventListener('abort', stop);
      }
      if (!disconnected.signal.aborted) outgoing.end();
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
