import {
  checkNonEmptyString,
  type LanguageModel,
  type ModelEvent,
  type ModelRequest,
} from '@imbridge/core';
import { checkSecretInput, type SecretInput } from '@imbridge/provider-utils';
import { createModelHttp, withBearer } from '../shared/model-http.ts';
import {
  checkBaseUrl,
  type ModelConnectionOptions,
  resolveConnection,
} from '../shared/model-options.ts';
import { createModelSecrets, toModelError } from '../shared/model-secrets.ts';
import { type AttemptOutput, withRetriesBeforeFirstToken } from '../shared/retry.ts';
import { toWireConversation, toWireTools, type WireMessage } from '../shared/tool-calls.ts';
import { createOpenAICompatibleClassifier } from './openai-compatible-errors.ts';
import { readOpenAICompatibleStream } from './openai-compatible-stream.ts';

/** Options of {@link createOpenAICompatible}. */
export interface OpenAICompatibleOptions extends ModelConnectionOptions {
  /**
   * The API root, without `/chat/completions` (e.g. `https://api.deepseek.com`; `LLM_BASE_URL`
   * in the examples). See `OPENAI_COMPATIBLE_PRESETS` for known vendors.
   */
  baseUrl: string;
  /**
   * API key sent as `Authorization: Bearer …` (`LLM_API_KEY` in the examples), or a resolver
   * called before every attempt (for rotating tokens). Leave it out (`undefined`) for servers
   * without auth (Ollama, vLLM without `--api-key`); an empty string is rejected. Never appears
   * in errors.
   */
  apiKey?: SecretInput | undefined;
  /** Model id at the vendor (`deepseek-chat`, `qwen-plus`…; `LLM_MODEL` in the examples). */
  model: string;
  /** Vendor id reported as `provider` on the model and its errors. @default 'openai-compatible' */
  provider?: string | undefined;
  /**
   * Ask for token usage in the stream (`stream_options: { include_usage: true }`). Some vendors
   * reject the field, hence opt-in. @default false
   */
  includeUsage?: boolean | undefined;
  /**
   * Extra request fields merged into the JSON body (`temperature`, `max_tokens`, Hunyuan's
   * `enable_enhancement`...). `model`, `messages` and `stream` always win, and so do `tools` and
   * `tool_choice` when the request has tools.
   */
  body?: Readonly<Record<string, unknown>> | undefined;
}

const OWNER = 'createOpenAICompatible';
const DEFAULT_PROVIDER = 'openai-compatible';

function wireMessages(request: ModelRequest): WireMessage[] {
  const conversation = toWireConversation(request);
  return request.instructions !== undefined && request.instructions.length > 0
    ? [{ role: 'system', content: request.instructions }, ...conversation]
    : conversation;
}

/**
 * A {@link LanguageModel} for any vendor that speaks OpenAI's streaming Chat Completions
 * (`POST {baseUrl}/chat/completions`, `stream: true`): OpenAI, DeepSeek, Qwen (DashScope),
 * Moonshot/Kimi, Tencent Hunyuan, Zhipu GLM, MiniMax (OpenAI mode), Ollama, vLLM...
 *
 * Parsing is tolerant of the vendors' variations: `reasoning_content` or `reasoning` become
 * `reasoning-delta` events; usage is read at the top level or inside `choices[0]` (Moonshot) and
 * from usage-only chunks (DeepSeek); `delta: null`, an empty `role`, keep-alives and lines that
 * are not JSON are skipped. A `data: {"error": …}` event becomes an `error` event carrying an
 * `APICallError`. An answer is complete once the body sent `data: [DONE]` or any choice carried a
 * `finish_reason` (servers that omit `[DONE]` still finish); a body that ends with neither was cut
 * off, and ends the stream with an `error` event (`APICallError` kind `network`, retryable) after
 * the text already streamed — never with `finish`.
 *
 * Tools (specification `v2`): `request.tools` go out as `tools: [{ type: 'function', function:
 * { name, description, parameters } }]` and `toolChoice` as `tool_choice`; assistant turns with
 * `toolCalls` as `tool_calls` (with `content: null` when they have no text) and tool results as
 * `{ role: 'tool', tool_call_id, content }`. Streamed `delta.tool_calls` (keyed by `index`, the
 * `id` and name possibly only on the first piece, or the name late) become `tool-call-delta`
 * events, then one `tool-call` per call with the complete arguments before `finish`, whose reason
 * is `tool-calls`. Without tools the request body is exactly that of a plain chat call.
 *
 * A stream yields exactly one `finish` or `error` event last, or throws an `AbortedError` once
 * `request.signal` fires (the HTTP request is torn down at once). Retryable failures (HTTP 429
 * honouring `Retry-After` up to `retry.maxDelayMs`, 5xx, timeouts, network) are retried while no
 * content has been streamed yet — the only retries of the call. Errors are `APICallError`s with
 * a `kind`, a `hint` where the vendor's code says what to fix, no `cause`, and no key.
 *
 * @throws {ValidationError} at creation when an option is wrong (empty `baseUrl` or `model`, a
 * non-URL `baseUrl`, an empty `apiKey`, a negative timeout…), naming the option.
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
  const baseUrl = checkBaseUrl(options.baseUrl, {
    owner: OWNER,
    name: 'baseUrl',
    envVariable: 'LLM_BASE_URL',
  });
  const modelId = checkNonEmptyString(options.model, {
    owner: OWNER,
    name: 'model',
    envVariable: 'LLM_MODEL',
  });
  const apiKeyOption = { owner: OWNER, name: 'apiKey', envVariable: 'LLM_API_KEY' };
  const apiKey =
    options.apiKey === undefined ? undefined : checkSecretInput(options.apiKey, apiKeyOption);
  const provider =
    options.provider === undefined
      ? DEFAULT_PROVIDER
      : checkNonEmptyString(options.provider, { owner: OWNER, name: 'provider' });
  const connection = resolveConnection(options, OWNER);
  const secrets = createModelSecrets(apiKey, apiKeyOption, connection.headers);
  const http = createModelHttp({
    provider,
    label: provider,
    baseUrl,
    connection,
    secrets,
    classify: createOpenAICompatibleClassifier(secrets.values),
  });
  const extraBody = options.body ?? {};
  const streamOptions = options.includeUsage
    ? {
        ...(typeof extraBody.stream_options === 'object' && extraBody.stream_options !== null
          ? (extraBody.stream_options as Record<string, unknown>)
          : {}),
        include_usage: true,
      }
    : undefined;

  async function* attempt(request: ModelRequest): AsyncGenerator<AttemptOutput> {
    try {
      const key = await secrets.resolve();
      const response = await http.stream({
        path: 'chat/completions',
        operation: 'chat/completions',
        json: {
          ...extraBody,
          model: modelId,
          messages: wireMessages(request),
          stream: true,
          // `{}` without tools: a call without tools sends the same body as a `v1` model did.
          ...toWireTools(request),
          // Not no-ops: an undefined here would erase the same field given in `body`.
          ...(streamOptions !== undefined ? { stream_options: streamOptions } : {}),
          ...(request.user !== undefined ? { user: request.user } : {}),
        },
        // With an API key, ours is the only Authorization header.
        headers: withBearer(connection.headers, key),
        signal: request.signal,
      });
      yield* readOpenAICompatibleStream(response, {
        provider,
        signal: request.signal,
        connection,
        secrets: secrets.values(),
      });
    } catch (error) {
      throw toModelError(error, provider, secrets.values());
    }
  }

  return {
    specificationVersion: 'v2',
    provider,
    modelId,
    stream(request: ModelRequest): AsyncIterable<ModelEvent> {
      return withRetriesBeforeFirstToken(() => attempt(request), {
        retry: connection.retry,
        signal: request.signal,
      });
    },
  };
}
