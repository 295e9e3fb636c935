import {
  AbortedError,
  APICallError,
  type APIErrorKind,
  isAbortError,
  type LanguageModel,
  type ModelEvent,
  type ModelFinishReason,
  type ModelRequest,
  type ModelUsage,
} from '@imbridge/core';
import {
  type ModelConnectionOptions,
  parseRetryAfter,
  postJson,
  redact,
  resolveTimeouts,
  toModelError,
} from '../shared/http.ts';
import { isRecord, type WireRecord } from '../shared/json.ts';
import { type AttemptOutput, withRetriesBeforeFirstToken } from '../shared/retry.ts';
import { readServerSentEventBatches, type SSEEvent } from '../shared/sse.ts';

/** The provider id MiniMax models report and put on their errors. */
export const MINIMAX_PROVIDER = 'minimax';

/** MiniMax's global API base URL (the default of {@link MiniMaxOptions.baseUrl}). */
export const MINIMAX_BASE_URL = 'https://api.minimax.io/v1';

/** MiniMax's mainland China API base URL, for accounts created on minimaxi.com. */
export const MINIMAX_CHINA_BASE_URL = 'https://api.minimaxi.com/v1';

/** Options of {@link createMiniMax}. */
export interface MiniMaxOptions extends ModelConnectionOptions {
  /**
   * The API key, or a function returning it (called once per attempt, so rotated keys apply on
   * retries). Sent as `Authorization: Bearer`; never appears in errors.
   */
  apiKey: string | (() => string | Promise<string>);
  /** Model id, e.g. `'MiniMax-M2'`, `'MiniMax-Text-01'`. */
  model: string;
  /**
   * API base URL, without `/text/chatcompletion_v2`. Use {@link MINIMAX_CHINA_BASE_URL}
   * (`https://api.minimaxi.com/v1`) for mainland China accounts.
   * @default 'https://api.minimax.io/v1'
   */
  baseUrl?: string;
  /** Legacy group id, sent as `?GroupId=` when given. Current keys do not need it. */
  groupId?: string;
  /**
   * Extra request body fields in MiniMax's own names (`temperature`, `top_p`,
   * `max_completion_tokens`, `mask_sensitive_info`...). `model`, `messages` and `stream` are
   * always set by the adapter; `stream_options.include_usage` is always `true`.
   */
  body?: Record<string, unknown>;
}

/** What a MiniMax `base_resp.status_code` means, from {@link classifyMiniMaxStatus}. */
export interface MiniMaxStatusClass {
  /** The kind of failure. */
  kind: APIErrorKind;
  /** Whether repeating the same call may succeed. */
  retryable: boolean;
}

const STATUS_TABLE: Readonly<Record<number, MiniMaxStatusClass>> = {
  1000: { kind: 'unknown', retryable: true },
  1001: { kind: 'timeout', retryable: true },
  1002: { kind: 'rate-limit', retryable: true },
  1004: { kind: 'auth', retryable: false },
  1008: { kind: 'quota', retryable: false },
  1024: { kind: 'server', retryable: true },
  1026: { kind: 'content-filter', retryable: false },
  1027: { kind: 'content-filter', retryable: false },
  1033: { kind: 'server', retryable: true },
  1039: { kind: 'rate-limit', retryable: true },
  2013: { kind: 'invalid-request', retryable: false },
};

/**
 * Maps a non-zero MiniMax `base_resp.status_code` to an error kind and whether a retry may help:
 * 1000 unknown (retryable), 1001 timeout, 1002 and 1039 rate-limit, 1024 and 1033 server (all
 * retryable), 1004 auth, 1008 quota, 1026/1027 content-filter, 2013 invalid-request; any other
 * code is `unknown` and not retryable.
 *
 * @see https://platform.minimax.io/docs/api-reference/errorcode
 * @example
 * ```ts
 * classifyMiniMaxStatus(1002); // { kind: 'rate-limit', retryable: true }
 * ```
 */
export function classifyMiniMaxStatus(code: number): MiniMaxStatusClass {
  const known = Object.hasOwn(STATUS_TABLE, code) ? STATUS_TABLE[code] : undefined;
  return known !== undefined ? { ...known } : { kind: 'unknown', retryable: false };
}

// ---------------------------------------------------------------------------------------------
// Wire boundary: MiniMax field names stay below this line.

type JsonRecord = WireRecord;

function stringField(record: JsonRecord | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

function numberField(record: JsonRecord | undefined, key: string): number | undefined {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface VendorStatus {
  code: number;
  message: string;
}

/** One MiniMax payload (a stream event or a whole JSON body), narrowed to what we read. */
interface MiniMaxPayload {
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
}

function readStatus(value: unknown): VendorStatus | undefined {
  if (!isRecord(value)) return undefined;
  const code = numberField(value, 'status_code');
  if (code === undefined) return undefined;
  return { code, message: stringField(value, 'status_msg') ?? '' };
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

function readPayload(json: unknown): MiniMaxPayload | undefined {
  if (!isRecord(json)) return undefined;
  const status = readStatus(json.base_resp);
  const choices = Array.isArray(json.choices) ? json.choices : [];
  const choice: JsonRecord | undefined = isRecord(choices[0]) ? choices[0] : undefined;
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
  };
}

function finishReasonOf(raw: string | undefined, outputSensitive: boolean): ModelFinishReason {
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

interface WireMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * One system message at most (MiniMax rejects several with 2013): `instructions` first, then any
 * `system` turn found in the history (possible from untyped callers or stored histories).
 */
function toWireMessages(request: ModelRequest): WireMessage[] {
  const system: string[] = [];
  if (request.instructions !== undefined && request.instructions.trim() !== '') {
    system.push(request.instructions);
  }
  const conversation: WireMessage[] = [];
  for (const message of request.messages) {
    const role: string = message.role;
    if (role === 'system') {
      if (message.content.trim() !== '') system.push(message.content);
    } else {
      conversation.push({
        role: role === 'assistant' ? 'assistant' : 'user',
        content: message.content,
      });
    }
  }
  return system.length > 0
    ? [{ role: 'system', content: system.join('\n\n') }, ...conversation]
    : conversation;
}

function toWireBody(options: MiniMaxOptions, request: ModelRequest): JsonRecord {
  const { model: _model, messages: _messages, stream: _stream, ...extra } = options.body ?? {};
  const streamOptions = isRecord(extra.stream_options) ? extra.stream_options : {};
  return {
    ...extra,
    model: options.model,
    messages: toWireMessages(request),
    stream: true,
    stream_options: { ...streamOptions, include_usage: true },
  };
}

// ---------------------------------------------------------------------------------------------

interface CallContext {
  apiKey: string;
  httpStatus: number;
  headers: Headers;
}

function statusError(status: VendorStatus, context: CallContext): APICallError {
  const { kind, retryable } = classifyMiniMaxStatus(status.code);
  const detail = redact(status.message, [context.apiKey]).slice(0, 300);
  const retryAfterMs = parseRetryAfter(context.headers);
  return new APICallError({
    message: `${MINIMAX_PROVIDER} error ${status.code}${detail !== '' ? `: ${detail}` : ''}`,
    provider: MINIMAX_PROVIDER,
    kind,
    retryable,
    providerCode: status.code,
    statusCode: context.httpStatus,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/**
 * `postJson` classifier: an HTTP error whose body carries a known MiniMax `base_resp` code gets
 * that code's kind and retryability; anything else falls back to the HTTP status.
 */
function classifyHttpError(code: string | undefined): MiniMaxStatusClass | undefined {
  if (code === undefined || !/^\d+$/.test(code) || !Object.hasOwn(STATUS_TABLE, Number(code)))
    return undefined;
  return classifyMiniMaxStatus(Number(code));
}

async function resolveApiKey(apiKey: MiniMaxOptions['apiKey']): Promise<string> {
  const value = typeof apiKey === 'function' ? await apiKey() : apiKey;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new APICallError({
      message: `${MINIMAX_PROVIDER} API key is empty`,
      provider: MINIMAX_PROVIDER,
      kind: 'auth',
      retryable: false,
    });
  }
  return value;
}

/** Tracks one reply so the final full repeat is reconciled, not appended. */
class ReplyState {
  text = '';
  reasoning = '';
  finishReason: string | undefined;
  usage: ModelUsage | undefined;
  outputSensitive = false;

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
  }

  /**
   * Events for the final full repeat. It is never appended: when it only extends what was
   * streamed, the missing tail is sent as a `text-delta`; when it differs otherwise, one
   * `text-replace` carries the full text. An empty or missing final text keeps the streamed one.
   * The events are appended to `out`.
   */
  complete(payload: MiniMaxPayload, out: ModelEvent[]): void {
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

  finish(): ModelEvent {
    return {
      type: 'finish',
      reason: finishReasonOf(this.finishReason, this.outputSensitive),
      ...(this.usage !== undefined ? { usage: this.usage } : {}),
    };
  }
}

function truncatedError(context: CallContext): APICallError {
  return new APICallError({
    message: `${MINIMAX_PROVIDER} stream ended before the reply was complete`,
    provider: MINIMAX_PROVIDER,
    kind: 'network',
    retryable: true,
    statusCode: context.httpStatus,
  });
}

async function* readJsonReply(
  response: Response,
  context: CallContext,
): AsyncGenerator<AttemptOutput> {
  const payload = readPayload(parseJson(await response.text()));
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
  out.push(state.finish());
  yield out;
}

async function* readStreamReply(
  body: ReadableStream<Uint8Array>,
  context: CallContext,
  signal: AbortSignal | undefined,
  timeouts: ReturnType<typeof resolveTimeouts>,
): AsyncGenerator<AttemptOutput> {
  const state = new ReplyState();
  let ended = false;
  try {
    // One batch of model events per network read: one `await` per read, not per event.
    for await (const events of readServerSentEventBatches(body, {
      provider: MINIMAX_PROVIDER,
      signal,
      firstEventTimeoutMs: timeouts.firstTokenMs,
      idleTimeoutMs: timeouts.chunkMs,
    })) {
      const out: ModelEvent[] = [];
      try {
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
      } catch (error) {
        // What was mapped before the failure still reaches the consumer first.
        if (out.length > 0) yield out;
        throw error;
      }
      if (out.length > 0) yield out;
      if (ended) break;
    }
  } finally {
    // Nothing more is read: tear the connection down (a no-op once the body is consumed).
    void body.cancel().catch(() => undefined);
  }
  if (signal?.aborted) {
    throw new AbortedError({ message: `${MINIMAX_PROVIDER} stream aborted`, cause: signal.reason });
  }
  if (ended || state.finishReason !== undefined) {
    yield state.finish();
    return;
  }
  yield { type: 'error', error: truncatedError(context) };
}

/**
 * Creates a {@link LanguageModel} for MiniMax's native `chatcompletion_v2` API
 * (`POST {baseUrl}/text/chatcompletion_v2`, streamed over SSE).
 *
 * - `instructions` and any system turn become one `system` message (MiniMax rejects several).
 * - `delta.content` becomes `text-delta`, `delta.reasoning_content` becomes `reasoning-delta`.
 * - The final `chat.completion` event repeats the whole reply: it is used for `usage` and the
 *   finish reason and never appended. If it differs from what was streamed, its missing tail is
 *   sent as a `text-delta` (when it extends the streamed text) or one `text-replace` carries it.
 * - `output_sensitive: true` finishes with reason `'content-filter'`.
 * - A non-zero `base_resp.status_code` (HTTP 200, in the stream or as a plain JSON body) yields an
 *   `error` event with an `APICallError` whose `providerCode` is the status code and whose
 *   `kind`/`retryable` come from {@link classifyMiniMaxStatus}.
 * - Retryable failures are retried only before the first token; a fired `signal` cancels the
 *   HTTP request and ends the iteration by throwing an `AbortedError`.
 *
 * @param options - Key, model and connection settings.
 * @returns A model whose stream ends with exactly one `finish` or `error` event (or throws an
 * `AbortedError` when aborted).
 * @throws {AbortedError} from the stream's iterator when the request's signal fires.
 * @see https://platform.minimax.io/docs/api-reference/text-post
 * @example
 * ```ts
 * import { createMiniMax } from '@imbridge/llm';
 *
 * const model = createMiniMax({
 *   apiKey: process.env.MINIMAX_API_KEY ?? '',
 *   model: 'MiniMax-M2',
 *   // baseUrl: 'https://api.minimaxi.com/v1', // mainland China accounts
 *   body: { temperature: 0.7, max_completion_tokens: 1024 },
 * });
 * for await (const event of model.stream({
 *   instructions: 'You are a helpful assistant.',
 *   messages: [{ role: 'user', content: 'Hi' }],
 * })) {
 *   if (event.type === 'text-delta') process.stdout.write(event.text);
 *   if (event.type === 'error') console.error(event.error);
 * }
 * ```
 */
export function createMiniMax(options: MiniMaxOptions): LanguageModel {
  const baseUrl = (options.baseUrl ?? MINIMAX_BASE_URL).replace(/\/+$/, '');
  const query =
    options.groupId !== undefined && options.groupId !== ''
      ? `?GroupId=${encodeURIComponent(options.groupId)}`
      : '';
  const url = `${baseUrl}/text/chatcompletion_v2${query}`;
  const timeouts = resolveTimeouts(options.timeouts);
  // Looked up per call, so a fetch patched after creation (tests, instrumentation) is used.
  const fetchImplementation: typeof fetch = (input, init) =>
    (options.fetch ?? globalThis.fetch)(input, init);

  async function* attempt(request: ModelRequest): AsyncGenerator<AttemptOutput> {
    let apiKey: string | undefined;
    try {
      apiKey = await resolveApiKey(options.apiKey);
      const response = await postJson({
        provider: MINIMAX_PROVIDER,
        url,
        body: toWireBody(options, request),
        headers: {
          ...options.headers,
          accept: 'text/event-stream',
          authorization: `Bearer ${apiKey}`,
        },
        fetch: fetchImplementation,
        signal: request.signal,
        requestTimeoutMs: timeouts.requestMs,
        secrets: [apiKey],
        classify: classifyHttpError,
      });
      const context: CallContext = {
        apiKey,
        httpStatus: response.status,
        headers: response.headers,
      };
      const contentType = response.headers.get('content-type') ?? '';
      if (contentType.includes('json')) {
        yield* readJsonReply(response, context);
      } else if (response.body === null) {
        yield { type: 'error', error: truncatedError(context) };
      } else {
        yield* readStreamReply(response.body, context, request.signal, timeouts);
      }
    } catch (error) {
      if (isAbortError(error) || request.signal?.aborted) {
        throw isAbortError(error)
          ? error
          : new AbortedError({ message: `${MINIMAX_PROVIDER} call aborted`, cause: error });
      }
      yield { type: 'error', error: toModelError(error, MINIMAX_PROVIDER, [apiKey]) };
    }
  }

  return {
    specificationVersion: 'v1',
    provider: MINIMAX_PROVIDER,
    modelId: options.model,
    stream: (request) =>
      withRetriesBeforeFirstToken(() => attempt(request), {
        retry: options.retry,
        signal: request.signal,
      }),
  };
}
