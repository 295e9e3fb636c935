/** Reading an OpenAI Chat Completions request into a model request. */
import type { ModelMessage } from '@imbridge/core';
import { isRecord, parseJsonText, readBodyText } from '@imbridge/provider-utils';

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

/** Options of {@link BadRequest}. */
export interface BadRequestOptions {
  /** HTTP status of the answer. @default 400 */
  status?: number | undefined;
  /** OpenAI error code, if any. */
  errorCode?: string | undefined;
  /** Why, for the log (`webhook-rejected`'s `reason`). @default 'invalid-request' */
  reason?: string | undefined;
}

/** A request the handler rejects with a 4xx: the message is safe to show to the client. */
export class BadRequest extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** OpenAI error code, if any. */
  readonly errorCode: string | undefined;
  /** Why, for the log. */
  readonly reason: string;

  constructor(message: string, options: BadRequestOptions = {}) {
    super(message);
    this.status = options.status ?? 400;
    this.errorCode = options.errorCode;
    this.reason = options.reason ?? 'invalid-request';
  }
}

/** The parts of a Chat Completions body the handler uses. */
export interface ParsedBody {
  messages: ModelMessage[];
  instructions: string | undefined;
  stream: boolean;
  includeUsage: boolean;
  user: string | undefined;
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

/** Checks a parsed body and maps it; throws {@link BadRequest} for anything unusable. */
export function parseBody(json: unknown): ParsedBody {
  if (!isRecord(json)) throw new BadRequest('body must be a JSON object');
  if (!Array.isArray(json.messages) || json.messages.length === 0)
    throw new BadRequest('messages must be a non-empty array');
  const messages: ModelMessage[] = [];
  const system: string[] = [];
  for (const item of json.messages) {
    if (!isRecord(item)) throw new BadRequest('each message must be an object');
    const { role, content } = item;
    const text = textOf(content);
    if (role === 'system' || role === 'developer') system.push(text);
    else if (role === 'user' || role === 'assistant') messages.push({ role, content: text });
    else if (role !== 'tool' && role !== 'function')
      throw new BadRequest(`unknown message role: ${String(role)}`);
  }
  if (messages.length === 0) throw new BadRequest('messages must contain a user message');
  const streamOptions = json.stream_options;
  return {
    messages,
    instructions: system.length > 0 ? system.join('\n\n') : undefined,
    stream: json.stream === true,
    includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
    user: typeof json.user === 'string' ? json.user : undefined,
  };
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
