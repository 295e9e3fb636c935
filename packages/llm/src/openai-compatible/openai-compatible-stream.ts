/**
 * The OpenAI-compatible stream: `chat.completion.chunk` events mapped to model events, tolerant
 * of the vendors' variations. OpenAI's wire names stay in this file and the request builder.
 */
import {
  APICallError,
  type ModelEvent,
  type ModelFinishReason,
  type ModelUsage,
} from '@imbridge/core';
import type { SSEEvent } from '@imbridge/provider-utils';
import { readEventBatches } from '../shared/model-http.ts';
import type { ResolvedConnection } from '../shared/model-options.ts';
import type { AttemptOutput } from '../shared/retry.ts';
import { ToolCallAssembler } from '../shared/tool-calls.ts';
import { streamError } from './openai-compatible-errors.ts';

type WireRecord = Record<string, unknown>;

function finishReasonOf(raw: string | undefined): ModelFinishReason {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
    case 'sensitive': // Zhipu GLM
      return 'content-filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    default:
      return 'other';
  }
}

/** Reads `{prompt_tokens, completion_tokens, total_tokens}`; `undefined` when none is a number. */
function usageOf(value: unknown): ModelUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const wire = value as WireRecord;
  const usage: ModelUsage = {};
  let found = false;
  if (typeof wire.prompt_tokens === 'number') {
    usage.inputTokens = wire.prompt_tokens;
    found = true;
  }
  if (typeof wire.completion_tokens === 'number') {
    usage.outputTokens = wire.completion_tokens;
    found = true;
  }
  if (typeof wire.total_tokens === 'number') {
    usage.totalTokens = wire.total_tokens;
    found = true;
  }
  return found ? usage : undefined;
}

/** Parses one `data:` payload; `undefined` for anything that is not a JSON object. */
function parseChunk(data: string): WireRecord | undefined {
  // 123 is `{`: skips keep-alive text and HTML error pages without a throw.
  if (data.charCodeAt(0) !== 123) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (json as WireRecord)
    : undefined;
}

/** What one attempt's stream reader needs. */
export interface StreamContext {
  provider: string;
  signal: AbortSignal | undefined;
  connection: ResolvedConnection;
  /** Values to redact from vendor text. */
  secrets: readonly string[];
}

/** The state of one answer across its chunks. */
interface AnswerState {
  finishReason: string | undefined;
  usage: ModelUsage | undefined;
  toolCalls: ToolCallAssembler;
}

/** Records the last non-empty `finish_reason` of any choice of a chunk. */
function readFinishReason(choices: readonly unknown[], state: AnswerState): void {
  for (let index = 0; index < choices.length; index += 1) {
    const choice = choices[index];
    if (typeof choice !== 'object' || choice === null) continue;
    const finish = (choice as WireRecord).finish_reason;
    // `null` and `""` (sent on every chunk by some servers) mean "not finished".
    if (typeof finish === 'string' && finish.length > 0) state.finishReason = finish;
  }
}

/** Appends the events of one chunk to `out`. */
function mapChunk(chunk: WireRecord, state: AnswerState, out: ModelEvent[]): void {
  if (chunk.usage != null) state.usage = usageOf(chunk.usage) ?? state.usage;
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return;
  readFinishReason(choices, state);
  const choice: unknown = choices[0];
  if (typeof choice !== 'object' || choice === null) return;
  const wireChoice = choice as WireRecord;
  const choiceUsage = wireChoice.usage;
  if (choiceUsage != null) state.usage = usageOf(choiceUsage) ?? state.usage;
  const delta = wireChoice.delta;
  if (typeof delta !== 'object' || delta === null) return;
  const wireDelta = delta as WireRecord;
  const content = wireDelta.content;
  const thought = wireDelta.reasoning_content ?? wireDelta.reasoning;
  if (typeof thought === 'string' && thought.length > 0) {
    out.push({ type: 'reasoning-delta', text: thought });
  }
  if (typeof content === 'string' && content.length > 0) {
    out.push({ type: 'text-delta', text: content });
  }
  if (wireDelta.tool_calls != null) state.toolCalls.absorbDeltas(wireDelta.tool_calls, out);
}

/** The error for a body that ended before the answer was complete. */
function truncatedError(provider: string): APICallError {
  return new APICallError({
    message: `${provider} stream ended before the answer was complete (no finish_reason and no data: [DONE])`,
    provider,
    kind: 'network',
    retryable: true,
  });
}

/**
 * Reads one streamed answer and yields one batch of model events per network read, then one
 * `finish` or `error` event. `reasoning_content` or `reasoning` become `reasoning-delta`; usage
 * is read at the top level or inside `choices[0]` (Moonshot) and from usage-only chunks
 * (DeepSeek).
 *
 * `delta.tool_calls` become `tool-call-delta` events as argument pieces arrive (see
 * {@link ToolCallAssembler}), and one `tool-call` per call before `finish`, whose reason is then
 * `tool-calls` (also when the server said `stop`); `length` and `content-filter` are kept, so a
 * caller can tell arguments that were cut off.
 *
 * The answer is complete when the body sent `data: [DONE]`, or when any choice of any chunk
 * carried a non-empty `finish_reason` (many servers omit `[DONE]`); it then ends with `finish`.
 * A body that ends with neither was cut off (a dropped connection, a proxy timeout, a crashed
 * upstream): the text already streamed stays, and the stream ends with an `error` event carrying
 * an `APICallError` of kind `network`, retryable — as MiniMax and Dify do — so it is never taken
 * for a short answer. Before the first content event the retry loop retries it.
 */
export async function* readOpenAICompatibleStream(
  response: Response,
  context: StreamContext,
): AsyncGenerator<AttemptOutput> {
  const { provider } = context;
  const state: AnswerState = {
    finishReason: undefined,
    usage: undefined,
    toolCalls: new ToolCallAssembler(),
  };
  let done = false;
  reading: for await (const messages of readEventBatches(
    response,
    provider,
    context.signal,
    context.connection,
  )) {
    const out: ModelEvent[] = [];
    for (let index = 0; index < messages.length; index += 1) {
      const message = messages[index] as SSEEvent;
      const data = message.data;
      if (data === '[DONE]') {
        done = true;
        if (out.length > 0) yield out;
        break reading;
      }
      const chunk = parseChunk(data);
      if (chunk === undefined) continue;
      const wireError = chunk.error;
      if ((wireError !== undefined && wireError !== null) || message.event === 'error') {
        out.push({
          type: 'error',
          error: streamError(wireError ?? chunk, provider, context.secrets),
        });
        yield out;
        return;
      }
      mapChunk(chunk, state, out);
    }
    if (out.length > 0) yield out;
  }
  if (state.finishReason === 'network_error') {
    // Zhipu GLM reports an upstream failure as a finish reason: not a short answer.
    yield {
      type: 'error',
      error: new APICallError({
        message: `${provider} stopped with finish_reason network_error`,
        provider,
        kind: 'server',
        retryable: true,
        providerCode: state.finishReason,
      }),
    };
    return;
  }
  if (!done && state.finishReason === undefined) {
    yield { type: 'error', error: truncatedError(provider) };
    return;
  }
  const out: ModelEvent[] = [];
  const toolError = state.toolCalls.complete(provider, out);
  if (toolError !== undefined) {
    yield [...out, { type: 'error', error: toolError }];
    return;
  }
  let reason = finishReasonOf(state.finishReason);
  // A server that called tools but said `stop` (or nothing): the caller must run them.
  if (state.toolCalls.hasCalls && (reason === 'stop' || reason === 'other')) reason = 'tool-calls';
  out.push({
    type: 'finish',
    reason,
    ...(state.usage !== undefined ? { usage: state.usage } : {}),
  });
  yield out;
}
