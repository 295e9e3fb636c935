import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constantTimeEqual, rongCloudSignature } from '../../signing/signature.ts';

/** One request the loopback RongCloud saw. */
export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  /** The raw body text. */
  body: string;
  /** When it arrived (`Date.now()`). */
  atMs: number;
  /** Whether its four authentication headers (plain or `RC-`) carry a valid signature. */
  signatureValid: boolean;
  /** The nonce it was signed with. */
  nonce: string | undefined;
  /** The timestamp it was signed with. */
  timestamp: string | undefined;
}

/** Answers one request (it may also destroy the socket or never answer). */
export type LoopbackHandler = (
  request: SeenRequest,
  response: ServerResponse,
  index: number,
) => void | Promise<void>;

/** A RongCloud stand-in on 127.0.0.1 that records every request and checks its signature. */
export interface LoopbackServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()] ?? headers[`rc-${name.toLowerCase()}`];
  return typeof value === 'string' ? value : undefined;
}

/** Checks RongCloud's request signature the way the server does. */
export function checkSignature(
  headers: IncomingMessage['headers'],
  appKey: string,
  appSecret: string,
): boolean {
  const nonce = header(headers, 'Nonce');
  const timestamp = header(headers, 'Timestamp');
  const signature = header(headers, 'Signature');
  if (header(headers, 'App-Key') !== appKey) return false;
  if (nonce === undefined || timestamp === undefined || signature === undefined) return false;
  return constantTimeEqual(rongCloudSignature(appSecret, nonce, timestamp), signature);
}

/** Starts a server on a free loopback port; `close()` also drops hanging connections. */
export async function startLoopback(
  credentials: { appKey: string; appSecret: string },
  handler: LoopbackHandler,
): Promise<LoopbackServer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const seen: SeenRequest = {
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: Date.now(),
        signatureValid: checkSignature(incoming.headers, credentials.appKey, credentials.appSecret),
        nonce: header(incoming.headers, 'Nonce'),
        timestamp: header(incoming.headers, 'Timestamp'),
      };
      requests.push(seen);
      void Promise.resolve(handler(seen, response, requests.length - 1)).catch(() => {
        response.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Answers `{ code: 200, ...extra }`. */
export function ok(response: ServerResponse, extra: Record<string, unknown> = {}): void {
  json(response, 200, { code: 200, ...extra });
}
