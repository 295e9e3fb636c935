/**
 * `@imbridge/llm`: language models for imbridge bots — OpenAI-compatible vendors, MiniMax and
 * Dify — that stream fast, stop at once when the user interrupts, fail with typed errors (with a
 * hint where the vendor's code says what to fix) and keep conversation state; and a server that
 * exposes any model as an OpenAI-compatible endpoint (the LLM that TRTC's AI conversation calls).
 *
 * A model call has one retry loop — the model's own, before the first token — and one set of
 * timeouts (`timeoutMs`, `firstTokenTimeoutMs`, `stallTimeoutMs`); the bot runtime does not retry.
 *
 * @module
 */

export type {
  ResolvedRetryOptions,
  RetryOptions,
  SecretInput,
  VendorErrorClass,
} from '@imbridge/provider-utils';
export type { DifyOptions } from './dify/dify.ts';
export { createDify } from './dify/dify.ts';
export { classifyDifyError } from './dify/dify-errors.ts';
export type { DifyApp, DifyProviderState, DifyResponseMode } from './dify/dify-wire.ts';
export { DIFY_APPS } from './dify/dify-wire.ts';
export type { MiniMaxOptions } from './minimax/minimax.ts';
export { createMiniMax, MINIMAX_BASE_URL, MINIMAX_CHINA_BASE_URL } from './minimax/minimax.ts';
export { classifyMiniMaxStatus, MINIMAX_PROVIDER } from './minimax/minimax-errors.ts';
export type { OpenAICompatibleOptions } from './openai-compatible/openai-compatible.ts';
export { createOpenAICompatible } from './openai-compatible/openai-compatible.ts';
export { classifyOpenAICompatibleError } from './openai-compatible/openai-compatible-errors.ts';
export type {
  OpenAICompatiblePreset,
  OpenAICompatiblePresetName,
} from './openai-compatible/presets.ts';
export { OPENAI_COMPATIBLE_PRESETS } from './openai-compatible/presets.ts';
export type {
  AuthenticateContext,
  AuthenticateGrant,
  AuthenticateRefusal,
  AuthenticateResult,
  EndpointAuthOptions,
} from './server/handler-auth.ts';
export { FORWARDED_HEADERS } from './server/handler-request.ts';
export type { OpenAICompatibleHandlerOptions } from './server/openai-compatible-handler.ts';
export { createOpenAICompatibleHandler } from './server/openai-compatible-handler.ts';
export type { ModelConnectionOptions } from './shared/model-options.ts';
export { MODEL_RETRY_DEFAULTS } from './shared/model-options.ts';
export { VERSION } from './version.ts';
