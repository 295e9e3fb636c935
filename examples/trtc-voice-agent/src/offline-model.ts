import {
  AbortedError,
  delay,
  type LanguageModel,
  type ModelEvent,
  type ModelMessage,
  type ModelRequest,
} from '@imbridge/core';

/** The model id the offline model reports (and TRTC is given as `Model`). */
export const OFFLINE_MODEL_ID = 'offline-voice-demo';

/** Options of {@link createOfflineModel}. */
export interface OfflineModelOptions {
  /**
   * Pause before each delta, in milliseconds.
   *
   * @default 40
   */
  chunkDelayMs?: number | undefined;
}

const GREETING = /\b(hello|hi|hey|can you hear me)\b/i;
const RECALL = /\b(before|earlier|remember|first)\b/i;

/** Shortens a sentence to quote it back. */
function quote(text: string): string {
  const trimmed = text.trim().replace(/[.!?]+$/, '');
  return `"${trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed}"`;
}

/** The earlier things the user said in this conversation, oldest first. */
function earlierUtterances(messages: ReadonlyArray<ModelMessage>): string[] {
  return messages
    .slice(0, -1)
    .filter((message) => message.role === 'user')
    .map((message) => message.content);
}

/**
 * The offline model's answer to the conversation: a greeting, a recall of what the user said
 * before (the session's history, which the voice agent keeps), or an echo. Deterministic.
 */
export function offlineAnswer(messages: ReadonlyArray<ModelMessage>): string {
  const utterance = messages.at(-1)?.content ?? '';
  const earlier = earlierUtterances(messages);
  if (RECALL.test(utterance)) {
    if (earlier.length === 0) {
      return 'This is the first thing you said to me in this call, so there is nothing to recall yet.';
    }
    const list = earlier.map(quote).join(', then ');
    return `Before this you said ${list}. I remember because the server keeps this call's conversation.`;
  }
  if (GREETING.test(utterance) && earlier.length === 0) {
    return 'Loud and clear! TRTC turns your speech into text, my server answers, and TRTC reads the answer aloud.';
  }
  return `You said ${quote(utterance)}. I am the offline demo model: set MODEL to use a real one.`;
}

/** Splits an answer into deltas of four words, as a streaming model sends them. */
export function toDeltas(answer: string): string[] {
  const words = answer.split(/(?<= )/);
  const deltas: string[] = [];
  for (let index = 0; index < words.length; index += 4) {
    deltas.push(words.slice(index, index + 4).join(''));
  }
  return deltas;
}

/**
 * The model the example answers with when `MODEL` is not set: no account, no network. It answers
 * a greeting, recalls what the user said earlier in the call (so the session memory of the voice
 * agent shows), and echoes anything else, streamed four words at a time. It stops as soon as
 * the call is aborted (TRTC hangs up when the user interrupts) and keeps no record of its calls,
 * so a long-running server does not grow.
 *
 * @example
 * ```ts
 * const agent = createVoiceAgent({ model: createOfflineModel(), ...options });
 * ```
 */
export function createOfflineModel(options: OfflineModelOptions = {}): LanguageModel {
  const delayMs = options.chunkDelayMs ?? 40;
  return {
    specificationVersion: 'v1',
    provider: 'offline',
    modelId: OFFLINE_MODEL_ID,
    stream(request: ModelRequest): AsyncIterable<ModelEvent> {
      const { signal } = request;
      return (async function* (): AsyncGenerator<ModelEvent> {
        const deltas = toDeltas(offlineAnswer(request.messages));
        for (const text of deltas) {
          if (delayMs > 0) await delay(delayMs, { signal });
          if (signal?.aborted === true) {
            throw new AbortedError({ message: 'Model call aborted', cause: signal.reason });
          }
          yield { type: 'text-delta', text };
        }
        yield { type: 'finish', reason: 'stop' };
      })();
    },
  };
}
