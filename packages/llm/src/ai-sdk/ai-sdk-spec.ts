/**
 * The part of the AI SDK's language-model provider specification that `fromAiSdk` uses, written
 * out structurally: `LanguageModelV3` (`@ai-sdk/provider` 3.x, used by `ai` 6) and
 * `LanguageModelV2` (`@ai-sdk/provider` 2.x, `ai` 5) models are assignable to
 * {@link AISDKLanguageModel} without this package importing the AI SDK, at runtime or in its
 * types. These are the wire names of the boundary; nothing else in imbridge uses them.
 *
 * @see https://github.com/vercel/ai/tree/main/packages/provider/src/language-model
 * @module
 */

/** A JSON value as the AI SDK types it. */
export type AISDKJsonValue =
  | null
  | string
  | number
  | boolean
  | { [key: string]: AISDKJsonValue | undefined }
  | AISDKJsonValue[];

/** A text part of a prompt message. */
export interface AISDKTextPart {
  /** Discriminant. */
  type: 'text';
  /** The text. */
  text: string;
}

/** A tool call of an earlier assistant message. */
export interface AISDKToolCallPart {
  /** Discriminant. */
  type: 'tool-call';
  /** The call's id. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The arguments (parsed JSON). */
  input: unknown;
}

/** The output of a tool, as the AI SDK prompt carries it. */
export type AISDKToolResultOutput =
  | { type: 'text'; value: string }
  | { type: 'json'; value: AISDKJsonValue }
  | { type: 'error-text'; value: string }
  | { type: 'error-json'; value: AISDKJsonValue };

/** The result of one tool call. */
export interface AISDKToolResultPart {
  /** Discriminant. */
  type: 'tool-result';
  /** The call this answers. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The result. */
  output: AISDKToolResultOutput;
}

/** One message of an AI SDK prompt (the subset imbridge sends). */
export type AISDKPromptMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: AISDKTextPart[] }
  | { role: 'assistant'; content: Array<AISDKTextPart | AISDKToolCallPart> }
  | { role: 'tool'; content: AISDKToolResultPart[] };

/** A function tool offered to the model. */
export interface AISDKFunctionTool {
  /** Discriminant. */
  type: 'function';
  /** The tool's name. */
  name: string;
  /** What the tool does. */
  description?: string;
  /** JSON Schema of the input. */
  inputSchema: { [key: string]: unknown };
}

/** How the model may use the tools. */
export type AISDKToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' };

/** Provider-specific options, keyed by provider name. */
export type AISDKProviderOptions = Record<string, Record<string, AISDKJsonValue>>;

/** The call options imbridge passes to `doStream` (a subset of the AI SDK's). */
export interface AISDKCallOptions {
  /** The conversation. */
  prompt: AISDKPromptMessage[];
  /** Limit of generated tokens. */
  maxOutputTokens?: number;
  /** Sampling temperature. */
  temperature?: number;
  /** Nucleus sampling. */
  topP?: number;
  /** Sequences that stop the generation. */
  stopSequences?: string[];
  /** The tools. */
  tools?: AISDKFunctionTool[];
  /** How the model may use the tools. */
  toolChoice?: AISDKToolChoice;
  /** Cancels the call. */
  abortSignal?: AbortSignal;
  /** Extra HTTP headers for the provider's request. */
  headers?: Record<string, string | undefined>;
  /** Provider-specific options. */
  providerOptions?: AISDKProviderOptions;
}

/** What `doStream` resolves to: the stream of parts (other fields are ignored). */
export interface AISDKStreamResult {
  /** The stream parts (`text-delta`, `tool-call`, `finish`, `error`...). */
  stream: ReadableStream<unknown>;
}

/**
 * An AI SDK language model: any `LanguageModelV3` (`ai` 6, `@ai-sdk/*` providers 3.x/2.x of
 * `@ai-sdk/openai-compatible`) or `LanguageModelV2` (`ai` 5) object. Only `doStream` is called.
 */
export interface AISDKLanguageModel {
  /** `'v3'` or `'v2'`; other versions are refused. */
  readonly specificationVersion: 'v2' | 'v3';
  /** The provider id, e.g. `'openai.chat'`. */
  readonly provider: string;
  /** The model id at the provider. */
  readonly modelId: string;
  /** Starts a streamed generation. */
  doStream(options: AISDKCallOptions): PromiseLike<AISDKStreamResult>;
}
