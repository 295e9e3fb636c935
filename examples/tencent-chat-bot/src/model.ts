import { APICallError, type LanguageModel } from '@imbridge/core';
import { createScriptedModel, textSteps } from '@imbridge/core/testing';

/**
 * The offline model used when no LLM is configured: it streams a canned answer chunk by chunk,
 * like a real model would. Questions containing "fail" make it fail mid-answer; questions
 * containing "story" make it talk long enough to be interrupted.
 */
export function createOfflineModel(options: { chunkDelayMs?: number } = {}): LanguageModel {
  const delayMs = options.chunkDelayMs ?? 60;
  return createScriptedModel({
    provider: 'offline',
    modelId: 'scripted-demo',
    scripts: (request) => {
      const question = request.messages.at(-1)?.content ?? '';
      if (/fail/i.test(question)) {
        return {
          steps: [
            ...textSteps('Let me look that up for you', { chunkSize: 6, delayMs }),
            {
              type: 'error',
              delayMs: delayMs * 3,
              error: new APICallError({
                message: 'upstream model failed (HTTP 502)',
                provider: 'offline',
                statusCode: 502,
              }),
            },
          ],
        };
      }
      const answer = /story/i.test(question)
        ? 'Once upon a time, a robot in a Tencent Cloud Chat group learned to stream its answers, one chunk at a time, ' +
          'and it kept on talking and talking and talking, until somebody finally pressed stop...'
        : `You asked: "${question}". I am an imbridge robot: I receive Tencent Cloud Chat webhooks, ask a model, ` +
          'and stream the answer back as a chatbot message that grows and is then marked finished.';
      return { steps: textSteps(answer, { chunkSize: 6, delayMs }) };
    },
  });
}
