/**
 * `@imbridge/core`: the provider-agnostic spec (chat adapters, reply sinks, language models,
 * state) and the bot runtime that turns an IM webhook into a streamed LLM answer.
 *
 * @example
 * ```ts
 * import { createBot, memoryState } from '@imbridge/core';
 * const bot = createBot({ model, state: memoryState(), instructions: 'Be brief.' });
 * const handler = bot.webhook(adapter); // (request, { waitUntil? }) => Promise<Response>
 * ```
 * @module
 */

export type {
  APICallErrorOptions,
  APIErrorKind,
  IMBridgeErrorOptions,
  SignatureVerificationErrorOptions,
  TimeoutPhase,
  ValidationErrorOptions,
  ValidationIssue,
} from './errors/errors.ts';
export {
  AbortedError,
  API_ERROR_KINDS,
  APICallError,
  IMBridgeError,
  isAbortError,
  isRateLimitError,
  isRetryableError,
  isRetryableKind,
  SignatureVerificationError,
  ValidationError,
} from './errors/errors.ts';
export type {
  ConversationLogFields,
  LogEntry,
  LogEventFields,
  LogEventName,
  MessageLogFields,
  ReplyOutcome,
} from './logging/log-entry.ts';
export type {
  ConsoleLoggerOptions,
  ErrorDescription,
  LogEmitter,
  Logger,
  LoggerOption,
  LogLevel,
} from './logging/logger.ts';
export {
  consoleLogger,
  createLogEmitter,
  describeError,
  silentLogger,
} from './logging/logger.ts';
export type {
  NodeIncomingMessage,
  NodeListenerOptions,
  NodeServerResponse,
} from './node/node-listener.ts';
export { toNodeListener } from './node/node-listener.ts';
export type { ReplyPacerOptions } from './pacer/pacer.ts';
export { ReplyPacer } from './pacer/pacer.ts';
export { findCutIndex, utf8ByteLength } from './pacer/text-split.ts';
export type { TokenBucketOptions } from './pacer/token-bucket.ts';
export { TokenBucket } from './pacer/token-bucket.ts';
export { createBot } from './runtime/bot.ts';
export type {
  BotErrorInfo,
  BotErrorPhase,
  BotHooks,
  HookMessageInfo,
  ReplyFinishedInfo,
  ReplyStartedInfo,
  ToolCallInfo,
} from './runtime/hooks.ts';
export type {
  AnswerOptions,
  CommandHandler,
  CommandsOptions,
  HandoffOptions,
  MessageContext,
  Middleware,
  ReplyContent,
  ReplySummary,
} from './runtime/middleware.ts';
export { commands } from './runtime/middleware.ts';
export type {
  Bot,
  BotOptions,
  ConcurrencyPolicy,
  HandlerContext,
  HistoryOptions,
  LockSettings,
  RequestHandler,
  StreamingOptions,
  TurnContext,
  WebhookContext,
  WebhookHandler,
} from './runtime/options.ts';
export type { OverflowPolicy } from './runtime/reply-writer.ts';
export type {
  SpanName,
  TelemetryOptions,
  TelemetrySpan,
  TelemetryTracer,
} from './runtime/telemetry.ts';
export { withStateTimeouts } from './runtime/timed-state.ts';
export type {
  StandardJSONSchemaLike,
  Tool,
  ToolExecutionContext,
  ToolSet,
} from './runtime/tools.ts';
export { tool } from './runtime/tools.ts';
export type {
  AdapterLimits,
  ChatAdapter,
  IgnoredInboundEvent,
  InboundEvent,
  InboundMessage,
  InterruptInboundEvent,
  MessageInboundEvent,
  MessageSender,
  OpenReplyOptions,
  PostOptions,
  PostResult,
  ReceiveResult,
  ReplyFinishOptions,
  ReplyFinishReason,
  ReplySink,
  ReplyTarget,
  ReplyUpdateOptions,
} from './spec/chat-adapter.ts';
export type {
  AssistantModelMessage,
  ErrorEvent,
  FinishEvent,
  JsonSchema,
  JsonValue,
  LanguageModel,
  LanguageModelSpecificationVersion,
  ModelEvent,
  ModelFinishReason,
  ModelMessage,
  ModelMessageRole,
  ModelRequest,
  ModelToolCall,
  ModelToolChoice,
  ModelToolDefinition,
  ModelUsage,
  ReasoningDeltaEvent,
  TextDeltaEvent,
  TextReplaceEvent,
  ToolCallDeltaEvent,
  ToolCallEvent,
  ToolModelMessage,
  UserModelMessage,
} from './spec/language-model.ts';
export type {
  AppendToListOptions,
  LockOptions,
  RateLimitOptions,
  RateLimitResult,
  StateAdapter,
  StateLock,
  StateMessageListener,
  StateSetOptions,
} from './spec/state-adapter.ts';
export type { MemoryStateAdapter, MemoryStateOptions } from './state/memory-state.ts';
export { memoryState } from './state/memory-state.ts';
export type { DelayOptions } from './util/delay.ts';
export { delay } from './util/delay.ts';
export type { NumberBounds, OptionReference } from './util/option-checks.ts';
export {
  checkInteger,
  checkNonEmptyString,
  checkNumber,
  checkOneOf,
  optionError,
} from './util/option-checks.ts';
export { textResponse } from './util/text-response.ts';
export { VERSION } from './version.ts';
