/**
 * Reading one MiniMax reply (a stream, or a JSON body) into model events, with the final full
 * repeat reconciled rather than appended.
 */
import { AbortedError, APICallError, type ModelEvent, type ModelUsage } from '@imbridge/core';
import type { SSEEvent } from '@imbridge/provider-utils';
import { readEventBatches, readJsonAnswer } from '../shared/model-http.ts';
import type { ResolvedConnection } from '../shared/model-options.ts';
import type { AttemptOutput } from '../shared/retry.ts';
import { ToolCallAssembler } from '../shared/tool-calls.ts';
import { MINIMAX_PROVIDER, type StatusContext, statusError } from './minimax-errors.ts';
import { finishReasonOf, type MiniMaxPayload, parseJson, readPayload } from './minimax-wire.ts';

/** Tracks one reply so the final full repeat is reconciled, not appended. */
class ReplyState {
  text = '';
  reasoning = '';
  finishReason: string | undefined;
  usage: ModelUsage | undefined;
  outputSensitive = false;
  readonly toolCalls = new ToolCallAssembler();

  absorb(payload: MiniMaxPayload): void {
    if (payload.finishReason !== undefined && payload.finishReason !== '') {
      this.finishReason = payload.finishReason;
    }
    if (payload.usage !== undefined) this.usage = payload.usage;
    if (payload.outputSensitive) this.outputSensitive = true;
  }

  /** Appends the events for a streamed chunk to `out`. */
  delta(payload: MiniMaxPayload, out: ModelEvent[]): void {
    if (payload.reasoning !== undefined && payload.reasoning !== '') {
      this.reasoning += payload.reasoning;
      out.push({ type: 'reasoning-delta', text: payload.reasoning });
    }
    if (payload.content !== undefined && payload.content !== '') {
      this.text += payload.content;
      out.push({ type: 'text-delta', text: payload.content });
    }
    this.toolCalls.absorbDeltas(payload.toolCalls, out);
  }

  /**
   * Events for the final full repeat. It is never appended: when it only extends what was
   * streamed, the missing tail is sent as a `text-delta`; when it differs otherwise, one
   * `text-replace` carries the full text. An empty or missing final text keeps the streamed one.
   * Its `tool_calls` are matched with the streamed ones, never repeated. The events are appended
   * to `out`.
   */
  complete(payload: MiniMaxPayload, out: ModelEvent[]): void {
    this.toolCalls.absorbComplete(payload.toolCalls, out);
    const reasoning = payload.reasoning;
    if (
      reasoning !== undefined &&
      reasoning.length > this.reasoning.length &&
      reasoning.startsWith(this.reasoning)
    ) {
      out.push({ type: 'reasoning-delta', text: reasoning.slice(this.reasoning.length) });
      this.reasoning = reasoning;
    }
    const text = payload.content;
    if (text === undefined || text === '' || text === this.text) return;
    if (text.startsWith(this.text)) {
      out.push({ type: 'text-delta', text: text.slice(this.text.length) });
    } else {
      out.push({ type: 'text-replace', text });
    }
    this.text = text;
  }

  /**
   * The closing events: one `tool-call` per call (after any arguments not streamed yet), then
   * `finish` — whose reason is `tool-calls` when there were calls and MiniMax said `stop` — or an
   * `error` for a call without a function name.
   */
  finish(): ModelEvent[] {
    const out: ModelEvent[] = [];
    const toolError = this.toolCalls.complete(MINIMAX_PROVIDER, out);
    if (toolError !== undefined) {
      out.push({ type: 'error', error: toolError });
      return out;
    }
    let reason = finishReasonOf(this.finishReason, this.outputSensitive);
    if (this.toolCalls.hasCalls && (reason === 'stop' || reason === 'other')) reason = 'tool-calls';
    out.push({
      type: 'finish',
      reason,
      ...(this.usage !== undefined ? { usage: this.usage } : {}),
    });
    return out;
  }
}

/** What reading one reply needs. */
export interface ReplyContext extends StatusContext {
  signal: AbortSignal | undefined;
  connection: ResolvedConnection;
}

function truncatedError(context: ReplyContext): APICallError {
  return new APICallError({
    message: `${MINIMAX_PROVIDER} stream ended before the reply was complete`,
    provider: MINIMAX_PROVIDER,
    kind: 'network',
    retryable: true,
    statusCode: context.httpStatus,
  });
}

/** A 2xx JSON answer: a whole reply, or (usually) a `base_resp` failure. */
export async function* readJsonReply(
  response: Response,
  context: ReplyContext,
): AsyncGenerator<AttemptOutput> {
  const json = await readJsonAnswer(response, MINIMAX_PROVIDER, context.signal, context.connection);
  const payload = readPayload(json);
  if (payload?.failure !== undefined) {
    yield { type: 'error', error: statusError(payload.failure, context) };
    return;
  }
  if (payload === undefined || !payload.final) {
    yield {
      type: 'error',
      error: new APICallError({
        message: `${MINIMAX_PROVIDER} answered with JSON that is neither a reply nor an error`,
        provider: MINIMAX_PROVIDER,
        kind: 'server',
        retryable: false,
        statusCode: context.httpStatus,
      }),
    };
    return;
  }
  const state = new ReplyState();
  state.absorb(payload);
  const out: ModelEvent[] = [];
  state.complete(payload, out);
  out.push(...state.finish());
  yield out;
}

/** A streamed reply: one batch of model events per network read, then `finish` or `error`. */
export async function* readStreamReply(
  response: Response,
  context: ReplyContext,
): AsyncGenerator<AttemptOutput> {
  const state = new ReplyState();
  let ended = false;
  // Leaving the loop (the final repeat, [DONE], an error) closes the body and its connection.
  for await (const events of readEventBatches(
    response,
    MINIMAX_PROVIDER,
    context.signal,
    context.connection,
  )) {
    const out: ModelEvent[] = [];
    for (let index = 0; index < events.length && !ended; index += 1) {
      const data = (events[index] as SSEEvent).data.trim();
      if (data === '[DONE]') {
        ended = true;
        break;
      }
      // Tolerant: lines that are not a JSON object (keep-alives, a cut-off last event) are skipped.
      const payload = readPayload(parseJson(data));
      if (payload === undefined) continue;
      if (payload.failure !== undefined) {
        out.push({ type: 'error', error: statusError(payload.failure, context) });
        yield out;
        return;
      }
      state.absorb(payload);
      if (payload.final) {
        state.complete(payload, out);
        ended = true;
        break;
      }
      state.delta(payload, out);
    }
    if (out.length > 0) yield out;
    if (ended) break;
  }
  if (context.signal?.aborted) {
    throw new AbortedError({
      message: `${MINIMAX_PROVIDER} stream aborted`,
      cause: context.signal.reason,
    });
  }
  if (ended || state.finishReason !== undefined) {
    yield state.finish();
    return;
  }
  yield { type: 'error', error: truncatedError(context) };
}
