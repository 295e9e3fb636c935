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
export type ModelMessageRole = 'user' | 'assistant';

/** One turn of conversation history sent to a model. */
export interface ModelMessage {
  /** Who said it. */
  role: ModelMessageRole;
  /** Plain text. */
  content: string;
}

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
  | FinishEvent
  | ErrorEvent;

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
  readonly specificationVersion: 'v1';
  /** Vendor id, e.g. `'openai-compatible'`, `'dify'`. */
  readonly provider: string;
  /** Model id at that vendor. */
  readonly modelId: string;
  /** Starts a call. */
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}
