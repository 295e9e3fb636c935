import {
  checkInteger,
  checkNonEmptyString,
  checkNumber,
  type LanguageModel,
  type ModelEvent,
  type ModelRequest,
  optionError,
} from '@imbridge/core';
import type { RetryOptions } from '@imbridge/provider-utils';
import { resolveConnection } from '../shared/model-options.ts';
import { withRetriesBeforeFirstToken } from '../shared/retry.ts';
import { withDeadline } from './ai-sdk-deadline.ts';
import { toIMBridgeError } from './ai-sdk-errors.ts';
import { toAiSdkPrompt, toAiSdkTools } from './ai-sdk-prompt.ts';
import type { AISDKCallOptions, AISDKLanguageModel, AISDKProviderOptions } from './ai-sdk-spec.ts';
import { readAiSdkStream } from './ai-sdk-stream.ts';

/** Per-call additions computed from the request (see {@link AISDKModelOptions.prepareCall}). */
export interface AISDKCallAdditions {
  /** Provider options for this call, merged over {@link AISDKModelOptions.providerOptions}. */
  providerOptions?: AISDKProviderOptions | undefined;
  /** HTTP headers for this call, merged over {@link AISDKModelOptions.headers}. */
  headers?: Readonly<Record<string, string>> | undefined;
}

/** Options of {@link fromAiSdk}. */
export interface AISDKModelOptions {
  /** Reported as `provider` on the model and its errors. @default the AI SDK model's `provider` */
  provider?: string | undefined;
  /** Reported as `modelId`. @default the AI SDK model's `modelId` */
  modelId?: string | undefined;
  /**
   * AI SDK provider options sent with every call, keyed by provider name (e.g.
   * `{ openai: { reasoningEffort: 'low' } }`).
   */
  providerOptions?: AISDKProviderOptions | undefined;
  /** Limit of generated tokens per call. @default the provider's */
  maxOutputTokens?: number | undefined;
  /** Sampling temperature. @default the provider's */
  temperature?: number | undefined;
  /** Nucleus sampling. @default the provider's */
  topP?: number | undefined;
  /** Sequences that end the answer. */
  stopSequences?: readonly string[] | undefined;
  /** Extra HTTP headers on every call (the AI SDK provider adds them to its request). */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Computes provider options and headers from each request. The request's `user` and
   * `metadata` reach the vendor only through this hook (the AI SDK has no standard field for
   * them): e.g. `({ user }) => ({ providerOptions: { openai: { user } } })`.
   */
  prepareCall?: ((request: ModelRequest) => AISDKCallAdditions | undefined) | undefined;
  /**
   * Values to keep out of error messages (e.g. the API key given to the AI SDK provider).
   * Key-looking words (`sk-…`, `Bearer …`) are redacted anyway.
   */
  secrets?: readonly string[] | undefined;
  /**
   * Limit until `doStream` resolves (the provider got the response headers), in milliseconds.
   * @default 30_000
   */
  timeoutMs?: number | undefined;
  /**
   * Longest wait for the first content part once streaming started, in milliseconds. A miss is
   * an `APICallError` of kind `timeout` (`timeoutPhase: 'first-token'`), retried like any
   * retryable failure.
   * @default 60_000
   */
  firstTokenTimeoutMs?: number | undefined;
  /**
   * Longest silence between two parts once content arrived, in milliseconds (kind `timeout`,
   * `timeoutPhase: 'stall'`; not retried, since text already streamed).
   * @default 30_000
   */
  stallTimeoutMs?: number | undefined;
  /**
   * Retries of a failed call, made only before the first token — the one retry loop of the
   * call (AI SDK providers do not retry inside `doStream`; `streamText`'s retries are not used).
   * `false` disables them.
   * @default { maxRetries: 2, initialDelayMs: 1000, maxDelayMs: 10_000 }
   */
  retry?: RetryOptions | false | undefined;
}

const OWNER = 'fromAiSdk';
const SPECIFICATION_VERSIONS: ReadonlySet<unknown> = new Set(['v2', 'v3']);

function checkModel(model: unknown): AISDKLanguageModel {
  if (typeof model === 'string') {
    throw optionError(
      { owner: OWNER, name: 'model' },
      'an AI SDK model object (e.g. `openai("gpt-4o")`), not a gateway model id string',
      model,
    );
  }
  const candidate = model as Partial<AISDKLanguageModel> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.doStream !== 'function' ||
    !SPECIFICATION_VERSIONS.has(candidate.specificationVersion)
  ) {
    throw optionError(
      { owner: OWNER, name: 'model' },
      'an AI SDK language model of specification v3 (`ai` 6) or v2 (`ai` 5)',
      candidate?.specificationVersion ?? model,
    );
  }
  return candidate as AISDKLanguageModel;
}

function checkSettings(options: AISDKModelOptions): Partial<AISDKCallOptions> {
  const settings: Partial<AISDKCallOptions> = {};
  if (options.maxOutputTokens !== undefined) {
    settings.maxOutputTokens = checkInteger(
      options.maxOutputTokens,
      { owner: OWNER, name: 'maxOutputTokens' },
      { min: 1 },
    );
  }
  if (options.temperature !== undefined) {
    settings.temperature = checkNumber(
      options.temperature,
      { owner: OWNER, name: 'temperature' },
      { min: 0 },
    );
  }
  if (options.topP !== undefined) {
    settings.topP = checkNumber(options.topP, { owner: OWNER, name: 'topP' }, { min: 0, max: 1 });
  }
  if (options.stopSequences !== undefined) settings.stopSequences = [...options.stopSequences];
  return settings;
}

function mergeProviderOptions(
  base: AISDKProviderOptions | undefined,
  extra: AISDKProviderOptions | undefined,
): AISDKProviderOptions | undefined {
  if (extra === undefined) return base;
  if (base === undefined) return extra;
  const merged: AISDKProviderOptions = { ...base };
  for (const [name, values] of Object.entries(extra)) {
    merged[name] = { ...base[name], ...values };
  }
  return merged;
}

/**
 * Wraps an AI SDK language model — any `LanguageModelV3` (`ai` 6 and its `@ai-sdk/*` providers:
 * OpenAI, Anthropic, Google, DeepSeek, `@ai-sdk/openai-compatible`…) or `LanguageModelV2`
 * (`ai` 5) — as an imbridge {@link LanguageModel} of specification `v2` (tool calling), for
 * `createBot` or the OpenAI-compatible endpoint server.
 *
 * Only `doStream` is called. `instructions` become the system message; messages, tool calls and
 * tool results become the AI SDK prompt; `tools` become function tools. Text, reasoning, tool
 * input deltas, tool calls and the finish (reason and usage) come back as imbridge events. The
 * request's `user` and `metadata` are not sent unless `prepareCall` sends them.
 *
 * A stream yields exactly one `finish` or `error` event last, or throws an `AbortedError` once
 * `request.signal` fires (the model's `abortSignal` fires too, and imbridge stops reading at
 * once even if the model ignores it). Failures are `APICallError`s: an AI SDK `APICallError`
 * keeps its status, retry decision, `Retry-After` and request id, but not the request body,
 * headers, response body or `cause`; messages are redacted. Retryable failures are retried
 * before the first token (`retry`).
 *
 * Importing `@imbridge/llm/ai-sdk` loads no AI SDK code: the model object is all it needs.
 *
 * @param model - An AI SDK language model object (not a gateway id string).
 * @param options - Overrides, call settings, timeouts and retries.
 * @throws {ValidationError} at creation when `model` is not an AI SDK v3/v2 language model or an
 * option is wrong, naming it.
 * @throws {AbortedError} from the iteration when `request.signal` fires.
 * @see https://ai-sdk.dev/providers/community-providers/custom-providers
 * @example
 * ```ts
 * import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
 * import { createBot, memoryState } from '@imbridge/core';
 * import { fromAiSdk } from '@imbridge/llm/ai-sdk';
 *
 * const deepseek = createOpenAICompatible({
 *   name: 'deepseek',
 *   baseURL: 'https://api.deepseek.com/v1',
 *   apiKey: process.env.LLM_API_KEY,
 * });
 * const bot = createBot({
 *   model: fromAiSdk(deepseek('deepseek-chat'), { temperature: 0.3 }),
 *   state: memoryState(),
 * });
 * ```
 */
export function fromAiSdk(
  model: AISDKLanguageModel,
  options: AISDKModelOptions = {},
): LanguageModel {
  const inner = checkModel(model);
  const provider = checkNonEmptyString(options.provider ?? inner.provider, {
    owner: OWNER,
    name: 'provider',
  });
  const modelId = checkNonEmptyString(options.modelId ?? inner.modelId, {
    owner: OWNER,
    name: 'modelId',
  });
  const connection = resolveConnection(
    {
      headers: options.headers,
      timeoutMs: options.timeoutMs,
      firstTokenTimeoutMs: options.firstTokenTimeoutMs,
      stallTimeoutMs: options.stallTimeoutMs,
      retry: options.retry,
    },
    OWNER,
  );
  if (options.prepareCall !== undefined && typeof options.prepareCall !== 'function') {
    throw optionError({ owner: OWNER, name: 'prepareCall' }, 'a function', options.prepareCall);
  }
  const settings = checkSettings(options);
  const secrets = [...(options.secrets ?? [])].filter((value) => value.length > 0);
  const context = { provider, secrets };

  function callOptions(request: ModelRequest, abortSignal: AbortSignal): AISDKCallOptions {
    const additions = options.prepareCall?.(request);
    const headers = { ...connection.headers, ...additions?.headers };
    const providerOptions = mergeProviderOptions(
      options.providerOptions,
      additions?.providerOptions,
    );
    return {
      ...settings,
      prompt: toAiSdkPrompt(request),
      ...toAiSdkTools(request),
      abortSignal,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(providerOptions !== undefined ? { providerOptions } : {}),
    };
  }

  async function* attempt(request: ModelRequest): AsyncGenerator<ModelEvent> {
    // Aborted on the way out, whatever ends the attempt (a timeout, an early return, the
    // caller's abort), so the provider's request never outlives it.
    const controller = new AbortController();
    const abortSignal =
      request.signal === undefined
        ? controller.signal
        : AbortSignal.any([request.signal, controller.signal]);
    try {
      const result = await withDeadline(inner.doStream(callOptions(request, abortSignal)), {
        signal: request.signal,
        timeoutMs: connection.timeoutMs,
        phase: 'request',
        provider,
      });
      yield* readAiSdkStream(result.stream, {
        ...context,
        signal: request.signal,
        firstTokenTimeoutMs: connection.firstTokenTimeoutMs,
        stallTimeoutMs: connection.stallTimeoutMs,
      });
    } catch (error) {
      throw toIMBridgeError(error, context);
    } finally {
      controller.abort();
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
