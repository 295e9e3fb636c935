/**
 * `@imbridge/llm`: language models for imbridge bots — OpenAI-compatible vendors, MiniMax and
 * Dify — that stream fast, stop at once when the user interrupts, fail with typed errors and keep
 * conversation state; and a server that exposes any model as an OpenAI-compatible endpoint (the
 * LLM that TRTC's AI conversation calls).
 *
 * @module
 */

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
