/**
 * One call of the customer's LLM, as TRTC makes it for a turn (reference §4): a POST of the
 * chat-completions body, bounded by `LLMConfig.Timeout` until the first chunk of the answer,
 * then the answer read as it streams (`text/event-stream`: `chat.completion.chunk` events up to
 * `data: [DONE]`) or whole (a `chat.completion` JSON). The outcome is a value, never a throw.
 *
 * @module
 */
import { z } from 'zod';
import { createSSEDecoder, type SSEEvent } from './sse-reader.ts';
import type { LocalTRTCTurnFailure } from './types.ts';

/** What to call. */
export interface LLMCall {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Limit until the first chunk of the answer (`LLMConfig.Timeout`). */
  readonly timeoutMs: number;
  /** Aborts the call: the connection is dropped and the outcome is `aborted`. */
  readonly signal: AbortSignal;
  /** Values kept out of the error message (the API key). */
  readonly secrets: readonly string[];
}

/** How a call ended; `text` is the reply so far (all of it when completed). */
export type LLMCallResult =
  | { readonly outcome: 'completed'; readonly text: string; readonly httpStatus: number }
  | {
      readonly outcome: 'aborted';
      readonly text: string;
      readonly httpStatus: number | undefined;
    }
  | {
      readonly outcome: 'failed';
      readonly failure: LocalTRTCTurnFailure;
      readonly text: string;
      readonly httpStatus: number | undefined;
      /** The `Tag.Code` of the 908 webhook: the HTTP status, the LLM's error code, or the failure. */
      readonly code: string | number;
      /** A short description, without the secrets. */
      readonly message: string;
    };

/** The longest error message kept. */
const MAX_MESSAGE_LENGTH = 200;
/** The most bytes of an error body read. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A failure found while reading the answer. */
class TurnFailure extends Error {
  readonly failure: LocalTRTCTurnFailure;
  readonly code: string | number;

  constructor(failure: LocalTRTCTurnFailure, code: string | number, message: string) {
    super(message);
    this.failure = failure;
    this.code = code;
  }
}

const errorObjectSchema = z.object({
  error: z.union([
    z.string(),
    z.object({
      message: z.string().optional(),
      code: z.union([z.string(), z.number()]).nullish(),
    }),
  ]),
});

const chunkSchema = z.object({
  error: z.unknown().optional(),
  choices: z
    .array(z.object({ delta: z.object({ content: z.string().nullish() }).nullish() }))
    .nullish(),
});

const completionSchema = z.object({
  error: z.unknown().optional(),
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullish() }).nullish() }))
    .min(1),
});

/** The error an LLM answered (`{"error": "…"}` or `{"error": {"message", "code"}}`), if any. */
function llmErrorOf(value: unknown): { code: string | number | undefined; message: string } | null {
  const parsed = errorObjectSchema.safeParse(value);
  if (!parsed.success) return null;
  const { error } = parsed.data;
  if (typeof error === 'string') return { code: undefined, message: error };
  return { code: error.code ?? undefined, message: error.message ?? 'error' };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TurnFailure('invalid-response', 'invalid-response', `${what} is not JSON`);
  }
}

/** The body's chunks as they arrive; `onFirstChunk` runs once, when the first read returns. */
async function* chunksOf(response: Response, onFirstChunk: () => void): AsyncGenerator<Uint8Array> {
  if (response.body === null) {
    onFirstChunk();
    return;
  }
  const reader = response.body.getReader();
  let first = true;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (first) {
        first = false;
        onFirstChunk();
      }
      if (done) return;
      yield value;
    }
  } finally {
    // Stopped early (after `[DONE]`, on a failure): let go of the connection.
    await reader.cancel().catch(() => undefined);
  }
}

async function textOf(chunks: AsyncGenerator<Uint8Array>, maxBytes = Infinity): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    text += decoder.decode(chunk, { stream: true });
    if (size >= maxBytes) break;
  }
  return text + decoder.decode();
}

/** Reads one SSE event into `state`; true at `[DONE]`. */
function readEvent(event: SSEEvent, state: { text: string }): boolean {
  if (event.data.trim() === '[DONE]') return true;
  const value = parseJson(event.data, 'an SSE event');
  const llmError = llmErrorOf(value);
  if (llmError !== null) {
    throw new TurnFailure('llm-error', llmError.code ?? 'llm-error', llmError.message);
  }
  const chunk = chunkSchema.safeParse(value);
  if (!chunk.success) {
    throw new TurnFailure('invalid-response', 'invalid-response', 'an SSE event is not a chunk');
  }
  state.text += chunk.data.choices?.[0]?.delta?.content ?? '';
  return false;
}

async function readAnswer(
  response: Response,
  state: { text: string },
  onFirstChunk: () => void,
): Promise<void> {
  const chunks = chunksOf(response, onFirstChunk);
  if (!response.ok) {
    const body = await textOf(chunks, MAX_ERROR_BODY_BYTES);
    let detail = body.slice(0, MAX_MESSAGE_LENGTH);
    try {
      detail = llmErrorOf(JSON.parse(body))?.message ?? detail;
    } catch {
      // A plain-text error page: keep its start.
    }
    throw new TurnFailure('http-error', response.status, `HTTP ${response.status}: ${detail}`);
  }
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const decoder = createSSEDecoder();
    for await (const chunk of chunks) {
      for (const event of decoder.push(chunk)) if (readEvent(event, state)) return;
    }
    for (const event of decoder.end()) if (readEvent(event, state)) return;
    return; // The stream ended without `[DONE]`: what came is the reply.
  }
  const value = parseJson(await textOf(chunks), 'the answer');
  const llmError = llmErrorOf(value);
  if (llmError !== null) {
    throw new TurnFailure('llm-error', llmError.code ?? 'llm-error', llmError.message);
  }
  const completion = completionSchema.safeParse(value);
  if (!completion.success) {
    throw new TurnFailure('invalid-response', 'invalid-response', 'the answer is not a completion');
  }
  state.text = completion.data.choices[0]?.message?.content ?? '';
}

/** `message` without the secrets, cut to {@link MAX_MESSAGE_LENGTH}. */
function redact(message: string, secrets: readonly string[]): string {
  let safe = message;
  for (const secret of secrets) if (secret !== '') safe = safe.replaceAll(secret, '***');
  return safe.slice(0, MAX_MESSAGE_LENGTH);
}

/** Why a request failed without an answer, e.g. `fetch failed (ECONNREFUSED)`. */
function networkMessage(error: unknown): string {
  if (!(error instanceof Error)) return 'network error';
  const cause: unknown = error.cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  return code === '' ? error.message : `${error.message} (${code})`;
}

/** Calls the LLM once; resolves with the outcome (never rejects). */
export async function callLLM(call: LLMCall): Promise<LLMCallResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    if (controller.signal.aborted) return;
    timedOut = true;
    controller.abort();
  }, call.timeoutMs);
  const onAbort = () => controller.abort();
  call.signal.addEventListener('abort', onAbort, { once: true });
  if (call.signal.aborted) controller.abort();
  const state = { text: '' };
  let httpStatus: number | undefined;
  try {
    const response = await fetch(call.url, {
      method: 'POST',
      headers: call.headers,
      body: call.body,
      signal: controller.signal,
    });
    httpStatus = response.status;
    await readAnswer(response, state, () => clearTimeout(timer));
    return { outcome: 'completed', text: state.text, httpStatus: response.status };
  } catch (error) {
    const failed = (failure: LocalTRTCTurnFailure, code: string | number, message: string) =>
      ({
        outcome: 'failed',
        failure,
        text: state.text,
        httpStatus,
        code,
        message: redact(message, call.secrets),
      }) as const;
    if (timedOut) {
      return failed('timeout', 'timeout', 'timeout');
    }
    if (call.signal.aborted) return { outcome: 'aborted', text: state.text, httpStatus };
    if (error instanceof TurnFailure) return failed(error.failure, error.code, error.message);
    return failed('network-error', 'network-error', networkMessage(error));
  } finally {
    clearTimeout(timer);
    call.signal.removeEventListener('abort', onAbort);
  }
}
