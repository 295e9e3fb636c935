/**
 * Recorded-shape SSE transcripts of OpenAI-compatible vendors (`*.chunks.txt`, served byte for
 * byte) and what a model must make of each. Shared by the msw and the loopback tests.
 */
import { readFileSync } from 'node:fs';
import type { APIErrorKind, ModelEvent, ModelFinishReason, ModelUsage } from '@imbridge/core';

/** What parsing one fixture must produce. */
export interface FixtureExpectation {
  /** The transcript file beside this module. */
  file: string;
  /** What the transcript stands for. */
  description: string;
  /** All text deltas joined. */
  text: string;
  /** All reasoning deltas joined. */
  reasoning: string;
  /** The last event. */
  end:
    | { type: 'finish'; reason: ModelFinishReason; usage?: ModelUsage }
    | { type: 'error'; kind: APIErrorKind; retryable: boolean };
}

export const FIXTURES = {
  normal: {
    file: 'normal.chunks.txt',
    description: 'OpenAI gpt-4o-mini: role chunk, content (CJK and emoji), stop, [DONE]',
    text: 'Hello, world! 你好，世界 🌏',
    reasoning: '',
    end: { type: 'finish', reason: 'stop' },
  },
  reasoning: {
    file: 'reasoning.chunks.txt',
    description: 'DeepSeek deepseek-reasoner: keep-alive comment, reasoning_content then content',
    text: 'Hi there!',
    reasoning: 'The user greets me. Answer briefly.',
    end: {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 12, outputTokens: 28, totalTokens: 40 },
    },
  },
  usageInChoice: {
    file: 'usage-in-choice.chunks.txt',
    description: 'Moonshot moonshot-v1-8k: usage inside choices[0], finish_reason length',
    text: '你好！我是 Kimi。',
    reasoning: '',
    end: {
      type: 'finish',
      reason: 'length',
      usage: { inputTokens: 19, outputTokens: 7, totalTokens: 26 },
    },
  },
  usageOnly: {
    file: 'usage-only.chunks.txt',
    description: 'DeepSeek deepseek-chat: usage null per chunk, trailing usage-only chunk',
    text: 'Sure, here it is.',
    reasoning: '',
    end: {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 9, outputTokens: 6, totalTokens: 15 },
    },
  },
  errorEvent: {
    file: 'error-event.chunks.txt',
    description: 'Qwen: a data {"error": …} event after the first token, then more chunks',
    text: 'Partial',
    reasoning: '',
    end: { type: 'error', kind: 'rate-limit', retryable: true },
  },
  truncated: {
    file: 'truncated.chunks.txt',
    description: 'GLM: the body ends mid-event, without finish_reason or [DONE]',
    text: 'Once upon a',
    reasoning: '',
    // Not a short answer: the text streamed stays, then a retryable error (not retried: text went out).
    end: { type: 'error', kind: 'network', retryable: true },
  },
  malformed: {
    file: 'malformed.chunks.txt',
    description:
      'MiniMax: role "", a cut JSON line, an HTML line, delta null, delta.reasoning, a number',
    text: 'Alpha Beta',
    reasoning: 'thinking aloud',
    end: { type: 'finish', reason: 'tool-calls' },
  },
} as const satisfies Record<string, FixtureExpectation>;

/** The name of one of {@link FIXTURES}. */
export type FixtureName = keyof typeof FIXTURES;

/** The raw bytes of a fixture. */
export function readFixture(name: FixtureName): Uint8Array {
  return readFileSync(new URL(FIXTURES[name].file, import.meta.url));
}

/**
 * Splits bytes into `pieces` parts of about equal size, cutting anywhere (inside JSON, inside a
 * UTF-8 sequence, between `\n` and `\n`), as TCP may.
 */
export function splitBytes(bytes: Uint8Array, pieces: number): Uint8Array[] {
  const size = Math.max(1, Math.ceil(bytes.length / pieces));
  const parts: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) {
    parts.push(bytes.subarray(start, start + size));
  }
  return parts;
}

/** SSE text built from JSON chunks (and raw strings such as `[DONE]`). */
export function sse(...chunks: ReadonlyArray<unknown>): string {
  let text = '';
  for (const chunk of chunks) {
    text += `data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`;
  }
  return text;
}

/** A chat.completion.chunk with one choice. */
export function chunk(
  delta: Record<string, unknown> | null,
  finishReason: string | null = null,
): Record<string, unknown> {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1_761_900_000,
    model: 'test-model',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** What a stream produced: text and reasoning joined, every event, the last one, any throw. */
export interface StreamSummary {
  text: string;
  reasoning: string;
  events: ModelEvent[];
  last: ModelEvent | undefined;
  thrown: unknown;
}

/** Reads a whole stream, catching a throw. */
export async function collect(iterable: AsyncIterable<ModelEvent>): Promise<StreamSummary> {
  const events: ModelEvent[] = [];
  let thrown: unknown;
  try {
    for await (const event of iterable) events.push(event);
  } catch (error) {
    thrown = error;
  }
  let text = '';
  let reasoning = '';
  for (const event of events) {
    if (event.type === 'text-delta') text += event.text;
    if (event.type === 'reasoning-delta') reasoning += event.text;
  }
  return { text, reasoning, events, last: events.at(-1), thrown };
}

/** The last event reduced to the shape of {@link FixtureExpectation.end}. */
export function endOf(summary: StreamSummary): unknown {
  const last = summary.last;
  if (last?.type === 'finish') {
    return {
      type: 'finish',
      reason: last.reason,
      ...(last.usage !== undefined ? { usage: last.usage } : {}),
    };
  }
  if (last?.type === 'error') {
    const error = last.error as { kind?: unknown; retryable?: unknown };
    return { type: 'error', kind: error.kind, retryable: error.retryable };
  }
  return { type: last?.type ?? 'nothing', thrown: String(summary.thrown) };
}

/** Counts the `finish` and `error` events. */
export function terminalCount(summary: StreamSummary): number {
  return summary.events.filter((event) => event.type === 'finish' || event.type === 'error').length;
}
