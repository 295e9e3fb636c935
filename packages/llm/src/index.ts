/**
 * `@imbridge/llm`: language models for imbridge bots — OpenAI-compatible vendors, MiniMax and
 * Dify — that stream fast, stop at once when the user interrupts, fail with typed errors and keep
 * conversation state; and a server that exposes any model as an OpenAI-compatible endpoint (the
 * LLM that TRTC's AI conversation calls).
 *
 * @module
 */

export type { DifyApp, DifyOptions, DifyProviderState, DifyResponseMode } from './dify/dify.ts';
export { createDify, DIFY_APPS } from './dify/dify.ts';
export type { MiniMaxOptions, MiniMaxStatusClass } from './minimax/minimax.ts';
export {
  classifyMiniMaxStatus,
  createMiniMax,
  MINIMAX_BASE_URL,
  MINIMAX_CHINA_BASE_URL,
  MINIMAX_PROVIDER,
} from './minimax/minimax.ts';
export type { OpenAICompatibleOptions } from './openai-compatible/openai-compatible.ts';
export { createOpenAICompatible } from './openai-compatible/openai-compatible.ts';
export type {
  OpenAICompatiblePreset,
  OpenAICompatiblePresetName,
} from './openai-compatible/presets.ts';
export { OPENAI_COMPATIBLE_PRESETS } from './openai-compatible/presets.ts';
export type {
  AuthenticateContext,
  AuthenticateResult,
  OpenAICompatibleHandlerOptions,
  RequestHandler,
} from './server/openai-compatible-handler.ts';
export {
  createOpenAICompatibleHandler,
  FORWARDED_HEADERS,
} from './server/openai-compatible-handler.ts';
export type { ModelConnectionOptions, ModelRetryOptions, ModelTimeouts } from './shared/http.ts';
export { VERSION } from './version.ts';
