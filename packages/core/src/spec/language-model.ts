/**
 * A JSON-serialisable value. State adapters store these; `providerState` is one.
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined };

/** Who said a message in a conversation sent to a model. */
export type ModelMessageRole = 'user' | 'assistant' | 'tool';

/**
 * A JSON Schema (draft 2020-12, or the subset OpenAI function parameters accept) describing a
 * tool's input object.
 */
export type JsonSchema = { [key: string]: JsonValue | undefined };

/** A tool the model may call (specification `v2`). */
export interface ModelToolDefinition {
  /** The tool's name: letters, digits, `_` and `-`, at most 64 characters (OpenAI's rule). */
  name: string;
  /** What the tool does and when to call it; the model reads this. */
  description?: string | undefined;
  /** The JSON Schema of the tool's input (an object schema). */
  inputSchema: JsonSchema;
}

/** How the model may use the request's tools. */
export type ModelToolChoice = 'auto' | 'none' | 'required';

/** A tool call the model made. */
export interface ModelToolCall {
  /** The model's id of the call; the tool's result names it. */
  id: string;
  /** The tool's name. */
  name: string;
  /** The arguments as the JSON text the model produced (may be invalid JSON). */
  input: string;
}

/** The user's message. */
export interface UserModelMessage {
  /** Discriminant. */
  role: 'user';
  /** Plain text. */
  content: string;
}

/** The model's earlier answer, with the tool calls it made (specification `v2`). */
export interface AssistantModelMessage {
  /** Discriminant. */
  role: 'assistant';
  /** Plain text (may be empty when the model only called tools). */
  content: string;
  /** The tool calls of this answer, in order. Only sent to `v2` models. */
  toolCalls?: ReadonlyArray<ModelToolCall> | undefined;
}

/** The result of one tool call, sent back to the model (specification `v2`). */
export interface ToolModelMessage {
  /** Discriminant. */
  role: 'tool';
  /** The {@link ModelToolCall.id} this answers. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The result as text (JSON for structured results). */
  content: string;
  /** True when the tool failed and `content` describes the failure. */
  isError?: boolean | undefined;
}

/**
 * One turn of conversation history sent to a model. `v1` models only ever receive `user` and
 * `assistant` messages without tool calls.
 */
export type ModelMessage = UserModelMessage | AssistantModelMessage | ToolModelMessage;

/**
 * What the bot runtime asks a {@link LanguageModel} for.
 */
export interface ModelRequest {
  /** The conversation so far, oldest first, ending with the user's newest message. */
  messages: ReadonlyArray<ModelMessage>;
  /** System instructions (a system prompt). */
  instructions?: string | undefined;
  /** A stable id of the end user (for vendor abuse monitoring or Dify's `user`). */
  user?: string | undefined;
  /**
   * Cancels the call. A model must stop yielding promptly once it fires and abort its HTTP
   * request.
   */
  signal?: AbortSignal | undefined;
  /** Free-form string metadata (conversation id, platform, request headers...). */
  metadata?: Readonly<Record<string, string>> | undefined;
  /** Whatever the model returned as `providerState` on its last `finish` in this conversation. */
  providerState?: JsonValue | undefined;
  /** Tools the model may call (specification `v2`; `v1` models are never sent tools). */
  tools?: ReadonlyArray<ModelToolDefinition> | undefined;
  /** How the model may use `tools`. @default 'auto' */
  toolChoice?: ModelToolChoice | undefined;
}

/** Token counts reported by a model. */
export interface ModelUsage {
  /** Prompt tokens. */
  inputTokens?: number | undefined;
  /** Completion tokens. */
  outputTokens?: number | undefined;
  /** Total tokens, when the vendor reports it. */
  totalTokens?: number | undefined;
}

/** Why a model stopped. */
export type ModelFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'other';

/** Appends text to the answer. */
export interface TextDeltaEvent {
  /** Discriminant. */
  type: 'text-delta';
  /** The new text. */
  text: string;
}

/**
 * Replaces the whole answer so far (Dify `message_replace`, a vendor's final full text).
 */
export interface TextReplaceEvent {
  /** Discriminant. */
  type: 'text-replace';
  /** The complete answer so far. */
  text: string;
}

/** Reasoning ("thinking") text; not shown to chat users by default. */
export interface ReasoningDeltaEvent {
  /** Discriminant. */
  type: 'reasoning-delta';
  /** The new reasoning text. */
  text: string;
}

/**
 * Part of a tool call's arguments, as the model streams them (specification `v2`). Optional: a
 * model may emit only the complete {@link ToolCallEvent}. Deltas of one call share its id.
 */
export interface ToolCallDeltaEvent {
  /** Discriminant. */
  type: 'tool-call-delta';
  /** The call's id. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The next piece of the arguments' JSON text. */
  inputDelta: string;
}

/**
 * The model calls a tool (specification `v2`). Emitted once per call, with the complete
 * arguments, before the `finish` event (whose reason is then `tool-calls`). The caller runs the
 * tool and calls the model again with the result as a `tool` message.
 */
export interface ToolCallEvent {
  /** Discriminant. */
  type: 'tool-call';
  /** The call's id, unique within the answer. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The complete arguments as JSON text. */
  input: string;
}

/** The model finished normally. Nothing follows it. */
export interface FinishEvent {
  /** Discriminant. */
  type: 'finish';
  /** Why it stopped. */
  reason: ModelFinishReason;
  /** Token usage, if reported. */
  usage?: ModelUsage | undefined;
  /** Opaque state to pass back as {@link ModelRequest.providerState} next turn. */
  providerState?: JsonValue | undefined;
}

/**
 * The model failed. `error` should be an `IMBridgeError` (usually an `APICallError`) whose
 * `retryable` says whether the call may be repeated. Nothing follows it.
 */
export interface ErrorEvent {
  /** Discriminant. */
  type: 'error';
  /** The failure. */
  error: unknown;
}

/** Everything a {@link LanguageModel} stream can yield. */
export type ModelEvent =
  | TextDeltaEvent
  | TextReplaceEvent
  | ReasoningDeltaEvent
  | ToolCallDeltaEvent
  | ToolCallEvent
  | FinishEvent
  | ErrorEvent;

/**
 * The versions of the {@link LanguageModel} contract. `v1`: text in, text out. `v2` adds tool
 * calling: the request may carry `tools`, `assistant` messages with `toolCalls` and `tool`
 * messages, and the stream may yield `tool-call-delta` and `tool-call` events and finish with
 * reason `tool-calls`. A `v2` model given no tools behaves as a `v1` model.
 */
export type LanguageModelSpecificationVersion = 'v1' | 'v2';

/**
 * A streaming language model: the contract every model adapter (`@imbridge/llm`) implements.
 *
 * A stream ends with exactly one `finish` or one `error` event (or by throwing). Consumers read
 * the whole event stream, so an error is never mistaken for a short answer.
 *
 * @example
 * ```ts
 * for await (const event of model.stream({ messages: [{ role: 'user', content: 'Hi' }] })) {
 *   if (event.type === 'text-delta') process.stdout.write(event.text);
 * }
 * ```
 */
export interface LanguageModel {
  /** The version of this contract the model implements. */
  readonly specificationVersion: LanguageModelSpecificationVersion;
  /** Vendor id, e.g. `'openai-compatible'`, `'dify'`. */
  readonly provider: string;
  /** Model id at that vendor. */
  readonly modelId: string;
  /** Starts a call. */
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}
