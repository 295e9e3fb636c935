/**
 * Type tests (checked by `pnpm typecheck`, which covers test files): the AI SDK's own model
 * types are assignable to the parameter of `fromAiSdk`, with nothing imported from the AI SDK by
 * the wrapper itself.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV2, LanguageModelV3 } from '@ai-sdk/provider';
import type { LanguageModel } from '@imbridge/core';
import type { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AISDKLanguageModel } from './ai-sdk-spec.ts';
import { fromAiSdk } from './from-ai-sdk.ts';

describe('fromAiSdk types', () => {
  it('accepts a V3 chat model of @ai-sdk/openai-compatible and returns an imbridge LanguageModel', () => {
    const provider = createOpenAICompatible({ name: 'typed', baseURL: 'http://127.0.0.1:9/v1' });
    const chat = provider('typed-model');
    expectTypeOf(chat).toExtend<AISDKLanguageModel>();
    const model = fromAiSdk(chat);
    expectTypeOf(model).toEqualTypeOf<LanguageModel>();
    expect(model).toMatchObject({ provider: 'typed.chat', modelId: 'typed-model' });
  });

  it('accepts every LanguageModelV3 and LanguageModelV2 of @ai-sdk/provider, and the mock', () => {
    expectTypeOf<LanguageModelV3>().toExtend<AISDKLanguageModel>();
    expectTypeOf<LanguageModelV2>().toExtend<AISDKLanguageModel>();
    expectTypeOf<MockLanguageModelV3>().toExtend<AISDKLanguageModel>();
    expectTypeOf<string>().not.toExtend<AISDKLanguageModel>();
  });

  it('refuses a gateway model id string, at compile time and at run time', () => {
    // @ts-expect-error a model id string is not a model object
    expect(() => fromAiSdk('openai/gpt-4o')).toThrow(/gateway model id/);
  });
});
