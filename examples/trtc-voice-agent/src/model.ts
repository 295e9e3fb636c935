import type { LanguageModel } from '@imbridge/core';
import { createDify, createMiniMax, createOpenAICompatible } from '@imbridge/llm';
import type { ModelSettings } from './config.ts';
import { createOfflineModel } from './offline-model.ts';

/**
 * How long TRTC waits for the first chunk of an answer (`LLMConfig.Timeout`, 3 s unless set),
 * in seconds. The real models below give up at the same time, so nobody waits for an answer
 * that TRTC no longer plays.
 */
export const VOICE_TURN_TIMEOUT_SECONDS = 5;

/**
 * The model the agent answers with, from the `MODEL` settings: the offline model (default), any
 * OpenAI-compatible endpoint, a Dify chat app (Dify keeps the conversation; the agent passes its
 * id back), or MiniMax. Real models wait at most {@link VOICE_TURN_TIMEOUT_SECONDS} for the
 * first token and retry a quick failure once, within the first 2 s: a voice turn cannot wait.
 */
export function createModel(settings: ModelSettings): LanguageModel {
  const limitMs = VOICE_TURN_TIMEOUT_SECONDS * 1000;
  const voice = {
    timeoutMs: limitMs,
    firstTokenTimeoutMs: limitMs,
    retry: { maxRetries: 1, initialDelayMs: 200, maxDelayMs: 200, maxElapsedMs: 2_000 },
  };
  switch (settings.kind) {
    case 'scripted':
      return createOfflineModel();
    case 'openai-compatible':
      return createOpenAICompatible({
        ...voice,
        baseUrl: settings.baseUrl,
        model: settings.model,
        ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
      });
    case 'dify':
      return createDify({
        ...voice,
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        app: settings.app,
      });
    case 'minimax':
      return createMiniMax({
        ...voice,
        model: settings.model,
        apiKey: settings.apiKey,
        ...(settings.baseUrl === undefined ? {} : { baseUrl: settings.baseUrl }),
      });
  }
}

/** A short description of the model for the start-up line (never a key). */
export function describeModel(settings: ModelSettings): string {
  switch (settings.kind) {
    case 'scripted':
      return 'the offline scripted model (set MODEL for a real one)';
    case 'openai-compatible':
      return `${settings.model} at ${settings.baseUrl}`;
    case 'dify':
      return `the Dify ${settings.app} app at ${settings.baseUrl}`;
    case 'minimax':
      return `MiniMax ${settings.model}`;
  }
}
