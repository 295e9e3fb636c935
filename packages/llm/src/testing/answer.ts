/**
 * The answer of a run: the default echo, the `answer` hook's result turned into deltas, and
 * their pacing, which a stop ends at once.
 *
 * @module
 */
import type { LocalDifyAnswer, LocalDifyAnswerRequest } from './types.ts';

/**
 * The default answer: the query and the turn, so a test sees the conversation is kept, e.g.
 * `Dify heard "hi" (turn 2 of conversation 1a2b3c4d)`.
 */
export function defaultAnswer(request: LocalDifyAnswerRequest): string {
  const heard = `Dify heard ${JSON.stringify(request.query)}`;
  if (request.conversationId === undefined) return heard;
  return `${heard} (turn ${request.turn} of conversation ${request.conversationId.slice(0, 8)})`;
}

/** Splits a text into word deltas, each keeping the spaces after it. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

/** Waits `ms` (no timer left behind once `signal` aborts; none keeps the process alive). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Settles with `promise`, or with `undefined` as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * The deltas of an answer, paced; ends (without a throw) as soon as `signal` aborts. An
 * iterable's or hook's own failure is thrown.
 */
export async function* answerDeltas(
  answer: LocalDifyAnswer,
  defaultDelayMs: number,
  signal: AbortSignal,
): AsyncGenerator<string> {
  if (isAsyncIterable(answer)) {
    const iterator = answer[Symbol.asyncIterator]();
    try {
      for (;;) {
        const step = await untilAborted(iterator.next(), signal);
        if (step === undefined || step.done === true) return;
        if (typeof step.value === 'string' && step.value.length > 0) yield step.value;
      }
    } finally {
      if (signal.aborted) void iterator.return?.()?.catch(() => undefined);
    }
  }
  const [chunks, delayMs] =
    typeof answer === 'string'
      ? [splitWords(answer), defaultDelayMs]
      : [answer.chunks, answer.delayMs ?? defaultDelayMs];
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0) await sleep(delayMs, signal);
    if (signal.aborted) return;
    if (chunk.length > 0) yield chunk;
  }
}
