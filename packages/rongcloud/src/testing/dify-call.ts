/**
 * One call to Dify's Service API, as RongCloud's Dify integration makes it: a JSON POST with
 * `Authorization: Bearer <apiKey>`, read as a stream of server-sent events (`response_mode`
 * `streaming`) or as one JSON answer (`blocking`). Plain `fetch` and provider-utils' SSE reader:
 * the emulator speaks Dify's wire format itself.
 *
 * Read from a stream: the `answer` deltas of `message` and `agent_message` events, the first
 * `conversation_id`, and the terminal `error` event (or a `workflow_finished` with `status`
 * `failed`). `event: ping` keep-alives, node events and `message_end` carry no text.
 * `message_replace` (moderation) cannot rewrite chunks already stored, so it is ignored
 * (emulator assumption: RongCloud documents nothing about it). Failures never throw: they are
 * returned as `error`, with what arrived before.
 *
 * @module
 * @see https://docs.dify.ai/en/api-reference/guides/streaming
 */
import { APICallError } from '@imbridge/core/errors';
import { readServerSentEventBatches } from '@imbridge/provider-utils';
import { type JsonObject, jsonObjectSchema } from './wire.ts';

/** What to send. */
export interface DifyCallRequest {
  url: string;
  apiKey: string;
  body: JsonObject;
  streaming: boolean;
  timeoutMs: number;
  /** Called with each delta of a streamed answer, in order, before the next event is read. */
  onDelta: (delta: string) => void;
}

/** What came back. */
export interface DifyCallResult {
  /** HTTP status; 0 when no answer came. */
  status: number;
  /** Dify's error `code` (`not_found`, `conversation_completed`…), when it sent one. */
  errorCode: string | undefined;
  /** A description of the failure, or `undefined` on success. */
  error: string | undefined;
  /** The first `conversation_id` Dify answered with. */
  conversationId: string | undefined;
  /** The whole answer text (the deltas joined, for a stream). */
  answer: string;
}

const MAX_ERROR_TEXT = 300;

function parseObject(text: string): JsonObject | undefined {
  try {
    const parsed = jsonObjectSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function textField(object: JsonObject | undefined, field: string): string | undefined {
  const value = object?.[field];
  return typeof value === 'string' ? value : undefined;
}

/** `<code>: <message>` of a Dify error body or `error` event, cut to 300 characters. */
function describeDifyError(object: JsonObject | undefined, fallback: string): string {
  const code = textField(object, 'code');
  const message = textField(object, 'message');
  const text = code === undefined ? fallback : `${code}: ${message ?? ''}`;
  return text.slice(0, MAX_ERROR_TEXT);
}

/** A transport failure in words that hold no URL: `timeout`, `network: ECONNREFUSED`… */
function describeThrown(error: unknown): string {
  if (APICallError.isInstance(error)) {
    return error.kind === 'timeout' ? 'timeout' : `${error.kind}: ${error.message}`;
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'timeout';
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return `network: ${typeof cause?.code === 'string' ? cause.code : 'fetch failed'}`;
}

/** Reads a streamed answer into `result`. */
async function readStream(
  body: ReadableStream<Uint8Array>,
  request: DifyCallRequest,
  signal: AbortSignal,
  result: DifyCallResult,
): Promise<void> {
  const batches = readServerSentEventBatches(body, {
    provider: 'dify',
    signal,
    firstTokenTimeoutMs: request.timeoutMs,
    stallTimeoutMs: request.timeoutMs,
  });
  for await (const batch of batches) {
    for (const event of batch) {
      if (event.event === 'ping') continue;
      const data = parseObject(event.data);
      result.conversationId ??= textField(data, 'conversation_id') || undefined;
      const kind = textField(data, 'event');
      if (kind === 'message' || kind === 'agent_message') {
        const delta = textField(data, 'answer') ?? '';
        if (delta === '') continue;
        result.answer += delta;
        request.onDelta(delta);
      } else if (kind === 'error') {
        result.errorCode = textField(data, 'code');
        result.error = `error event ${describeDifyError(data, 'without a code')}`;
        return;
      } else if (kind === 'workflow_finished') {
        const run = jsonObjectSchema.safeParse(data?.data);
        const status = run.success ? textField(run.data, 'status') : undefined;
        if (status === 'failed') {
          result.error = `workflow failed: ${(run.success ? textField(run.data, 'error') : undefined) ?? ''}`;
        }
      }
    }
  }
}

/** Makes one call; never throws. */
export async function callDify(request: DifyCallRequest): Promise<DifyCallResult> {
  const result: DifyCallResult = {
    status: 0,
    errorCode: undefined,
    error: undefined,
    conversationId: undefined,
    answer: '',
  };
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${request.apiKey}`,
        'content-type': 'application/json',
        accept: request.streaming ? 'text/event-stream' : 'application/json',
      },
      body: JSON.stringify(request.body),
      signal,
    });
    result.status = response.status;
    if (!response.ok || response.body === null) {
      const answer = parseObject(await response.text());
      result.errorCode = textField(answer, 'code');
      result.error = `HTTP ${response.status} ${describeDifyError(answer, response.statusText)}`;
      return result;
    }
    if (request.streaming) {
      await readStream(response.body, request, signal, result);
      return result;
    }
    const answer = parseObject(await response.text());
    result.conversationId = textField(answer, 'conversation_id') || undefined;
    result.answer = textField(answer, 'answer') ?? '';
    if (answer === undefined) result.error = 'the blocking answer is not a JSON object';
  } catch (error) {
    result.error = describeThrown(error);
  }
  return result;
}
