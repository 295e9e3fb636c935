/**
 * A tiny OpenAI Chat Completions server on 127.0.0.1 for tests of real AI SDK providers: each
 * request is answered by a scripted reply (an SSE stream of chunks, a JSON error, or a stream
 * that stalls), and every request is recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer. */
export type StandInReply =
  | {
      /** SSE `data:` payloads, sent in order (objects are JSON-encoded; strings go as is). */
      chunks: ReadonlyArray<unknown>;
      /** Keep the response open after the chunks, sending nothing more. @default false */
      stall?: boolean;
      /** Raw SSE text sent instead of `chunks` (a recorded transcript). */
      raw?: undefined;
    }
  | { raw: string; chunks?: undefined; stall?: undefined }
  | { status: number; headers?: Record<string, string>; json: unknown; chunks?: undefined };

/** A recorded request. */
export interface StandInRequest {
  /** Request path. */
  path: string;
  /** Request headers (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
}

/** A running stand-in. */
export interface ChatCompletionsStandIn {
  /** `http://127.0.0.1:<port>/v1`. */
  baseURL: string;
  /** Requests received, in order. */
  readonly requests: StandInRequest[];
  /** How many responses the client closed before they ended. */
  closedEarly(): number;
  /** Stops the server. */
  close(): Promise<void>;
}

/** A chat completion chunk with one choice. */
export function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_764_547_200,
    model: 'stand-in-model',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** Starts a stand-in answering the n-th request with `replies[n]` (the last one repeats). */
export async function startChatCompletionsStandIn(
  replies: ReadonlyArray<StandInReply>,
): Promise<ChatCompletionsStandIn> {
  const requests: StandInRequest[] = [];
  let closedEarly = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const parts: Buffer[] = [];
    incoming.on('data', (part: Buffer) => parts.push(part));
    incoming.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as Record<
        string,
        unknown
      >;
      requests.push({ path: incoming.url ?? '/', headers: incoming.headers, body });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
      outgoing.on('close', () => {
        if (!outgoing.writableEnded) closedEarly += 1;
      });
      if (reply === undefined) {
        outgoing.writeHead(500).end();
      } else if ('status' in reply) {
        outgoing.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        outgoing.end(JSON.stringify(reply.json));
      } else {
        outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
        if (reply.raw !== undefined) {
          outgoing.end(reply.raw);
          return;
        }
        for (const data of reply.chunks) {
          outgoing.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
        }
        if (reply.stall !== true) outgoing.end('data: [DONE]\n\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    closedEarly: () => closedEarly,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
