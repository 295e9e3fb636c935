import { AbortedError, APICallError, IMBridgeError } from '@imbridge/core';
import type { EventSourceMessage } from 'eventsource-parser';

type ParserModule = typeof import('eventsource-parser');
let parserModule: Promise<ParserModule> | undefined;

/**
 * eventsource-parser is loaded on the first stream read, not when a package is imported: it
 * costs ~3 ms of cold start that a bot which never streams (or has not yet) need not pay.
 */
function loadParser(): Promise<ParserModule> {
  parserModule ??= import('eventsource-parser');
  return parserModule;
}

/** One server-sent event. */
export interface SSEEvent {
  /** The `event:` field, when the server sent one. */
  event: string | undefined;
  /** The `data:` payload (lines joined with `\n`). */
  data: string;
}

/** Options of {@link readServerSentEventBatches}. */
export interface ReadSSEOptions {
  /** Vendor id for errors. */
  provider: string;
  /** Cancels reading: the body is cancelled and iteration ends with an `AbortedError`. */
  signal: AbortSignal | undefined;
  /** Longest wait for the first event, in milliseconds. */
  firstTokenTimeoutMs: number;
  /** Longest silence between events, in milliseconds (comments and keep-alives count as activity). */
  stallTimeoutMs: number;
  /** Largest single event, in characters. @default 1_048_576 */
  maxEventSize?: number | undefined;
}

const decoderOptions = { stream: true } as const;

/**
 * Reads a `text/event-stream` body with eventsource-parser (loaded on the first call) and yields
 * its events in batches: one non-empty array per network read, so a consumer pays one `await`
 * per read rather than one per event. Stops at once when the signal fires (cancelling the body,
 * so the HTTP request is torn down), and throws a retryable `APICallError` of kind `timeout` when
 * the server goes silent (`timeoutPhase: 'first-token'` or `'stall'`). A body that ends mid-event
 * has that last event flushed; malformed lines are skipped. Consumers that stop early
 * (return/throw) cancel the body.
 *
 * The consumer should check the signal between the events of a batch when it wants an abort to
 * drop the events still buffered (the adapters do).
 */
export async function* readServerSentEventBatches(
  body: ReadableStream<Uint8Array>,
  options: ReadSSEOptions,
): AsyncGenerator<SSEEvent[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let batch: SSEEvent[] = [];
  let tooLarge = false;
  const maxEventSize = options.maxEventSize ?? 1_048_576;
  const { createParser } = await loadParser();
  const parser = createParser({
    // The parser's own message object ({ id, event, data }) is handed on as is: no copy per event.
    onEvent: (message: EventSourceMessage) => {
      // The parser only bounds what it buffers across reads; an event that came whole is checked here.
      if (message.data.length > maxEventSize) tooLarge = true;
      else batch.push(message as SSEEvent);
    },
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') tooLarge = true;
    },
    maxBufferSize: maxEventSize,
  });
  const signal = options.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires, at the latest (Date.now() based); 0 when no timer is set. */
  let timerDueAtMs = 0;
  let timedOut: 'first-token' | 'stall' | undefined;
  let sawEvent = false;
  let finished = false;
  /** When the pending read started; `undefined` while the consumer has the events. */
  let readStartedAtMs: number | undefined;
  const limitMs = (): number => (sawEvent ? options.stallTimeoutMs : options.firstTokenTimeoutMs);
  const setTimer = (delayMs: number): void => {
    timerDueAtMs = Date.now() + delayMs;
    timer = setTimeout(onTimer, delayMs);
  };
  // One timer per stream, not one per read: each read only notes when it started; the timer, when
  // it fires, checks how long the current read has waited and sets itself again for the rest.
  // (No `Timeout.refresh()`: it is Node-only; workerd and browsers return a number.)
  const onTimer = (): void => {
    timer = undefined;
    timerDueAtMs = 0;
    if (finished) return;
    if (readStartedAtMs === undefined) return; // the consumer has the events: armed at the next read
    const waitedMs = Date.now() - readStartedAtMs;
    if (waitedMs >= limitMs()) {
      timedOut = sawEvent ? 'stall' : 'first-token';
      void reader.cancel().catch(() => undefined);
      return;
    }
    setTimer(limitMs() - waitedMs);
  };
  const arm = (): void => {
    readStartedAtMs = Date.now();
    const dueAtMs = readStartedAtMs + limitMs();
    if (timer === undefined) setTimer(limitMs());
    else if (timerDueAtMs > dueAtMs) {
      // A shorter limit now (the stall limit after the first event): bring the timer forward.
      clearTimeout(timer);
      setTimer(limitMs());
    }
  };
  const onAbort = (): void => {
    void reader.cancel().catch(() => undefined);
  };
  if (signal?.aborted) {
    void reader.cancel().catch(() => undefined);
    throw streamAborted(options.provider, signal);
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      // Only the server's silence counts: armed while waiting for bytes, not while the consumer works.
      arm();
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) break;
        if (timedOut !== undefined) break;
        throw new APICallError({
          // No `cause`: keep what the transport attached (URLs, headers) out of inspect output.
          message: `${options.provider} stream broke off (${error instanceof Error ? error.name : 'read error'})`,
          provider: options.provider,
          kind: 'network',
          retryable: true,
        });
      }
      if (signal?.aborted || timedOut !== undefined) break;
      if (chunk.done) {
        finished = true;
        parser.feed(decoder.decode());
        // A last event without its blank line is still delivered.
        parser.feed('\n\n');
        if (tooLarge) throw eventTooLarge(options.provider);
        if (batch.length > 0) yield batch;
        return;
      }
      readStartedAtMs = undefined;
      parser.feed(decoder.decode(chunk.value, decoderOptions));
      if (tooLarge) throw eventTooLarge(options.provider);
      if (batch.length > 0) {
        sawEvent = true;
        const events = batch;
        batch = [];
        yield events;
        if (signal?.aborted) break;
      }
    }
    if (signal?.aborted) throw streamAborted(options.provider, signal);
    const limit = timedOut === 'stall' ? options.stallTimeoutMs : options.firstTokenTimeoutMs;
    throw new APICallError({
      message: `${options.provider} sent nothing for ${limit} ms`,
      provider: options.provider,
      kind: 'timeout',
      timeoutMs: limit,
      timeoutPhase: timedOut ?? 'stall',
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // The consumer may stop early (return/throw): close the body so the connection is freed.
    if (!finished) void reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function eventTooLarge(provider: string): APICallError {
  return new APICallError({
    message: `${provider} sent an event larger than the limit`,
    provider,
    kind: 'server',
    retryable: false,
  });
}

/** The caller's abort; its reason is kept only when it cannot carry transport details. */
function streamAborted(provider: string, signal: AbortSignal): AbortedError {
  const reason: unknown = signal.reason;
  return new AbortedError({
    message: `${provider} stream aborted`,
    ...(IMBridgeError.isInstance(reason) || !(reason instanceof Error) ? { cause: reason } : {}),
  });
}
