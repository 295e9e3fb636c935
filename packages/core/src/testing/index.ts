/**
 * `@imbridge/core/testing`: test your bot, adapter or model without a vendor account.
 *
 * - {@link createMemoryAdapter}: an in-memory chat platform that records what a client sees;
 * - {@link createScriptedModel}: a model that plays back text chunks, delays, errors and stalls;
 * - {@link chatAdapterContract} / {@link languageModelContract} / {@link stateAdapterContract}: the
 *   behaviours every adapter, every model and every state store must have, as runner-agnostic
 *   test cases;
 * - {@link memoryLogger}: a logger that keeps every entry for assertions.
 *
 * @module
 */

export type {
  ChatAdapterContractHarness,
  ChatAdapterContractOptions,
  ObservedMessage,
} from './adapter-contract.ts';
export { chatAdapterContract } from './adapter-contract.ts';
export type { ContractCase } from './contract-support.ts';
export { ContractViolation } from './contract-support.ts';
export type {
  MemoryAdapter,
  MemoryAdapterOptions,
  MemoryChatChange,
  MemoryChatMessage,
  MemoryMessageKind,
  MemoryOperation,
  MemoryWebhookBody,
} from './memory-adapter.ts';
export { createMemoryAdapter, memoryRateLimitError } from './memory-adapter.ts';
export type { LoggedEntry, MemoryLogger } from './memory-logger.ts';
export { memoryLogger } from './memory-logger.ts';
export type { LanguageModelContractOptions, ModelContractScenario } from './model-contract.ts';
export { languageModelContract } from './model-contract.ts';
export type {
  LanguageModelToolContractOptions,
  ModelToolContractScenario,
} from './model-tool-contract.ts';
export {
  languageModelToolContract,
  TOOL_CONTRACT_CALL_ID,
  TOOL_CONTRACT_TOOL,
  toolContractCallRequest,
  toolContractResultRequest,
} from './model-tool-contract.ts';
export type {
  FailureScriptStep,
  Script,
  ScriptedCall,
  ScriptedModel,
  ScriptedModelOptions,
  ScriptStep,
  StallScriptStep,
  TextScriptStep,
  ToolCallScriptStep,
} from './scripted-model.ts';
export { createScriptedModel, textSteps } from './scripted-model.ts';
export type {
  StateAdapterContractHarness,
  StateAdapterContractOptions,
} from './state-contract.ts';
export { stateAdapterContract } from './state-contract.ts';
