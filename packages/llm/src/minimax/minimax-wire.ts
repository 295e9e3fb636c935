/**
 * The MiniMax wire boundary: the request body, and MiniMax payloads (stream events or whole JSON
 * bodies) narrowed to what the adapter reads. MiniMax field names stay in this file.
 */
import type { ModelFinishReason, ModelRequest, ModelUsage } from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';
import { toWireConversation, toWireTools, type WireMessage } from '../shared/tool-calls.ts';
import { readStatus, type VendorStatus } from './minimax-errors.ts';

type WireRecord = Readonly<Record<string, unknown>>;

function stringField(record: WireRecord | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

function numberField(record: WireRecord | undefined, key: string): number | undefined {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** One MiniMax payload (a stream event or a whole JSON body), narrowed to what we read. */
export interface MiniMaxPayload {
  /** A non-zero `base_resp`. */
  failure: VendorStatus | undefined;
  /** True for the final `chat.completion` that repeats the whole reply. */
  final: boolean;
  /** `delta.content`, or the full `message.content` of the final event. */
  content: string | undefined;
  /** `delta.reasoning_content`, or the full one of the final event. */
  reasoning: string | undefined;
  finishReason: string | undefined;
  usage: ModelUsage | undefined;
  outputSensitive: boolean;
  /** `delta.tool_calls` (pieces), or the complete `message.tool_calls` of the final event. */
  toolCalls: unknown;
}

function readUsage(value: unknown): ModelUsage | undefined {
  if (!isRecord(value)) return undefined;
  const inputTokens = numberField(value, 'prompt_tokens');
  const outputTokens = numberField(value, 'completion_tokens');
  const totalTokens = numberField(value, 'total_tokens');
  // Streamed chunks may carry a placeholder `{ total_tokens: 0 }`: that is no usage report.
  if (inputTokens === undefined && outputTokens === undefined && !totalTokens) return undefined;
  return {
    ...(inputTokens !== undefined ? { inputTokens } : {}),
    ...(outputTokens !== undefined ? { outputTokens } : {}),
    ...(totalTokens !== undefined ? { totalTokens } : {}),
  };
}

/** Narrows a parsed payload; `undefined` for anything that is not a JSON object. */
export function readPayload(json: unknown): MiniMaxPayload | undefined {
  if (!isRecord(json)) return undefined;
  const status = readStatus(json.base_resp);
  const choices = Array.isArray(json.choices) ? json.choices : [];
  const choice: WireRecord | undefined = isRecord(choices[0]) ? choices[0] : undefined;
  const message = isRecord(choice?.message) ? choice.message : undefined;
  // `delta` may be null or missing (last chunk of some models): nothing to append then.
  const delta = isRecord(choice?.delta) ? choice.delta : undefined;
  const final = json.object === 'chat.completion' || (message !== undefined && delta === undefined);
  const source = final ? message : delta;
  return {
    failure: status !== undefined && status.code !== 0 ? status : undefined,
    final,
    content: stringField(source, 'content'),
    reasoning: stringField(source, 'reasoning_content'),
    finishReason: stringField(choice, 'finish_reason'),
    usage: readUsage(json.usage),
    outputSensitive: json.output_sensitive === true,
    toolCalls: source?.tool_calls,
  };
}

/** Parses one `data:` payload; `undefined` for anything that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The finish reason of a reply; flagged output finishes as `content-filter`. */
export function finishReasonOf(
  raw: string | undefined,
  outputSensitive: boolean,
): ModelFinishReason {
  if (outputSensitive) return 'content-filter';
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    case 'tool_calls':
      return 'tool-calls';
    default:
      return 'other';
  }
}

/**
 * One system message at most (MiniMax rejects several with 2013): `instructions` first, then any
 * `system` turn found in the history (possible from untyped callers or stored histories). Tool
 * calls and results use OpenAI's shape, which `chatcompletion_v2` shares.
 */
function toWireMessages(request: ModelRequest): WireMessage[] {
  const system: string[] = [];
  if (request.instructions !== undefined && request.instructions.trim() !== '') {
    system.push(request.instructions);
  }
  const conversation: WireMessage[] = [];
  for (const message of toWireConversation(request)) {
    const role: string = message.role;
    if (role === 'system') {
      if (typeof message.content === 'string' && message.content.trim() !== '') {
        system.push(message.content);
      }
    } else if (role === 'assistant' || role === 'tool') {
      conversation.push(message);
    } else {
      conversation.push({ role: 'user', content: message.content ?? '' });
    }
  }
  return system.length > 0
    ? [{ role: 'system', content: system.join('\n\n') }, ...conversation]
    : conversation;
}

/**
 * The `chatcompletion_v2` body: the caller's extra fields, then `model`, the messages,
 * `stream: true` and `stream_options.include_usage: true`, which always win, and the request's
 * `tools` and `tool_choice` when it has tools (nothing is added without them).
 */
export function toWireBody(
  model: string,
  extraBody: Readonly<Record<string, unknown>> | undefined,
  request: ModelRequest,
): WireRecord {
  const { model: _model, messages: _messages, stream: _stream, ...extra } = extraBody ?? {};
  const streamOptions = isRecord(extra.stream_options) ? extra.stream_options : {};
  return {
    ...extra,
    model,
    messages: toWireMessages(request),
    stream: true,
    stream_options: { ...streamOptions, include_usage: true },
    ...toWireTools(request),
  };
}
