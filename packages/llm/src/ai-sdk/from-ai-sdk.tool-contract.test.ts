/**
 * `languageModelToolContract` on `fromAiSdk` wrapping the real `@ai-sdk/openai-compatible`
 * provider, against the scripted Chat Completions server on 127.0.0.1: tool calls and results
 * travel the AI SDK's own request building and stream parsing.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  languageModelToolContract,
  TOOL_CONTRACT_CALL_ID,
  TOOL_CONTRACT_TOOL,
} from '@imbridge/core/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ChatServer, serveChat, toolCallSteps } from '../__fixtures__/chat-server.ts';
import { fromAiSdk } from './from-ai-sdk.ts';

const ANSWER = 'Clear sky, 21 °C in Paris.';
const CALL = { id: 'call_w1', name: TOOL_CONTRACT_TOOL.name, arguments: '{"city":"Paris"}' };

let server: ChatServer;

beforeAll(async () => {
  server = await serveChat('openai', (request) => {
    const messages = request.body['messages'] as Array<Record<string, unknown>>;
    const tools = request.body['tools'] as Array<{ function: { name: string } }> | undefined;
    switch (request.route) {
      case 'tool-call':
        return tools?.[0]?.function.name === TOOL_CONTRACT_TOOL.name
          ? { steps: toolCallSteps(CALL, { pieces: 3 }), finishReason: 'tool_calls' }
          : { steps: [{ text: 'no tool offered' }] };
      case 'tool-result': {
        const result = messages.find((message) => message['role'] === 'tool');
        const calls = messages.find((message) => message['role'] === 'assistant')?.['tool_calls'];
        return result?.['tool_call_id'] === TOOL_CONTRACT_CALL_ID && Array.isArray(calls)
          ? { steps: [{ text: ANSWER.slice(0, 9) }, { text: ANSWER.slice(9) }] }
          : { steps: [{ text: 'I did not get the result' }] };
      }
      default:
        return { steps: [...toolCallSteps(CALL).slice(0, 2), { hold: true }] };
    }
  });
});
afterAll(() => server.close());

describe('fromAiSdk (@ai-sdk/openai-compatible on loopback) under the tool contract', () => {
  for (const test of languageModelToolContract({
    createModel: (scenario) =>
      fromAiSdk(
        createOpenAICompatible({
          name: 'local',
          baseURL: server.baseUrl(scenario),
          apiKey: 'sk-local',
        }).chatModel('local-model'),
        { retry: false },
      ),
    expectedText: ANSWER,
    abortWithinMs: 500,
  })) {
    it(test.name, test.run);
  }
});
