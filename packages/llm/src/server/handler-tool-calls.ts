/**
 * Writing a model's tool calls as OpenAI Chat Completions `tool_calls`: streamed pieces (one
 * `index` per call) and the complete list of a non-streaming answer.
 */
import { APICallError, type ToolCallDeltaEvent, type ToolCallEvent } from '@imbridge/core';

/** One streamed call: its OpenAI `index` and the arguments sent so far. */
interface StreamedCall {
  index: number;
  sent: string;
}

/**
 * Turns `tool-call-delta` and `tool-call` events into the JSON text of `delta.tool_calls`
 * arrays. A call's first piece carries its `index` (in order of first appearance), `id`, `type`
 * and function name; later pieces only the `index` and the next arguments. A `tool-call` sends
 * what its deltas did not (all of it when there were none).
 */
export class ToolCallStreamer {
  readonly #calls = new Map<string, StreamedCall>();

  /** True once any call was streamed. */
  get hasCalls(): boolean {
    return this.#calls.size > 0;
  }

  #piece(id: string, name: string, input: string): string {
    const known = this.#calls.get(id);
    if (known === undefined) {
      const index = this.#calls.size;
      this.#calls.set(id, { index, sent: input });
      return JSON.stringify([
        { index, id, type: 'function', function: { name, arguments: input } },
      ]);
    }
    known.sent += input;
    return JSON.stringify([{ index: known.index, function: { arguments: input } }]);
  }

  /** The `tool_calls` text of a delta, or `undefined` when there is nothing to send. */
  delta(event: ToolCallDeltaEvent): string | undefined {
    if (event.inputDelta.length === 0 && this.#calls.has(event.toolCallId)) return undefined;
    return this.#piece(event.toolCallId, event.toolName, event.inputDelta);
  }

  /**
   * The `tool_calls` text that completes a call, `undefined` when its deltas already sent it
   * all.
   *
   * @throws {APICallError} when the call's arguments do not continue what its deltas sent (the
   * model broke its contract; the client would run the tool with wrong arguments).
   */
  complete(event: ToolCallEvent, provider: string): string | undefined {
    const known = this.#calls.get(event.toolCallId);
    if (known === undefined) return this.#piece(event.toolCallId, event.toolName, event.input);
    if (event.input === known.sent) return undefined;
    if (!event.input.startsWith(known.sent)) {
      throw new APICallError({
        message: `${provider} model sent tool call arguments that differ from its deltas`,
        provider,
        kind: 'server',
        retryable: false,
      });
    }
    return this.#piece(event.toolCallId, event.toolName, event.input.slice(known.sent.length));
  }
}

/** One entry of a non-streaming answer's `message.tool_calls`. */
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A `tool-call` event as an entry of `message.tool_calls`. */
export function wireToolCall(event: ToolCallEvent): WireToolCall {
  return {
    id: event.toolCallId,
    type: 'function',
    function: { name: event.toolName, arguments: event.input },
  };
}
