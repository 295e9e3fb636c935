import {
  AbortedError,
  APICallError,
  type APIErrorKind,
  IMBridgeError,
  type LanguageModel,
  type ModelEvent,
  type ModelFinishReason,
  type ModelRequest,
  type ModelUsage,
} from '@imbridge/core';
import {
  kindForStatus,
  type ModelConnectionOptions,
  postJson,
  redact,
  resolveTimeouts,
} from '../shared/http.ts';
import { type AttemptOutput, withRetriesBeforeFirstToken } from '../shared/retry.ts';
import { readServerSentEventBatches, type SSEEvent } from '../shared/sse.ts';

/** Options of {@link createOpenAICompatible}. */
export interface OpenAICompatibleOptions extends ModelConnectionOptions {
  /**
   * The API root, without `/chat/completions` (e.g. `https://api.deepseek.com`). See
   * `OPENAI_COMPATIBLE_PRESETS` for known vendors.
   */
  baseUrl: string;
  /**
   * API key sent as `Authorization: Bearer …`, or a resolver called before every attempt (for
   * rotating tokens). Omit for servers without auth (Ollama, vLLM without `--api-key`). Never
   * appears in errors.
   */
  apiKey?: string | (() => string | Promise<string>);
  /** Model id at the vendor (`deepseek-chat`, `qwen-plus`, `moonshot-v1-8k`...). */
  model: string;
  /** Vendor id reported as `provider` on the model and its errors. @default 'openai-compatible' */
  provider?: string;
  /**
   * Ask for token usage in the stream (`stream_options: { include_usage: true }`). Some vendors
   * reject the field, hence opt-in. @default false
   */
  includeUsage?: boolean;
  /**
   * Extra request fields merged into the JSON body (`temperature`, `max_tokens`, Hunyuan's
   * `enable_enhancement`...). `model`, `messages` and `stream` always win.
   */
  body?: Record<string, unknown>;
}

const DEFAULT_PROVIDER = 'openai-compatible';
/** Kinds a retry can fix; the others are settled as not retryable, whatever the HTTP status. */
const RETRYABLE_KINDS: ReadonlySet<APIErrorKind> = new Set([
  'rate-limit',
  'timeout',
  'server',
  'network',
]);
const SECRET_HEADER = /auth|key|token|secret|signature/i;

/**
 * The kind of failure an OpenAI-style error `code`/`type` names, or `undefined` when the text
 * says nothing known (callers then fall back to the HTTP status).
 */
function kindForCode(text: string): APIErrorKind | undefined {
  const lower = text.toLowerCase();
  if (lower.length === 0) return undefined;
  if (/auth|api.?key|permission|unauthori[sz]ed|forbidden|access.?denied/.test(lower)) {
    return 'auth';
  }
  if (/rate.?limit|too.?many|throttl|concurrenc/.test(lower)) return 'rate-limit';
  if (/quota|insufficient|balance|billing|arrear|payment/.test(lower)) return 'quota';
  if (/content.?filter|sensitive|moderation|safety|inspection|risk/.test(lower)) {
    return 'content-filter';
  }
  if (/not.?found|does.?not.?exist/.test(lower)) return 'not-found';
  if (/time.?out/.test(lower)) return 'timeout';
  if (/server|internal|overload|unavailable|capacity|busy/.test(lower)) return 'server';
  if (/invalid|bad.?request|context.?length|too.?long|validation|unsupported/.test(lower)) {
    return 'invalid-request';
  }
  return undefined;
}

function classifyHttpError(code: string | undefined): APIErrorKind | undefined {
  return code === undefined ? undefined : kindForCode(code);
}

/** Wraps a foreign throw without keeping it as `cause` (its text may hold a secret). */
function toError(error: unknown, provider: string, secrets: ReadonlyArray<string | undefined>) {
  if (IMBridgeError.isInstance(error)) return error;
  const detail = error instanceof Error ? redact(error.message, secrets) : 'unexpected error';
  return new APICallError({
    message: `${provider}: ${detail}`,
    provider,
    kind: 'unknown',
    retryable: false,
  });
}

function statusFrom(value: unknown): number | undefined {
  const status = typeof value === 'string' ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600
    ? status
    : undefined;
}

/** Maps a `data: {"error": …}` payload (or an `event: error` body) to an `APICallError`. */
function streamError(
  raw: unknown,
  provider: string,
  secrets: ReadonlyArray<string | undefined>,
): APICallError {
  const record =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
  const text =
    typeof raw === 'string'
      ? raw
      : typeof record?.message === 'string'
        ? record.message
        : 'error event';
  const code =
    typeof record?.code === 'string' || typeof record?.code === 'number' ? record.code : undefined;
  const type = typeof record?.type === 'string' ? record.type : undefined;
  const statusCode =
    statusFrom(record?.status) ?? statusFrom(record?.status_code) ?? statusFrom(code);
  const kind =
    kindForCode(`${code ?? ''} ${type ?? ''}`.trim()) ??
    (statusCode !== undefined ? kindForStatus(statusCode) : 'unknown');
  const providerCode = typeof code === 'string' ? redact(code, secrets) : (code ?? type);
  return new APICallError({
    message: `${provider} stream error: ${redact(text.slice(0, 300), secrets)}`,
    provider,
    kind,
    retryable: RETRYABLE_KINDS.has(kind),
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(providerCode !== undefined ? { providerCode } : {}),
  });
}

function finishReasonOf(raw: string | undefined): ModelFinishReason {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
    case 'sensitive': // Zhipu GLM
      return 'content-filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    default:
      return 'other';
  }
}

/** Reads `{prompt_tokens, completion_tokens, total_tokens}`; `undefined` when none is a number. */
function usageOf(value: unknown): ModelUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const wire = value as Record<string, unknown>;
  const usage: ModelUsage = {};
  let found = false;
  if (typeof wire.prompt_tokens === 'number') {
    usage.inputTokens = wire.prompt_tokens;
    found = true;
  }
  if (typeof wire.completion_tokens === 'number') {
    usage.outputTokens = wire.completion_tokens;
    found = true;
  }
  if (typeof wire.total_tokens === 'number') {
    usage.totalTokens = wire.total_tokens;
    found = true;
  }
  return found ? usage : undefined;
}

/** Parses one `data:` payload; `undefined` for anything that is not a JSON object. */
function parseChunk(data: string): Record<string, unknown> | undefined {
  // 123 is `{`: skips keep-alive text and HTML error pages without a throw.
  if (data.charCodeAt(0) !== 123) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

function abortedError(provider: string, signal: AbortSignal | undefined): AbortedError {
  return new AbortedError({ message: `${provider} request aborted`, cause: signal?.reason });
}

/**
 * A {@link LanguageModel} for any vendor that speaks OpenAI's streaming Chat Completions
 * (`POST {baseUrl}/chat/completions`, `stream: true`): OpenAI, DeepSeek, Qwen (DashScope),
 * Moonshot/Kimi, Tencent Hunyuan, Zhipu GLM, MiniMax (OpenAI mode), Ollama, vLLM...
 *
 * Parsing is tolerant of the vendors' variations: `reasoning_content` or `reasoning` become
 * `reasoning-delta` events; usage is read at the top level or inside `choices[0]` (Moonshot) and
 * from usage-only chunks (DeepSeek); `delta: null`, an empty `role`, keep-alives and lines that
 * are not JSON are skipped; a body that ends without `data: [DONE]` still finishes. A
 * `data: {"error": …}` event becomes an `error` event carrying an `APICallError`.
 *
 * A stream yields exactly one `finish` or `error` event last, or throws an `AbortedError` once
 * `request.signal` fires (the HTTP request is torn down at once). Retryable failures (HTTP 429
 * honouring `retry-after`, 5xx, timeouts, network) are retried while no content has been
 * streamed yet.
 *
 * @throws {AbortedError} from the iteration when `request.signal` fires.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 * @example
 * ```ts
 * import { createOpenAICompatible, OPENAI_COMPATIBLE_PRESETS } from '@imbridge/llm';
 *
 * const model = createOpenAICompatible({
 *   ...OPENAI_COMPATIBLE_PRESETS.deepseek,
 *   apiKey: process.env.DEEPSEEK_API_KEY,
 *   model: 'deepseek-chat',
 *   provider: 'deepseek',
 *   includeUsage: true,
 *   body: { temperature: 0.3 },
 * });
 * for await (const event of model.stream({
 *   instructions: 'Be brief.',
 *   messages: [{ role: 'user', content: 'Hi' }],
 * })) {
 *   if (event.type === 'text-delta') process.stdout.write(event.text);
 *   if (event.type === 'error') console.error(event.error);
 * }
 * ```
 */
export function createOpenAICompatible(options: OpenAICompatibleOptions): LanguageModel {
  const provider = options.provider ?? DEFAULT_PROVIDER;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const timeouts = resolveTimeouts(options.timeouts);
  const apiKeyOption = options.apiKey;
  const extraBody = options.body ?? {};
  const streamOptions = options.includeUsage
    ? {
        ...(typeof extraBody.stream_options === 'object' && extraBody.stream_options !== null
          ? (extraBody.stream_options as Record<string, unknown>)
          : {}),
        include_usage: true,
      }
    : undefined;
  const baseHeaders: Record<string, string> = { accept: 'text/event-stream' };
  const headerSecrets: string[] = [];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    // With an API key, ours is the only Authorization header.
    if (apiKeyOption !== undefined && name.toLowerCase() === 'authorization') continue;
    baseHeaders[name] = value;
    if (SECRET_HEADER.test(name)) headerSecrets.push(value);
  }

  async function* attempt(request: ModelRequest): AsyncGenerator<AttemptOutput> {
    const outer = request.signal;
    if (outer?.aborted) throw abortedError(provider, outer);
    // One controller per attempt: an abort, a timeout or the consumer leaving early all tear the
    // HTTP request down through it.
    const controller = new AbortController();
    const signal = controller.signal;
    const onAbort = (): void => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    let secrets: ReadonlyArray<string | undefined> = headerSecrets;
    try {
      let apiKey: string | undefined;
      try {
        apiKey = typeof apiKeyOption === 'function' ? await apiKeyOption() : apiKeyOption;
      } catch {
        throw new APICallError({
          message: `${provider}: the apiKey resolver failed`,
          provider,
          kind: 'auth',
          retryable: false,
        });
      }
      if (signal.aborted) throw abortedError(provider, outer);
      secrets = apiKey === undefined ? headerSecrets : [apiKey, ...headerSecrets];
      const headers =
        apiKey !== undefined && apiKey.length > 0
          ? { ...baseHeaders, authorization: `Bearer ${apiKey}` }
          : baseHeaders;
      const messages: Array<{ role: string; content: string }> = [];
      if (request.instructions !== undefined && request.instructions.length > 0) {
        messages.push({ role: 'system', content: request.instructions });
      }
      for (const message of request.messages) {
        messages.push({ role: message.role, content: message.content });
      }
      const response = await postJson({
        provider,
        url,
        body: {
          ...extraBody,
          model: options.model,
          messages,
          stream: true,
          ...(streamOptions !== undefined ? { stream_options: streamOptions } : {}),
          ...(request.user !== undefined ? { user: request.user } : {}),
        },
        headers,
        fetch: options.fetch ?? globalThis.fetch,
        signal,
        requestTimeoutMs: timeouts.requestMs,
        secrets,
        classify: classifyHttpError,
      });
      const body = response.body;
      if (body === null) {
        throw new APICallError({
          message: `${provider} answered without a body`,
          provider,
          kind: 'server',
          retryable: true,
          statusCode: response.status,
        });
      }

      let finishReason: string | undefined;
      let usage: ModelUsage | undefined;
      // One batch of model events per network read: one `await` per read, not per event.
      reading: for await (const messages of readServerSentEventBatches(body, {
        provider,
        signal,
        firstEventTimeoutMs: timeouts.firstTokenMs,
        idleTimeoutMs: timeouts.chunkMs,
      })) {
        const out: ModelEvent[] = [];
        try {
          for (let index = 0; index < messages.length; index += 1) {
            const message = messages[index] as SSEEvent;
            const data = message.data;
            if (data === '[DONE]') {
              if (out.length > 0) yield out;
              break reading;
            }
            const chunk = parseChunk(data);
            if (chunk === undefined) continue;
            const wireError = chunk.error;
            if ((wireError !== undefined && wireError !== null) || message.event === 'error') {
              out.push({
                type: 'error',
                error: streamError(wireError ?? chunk, provider, secrets),
              });
              yield out;
              return;
            }
            if (chunk.usage != null) usage = usageOf(chunk.usage) ?? usage;
            const choices = chunk.choices;
            if (!Array.isArray(choices)) continue;
            const choice: unknown = choices[0];
            if (typeof choice !== 'object' || choice === null) continue;
            const wireChoice = choice as Record<string, unknown>;
            const finish = wireChoice.finish_reason;
            if (typeof finish === 'string') finishReason = finish;
            const choiceUsage = wireChoice.usage;
            if (choiceUsage != null) usage = usageOf(choiceUsage) ?? usage;
            const delta = wireChoice.delta;
            if (typeof delta !== 'object' || delta === null) continue;
            const wireDelta = delta as Record<string, unknown>;
            const content = wireDelta.content;
            const thought = wireDelta.reasoning_content ?? wireDelta.reasoning;
            if (typeof thought === 'string' && thought.length > 0) {
              out.push({ type: 'reasoning-delta', text: thought });
            }
            if (typeof content === 'string' && content.length > 0) {
              out.push({ type: 'text-delta', text: content });
            }
          }
        } catch (error) {
          // What was mapped before the failure still reaches the consumer first.
          if (out.length > 0) yield out;
          throw error;
        }
        if (out.length > 0) yield out;
      }
      if (finishReason === 'network_error') {
        // Zhipu GLM reports an upstream failure as a finish reason: not a short answer.
        yield {
          type: 'error',
          error: new APICallError({
            message: `${provider} stopped with finish_reason network_error`,
            provider,
            kind: 'server',
            retryable: true,
            providerCode: finishReason,
          }),
        };
        return;
      }
      yield {
        type: 'finish',
        reason: finishReasonOf(finishReason),
        ...(usage !== undefined ? { usage } : {}),
      };
    } catch (error) {
      if (outer?.aborted) throw abortedError(provider, outer);
      throw toError(error, provider, secrets);
    } finally {
      outer?.removeEventListener('abort', onAbort);
      // Closes the connection when the stream ended early ([DONE] before the body's end, an
      // error event, a consumer that stopped iterating); a no-op once the body was read.
      controller.abort();
    }
  }

  return {
    specificationVersion: 'v1',
    provider,
    modelId: options.model,
    stream(request: ModelRequest): AsyncIterable<ModelEvent> {
      return withRetriesBeforeFirstToken(() => attempt(request), {
        retry: options.retry,
        signal: request.signal,
      });
    },
  };
}
