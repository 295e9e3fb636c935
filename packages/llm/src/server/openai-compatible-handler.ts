import {
  checkInteger,
  createLogEmitter,
  type LanguageModel,
  type LogEmitter,
  type LoggerOption,
  type ModelEvent,
  optionError,
  type RequestHandler,
} from '@imbridge/core';
import {
  createRequestAuthenticator,
  ENDPOINT_PLATFORM,
  type EndpointAuthOptions,
} from './handler-auth.ts';
import {
  BadRequest,
  forwardedMetadata,
  type ParsedBody,
  parseBody,
  parseRequestJson,
  readRequestText,
  withoutToolMessages,
} from './handler-request.ts';
import {
  completionResponse,
  endedWithoutFinish,
  errorResponse,
  failureResponse,
  streamingResponse,
} from './handler-response.ts';

/**
 * Options of {@link createOpenAICompatibleHandler}. Authentication is required: give `apiKey`,
 * `authenticate` (or both), or opt out explicitly with `allowUnauthenticated: true`.
 */
export interface OpenAICompatibleHandlerOptions extends EndpointAuthOptions {
  /** The model that answers. */
  model: LanguageModel;
  /** The model name reported in responses. @default model.modelId */
  modelName?: string | undefined;
  /** Largest accepted request body, in bytes. @default 1_048_576 */
  maxBodyBytes?: number | undefined;
  /**
   * Where refused requests (`webhook-rejected`: 401 with its reason, 400, 413) and the
   * `allowUnauthenticated` warning go. @default warnings and errors to the console
   */
  logger?: LoggerOption;
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

/** Logs a refused request and answers it with an OpenAI-shaped error. */
function refuse(log: LogEmitter, bad: BadRequest): Response {
  log('warn', {
    event: 'webhook-rejected',
    platform: ENDPOINT_PLATFORM,
    statusCode: bad.status,
    reason: bad.reason,
    error: { name: 'BadRequest', message: bad.message },
  });
  return errorResponse(bad.status, bad.message, 'invalid_request_error', bad.errorCode, bad.param);
}

/**
 * Serves any {@link LanguageModel} as an OpenAI-compatible `POST /chat/completions` endpoint —
 * streaming (`text/event-stream` chunks ending in `data: [DONE]`) and non-streaming — so that
 * TRTC's AI conversation (or any OpenAI client) can use Dify, MiniMax or your own model.
 *
 * Every request is authenticated before its body is read: the bearer token must match `apiKey`
 * (compared in constant time) and/or `authenticate` must return `true` or a grant object.
 * Anything else — a wrong or missing key, `false`, `undefined`, `null`, `0`, `''`, a throw —
 * answers 401 with OpenAI's error JSON and is logged (`webhook-rejected`). Request headers TRTC
 * sends (`X-Task-Id`, `X-Request-Id`, `X-Sdk-App-Id`, `X-User-Id`, `X-Room-Id`, `X-Room-Id-Type`,
 * `X-Invoke-LLM`) are passed to `authenticate` and into the model's `metadata`. Bodies over
 * `maxBodyBytes` get 413; bodies that are not JSON, or nest deeper than 64 levels, get 400. A
 * client that disconnects aborts the model call. Errors are OpenAI-shaped JSON (before streaming
 * starts) or an `{"error": …}` event (mid-stream), never with upstream details; a model stream
 * that ends without `finish` is a failure too, never a complete answer.
 *
 * Tools: for a `v2` model, `tools`, `tool_choice` (a choice naming one function keeps only that
 * tool, as `'required'`), assistant messages with `tool_calls` and `tool` messages reach the
 * model's request; its `tool-call-delta` and `tool-call` events are streamed as OpenAI
 * `delta.tool_calls` (an `index` per call, `id`, `type` and name on its first piece, then
 * argument pieces) ending with `finish_reason: "tool_calls"`, and a non-streaming answer carries
 * `message.tool_calls`. A `v1` model (Dify) cannot call tools: a request with `tools` gets a 400
 * `tools_not_supported` rather than an answer that silently ignored them, and tool messages in
 * the history are left out for it. A malformed tool field is a 400 naming it (`param`).
 *
 * @throws {ValidationError} at creation when `model` is not a model, `maxBodyBytes` is not a
 * positive integer, or authentication is not configured: neither `apiKey` nor `authenticate`
 * (without `allowUnauthenticated: true`), an empty `apiKey`, or `apiKey: undefined` given
 * explicitly (an unset `LLM_ENDPOINT_KEY`).
 * @example
 * ```ts
 * const handler = createOpenAICompatibleHandler({
 *   model: createDify({ apiKey: process.env.DIFY_API_KEY ?? '', app: 'chat' }),
 *   apiKey: process.env.LLM_ENDPOINT_KEY, // what clients send; unset: fails here, naming apiKey
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
  const log = createLogEmitter(options.logger);
  const authorize = createRequestAuthenticator(options, OWNER, log);

  return async (request) => {
    const path = new URL(request.url).pathname;
    if (!path.endsWith('/chat/completions'))
      return errorResponse(404, 'Not found', 'invalid_request_error', 'not_found');
    if (request.method !== 'POST')
      return errorResponse(405, 'Use POST', 'invalid_request_error', 'method_not_allowed');

    const metadata = forwardedMetadata(request.headers);
    // Before the body: an unauthenticated client cannot make the server read (or wait for) it.
    const verdict = await authorize(request, metadata);
    if (!verdict.allowed) {
      log(verdict.level, {
        event: 'webhook-rejected',
        platform: ENDPOINT_PLATFORM,
        statusCode: 401,
        reason: verdict.reason,
        error: verdict.error,
      });
      return errorResponse(401, 'Invalid API key', 'invalid_request_error', 'invalid_api_key');
    }

    let text: string;
    try {
      text = await readRequestText(request, maxBodyBytes);
    } catch (error) {
      return refuse(
        log,
        error instanceof BadRequest ? error : new BadRequest('The body could not be read'),
      );
    }
    let body: ParsedBody;
    try {
      body = parseBody(parseRequestJson(text));
    } catch (error) {
      return refuse(
        log,
        error instanceof BadRequest ? error : new BadRequest('The body is not valid JSON'),
      );
    }
    const toolCalling = model.specificationVersion === 'v2';
    if (!toolCalling && body.tools.length > 0) {
      return refuse(
        log,
        new BadRequest(
          `tools are not supported: this endpoint's model (${model.provider}) does not call tools`,
          { errorCode: 'tools_not_supported', reason: 'tools-not-supported', param: 'tools' },
        ),
      );
    }

    const granted = verdict.grant;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(request.signal.reason);
    if (request.signal.aborted) controller.abort(request.signal.reason);
    else request.signal.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => request.signal.removeEventListener('abort', onAbort);
    const user = granted.user ?? body.user ?? metadata.userId;
    const iterator = model
      .stream({
        messages: toolCalling ? body.messages : withoutToolMessages(body.messages),
        ...(body.instructions !== undefined ? { instructions: body.instructions } : {}),
        ...(body.tools.length > 0 ? { tools: body.tools } : {}),
        ...(body.tools.length > 0 && body.toolChoice !== undefined
          ? { toolChoice: body.toolChoice }
          : {}),
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
    if (first.done) {
      cleanup();
      return failureResponse(endedWithoutFinish(model.provider));
    }
    if (first.value.type === 'error') {
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
        return await completionResponse(first.value, iterator, identity, model.provider);
      } finally {
        cleanup();
      }
    }
    return streamingResponse(first.value, iterator, {
      identity,
      provider: model.provider,
      includeUsage: body.includeUsage,
      cleanup,
      abort: () => controller.abort(),
    });
  };
}
