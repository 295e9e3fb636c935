/**
 * Tool calls in OpenAI's Chat Completions shape, shared by the OpenAI-compatible and the MiniMax
 * adapters: the request side (`tools`, `tool_choice`, assistant `tool_calls`, `tool` messages)
 * and the assembly of streamed `delta.tool_calls` into `tool-call-delta` and `tool-call` events.
 * OpenAI's wire names stay in this file.
 */
import { APICallError, type ModelEvent, type ModelRequest } from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';

type WireRecord = Readonly<Record<string, unknown>>;

/** One message of a Chat Completions request. */
export type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: Array<{
        id: string;
        type: 'function';
        function: { name: string; arguments: string };
      }>;
    }
  | { role: 'tool'; tool_call_id: string; content: string };

/**
 * The conversation in OpenAI's shape (without the system message). An assistant turn that only
 * called tools is sent with `content: null`, as OpenAI itself does (its spec makes it nullable
 * beside `tool_calls`) and the AI SDK does since Bedrock-backed endpoints rejected `""` there.
 * A tool's result goes out as `{ role: 'tool', tool_call_id, content }` (OpenAI has no error
 * flag: the text says it failed).
 */
export function toWireConversation(request: ModelRequest): WireMessage[] {
  const messages: WireMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'tool') {
      messages.push({ role: 'tool', tool_call_id: message.toolCallId, content: message.content });
    } else if (message.role === 'assistant' && (message.toolCalls?.length ?? 0) > 0) {
      messages.push({
        role: 'assistant',
        content: message.content.length > 0 ? message.content : null,
        tool_calls: (message.toolCalls ?? []).map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.input },
        })),
      });
    } else {
      messages.push({ role: message.role, content: message.content });
    }
  }
  return messages;
}

/**
 * The `tools` and `tool_choice` fields of a request, or `{}` when it has no tools (the body is
 * then exactly what a `v1` call sends). `tool_choice` is only sent when the caller chose one.
 */
export function toWireTools(request: ModelRequest): Record<string, unknown> {
  const tools = request.tools;
  if (tools === undefined || tools.length === 0) return {};
  return {
    tools: tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.inputSchema,
      },
    })),
    ...(request.toolChoice !== undefined ? { tool_choice: request.toolChoice } : {}),
  };
}

/** One call being assembled. */
interface PendingCall {
  id: string | undefined;
  name: string | undefined;
  /** The arguments' JSON text so far. */
  input: string;
  /** How much of `input` went out as `tool-call-delta` events. */
  sent: number;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function argumentsOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // A few servers send the arguments as an object rather than JSON text.
  return isRecord(value) ? JSON.stringify(value) : undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Assembles the tool calls of one streamed answer.
 *
 * Streamed entries are keyed by `index`; `id` and `function.name` may come only on a call's first
 * entry, or (some vendors) the name on a later one: argument pieces are buffered until both are
 * known, then go out as `tool-call-delta` events. Entries without an `index` (MiniMax) continue
 * the call of the same `id`, or the last call when their `id` is empty. An entry whose `index`
 * is taken by a call with another `id` starts a new call (servers that number every call 0).
 * The complete `tool-call` events are only emitted by {@link ToolCallAssembler.complete}, once the
 * answer ended normally: a cut-off answer never yields a call with half its arguments.
 */
export class ToolCallAssembler {
  readonly #calls: PendingCall[] = [];
  readonly #byIndex = new Map<number, PendingCall>();

  /** True once any call was seen. */
  get hasCalls(): boolean {
    return this.#calls.length > 0;
  }

  #resolve(entry: WireRecord): PendingCall {
    const id = nonEmpty(entry.id);
    if (id !== undefined) {
      const known = this.#calls.find((call) => call.id === id);
      if (known !== undefined) return known;
    }
    const index = typeof entry.index === 'number' ? entry.index : undefined;
    if (index !== undefined) {
      const atIndex = this.#byIndex.get(index);
      if (atIndex !== undefined && (id === undefined || atIndex.id === undefined)) return atIndex;
    } else if (id === undefined) {
      const last = this.#calls.at(-1);
      if (last !== undefined) return last;
    }
    const call: PendingCall = { id: undefined, name: undefined, input: '', sent: 0 };
    this.#calls.push(call);
    if (index !== undefined) this.#byIndex.set(index, call);
    return call;
  }

  /** Reads one chunk's `delta.tool_calls`, appending `tool-call-delta` events to `out`. */
  absorbDeltas(wire: unknown, out: ModelEvent[]): void {
    if (!Array.isArray(wire)) return;
    for (const entry of wire) {
      if (!isRecord(entry)) continue;
      const call = this.#resolve(entry);
      call.id ??= nonEmpty(entry.id);
      const wireFunction = isRecord(entry.function) ? entry.function : undefined;
      call.name ??= nonEmpty(wireFunction?.name);
      const piece = argumentsOf(wireFunction?.arguments);
      if (piece !== undefined) call.input += piece;
      this.#flush(call, out);
    }
  }

  /**
   * Reads the complete `message.tool_calls` of a final full answer (MiniMax's closing
   * `chat.completion`, a non-streamed reply). Calls already streamed are matched by `id`, else by
   * position, and never repeated: when the complete arguments extend the streamed ones only the
   * rest goes out as a delta; when they differ, the valid JSON of the two wins (the streamed text
   * on a tie). Calls not streamed are added.
   */
  absorbComplete(wire: unknown, out: ModelEvent[]): void {
    if (!Array.isArray(wire)) return;
    wire.forEach((entry, position) => {
      if (!isRecord(entry)) return;
      const id = nonEmpty(entry.id);
      const wireFunction = isRecord(entry.function) ? entry.function : undefined;
      const input = argumentsOf(wireFunction?.arguments) ?? '';
      let call =
        (id === undefined ? undefined : this.#calls.find((item) => item.id === id)) ??
        (id === undefined || this.#calls[position]?.id === undefined
          ? this.#calls[position]
          : undefined);
      if (call === undefined) {
        call = { id: undefined, name: undefined, input: '', sent: 0 };
        this.#calls.push(call);
      }
      call.id ??= id;
      call.name ??= nonEmpty(wireFunction?.name);
      if (input.startsWith(call.input)) call.input = input;
      else if (call.sent === 0 || (!isJson(call.input) && isJson(input))) {
        call.input = input;
        call.sent = 0;
      }
      this.#flush(call, out);
    });
  }

  #flush(call: PendingCall, out: ModelEvent[]): void {
    if (call.id === undefined || call.name === undefined || call.input.length <= call.sent) return;
    out.push({
      type: 'tool-call-delta',
      toolCallId: call.id,
      toolName: call.name,
      inputDelta: call.input.slice(call.sent),
    });
    call.sent = call.input.length;
  }

  /**
   * Ends the answer: appends, per call in order, the arguments not sent yet as a
   * `tool-call-delta` and the complete `tool-call` event. A call without an `id` gets
   * `call_<n>`; empty arguments become `{}` (a function without parameters). Returns an error
   * instead when a call never got a function name (nothing can run it).
   */
  complete(provider: string, out: ModelEvent[]): APICallError | undefined {
    for (const [position, call] of this.#calls.entries()) {
      if (call.name === undefined) {
        return new APICallError({
          message: `${provider} streamed tool call ${position} without a function name`,
          provider,
          kind: 'server',
          retryable: false,
        });
      }
      call.id ??= `call_${position}`;
      if (call.input.trim().length === 0 && call.sent === 0) call.input = '{}';
      this.#flush(call, out);
      out.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.input });
    }
    return undefined;
  }
}
