/**
 * A tiny Dify-shaped server on 127.0.0.1 for the local RongCloud's Dify integration tests
 * (`@imbridge/llm` is not a dependency of this package): `/chat-messages` and
 * `/completion-messages` under `/v1`, a bearer key, conversations per `user` (404 `not_found`
 * for an unknown one), answers streamed word by word as `data: {json}` events with an
 * `event: ping` first (chat apps end with `message_end`, chatflows with `workflow_finished`)
 * or sent whole (blocking), and injected failures. Closed after each test.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach } from 'vitest';

/** One request the server got. */
export interface DifyRequest {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/** A failure for the next run: an HTTP error, or an `error` event after `afterChunks` deltas. */
export type DifyFault =
  | { status: number; code: string; message: string }
  | { afterChunks: number; code: string; message: string };

/** The server and what it saw. */
export interface DifyServer {
  /** `http://127.0.0.1:PORT/v1`, the integration's `callbackUrl`. */
  baseUrl: string;
  requests: DifyRequest[];
  /** Conversation ids keyed `user#id` (clear it to make Dify forget them). */
  conversations: Map<string, string>;
  /** Fails the next run. */
  failNext(fault: DifyFault): void;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
  });
}

/**
 * Starts the server with the API key `apiKey`; `answer` makes the text of each run (default:
 * `You said: <query>`).
 */
export async function startDifyServer(
  options: {
    apiKey?: string;
    chatflow?: boolean;
    answer?: (query: string, body: Record<string, unknown>) => string;
  } = {},
): Promise<DifyServer> {
  const apiKey = options.apiKey ?? 'app-test-key';
  const requests: DifyRequest[] = [];
  const conversations = new Map<string, string>();
  const faults: DifyFault[] = [];
  let created = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const path = request.url ?? '';
    requests.push({ path, authorization: request.headers.authorization, body });
    const fail = (status: number, code: string, message: string): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code, message, status }));
    };
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return fail(401, 'unauthorized', 'Access token is invalid');
    }
    const chat = path === '/v1/chat-messages';
    if (!chat && path !== '/v1/completion-messages') return fail(404, 'not_found', 'no route');
    const user = String(body.user);
    const sent = typeof body.conversation_id === 'string' ? body.conversation_id : '';
    if (chat && sent !== '' && !conversations.has(`${user}#${sent}`)) {
      return fail(404, 'not_found', 'Conversation Not Exists.');
    }
    const fault = faults.shift();
    if (fault !== undefined && 'status' in fault)
      return fail(fault.status, fault.code, fault.message);
    let conversationId = '';
    if (chat) {
      created += sent === '' ? 1 : 0;
      conversationId = sent === '' ? `conv-${created}` : sent;
      conversations.set(`${user}#${conversationId}`, conversationId);
    }
    const query = chat ? String(body.query) : String((body.inputs as { query?: unknown }).query);
    const text = options.answer?.(query, body) ?? `You said: ${query}`;
    const ids = { conversation_id: conversationId, message_id: 'msg-1', created_at: 1 };
    if (body.response_mode !== 'streaming') {
      const { conversation_id: _omit, ...completionIds } = ids;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ event: 'message', answer: text, ...(chat ? ids : completionIds) }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (event: Record<string, unknown>): void => {
      response.write(`data: ${JSON.stringify({ ...event, ...ids, task_id: 'task-1' })}\n\n`);
    };
    response.write('event: ping\n\n');
    if (options.chatflow === true) send({ event: 'workflow_started', data: { id: 'run-1' } });
    const words = text.match(/\S+\s*/g) ?? [];
    for (const [index, word] of words.entries()) {
      if (fault !== undefined && index === fault.afterChunks) {
        send({ event: 'error', status: 500, code: fault.code, message: fault.message });
        response.end();
        return;
      }
      send({ event: 'message', answer: word });
    }
    send({ event: 'message_end', metadata: {} });
    if (options.chatflow === true) {
      send({ event: 'workflow_finished', data: { id: 'run-1', status: 'succeeded' } });
    }
    response.end();
  };

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    requests,
    conversations,
    failNext: (fault) => faults.push(fault),
  };
}
