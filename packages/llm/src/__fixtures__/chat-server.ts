/**
 * A scripted chat server on 127.0.0.1 that speaks OpenAI's streaming Chat Completions
 * (`POST …/chat/completions`) or MiniMax's `chatcompletion_v2` (`POST …/text/chatcompletion_v2`,
 * with its closing full `chat.completion` repeat), so that tool-call answers travel the real HTTP
 * path: text, reasoning and `delta.tool_calls` pieces, pauses, and a hold until the client
 * leaves. Every request body is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The wire the server speaks. */
export type ChatWire = 'openai' | 'minimax';

/** One raw `delta.tool_calls` entry, sent as given (leave fields out to play a vendor's quirk). */
export interface ToolCallPiece {
  index?: number | undefined;
  id?: string | undefined;
  type?: 'function' | undefined;
  function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
}

/** One step of a scripted answer. */
export type ChatStep =
  | { text: string }
  | { reasoning: string }
  /** One chunk whose `delta.tool_calls` holds these entries. */
  | { toolCalls: ToolCallPiece[] }
  | { delayMs: number }
  /** Sends nothing more until the client closes the connection (then the answer ends). */
  | { hold: true }
  /** Ends the body at once: no finish chunk, no `[DONE]` (a dropped connection). */
  | { cut: true };

/** A complete call, for MiniMax's final repeat and for {@link toolCallSteps}. */
export interface CompleteToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A scripted answer. */
export interface ChatAnswer {
  steps: ChatStep[];
  /** The last chunk's `finish_reason`. @default 'stop' */
  finishReason?: string | undefined;
  /** MiniMax only: the calls the final `chat.completion` repeats (its text is the streamed one). */
  finalToolCalls?: CompleteToolCall[] | undefined;
}

/** What the answer hook is given. */
export interface ChatRequest {
  /** The first path segment (`/<route>/v1/...`): a test's scenario name. */
  route: string;
  /** The JSON body. */
  body: Record<string, unknown>;
}

/** A running server. */
export interface ChatServer {
  /** `http://127.0.0.1:<port>/<route>/v1`. */
  baseUrl(route: string): string;
  /** The bodies received, oldest first. */
  readonly requests: ChatRequest[];
  /** Resolves once the server saw the client close a held answer. */
  heldClosed(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The steps of one streamed call: the first piece carries `index`, `id`, `type` and the name
 * (unless `nameLate`, which sends the name on the second piece as some vendors do), the
 * arguments follow in `pieces` parts.
 */
export function toolCallSteps(
  call: CompleteToolCall,
  options: { index?: number; pieces?: number; nameLate?: boolean; delayMs?: number } = {},
): ChatStep[] {
  const index = options.index ?? 0;
  const pieces = Math.max(1, options.pieces ?? 3);
  const size = Math.ceil(call.arguments.length / pieces);
  const steps: ChatStep[] = [
    {
      toolCalls: [
        {
          index,
          id: call.id,
          type: 'function',
          function: { ...(options.nameLate ? {} : { name: call.name }), arguments: '' },
        },
      ],
    },
  ];
  for (let start = 0; start < call.arguments.length; start += size) {
    if (options.delayMs !== undefined) steps.push({ delayMs: options.delayMs });
    const first = start === 0 && options.nameLate;
    steps.push({
      toolCalls: [
        {
          index,
          function: {
            ...(first ? { name: call.name } : {}),
            arguments: call.arguments.slice(start, start + size),
          },
        },
      ],
    });
  }
  return steps;
}

function frame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function chunkOf(wire: ChatWire, delta: Record<string, unknown>, finishReason: string | null) {
  return {
    id: 'chatcmpl-local',
    object: 'chat.completion.chunk',
    created: 1_761_900_000,
    model: 'local-model',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    ...(wire === 'minimax' ? { usage: null, input_sensitive: false, output_sensitive: false } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function play(
  wire: ChatWire,
  answer: ChatAnswer,
  response: ServerResponse,
  onHeldClose: () => void,
): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
  let text = '';
  response.write(frame(chunkOf(wire, { role: 'assistant', content: '' }, null)));
  for (const step of answer.steps) {
    if (response.destroyed) return;
    if ('delayMs' in step) await sleep(step.delayMs);
    else if ('cut' in step) {
      response.end();
      return;
    } else if ('hold' in step) {
      await new Promise<void>((resolve) => response.once('close', () => resolve()));
      onHeldClose();
      return;
    } else if ('text' in step) {
      text += step.text;
      response.write(frame(chunkOf(wire, { content: step.text }, null)));
    } else if ('reasoning' in step) {
      response.write(frame(chunkOf(wire, { reasoning_content: step.reasoning }, null)));
    } else {
      response.write(frame(chunkOf(wire, { tool_calls: step.toolCalls }, null)));
    }
  }
  const finishReason = answer.finishReason ?? 'stop';
  response.write(frame(chunkOf(wire, {}, finishReason)));
  if (wire === 'minimax') {
    const calls = answer.finalToolCalls ?? [];
    response.write(
      frame({
        id: 'chatcmpl-local',
        object: 'chat.completion',
        created: 1_761_900_000,
        model: 'local-model',
        choices: [
          {
            index: 0,
            finish_reason: finishReason,
            message: {
              role: 'assistant',
              content: text,
              ...(calls.length > 0
                ? {
                    tool_calls: calls.map((call) => ({
                      id: call.id,
                      type: 'function',
                      function: { name: call.name, arguments: call.arguments },
                    })),
                  }
                : {}),
            },
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        base_resp: { status_code: 0, status_msg: '' },
      }),
    );
  }
  response.end('data: [DONE]\n\n');
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  const value: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Starts a scripted server speaking `wire`; `answer` scripts each request. */
export async function serveChat(
  wire: ChatWire,
  answer: (request: ChatRequest) => ChatAnswer,
): Promise<ChatServer> {
  const requests: ChatRequest[] = [];
  let markHeldClosed: () => void = () => undefined;
  let held = new Promise<void>((resolve) => {
    markHeldClosed = resolve;
  });
  const path = wire === 'openai' ? '/v1/chat/completions' : '/v1/text/chatcompletion_v2';
  const server: Server = createServer((request, response) => {
    void (async () => {
      const [, route = '', ...rest] = (request.url ?? '').split('?')[0]?.split('/') ?? [];
      if (`/${rest.join('/')}` !== path) {
        response.writeHead(404).end();
        return;
      }
      const body = await readJson(request);
      const chatRequest = { route, body };
      requests.push(chatRequest);
      await play(wire, answer(chatRequest), response, () => markHeldClosed());
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: (route) => `${origin}/${route}/v1`,
    requests,
    heldClosed: () => held,
    async close() {
      held = Promise.resolve();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
