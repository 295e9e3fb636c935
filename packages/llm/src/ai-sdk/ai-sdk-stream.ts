/**
 * AI SDK stream parts (`LanguageModelV3StreamPart` / `LanguageModelV2StreamPart`) → imbridge
 * model events. Parts are read as untrusted values and narrowed field by field.
 */
import {
  APICallError,
  type ModelEvent,
  type ModelFinishReason,
  type ModelUsage,
} from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';
import { withDeadline } from './ai-sdk-deadline.ts';
import { type ErrorContext, scrub, toIMBridgeError } from './ai-sdk-errors.ts';

/** Options of {@link readAiSdkStream}. */
export interface ReadAISDKStreamOptions extends ErrorContext {
  /** The caller's signal: the read stops at once (an `AbortedError`) when it fires. */
  signal: AbortSignal | undefined;
  /** Longest wait for the first content part, in milliseconds. */
  firstTokenTimeoutMs: number;
  /** Longest silence between parts once content arrived, in milliseconds. */
  stallTimeoutMs: number;
}

const FINISH_REASONS: Readonly<Record<string, ModelFinishReason | 'error'>> = {
  stop: 'stop',
  length: 'length',
  'content-filter': 'content-filter',
  'tool-calls': 'tool-calls',
  error: 'error',
};

/**
 * The imbridge finish reason of an AI SDK one: V3 `{ unified, raw }` or a V2 string. `other`,
 * V2's `unknown` and anything unexpected become `other`; `error` is returned as is (the caller
 * reports an error instead of a finish).
 */
export function toFinishReason(value: unknown): ModelFinishReason | 'error' {
  const reason = isRecord(value) ? value.unified : value;
  return (typeof reason === 'string' ? FINISH_REASONS[reason] : undefined) ?? 'other';
}

function tokenCount(value: unknown): number | undefined {
  // V2: a number. V3: `{ total, … }`.
  const count = isRecord(value) ? value.total : value;
  return typeof count === 'number' && Number.isFinite(count) && count >= 0 ? count : undefined;
}

/**
 * The imbridge usage of an AI SDK one: V3 nested (`inputTokens.total`, `outputTokens.total`,
 * the total being their sum) or V2 flat (`inputTokens`, `outputTokens`, `totalTokens`).
 * `undefined` when no count is known.
 */
export function toUsage(value: unknown): ModelUsage | undefined {
  if (!isRecord(value)) return undefined;
  const inputTokens = tokenCount(value.inputTokens);
  const outputTokens = tokenCount(value.outputTokens);
  const totalTokens =
    tokenCount(value.totalTokens) ??
    (inputTokens !== undefined && outputTokens !== undefined
      ? inputTokens + outputTokens
      : undefined);
  const usage: ModelUsage = {};
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  if (totalTokens !== undefined) usage.totalTokens = totalTokens;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Turns one part into an event, keeping what later parts need (tool names, skipped calls). */
class PartMapper {
  /** Tool names by call id, from `tool-input-start`. */
  private readonly toolNames = new Map<string, string>();
  /** Calls the provider runs itself (web search...): never handed to the caller. */
  private readonly providerExecuted = new Set<string>();
  /** Whether a `tool-call` event went out. */
  toolCalled = false;

  private readonly context: ErrorContext;

  constructor(context: ErrorContext) {
    this.context = context;
  }

  /** The event of a part; `undefined` for parts imbridge ignores. */
  map(part: Record<string, unknown>): ModelEvent | undefined {
    switch (part.type) {
      case 'text-delta':
      case 'reasoning-delta': {
        const delta = text(part.delta);
        if (delta === undefined || delta.length === 0) return undefined;
        return { type: part.type, text: delta };
      }
      case 'tool-input-start': {
        const id = text(part.id);
        const toolName = text(part.toolName);
        if (id === undefined || toolName === undefined) return undefined;
        if (part.providerExecuted === true) this.providerExecuted.add(id);
        else this.toolNames.set(id, toolName);
        return undefined;
      }
      case 'tool-input-delta': {
        const id = text(part.id);
        const toolName = id === undefined ? undefined : this.toolNames.get(id);
        const delta = text(part.delta);
        if (id === undefined || toolName === undefined || delta === undefined) return undefined;
        return { type: 'tool-call-delta', toolCallId: id, toolName, inputDelta: delta };
      }
      case 'tool-call': {
        const id = text(part.toolCallId);
        const toolName = text(part.toolName);
        if (id === undefined || toolName === undefined) return undefined;
        if (part.providerExecuted === true || this.providerExecuted.has(id)) return undefined;
        this.toolCalled = true;
        const input =
          typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {});
        return { type: 'tool-call', toolCallId: id, toolName, input };
      }
      case 'finish':
        return this.finish(part);
      case 'error':
        return { type: 'error', error: toIMBridgeError(part.error, this.context) };
      default:
        // stream-start, response-metadata, text/reasoning start and end, tool-input-end, raw,
        // source, file, tool-result and tool-approval-request (provider-executed tools).
        return undefined;
    }
  }

  private finish(part: Record<string, unknown>): ModelEvent {
    const reason = toFinishReason(part.finishReason);
    if (reason === 'error') {
      const raw = isRecord(part.finishReason) ? text(part.finishReason.raw) : undefined;
      return {
        type: 'error',
        error: new APICallError({
          message: `${this.context.provider} finished with an error${
            raw === undefined ? '' : ` (${scrub(raw, this.context.secrets)})`
          }`,
          provider: this.context.provider,
          kind: 'unknown',
          retryable: false,
        }),
      };
    }
    const usage = toUsage(part.usage);
    return {
      type: 'finish',
      reason: this.reasonOf(reason),
      ...(usage !== undefined ? { usage } : {}),
    };
  }

  /**
   * The imbridge contract: a stream finishes with `tool-calls` exactly when it handed the caller
   * tool calls (a provider may say `stop`; one whose only calls it ran itself may say
   * `tool-calls`, which would leave the caller nothing to run).
   */
  private reasonOf(reason: ModelFinishReason): ModelFinishReason {
    if (this.toolCalled) return reason === 'stop' || reason === 'other' ? 'tool-calls' : reason;
    return reason === 'tool-calls' ? 'other' : reason;
  }
}

/**
 * Reads an AI SDK part stream into imbridge events, ending with the first `finish` or `error`
 * (an `error` part, a finish reason `error`, or a stream that ends without a `finish` part, the
 * latter an `APICallError` of kind `network`). Every read is bounded by the caller's signal (an
 * `AbortedError` is thrown) and by the first-token and stall timeouts (an `APICallError` of
 * kind `timeout` is thrown). The stream is cancelled on the way out, however the read ends.
 */
export async function* readAiSdkStream(
  stream: ReadableStream<unknown>,
  options: ReadAISDKStreamOptions,
): AsyncGenerator<ModelEvent> {
  const reader = stream.getReader();
  const mapper = new PartMapper(options);
  let sawContent = false;
  try {
    for (;;) {
      const step = await withDeadline(reader.read(), {
        signal: options.signal,
        timeoutMs: sawContent ? options.stallTimeoutMs : options.firstTokenTimeoutMs,
        phase: sawContent ? 'stall' : 'first-token',
        provider: options.provider,
      });
      if (step.done) break;
      if (!isRecord(step.value)) continue;
      const event = mapper.map(step.value);
      if (event === undefined) continue;
      yield event;
      if (event.type === 'finish' || event.type === 'error') return;
      sawContent = true;
    }
    yield {
      type: 'error',
      error: new APICallError({
        message: `${options.provider} stream ended without a finish part`,
        provider: options.provider,
        kind: 'network',
      }),
    };
  } finally {
    // Frees the provider's connection when we stop early; a no-op on a finished stream.
    void reader.cancel().catch(() => undefined);
  }
}
