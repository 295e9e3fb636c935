/**
 * Building blocks for the AI SDK mock-model tests: V3 stream parts as `@ai-sdk/provider` 3.x
 * types them, streams that stall, and event collection.
 */
import type { LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import type { LanguageModel, ModelEvent, ModelRequest } from '@imbridge/core';
import { MockLanguageModelV3 } from 'ai/test';

/** V3 usage with the given totals. */
export function usageV3(input: number, output: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

/** A V3 finish part. */
export function finishV3(
  unified: 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other',
  usage: LanguageModelV3Usage = usageV3(5, 2),
): LanguageModelV3StreamPart {
  return { type: 'finish', finishReason: { unified, raw: unified }, usage };
}

/** The parts of a text answer, with the framing parts a real provider sends. */
export function textPartsV3(chunks: readonly string[]): LanguageModelV3StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: 'resp-1', modelId: 'mock-model' },
    { type: 'text-start', id: 't1' },
    ...chunks.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't1', delta })),
    { type: 'text-end', id: 't1' },
    finishV3('stop'),
  ];
}

/**
 * A stream that sends `parts` and then nothing, never closing and ignoring every abort signal
 * (the worst model): only the reader's `cancel` ends it. `cancelled` tells whether it was.
 */
export function stallingStream(parts: readonly LanguageModelV3StreamPart[]): {
  stream: ReadableStream<LanguageModelV3StreamPart>;
  cancelled: () => boolean;
} {
  let cancelled = false;
  const stream = new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

/** A V3 mock model whose successive calls stream the given part lists. */
export function mockModel(...calls: LanguageModelV3StreamPart[][]): MockLanguageModelV3 {
  let index = 0;
  return new MockLanguageModelV3({
    provider: 'mock-provider',
    modelId: 'mock-model',
    doStream: async () => {
      const parts = calls[Math.min(index, calls.length - 1)] ?? [];
      index += 1;
      return { stream: streamOf(parts) };
    },
  });
}

/** A stream that sends `parts` and closes. */
export function streamOf<T>(parts: readonly T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

/** Reads a whole model stream; a throw is returned, not raised. */
export async function collect(
  model: LanguageModel,
  request: ModelRequest,
): Promise<{ events: ModelEvent[]; thrown: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of model.stream(request)) events.push(event);
    return { events, thrown: undefined };
  } catch (error) {
    return { events, thrown: error };
  }
}

/** The one-user-message request most tests send. */
export const HELLO: ModelRequest = { messages: [{ role: 'user', content: 'Hello?' }] };
