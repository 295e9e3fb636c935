import { describe, expect, it } from 'vitest';
import { APICallError } from '../errors/errors.ts';
import type { LanguageModel, ModelEvent } from '../spec/language-model.ts';
import { chatAdapterContract } from './adapter-contract.ts';
import { ContractViolation } from './contract-support.ts';
import { createMemoryAdapter } from './memory-adapter.ts';
import { languageModelContract } from './model-contract.ts';
import { createScriptedModel, type Script, textSteps } from './scripted-model.ts';

const EXPECTED = 'Hello, contract world';

function scriptedFor(scenario: 'text' | 'slow' | 'error'): Script {
  if (scenario === 'text') return { steps: textSteps(EXPECTED, { chunkSize: 3 }) };
  if (scenario === 'slow') {
    return {
      steps: [
        { type: 'text', text: 'first' },
        { type: 'text', text: ' late', delayMs: 5000 },
      ],
    };
  }
  return {
    steps: [
      {
        type: 'error',
        error: new APICallError({ message: 'HTTP 500', provider: 'scripted', statusCode: 500 }),
      },
    ],
  };
}

describe('languageModelContract', () => {
  describe('with the scripted model', () => {
    for (const test of languageModelContract({
      expectedText: EXPECTED,
      createModel: (scenario) => createScriptedModel({ scripts: [scriptedFor(scenario)] }),
    })) {
      it(test.name, test.run);
    }
  });

  it('catches a model that keeps yielding after an abort', async () => {
    const cases = languageModelContract({
      expectedText: EXPECTED,
      abortWithinMs: 200,
      createModel: (scenario) =>
        createScriptedModel({
          ignoreAbort: true,
          scripts: [
            scenario === 'slow'
              ? {
                  steps: [
                    { type: 'text', text: 'a' },
                    { type: 'text', text: 'b', delayMs: 50 },
                  ],
                }
              : scriptedFor(scenario),
          ],
        }),
    });
    const abortCase = cases.find((test) => test.name.includes('abort'));
    await expect(abortCase?.run()).rejects.toBeInstanceOf(ContractViolation);
  });

  it('catches a model that reports a failure as a short successful answer', async () => {
    const swallowing: LanguageModel = {
      specificationVersion: 'v1',
      provider: 'bad',
      modelId: 'bad',
      async *stream(): AsyncIterable<ModelEvent> {
        yield { type: 'text-delta', text: 'Hel' };
        yield { type: 'finish', reason: 'stop' };
      },
    };
    const cases = languageModelContract({ expectedText: EXPECTED, createModel: () => swallowing });
    for (const name of ['add up to the answer', 'typed error']) {
      const test = cases.find((candidate) => candidate.name.includes(name));
      await expect(test?.run()).rejects.toBeInstanceOf(ContractViolation);
    }
  });
});

describe('chatAdapterContract', () => {
  const setup = async () => {
    const adapter = createMemoryAdapter({ token: 'contract-token' });
    return {
      adapter,
      messageRequest: ({ messageId, text }: { messageId: string; text: string }) =>
        adapter.request({ type: 'message', id: messageId, userId: 'contract-user', text }),
      malformedRequest: () => adapter.request('{"type": "message", "id": 42'),
      forgedRequest: () =>
        adapter.request({ type: 'message', id: 'x', userId: 'u', text: 't' }, { token: 'forged' }),
      observe: async (target: { conversationId: string }) =>
        adapter.conversation(target.conversationId).map((message) => ({
          id: message.id,
          text: message.text,
          finished: message.finished,
        })),
    };
  };

  describe('with the memory adapter', () => {
    for (const test of chatAdapterContract({ setup })) it(test.name, test.run);
  });

  it('catches an adapter whose replies never show as finished', async () => {
    const cases = chatAdapterContract({
      setup: async () => {
        const harness = await setup();
        return {
          ...harness,
          observe: async (target: { conversationId: string }) =>
            (await harness.observe(target)).map((message) => ({ ...message, finished: false })),
        };
      },
    });
    const streaming = cases.find((test) => test.name.startsWith('streams a reply'));
    await expect(streaming?.run()).rejects.toBeInstanceOf(ContractViolation);
  });

  it('catches an adapter that accepts forged webhooks', async () => {
    const cases = chatAdapterContract({
      setup: async () => {
        const harness = await setup();
        const open = createMemoryAdapter();
        return { ...harness, adapter: open };
      },
    });
    const forged = cases.find((test) => test.name.includes('forged'));
    await expect(forged?.run()).rejects.toBeInstanceOf(ContractViolation);
  });
});
