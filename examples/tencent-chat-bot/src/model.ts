import { APICallError, type LanguageModel } from '@imbridge/core';
import { createScriptedModel, textSteps } from '@imbridge/core/testing';
import { createOpenAICompatible } from '@imbridge/llm';

/**
 * The offline model used when no LLM is configured: it streams a canned answer chunk by chunk,
 * like a real model would. Questions containing "fail" make it fail mid-answer; questions
 * containing "story" make it talk long enough to be interrupted; "order 1001" makes it call the
 * `lookUpOrder` tool and answer from the tool's result, as a real model with tools does.
 */
export function createOfflineModel(options: { chunkDelayMs?: number } = {}): LanguageModel {
  const delayMs = options.chunkDelayMs ?? 60;
  return createScriptedModel({
    provider: 'offline',
    modelId: 'scripted-demo',
    scripts: (request) => {
      const last = request.messages.at(-1);
      if (last?.role === 'tool') {
        const order = JSON.parse(last.content) as {
          orderId: string;
          status?: string;
          eta?: string;
        };
        const answer =
          order.status === undefined
            ? `I could not find order ${order.orderId}. Please check the number.`
            : `Order ${order.orderId} is ${order.status}; it should arrive ${order.eta}.`;
        return { steps: textSteps(answer, { chunkSize: 6, delayMs }) };
      }
      const question = last?.content ?? '';
      const orderId = /order\s*#?(\d+)/i.exec(question)?.[1];
      if (orderId !== undefined && request.tools?.some((tool) => tool.name === 'lookUpOrder')) {
        return {
          steps: [
            ...textSteps('Let me check that order.', { chunkSize: 6, delayMs }),
            { type: 'tool-call', toolName: 'lookUpOrder', input: { orderId } },
          ],
        };
      }
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

/**
 * The model the example uses, from the environment: `MODEL=scripted` (default, offline) or
 * `MODEL=openai-compatible` with `LLM_BASE_URL`, `LLM_MODEL` and optionally `LLM_API_KEY`.
 */
export function createModelFromEnv(env: NodeJS.ProcessEnv = process.env): LanguageModel {
  const kind = env.MODEL ?? 'scripted';
  if (kind === 'scripted') return createOfflineModel();
  if (kind !== 'openai-compatible')
    throw new Error('MODEL must be "scripted" or "openai-compatible"');
  const baseUrl = env.LLM_BASE_URL;
  const model = env.LLM_MODEL;
  if (!baseUrl)
    throw new Error('Set LLM_BASE_URL (e.g. https://api.deepseek.com) for MODEL=openai-compatible');
  if (!model) throw new Error('Set LLM_MODEL (e.g. deepseek-chat) for MODEL=openai-compatible');
  return createOpenAICompatible({
    baseUrl,
    model,
    ...(env.LLM_API_KEY ? { apiKey: env.LLM_API_KEY } : {}),
  });
}
