/**
 * The model of the reliability scenes: it answers a question `<tag>` with `re <tag>: …`, chunk by
 * chunk, so every bubble names the question it answers. A question containing `stall` stops
 * after a few chunks and waits until it is aborted (for kills and shutdowns).
 */
import { APICallError, type LanguageModel } from '@imbridge/core';
import { createScriptedModel, textSteps } from '@imbridge/core/testing';

/** Options of {@link taggedModel}. */
export interface ModelOptions {
  /** Pause before each chunk, in milliseconds. @default 5 */
  chunkDelayMs?: number | undefined;
  /** Words after the tag. @default 12 */
  words?: number | undefined;
}

/** The answer's text for a question, as the model streams it in full. */
export function answerFor(tag: string, words = 12): string {
  const body = Array.from({ length: words }, (_, index) => `word${index + 1}`).join(' ');
  return `re ${tag}: ${body}`;
}

/** A scripted model that answers each tagged question with {@link answerFor}. */
export function taggedModel(options: ModelOptions = {}): LanguageModel {
  const delayMs = options.chunkDelayMs ?? 5;
  const words = options.words ?? 12;
  return createScriptedModel({
    provider: 'reliability',
    modelId: 'tagged',
    scripts: (request) => {
      const question = request.messages.at(-1)?.content ?? '';
      // The tag comes whole in the first chunk: any text shown names the question it answers.
      const answer = answerFor(question, words);
      const head = `re ${question}: `;
      const steps = [
        { type: 'text' as const, text: head, delayMs },
        ...textSteps(answer.slice(head.length), { chunkSize: 8, delayMs }),
      ];
      if (question.includes('stall')) return { steps: [...steps.slice(0, 3), { type: 'stall' }] };
      if (question.includes('fail')) {
        const error = new APICallError({
          message: 'model server answered 502',
          provider: 'reliability',
          kind: 'server',
          statusCode: 502,
        });
        return { steps: [...steps.slice(0, 3), { type: 'error', error, delayMs }] };
      }
      return { steps };
    },
  });
}
