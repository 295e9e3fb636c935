/**
 * `@imbridge/llm/ai-sdk`: any AI SDK language model as an imbridge model. {@link fromAiSdk}
 * wraps a `LanguageModelV3` (`ai` 6, `@ai-sdk/*` providers) or `LanguageModelV2` (`ai` 5)
 * object as an imbridge `LanguageModel` of specification `v2` (with tool calling).
 *
 * The AI SDK is an optional peer: this entry imports none of it (not even its types), and the
 * main `@imbridge/llm` entry does not load this one.
 *
 * @example
 * ```ts
 * import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
 * import { fromAiSdk } from '@imbridge/llm/ai-sdk';
 *
 * const qwen = createOpenAICompatible({
 *   name: 'qwen',
 *   baseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
 *   apiKey: process.env.LLM_API_KEY,
 * });
 * const model = fromAiSdk(qwen('qwen-plus'));
 * ```
 * @module
 */

export type {
  AISDKCallOptions,
  AISDKFunctionTool,
  AISDKJsonValue,
  AISDKLanguageModel,
  AISDKPromptMessage,
  AISDKProviderOptions,
  AISDKStreamResult,
  AISDKTextPart,
  AISDKToolCallPart,
  AISDKToolChoice,
  AISDKToolResultOutput,
  AISDKToolResultPart,
} from './ai-sdk-spec.ts';
export type { AISDKCallAdditions, AISDKModelOptions } from './from-ai-sdk.ts';
export { fromAiSdk } from './from-ai-sdk.ts';
