import {
  checkInteger,
  type LanguageModel,
  type ModelEvent,
  optionError,
  type RequestHandler,
} from '@imbridge/core';
import {
  BadRequest,
  bearerToken,
  forwardedMetadata,
  type ParsedBody,
  parseBody,
  parseRequestJson,
  readRequestText,
} from './handler-request.ts';
import {
  completionResponse,
  errorResponse,
  failureResponse,
  streamingResponse,
} from './handler-response.ts';

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
export type AuthenticateResult =
  | boolean
  | { metadata?: Record<string, string> | undefined; user?: string | undefined };

/** Options of {@link createOpenAICompatibleHandler}. */
export interface OpenAICompatibleHandlerOptions {
  /** The model that answers. */
  model: LanguageModel;
  /** Decides whether a request may use the model (e.g. checks a JWT API key). Default: allow all. */
  authenticate?:
    | ((context: AuthenticateContext) => AuthenticateResult | Promise<AuthenticateResult>)
    | undefined;
  /** The model name reported in responses. @default model.modelId */
  modelName?: string | undefined;
  /** Largest accepted request body, in bytes. @default 1_048_576 */
  maxBodyBytes?: number | undefined;
}

const OWNER = 'createOpenAICompatibleHandler';

function checkModel(model: unknown): LanguageModel {
  if (
    typeof model !== 'object' ||
    model === null ||
    typeof (model as { stream?: unknown }).stream !== 'function'
  ) {
    throw optionError({ owner: OWNER, name: 'model' }, 'a LanguageModel', model);
  }
  return model as LanguageModel;
}

async function authenticate(
  options: OpenAICompatibleHandlerOptions,
  context: AuthenticateContext,
): Promise<AuthenticateResult> {
  if (options.authenticate === undefined) return true;
  try {
    return await options.authenticate(context);
  } catch {
    return false;
  }
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
 * @throws {ValidationError} at creation when `model` is not a model or `maxBodyBytes` is not a
 * positive integer.
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
  const model = checkModel(options.model);
  const maxBodyBytes =
    options.maxBodyBytes === undefined
      ? 1_048_576
      : checkInteger(options.maxBodyBytes, { owner: OWNER, name: 'maxBodyBytes' }, { min: 1 });
  const modelName = options.modelName ?? model.modelId;

  return async (request) => {
    const path = new URL(request.url).pathname;
    if (!path.endsWith('/chat/completions'))
      return errorResponse(404, 'Not found', 'invalid_request_error', 'not_found');
    if (request.method !== 'POST')
      return errorResponse(405, 'Use POST', 'invalid_request_error', 'method_not_allowed');

    const metadata = forwardedMetadata(request.headers);
    let text: string;
    try {
      text = await readRequestText(request, maxBodyBytes);
    } catch (error) {
      const bad =
        error instanceof BadRequest ? error : new BadRequest('The body could not be read');
      return errorResponse(bad.status, bad.message, 'invalid_request_error', bad.errorCode);
    }
    const auth = await authenticate(options, {
      request,
      apiKey: bearerToken(request.headers),
      metadata,
    });
    if (auth === false)
      return errorResponse(401, 'Invalid API key', 'invalid_request_error', 'invalid_api_key');

    let body: ParsedBody;
    try {
      body = parseBody(parseRequestJson(text));
    } catch (error) {
      const message = error instanceof BadRequest ? error.message : 'The body is not valid JSON';
      return errorResponse(400, message, 'invalid_request_error');
    }

    const granted = typeof auth === 'object' ? auth : {};
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(request.signal.reason);
    if (request.signal.aborted) controller.abort(request.signal.reason);
    else request.signal.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => request.signal.removeEventListener('abort', onAbort);
    const user = granted.user ?? body.user ?? metadata.userId;
    const iterator = model
      .stream({
        messages: body.messages,
        ...(body.instructions !== undefined ? { instructions: body.instructions } : {}),
        ...(user !== undefined ? { user } : {}),
        signal: controller.signal,
        metadata: { ...metadata, ...granted.metadata },
      })
      [Symbol.asyncIterator]();

    // Pull the first event before answering, so an immediate failure gets a proper HTTP error.
    let first: IteratorResult<ModelEvent>;
    try {
      first = await iterator.next();
    } catch (error) {
      cleanup();
      return failureResponse(error);
    }
    if (!first.done && first.value.type === 'error') {
      cleanup();
      return failureResponse(first.value.error);
    }
    const identity = {
      id: `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`,
      created: Math.floor(Date.now() / 1000),
      modelName,
    };
    if (!body.stream) {
      try {
        return await completionResponse(first, iterator, identity);
      } finally {
        cleanup();
      }
    }
    return streamingResponse(first.done ? undefined : first.value, iterator, {
      identity,
      includeUsage: body.includeUsage,
      cleanup,
      abort: () => controller.abort(),
    });
  };
}
