import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signTc3Request } from '../../signing/tc3.ts';

/** One request the loopback TRTC saw. */
export interface SeenRequest {
  headers: IncomingMessage['headers'];
  /** The raw body text. */
  body: string;
  /** Whether its TC3 signature, recomputed here over the raw body and the headers, matches. */
  signatureValid: boolean;
}

/** Answers one request. */
export type LoopbackHandler = (
  request: SeenRequest,
  response: ServerResponse,
  index: number,
) => void | Promise<void>;

/** A TRTC stand-in on 127.0.0.1 that records every request and checks its signature. */
export interface LoopbackServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

function header(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Recomputes the TC3 signature of a received request the way Tencent does: from its
 * `X-TC-*` headers, `Host`, `Content-Type` and the raw body, with the key of the SecretId named
 * in `Authorization`.
 */
export function checkSignature(
  headers: IncomingMessage['headers'],
  body: string,
  keys: Readonly<Record<string, string>>,
): boolean {
  const authorization = header(headers, 'authorization') ?? '';
  const secretId = /Credential=([^/]+)\//.exec(authorization)?.[1];
  const secretKey = secretId === undefined ? undefined : keys[secretId];
  if (secretId === undefined || secretKey === undefined) return false;
  try {
    const expected = signTc3Request({
      secretId,
      secretKey,
      service: 'trtc',
      host: header(headers, 'host') ?? '',
      action: header(headers, 'x-tc-action') ?? '',
      version: header(headers, 'x-tc-version') ?? '',
      timestampSeconds: Number(header(headers, 'x-tc-timestamp')),
      payload: body,
      contentType: header(headers, 'content-type'),
    });
    return expected.authorization === authorization;
  } catch {
    return false;
  }
}

/** Starts a server on a free loopback port; `keys` maps SecretIds to SecretKeys. */
export async function startLoopback(
  keys: Readonly<Record<string, string>>,
  handler: LoopbackHandler,
): Promise<LoopbackServer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const seen: SeenRequest = {
        headers: incoming.headers,
        body,
        signatureValid: checkSignature(incoming.headers, body, keys),
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

/** Writes an API 3.0 answer: `{ Response: { ...fields, RequestId } }`. */
export function answer(
  response: ServerResponse,
  fields: Record<string, unknown>,
  status = 200,
): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ Response: { ...fields, RequestId: 'req-1' } }));
}

/** Writes an API 3.0 error envelope. */
export function answerError(response: ServerResponse, code: string, message: string): void {
  answer(response, { Error: { Code: code, Message: message } });
}
