import { APICallError as AISDKAPICallError } from '@ai-sdk/provider';
import type { LanguageModel } from '@imbridge/core';
import { languageModelContract, type ModelContractScenario } from '@imbridge/core/testing';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { fromAiSdk } from './from-ai-sdk.ts';
import { stallingStream, streamOf, textPartsV3 } from './mock-parts.test-kit.ts';

const EXPECTED_TEXT = 'Hello from the AI SDK, 你好 🌏';

function createModel(scenario: ModelContractScenario): LanguageModel {
  const doStream = async () => {
    switch (scenario) {
      case 'text':
        return { stream: streamOf(textPartsV3(['Hello from ', 'the AI SDK, ', '你好 🌏'])) };
      case 'slow':
        // A first chunk, then a stream that never ends and ignores the abort signal.
        return {
          stream: stallingStream(textPartsV3(['Hello from ']).slice(0, 4)).stream,
        };
      default:
        throw new AISDKAPICallError({
          message: 'Internal Server Error',
          url: 'https://api.example.com/v1/chat/completions',
          requestBodyValues: {},
          statusCode: 500,
          isRetryable: true,
        });
    }
  };
  return fromAiSdk(new MockLanguageModelV3({ doStream }), { retry: false });
}

describe('fromAiSdk (AI SDK mock model) under the language model contract', () => {
  for (const test of languageModelContract({ createModel, expectedText: EXPECTED_TEXT })) {
    it(test.name, test.run);
  }

  it('declares specificationVersion v2 (tool calling) and the mock’s provider and model id', () => {
    expect(createModel('text')).toMatchObject({
      specificationVersion: 'v2',
      provider: 'mock-provider',
      modelId: 'mock-model-id',
    });
  });
});
