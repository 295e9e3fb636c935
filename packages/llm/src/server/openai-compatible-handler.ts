import {
  APICallError,
  type FinishEvent,
  IMBridgeError,
  type LanguageModel,
  type ModelEvent,
  type ModelFinishReason,
  type ModelMessage,
  type ModelUsage,
  TimeoutError,
} from '@imbridge/core';

/** Request headers TRTC's AI conversation sends to a customer LLM, mapped to `metadata` keys. */
export const FORWARDED_HEADERS = {
  'x-task-id': 'taskId',
  'x-request-id': 'requestId',
  'x-sdk-app-id': 'sdkAppId',
  'x-user-id': 'userId',
  'x-room-id': 'roomId',
  'x-room-id-type': 'roomIdType',
  'x-invoke-llm': 'invokeLlm',
} as const;

/** What {@link OpenAICompatibleHandlerOptions.authenticate} receives. */
export interface AuthenticateContext {
  /** The incoming request (read headers only; the body is already consumed). */
  request: Request;
  /** The bearer token of the `Authorization` header, if any. */
  apiKey: string | undefined;
  /** The forwarded headers, in metadata form (`taskId`, `roomId`...). */
  metadata: Readonly<Record<string, string>>;
}

/** What `authenticate` returns: `false` rejects with 401; an object accepts and can add metadata. */
export type AuthenticateResult = boolean | { metadata?: Record<string, string>; user?: string };

/** Options of {@link createOpenAICompatibleHandler}. */
export interface OpenAICompatibleHandlerOptions {
  /** The model that answers. */
  model: LanguageModel;
  /** Decides whether a request may use the model (e.g. checks a JWT API key). Default: allow all. */
  authenticate?: (context: AuthenticateContext) => AuthenticateResult | Promise<AuthenticateResult>;
  /** The model name reported in responses. @default model.modelId */
  modelName?: string;
  /** Largest accepted request body, in bytes. @default 1_048_576 */
  maxBodyBytes?: number;
}

/** A Web-standard request handler. */
export type RequestHandler = (request: Request) => Promise<Response>;

interface ParsedBody {
  messages: ModelMessage[];
  instructions: string | undefined;
  stream: boolean;
  includeUsage: boolean;
  user: string | undefined;
}

class BadRequest extends Error {}

const encoder = new TextEncoder();

function errorResponse(status: number, message: string, type: string, code?: string): Response {
  return new Response(
    JSON.stringify({ error: { message, type, code: code ?? null, param: null } }),
    {
      status,
      headers: { 'content-type': 'application/json' },
    },
  );
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let text = '';
    for (const part of content) {
      if (
        typeof part === 'object' &&
        part !== null &&
        (part as { type?: unknown }).type === 'text'
      ) {
        const value = (part as { text?: unknown }).text;
        if (typeof value === 'string') text += value;
      }
    }
    return text;
  }
  if (content === null || content === undefined) return '';
  throw new BadRequest('message content must be a string or an array of parts');
}

function parseBody(json: unknown): ParsedBody {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new BadRequest('body must be a JSON object');
  const body = json as Record<string, unknown>;
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw new BadRequest('messages must be a non-empty array');
  const messages: ModelMessage[] = [];
  const system: string[] = [];
  for (const item of body.messages) {
    if (typeof item !== 'object' || item === null)
      throw new BadRequest('each message must be an object');
    const { role, content } = item as { role?: unknown; content?: unknown };
    const text = textOf(content);
    if (role === 'system' || role === 'developer') system.push(text);
    else if (role === 'user' || role === 'assistant') messages.push({ role, content: text });
    else if (role !== 'tool' && role !== 'function')
      throw new BadRequest(`unknown message role: ${String(role)}`);
  }
  if (messages.length === 0) throw new BadRequest('messages must contain a user message');
  const streamOptions = body.stream_options;
  return {
    messages,
    instructions: system.length > 0 ? system.join('\n\n') : undefined,
    stream: body.stream === true,
    includeUsage:
      typeof streamOptions === 'object' &&
      streamOptions !== null &&
      (streamOptions as { include_usage?: unknown }).include_usage === true,
    user: typeof body.user === 'string' ? body.user : undefined,
  };
}

async function readBody(request: Request, maxBytes: number): Promise<string | undefined> {
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function finishReason(reason: ModelFinishReason): string {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    case 'tool-calls':
      return 'tool_calls';
    default:
      return 'stop';
  }
}

function usageOf(usage: ModelUsage | undefined): Record<string, number> | undefined {
  if (usage === undefined) return undefined;
  const prompt = usage.inputTokens ?? 0;
  const completion = usage.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokens ?? prompt + completion,
  };
}

/** HTTP status and OpenAI error type for a model failure. Details are kept short and secret-free. */
function describeFailure(error: unknown): {
  status: number;
  type: string;
  message: string;
  code?: string;
} {
  if (APICallError.isInstance(error)) {
    const byKind: Record<string, [number, string]> = {
      auth: [502, 'upstream_error'],
      'rate-limit': [429, 'rate_limit_error'],
      quota: [429, 'insufficient_quota'],
      'content-filter': [400, 'content_filter'],
      'invalid-request': [400, 'invalid_request_error'],
      timeout: [504, 'timeout'],
    };
    const [status, type] = byKind[error.kind] ?? [502, 'upstream_error'];
    return { status, type, message: `The model failed (${error.kind})`, code: error.kind };
  }
  if (TimeoutError.isInstance(error))
    return { status: 504, type: 'timeout', message: 'The model timed out' };
  return { status: 500, type: 'server_error', message: 'The model failed' };
}

/**
 * Serves any {@link LanguageModel} as an OpenAI-compatible `POST /chat/completions` endpoint —
 * streaming (`text/event-stream` chunks ending in `data: [DONE]`) and non-streaming — so that
 * TRTC's AI conversation (or any OpenAI client) can use Dify, MiniMax or your own model.
 *
 * Request headers TRTC sends (`X-Task-Id`, `X-Request-Id`, `X-Sdk-App-Id`, `X-User-Id`,
 * `X-Room-Id`, `X-Room-Id-Type`, `X-Invoke-LLM`) are passed to `authenticate` and into the model's
 * `metadata`. A client that disconnects aborts the model call. Errors are OpenAI-shaped JSON
 * (before streaming starts) or an `{"error": …}` event (mid-stream), never with upstream details.
 *
 * @example
 * ```ts
 * const handler = createOpenAICompatibleHandler({
 *   model: createDify({ apiKey, app: 'chat' }),
 *   authenticate: ({ apiKey }) => apiKey === process.env.LLM_ENDPOINT_KEY,
 * });
 * createServer(toNodeListener(handler)).listen(8080); // POST http://host:8080/v1/chat/completions
 * ```
 */
export function createOpenAICompatibleHandler(
  options: OpenAICompatibleHandlerOptions,
): RequestHandler {
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const modelName = options.modelName ?? options.model.modelId;

  return async (request) => {
    const path = new URL(request.url).pathname;
    if (!path.endsWith('/chat/completions'))
      return errorResponse(404, 'Not found', 'invalid_request_error', 'not_found');
    if (request.method !== 'POST')
      return errorResponse(405, 'Use POST', 'invalid_request_error', 'method_not_allowed');

    const metadata: Record<string, string> = {};
    for (const [header, key] of Object.entries(FORWARDED_HEADERS)) {
      const value = request.headers.get(header);
      if (value !== null) metadata[key] = value;
    }
    const authorization = request.headers.get('authorization');
    const apiKey = authorization?.toLowerCase().startsWith('bearer ')
      ? authorization.slice(7).trim()
      : undefined;

    let text: string | undefined;
    try {
      text = await readBody(request, maxBodyBytes);
    } catch {
      return errorResponse(400, 'The request body could not be read', 'invalid_request_error');
    }
    if (text === undefined)
      return errorResponse(
        413,
        'The request body is too large',
        'invalid_request_error',
        'body_too_large',
      );

    let auth: AuthenticateResult = true;
    if (options.authenticate !== undefined) {
      try {
        auth = await options.authenticate({ request, apiKey, metadata });
      } catch {
        auth = false;
      }
    }
    if (auth === false)
      return errorResponse(401, 'Invalid API key', 'invalid_request_error', 'invalid_api_key');

    let body: ParsedBody;
    try {
      body = parseBody(JSON.parse(text));
    } catch (error) {
      const message = error instanceof BadRequest ? error.message : 'The body is not valid JSON';
      return errorResponse(400, message, 'invalid_request_error');
    }

    const granted = typeof auth === 'object' ? auth : {};
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(request.signal.reason);
    if (request.signal.aborted) controller.abort(request.signal.reason);
    else request.signal.addEventListener('abort', onAbort, { once: true });
    const user = granted.user ?? body.user ?? metadata.userId;
    const iterator = options.model
      .stream({
        messages: body.messages,
        ...(body.instructions !== undefined ? { instructions: body.instructions } : {}),
        ...(user !== undefined ? { user } : {}),
        signal: controller.signal,
        metadata: { ...metadata, ...granted.metadata },
      })
      [Symbol.asyncIterator]();

    const id = `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;
    const created = Math.floor(Date.now() / 1000);
    const cleanup = (): void => {
      request.signal.removeEventListener('abort', onAbort);
    };

    // Pull the first event before answering, so an immediate failure gets a proper HTTP error.
    let first: IteratorResult<ModelEvent>;
    try {
      first = await iterator.next();
    } catch (error) {
      cleanup();
      const failure = describeFailure(error);
      return errorResponse(failure.status, failure.message, failure.type, failure.code);
    }
    if (!first.done && first.value.type === 'error') {
      cleanup();
      const failure = describeFailure(first.value.error);
      return errorResponse(failure.status, failure.message, failure.type, failure.code);
    }

    if (!body.stream) {
      let content = '';
      let reasoning = '';
      let finish: FinishEvent | undefined;
      try {
        for (let step = first; !step.done; step = await iterator.next()) {
          const event = step.value;
          if (event.type === 'text-delta') content += event.text;
          else if (event.type === 'text-replace') content = event.text;
          else if (event.type === 'reasoning-delta') reasoning += event.text;
          else if (event.type === 'finish') finish = event;
          else if (event.type === 'error') throw event.error;
        }
      } catch (error) {
        const failure = describeFailure(error);
        return errorResponse(failure.status, failure.message, failure.type, failure.code);
      } finally {
        cleanup();
      }
      const usage = usageOf(finish?.usage);
      return Response.json({
        id,
        object: 'chat.completion',
        created,
        model: modelName,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content,
              ...(reasoning.length > 0 ? { reasoning_content: reasoning } : {}),
            },
            finish_reason: finishReason(finish?.reason ?? 'stop'),
          },
        ],
        ...(usage !== undefined ? { usage } : {}),
      });
    }

    const prefix = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(modelName)},`;
    const chunk = (choice: string): Uint8Array =>
      encoder.encode(`data: ${prefix}"choices":[{"index":0,${choice}}]}\n\n`);
    let sent = '';
    let pending: ModelEvent | undefined = first.done ? undefined : first.value;
    const firstDone = first.done === true;
    const stream = new ReadableStream<Uint8Array>({
      start(streamController) {
        streamController.enqueue(
          chunk('"delta":{"role":"assistant","content":""},"finish_reason":null'),
        );
      },
      async pull(streamController) {
        try {
          let event: ModelEvent | undefined = pending;
          pending = undefined;
          if (event === undefined && !firstDone) {
            const step = await iterator.next();
            if (!step.done) event = step.value;
          }
          if (event === undefined) {
            // A model that ends without `finish`: close the stream properly anyway.
            streamController.enqueue(chunk('"delta":{},"finish_reason":"stop"'));
            streamController.enqueue(encoder.encode('data: [DONE]\n\n'));
            cleanup();
            streamController.close();
            return;
          }
          switch (event.type) {
            case 'text-delta':
              sent += event.text;
              streamController.enqueue(
                chunk(`"delta":{"content":${JSON.stringify(event.text)}},"finish_reason":null`),
              );
              return;
            case 'text-replace': {
              // OpenAI deltas cannot take text back: only growth beyond what was sent is streamed.
              if (event.text.startsWith(sent) && event.text.length > sent.length) {
                const added = event.text.slice(sent.length);
                sent = event.text;
                streamController.enqueue(
                  chunk(`"delta":{"content":${JSON.stringify(added)}},"finish_reason":null`),
                );
              }
              return;
            }
            case 'reasoning-delta':
              streamController.enqueue(
                chunk(
                  `"delta":{"reasoning_content":${JSON.stringify(event.text)}},"finish_reason":null`,
                ),
              );
              return;
            case 'finish': {
              streamController.enqueue(
                chunk(`"delta":{},"finish_reason":"${finishReason(event.reason)}"`),
              );
              const usage = usageOf(event.usage);
              if (body.includeUsage && usage !== undefined) {
                streamController.enqueue(
                  encoder.encode(
                    `data: ${prefix}"choices":[],"usage":${JSON.stringify(usage)}}\n\n`,
                  ),
                );
              }
              streamController.enqueue(encoder.encode('data: [DONE]\n\n'));
              cleanup();
              streamController.close();
              return;
            }
            case 'error': {
              const failure = describeFailure(event.error);
              streamController.enqueue(
                encoder.encode(
                  `data: ${JSON.stringify({ error: { message: failure.message, type: failure.type, code: failure.code ?? null } })}\n\n`,
                ),
              );
              cleanup();
              streamController.close();
              return;
            }
          }
        } catch (error) {
          const failure = describeFailure(IMBridgeError.from(error));
          streamController.enqueue(
            encoder.encode(
              `data: ${JSON.stringify({ error: { message: failure.message, type: failure.type } })}\n\n`,
            ),
          );
          cleanup();
          streamController.close();
        }
      },
      cancel() {
        // The client went away: stop the model.
        controller.abort();
        cleanup();
        void iterator.return?.();
      },
    });
    return new Response(stream, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      },
    });
  };
}
