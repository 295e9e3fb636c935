/**
 * The model of the bundled example bot: `@imbridge/core/testing`'s scripted model, streaming a
 * canned, friendly answer a few characters at a time, slowly enough to watch a reply grow and to
 * press stop. A question with "story" (or "long") gets a long answer; one with "fail" (or
 * "error") fails half-way, so the error message shows.
 *
 * @module
 */
import { APICallError, type LanguageModel } from '@imbridge/core';
import { createScriptedModel, type ScriptStep, textSteps } from '@imbridge/core/testing';

/** Options of {@link createExampleModel}. */
export interface ExampleModelOptions {
  /** Pause before each chunk of the answer, in milliseconds. @default 70 */
  chunkDelayMs?: number | undefined;
}

/** Characters per chunk of the answer. */
const CHUNK_SIZE = 5;

const STORY =
  'Once upon a time, in a chat far, far away, a little bot learned to stream. ' +
  'Every few milliseconds it found another word, and the message on the screen grew: first a ' +
  'sentence, then a paragraph, then a whole page about clouds, queues and webhooks. ' +
  'The bot did not know when to stop, because nobody had told it the story was long enough. ' +
  'It talked about retries, about rate limits, about the two hosts of every region and the ' +
  'tokens that expire at midnight, and it would have gone on talking until morning — unless, ' +
  'of course, somebody pressed the stop button.';

function answerTo(question: string): string {
  const quoted = question.length > 80 ? `${question.slice(0, 77)}...` : question;
  return (
    `Hello! You said: "${quoted}". I am the imbridge example bot, answering from a scripted ` +
    'model on your machine, streamed the way your users will see it. Ask me for a story to try ' +
    'the stop button, or ask me to fail to see an error message.'
  );
}

function failure(delayMs: number): ScriptStep[] {
  return [
    ...textSteps('Let me look that up for you', { chunkSize: CHUNK_SIZE, delayMs }),
    {
      type: 'error',
      delayMs: delayMs * 4,
      error: new APICallError({
        message: 'the example model failed on purpose (HTTP 502)',
        provider: 'imbridge-dev',
        statusCode: 502,
      }),
    },
  ];
}

/**
 * Creates the example bot's model.
 *
 * @example
 * ```ts
 * const model = createExampleModel({ chunkDelayMs: 10 });
 * ```
 */
export function createExampleModel(options: ExampleModelOptions = {}): LanguageModel {
  const delayMs = options.chunkDelayMs ?? 70;
  return createScriptedModel({
    provider: 'imbridge-dev',
    modelId: 'example-bot',
    maxRecordedCalls: 0,
    scripts: (request) => {
      const question = (request.messages.at(-1)?.content ?? '').trim();
      if (/\b(fail|error)\b/i.test(question)) return { steps: failure(delayMs) };
      const answer = /\b(story|long)\b/i.test(question) ? STORY : answerTo(question);
      return { steps: textSteps(answer, { chunkSize: CHUNK_SIZE, delayMs }) };
    },
  });
}
