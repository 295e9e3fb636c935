/** Writing model events as OpenAI Chat Completions answers (JSON or `text/event-stream`). */
import {
  APICallError,
  type FinishEvent,
  IMBridgeError,
  type ModelEvent,
  type ModelFinishReason,
  type ModelUsage,
} from '@imbridge/core';
import { ToolCallStreamer, type WireToolCall, wireToolCall } from './handler-tool-calls.ts';

const encoder = new TextEncoder();

/** An OpenAI-shaped error answer; `param` names the request field at fault. */
export function errorResponse(
  status: number,
  message: string,
  type: string,
  code?: string,
  param?: string,
): Response {
  return new Response(
    JSON.stringify({ error: { message, type, code: code ?? null, param: param ?? null } }),
    { status, headers: { 'content-type': 'application/json' } },
  );
}

/** HTTP status, OpenAI error type and a short message for a model failure. */
export interface FailureDescription {
  status: number;
  type: string;
  message: string;
  code?: string;
}

const STATUS_BY_KIND: Readonly<Record<string, readonly [number, string]>> = {
  auth: [502, 'upstream_error'],
  'rate-limit': [429, 'rate_limit_error'],
  quota: [429, 'insufficient_quota'],
  'content-filter': [400, 'content_filter'],
  'invalid-request': [400, 'invalid_request_error'],
  timeout: [504, 'timeout'],
};

/**
 * Describes a model failure for the client: the kind only, never upstream details (they may name
 * keys, hosts or prompts).
 */
export function describeFailure(error: unknown): FailureDescription {
  if (APICallError.isInstance(error)) {
    const [status, type] = STATUS_BY_KIND[error.kind] ?? [502, 'upstream_error'];
    return { status, type, message: `The model failed (${error.kind})`, code: error.kind };
  }
  return { status: 500, type: 'server_error', message: 'The model failed' };
}

/**
 * The failure of a model whose stream ended without `finish` or `error` (which the
 * `LanguageModel` contract forbids): the answer may be cut short, so it is never passed on as a
 * complete one.
 */
export function endedWithoutFinish(provider: string): APICallError {
  return new APICallError({
    message: `${provider} model stream ended without a finish event`,
    provider,
    kind: 'server',
    retryable: false,
  });
}

/** An answer for a model failure. */
export function failureResponse(error: unknown): Response {
  const failure = describeFailure(error);
  return errorResponse(failure.status, failure.message, failure.type, failure.code);
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

/** What both answer shapes carry. */
export interface CompletionIdentity {
  id: string;
  created: number;
  modelName: string;
}

/**
 * Reads the whole model answer into one `chat.completion`, or an error answer when the model
 * fails or its stream ends without `finish`.
 */
export async function completionResponse(
  first: ModelEvent,
  iterator: AsyncIterator<ModelEvent>,
  identity: CompletionIdentity,
  provider: string,
): Promise<Response> {
  let content = '';
  let reasoning = '';
  const toolCalls: WireToolCall[] = [];
  let finish: FinishEvent | undefined;
  try {
    for (let event: ModelEvent | undefined = first; event !== undefined; ) {
      if (event.type === 'text-delta') content += event.text;
      else if (event.type === 'text-replace') content = event.text;
      else if (event.type === 'reasoning-delta') reasoning += event.text;
      else if (event.type === 'tool-call') toolCalls.push(wireToolCall(event));
      else if (event.type === 'error') return failureResponse(event.error);
      else if (event.type === 'finish') finish = event;
      const step: IteratorResult<ModelEvent> = await iterator.next();
      event = step.done ? undefined : step.value;
    }
  } catch (error) {
    return failureResponse(error);
  }
  if (finish === undefined) return failureResponse(endedWithoutFinish(provider));
  const usage = usageOf(finish.usage);
  return Response.json({
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.modelName,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI answers `null` beside tool calls when there is no text.
          content: content.length === 0 && toolCalls.length > 0 ? null : content,
          ...(reasoning.length > 0 ? { reasoning_content: reasoning } : {}),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReason(finish.reason),
      },
    ],
    ...(usage !== undefined ? { usage } : {}),
  });
}

/** Options of {@link streamingResponse}. */
export interface StreamingOptions {
  identity: CompletionIdentity;
  /** The model's provider, for the error of a stream that ends without `finish`. */
  provider: string;
  /** Whether the client asked for a usage chunk. */
  includeUsage: boolean;
  /** Called once the answer is complete or the client went away. */
  cleanup: () => void;
  /** Stops the model (the client went away). */
  abort: () => void;
}

/**
 * A `text/event-stream` answer of `chat.completion.chunk`s ending in `data: [DONE]`, pulling
 * one model event per read. Tool calls go out as `delta.tool_calls` pieces (see
 * {@link ToolCallStreamer}). A mid-stream failure — an `error` event, a throw, or a model stream
 * that ends without `finish` — becomes an `{"error": …}` event with no `[DONE]` after it, so a
 * client never takes a cut-off answer for a complete one.
 */
export function streamingResponse(
  first: ModelEvent,
  iterator: AsyncIterator<ModelEvent>,
  options: StreamingOptions,
): Response {
  const { identity, cleanup } = options;
  const prefix = `{"id":"${identity.id}","object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(identity.modelName)},`;
  const chunk = (choice: string): Uint8Array =>
    encoder.encode(`data: ${prefix}"choices":[{"index":0,${choice}}]}\n\n`);
  const errorChunk = (error: unknown): Uint8Array => {
    const failure = describeFailure(error);
    return encoder.encode(
      `data: ${JSON.stringify({ error: { message: failure.message, type: failure.type, code: failure.code ?? null } })}\n\n`,
    );
  };
  let sent = '';
  const toolCalls = new ToolCallStreamer();
  const toolChunk = (calls: string): Uint8Array =>
    chunk(`"delta":{"tool_calls":${calls}},"finish_reason":null`);
  let pending: ModelEvent | undefined = first;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(chunk('"delta":{"role":"assistant","content":""},"finish_reason":null'));
    },
    async pull(controller) {
      const close = (): void => {
        cleanup();
        controller.close();
      };
      try {
        // Until something was sent: a pull that enqueues nothing is never called again.
        for (;;) {
          let event = pending;
          pending = undefined;
          if (event === undefined) {
            const step = await iterator.next();
            if (!step.done) event = step.value;
          }
          if (event === undefined) {
            // A model that ends without `finish` may have been cut short: not a complete answer.
            controller.enqueue(errorChunk(endedWithoutFinish(options.provider)));
            close();
            return;
          }
          switch (event.type) {
            case 'text-delta':
              sent += event.text;
              controller.enqueue(
                chunk(`"delta":{"content":${JSON.stringify(event.text)}},"finish_reason":null`),
              );
              return;
            case 'text-replace': {
              // OpenAI deltas cannot take text back: only growth beyond what was sent is streamed.
              if (event.text.startsWith(sent) && event.text.length > sent.length) {
                const added = event.text.slice(sent.length);
                sent = event.text;
                controller.enqueue(
                  chunk(`"delta":{"content":${JSON.stringify(added)}},"finish_reason":null`),
                );
                return;
              }
              continue;
            }
            case 'reasoning-delta':
              controller.enqueue(
                chunk(
                  `"delta":{"reasoning_content":${JSON.stringify(event.text)}},"finish_reason":null`,
                ),
              );
              return;
            case 'tool-call-delta': {
              const calls = toolCalls.delta(event);
              if (calls === undefined) continue;
              controller.enqueue(toolChunk(calls));
              return;
            }
            case 'tool-call': {
              const calls = toolCalls.complete(event, options.provider);
              if (calls === undefined) continue;
              controller.enqueue(toolChunk(calls));
              return;
            }
            case 'finish': {
              controller.enqueue(
                chunk(`"delta":{},"finish_reason":"${finishReason(event.reason)}"`),
              );
              const usage = usageOf(event.usage);
              if (options.includeUsage && usage !== undefined) {
                controller.enqueue(
                  encoder.encode(
                    `data: ${prefix}"choices":[],"usage":${JSON.stringify(usage)}}\n\n`,
                  ),
                );
              }
              controller.enqueue(encoder.encode('data: [DONE]\n\n'));
              close();
              return;
            }
            case 'error':
              controller.enqueue(errorChunk(event.error));
              close();
              return;
            default:
              // An event this version does not know: nothing to send for it.
              continue;
          }
        }
      } catch (error) {
        controller.enqueue(errorChunk(IMBridgeError.from(error)));
        close();
      }
    },
    cancel() {
      // The client went away: stop the model.
      options.abort();
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
}
