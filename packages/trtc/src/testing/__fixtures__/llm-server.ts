/**
 * A small OpenAI-compatible chat-completions server on 127.0.0.1 (node:http) for the local
 * TRTC's tests: it records the headers and bodies it receives, answers as each test says
 * (streamed chunks, a JSON completion, an error event, an HTTP error, or nothing for a while),
 * and notes when a client dropped the connection before the answer ended.
 *
 * @module
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

/** What the server answers to one request. */
export type LLMAnswer =
  /** SSE: one `chat.completion.chunk` per piece, `delayMs` apart, then `data: [DONE]`. */
  | { kind: 'stream'; pieces: string[]; delayMs?: number }
  /** SSE: the pieces, then an `{"error": …}` event, and the stream ends. */
  | { kind: 'stream-error'; pieces: string[]; error: { message: string; code: string } }
  /** SSE: the pieces, then nothing more: the stream stays open until the client leaves. */
  | { kind: 'stream-stall'; pieces: string[] }
  /** A `chat.completion` JSON. */
  | { kind: 'json'; content: string }
  /** No headers for `delayMs`, then a stream of `pieces`. */
  | { kind: 'slow'; delayMs: number; pieces: string[] }
  /** An HTTP error with an OpenAI error body. */
  | { kind: 'status'; status: number; message: string };

/** A request the server received. */
export interface ReceivedLLMRequest {
  headers: IncomingHttpHeaders;
  /** The parsed JSON body. */
  body: ChatRequestBody;
  /** True once the client dropped the connection before the answer ended. */
  droppedByClient: boolean;
}

/** The chat-completions body, as the tests read it. */
export interface ChatRequestBody {
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
  [field: string]: unknown;
}

/** A running fake LLM. */
export interface FakeLLM {
  /** The full chat-completions URL. */
  url: string;
  requests: ReceivedLLMRequest[];
  /** Resolves when request `index` (0-based) has been dropped by the client. */
  dropped(index: number): Promise<void>;
  close(): Promise<void>;
}

function chunk(content: string): string {
  const value = {
    id: 'chatcmpl-local',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'fake',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
  return `data: ${JSON.stringify(value)}\n\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answer(response: ServerResponse, reply: LLMAnswer): Promise<void> {
  const startStream = () =>
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  switch (reply.kind) {
    case 'json':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-local',
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.content },
              finish_reason: 'stop',
            },
          ],
        }),
      );
      return;
    case 'status':
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: reply.message, type: 'invalid_request' } }));
      return;
    case 'slow':
      await sleep(reply.delayMs);
      if (response.destroyed) return;
      startStream();
      for (const piece of reply.pieces) response.write(chunk(piece));
      response.end('data: [DONE]\n\n');
      return;
    case 'stream':
      startStream();
      for (const piece of reply.pieces) {
        if (response.destroyed) return;
        response.write(chunk(piece));
        if (reply.delayMs !== undefined) await sleep(reply.delayMs);
      }
      response.end('data: [DONE]\n\n');
      return;
    case 'stream-error':
      startStream();
      for (const piece of reply.pieces) response.write(chunk(piece));
      response.end(`data: ${JSON.stringify({ error: reply.error })}\n\n`);
      return;
    case 'stream-stall':
      startStream();
      for (const piece of reply.pieces) response.write(chunk(piece));
      return;
  }
}

/**
 * Starts the fake LLM; `reply` says what to answer to request `index` (0-based).
 */
export async function startFakeLLM(
  reply: (index: number, body: ChatRequestBody) => LLMAnswer,
): Promise<FakeLLM> {
  const requests: ReceivedLLMRequest[] = [];
  const dropWaiters = new Map<number, () => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (part: Buffer) => chunks.push(part));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody;
      const index = requests.length;
      const record: ReceivedLLMRequest = { headers: request.headers, body, droppedByClient: false };
      requests.push(record);
      response.on('close', () => {
        if (response.writableFinished) return;
        record.droppedByClient = true;
        dropWaiters.get(index)?.();
      });
      void answer(response, reply(index, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/v1/chat/completions`,
    requests,
    dropped: (index) =>
      new Promise<void>((resolve) => {
        if (requests[index]?.droppedByClient === true) resolve();
        else dropWaiters.set(index, resolve);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An `LLMConfig` JSON string for `url`, with `overrides` merged in. */
export function llmConfigFor(url: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    LLMType: 'openai',
    Model: 'gpt-4o-mini',
    APIKey: 'sk-local-secret-key',
    APIUrl: url,
    ...overrides,
  });
}
