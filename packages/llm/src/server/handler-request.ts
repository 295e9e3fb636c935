/** Reading an OpenAI Chat Completions request into a model request. */
import type { ModelMessage, ModelToolChoice, ModelToolDefinition } from '@imbridge/core';
import { isRecord, parseJsonText, readBodyText } from '@imbridge/provider-utils';
import { BadRequest } from './bad-request.ts';
import { parseToolCalls, parseTools, toolMessageName } from './handler-tools.ts';

export { BadRequest, type BadRequestOptions } from './bad-request.ts';

/** Request headers TRTC's AI conversation sends to a customer LLM, mapped to `metadata` keys. */
export const FORWARDED_HEADERS = {
  'x-task-id': 'taskId',
  'x-request-id': 'requestId',
  'x-sdk-app-id': 'sdkAppId',
  'x-user-id': 'userId',
  'x-room-id': 'roomId',
  'x-room-id-type': 'roomIdType',
  'x-invoke-llm': 'invokeLlm',
} as const;

/** The parts of a Chat Completions body the handler uses. */
export interface ParsedBody {
  /**
   * The conversation, with assistant `toolCalls` and `tool` messages (strip them with
   * {@link withoutToolMessages} for a `v1` model).
   */
  messages: ModelMessage[];
  instructions: string | undefined;
  stream: boolean;
  includeUsage: boolean;
  user: string | undefined;
  /** The request's tools (empty when none). */
  tools: ModelToolDefinition[];
  /** The request's `tool_choice`, if any. */
  toolChoice: ModelToolChoice | undefined;
}

/** The forwarded headers, in metadata form (`taskId`, `roomId`...). */
export function forwardedMetadata(headers: Headers): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [header, key] of Object.entries(FORWARDED_HEADERS)) {
    const value = headers.get(header);
    if (value !== null) metadata[key] = value;
  }
  return metadata;
}

/** The bearer token of the `Authorization` header, if any. */
export function bearerToken(headers: Headers): string | undefined {
  const authorization = headers.get('authorization');
  return authorization?.toLowerCase().startsWith('bearer ')
    ? authorization.slice(7).trim()
    : undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let text = '';
    for (const part of content) {
      if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') {
        text += part.text;
      }
    }
    return text;
  }
  if (content === null || content === undefined) return '';
  throw new BadRequest('message content must be a string or an array of parts');
}

/**
 * Checks a parsed body and maps it, tools included (`tools`, `tool_choice`, assistant
 * `tool_calls`, `tool` messages, whose tool name is looked up from the call they answer). Legacy
 * `function` messages are skipped.
 *
 * @throws {BadRequest} for anything unusable, naming the field.
 */
export function parseBody(json: unknown): ParsedBody {
  if (!isRecord(json)) throw new BadRequest('body must be a JSON object');
  if (!Array.isArray(json.messages) || json.messages.length === 0)
    throw new BadRequest('messages must be a non-empty array');
  const { tools, toolChoice } = parseTools(json);
  const messages: ModelMessage[] = [];
  const system: string[] = [];
  /** Tool names by call id, from the assistant messages so far. */
  const calls = new Map<string, string>();
  json.messages.forEach((item: unknown, index: number) => {
    if (!isRecord(item)) throw new BadRequest('each message must be an object');
    const { role, content } = item;
    const text = textOf(content);
    if (role === 'system' || role === 'developer') system.push(text);
    else if (role === 'user') messages.push({ role, content: text });
    else if (role === 'assistant') {
      const toolCalls = parseToolCalls(item.tool_calls, `messages[${index}].tool_calls`);
      for (const call of toolCalls ?? []) calls.set(call.id, call.name);
      messages.push(
        toolCalls === undefined ? { role, content: text } : { role, content: text, toolCalls },
      );
    } else if (role === 'tool') {
      messages.push({
        role,
        ...toolMessageName(item, `messages[${index}]`, calls),
        content: text,
      });
    } else if (role !== 'function') throw new BadRequest(`unknown message role: ${String(role)}`);
  });
  if (!messages.some((message) => message.role !== 'tool'))
    throw new BadRequest('messages must contain a user message');
  const streamOptions = json.stream_options;
  return {
    messages,
    instructions: system.length > 0 ? system.join('\n\n') : undefined,
    stream: json.stream === true,
    includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
    user: typeof json.user === 'string' ? json.user : undefined,
    tools,
    toolChoice,
  };
}

/**
 * The conversation as a `v1` model may see it: `tool` messages left out and assistant turns
 * without their `toolCalls` (what the endpoint always did with them).
 */
export function withoutToolMessages(messages: readonly ModelMessage[]): ModelMessage[] {
  const plain: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === 'tool') continue;
    plain.push({ role: message.role, content: message.content });
  }
  return plain;
}

/**
 * Reads the request body (capped) as JSON text.
 *
 * @throws {BadRequest} 413 when it is too large, 400 when it cannot be read.
 */
export async function readRequestText(request: Request, maxBytes: number): Promise<string> {
  const read = await readBodyText(request.body, {
    maxBytes,
    declaredLength: request.headers.get('content-length'),
  });
  if (read.ok) return read.text;
  if (read.reason === 'too-large') {
    throw new BadRequest('The request body is too large', {
      status: 413,
      errorCode: 'body_too_large',
      reason: 'body-too-large',
    });
  }
  throw new BadRequest('The request body could not be read', { reason: 'body-unreadable' });
}

/**
 * The deepest nesting of arrays and objects accepted in a request body. A Chat Completions body
 * nests about 6 deep (more with a JSON schema in `response_format`); a deeper one is refused
 * before it is parsed.
 */
export const MAX_REQUEST_JSON_DEPTH = 64;

/**
 * Parses the request text, refusing text nested deeper than {@link MAX_REQUEST_JSON_DEPTH}
 * (checked without recursion, before parsing).
 *
 * @throws {BadRequest} 400 when it is not JSON or is nested too deeply.
 */
export function parseRequestJson(text: string): unknown {
  const parsed = parseJsonText(text, { maxDepth: MAX_REQUEST_JSON_DEPTH });
  if (parsed.ok) return parsed.value;
  if (parsed.reason === 'too-deep') {
    throw new BadRequest(
      `The body nests arrays and objects more than ${MAX_REQUEST_JSON_DEPTH} levels deep`,
      { errorCode: 'json_too_deep', reason: 'json-too-deep' },
    );
  }
  throw new BadRequest('The body is not valid JSON', { reason: 'invalid-json' });
}
