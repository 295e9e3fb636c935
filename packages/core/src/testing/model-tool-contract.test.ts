import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/errors.ts';
import type { LanguageModel, ModelEvent, ModelRequest } from '../spec/language-model.ts';
import { ContractViolation } from './contract-support.ts';
import {
  languageModelToolContract,
  type ModelToolContractScenario,
  TOOL_CONTRACT_CALL_ID,
  TOOL_CONTRACT_TOOL,
} from './model-tool-contract.ts';

const ANSWER = 'Clear sky, 21 °C in Paris.';

/** What a hand-written model gets wrong, for the cases that must catch it. */
interface Flaws {
  version?: 'v1' | 'v2';
  /** Calls the tool twice. */
  twoCalls?: boolean;
  /** Streams deltas that do not add up to the input. */
  wrongDeltas?: boolean;
  /** Finishes a tool call with reason `stop`. */
  stopReason?: boolean;
  /** Sends arguments that are not JSON. */
  notJson?: boolean;
  /** Keeps streaming (and completes the call) after an abort. */
  ignoresAbort?: boolean;
  /** Emits no deltas, only the complete call. */
  noDeltas?: boolean;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError({ message: 'aborted' }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new AbortedError({ message: 'aborted' }));
      },
      { once: true },
    );
  });
}

/** A tiny tool-calling model playing the contract's scenarios, with optional flaws. */
function handWritten(scenario: ModelToolContractScenario, flaws: Flaws = {}): LanguageModel {
  return {
    specificationVersion: flaws.version ?? 'v2',
    provider: 'hand-written',
    modelId: 'tools-1',
    async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
      const signal = flaws.ignoresAbort ? undefined : request.signal;
      const toolName = request.tools?.[0]?.name ?? 'none';
      if (scenario === 'tool-result') {
        const result = request.messages.find((message) => message.role === 'tool');
        const sawResult = result?.role === 'tool' && result.toolCallId === TOOL_CONTRACT_CALL_ID;
        const text = sawResult ? ANSWER : 'I have no weather data.';
        yield { type: 'text-delta', text: text.slice(0, 10) };
        yield { type: 'text-delta', text: text.slice(10) };
        yield { type: 'finish', reason: 'stop' };
        return;
      }
      const input = flaws.notJson ? 'city=Paris' : '{"city":"Paris"}';
      const id = 'call_1';
      if (!flaws.noDeltas) {
        yield { type: 'tool-call-delta', toolCallId: id, toolName, inputDelta: input.slice(0, 5) };
      }
      if (scenario === 'tool-call-slow') await sleep(3000, signal);
      if (!flaws.noDeltas) {
        const rest = flaws.wrongDeltas ? 'XX' : input.slice(5);
        yield { type: 'tool-call-delta', toolCallId: id, toolName, inputDelta: rest };
      }
      yield { type: 'tool-call', toolCallId: id, toolName, input };
      if (flaws.twoCalls) yield { type: 'tool-call', toolCallId: 'call_2', toolName, input };
      yield { type: 'finish', reason: flaws.stopReason ? 'stop' : 'tool-calls' };
    },
  };
}

function contract(flaws: Flaws = {}) {
  return languageModelToolContract({
    expectedText: ANSWER,
    abortWithinMs: 200,
    createModel: (scenario) => handWritten(scenario, flaws),
  });
}

async function expectViolation(flaws: Flaws, nameIncludes: string): Promise<void> {
  const test = contract(flaws).find((candidate) => candidate.name.includes(nameIncludes));
  expect(test).toBeDefined();
  await expect(test?.run()).rejects.toBeInstanceOf(ContractViolation);
}

describe('languageModelToolContract', () => {
  describe('with a well-behaved hand-written model', () => {
    for (const test of contract()) it(test.name, test.run);
  });

  describe('with a model that only emits complete calls (no deltas)', () => {
    for (const test of contract({ noDeltas: true })) it(test.name, test.run);
  });

  it('offers the contract tool to the model', () => {
    expect(TOOL_CONTRACT_TOOL.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(TOOL_CONTRACT_TOOL.inputSchema.type).toBe('object');
  });

  it('catches a v1 model', () => expectViolation({ version: 'v1' }, 'v2'));
  it('catches two calls for one', () => expectViolation({ twoCalls: true }, 'exactly once'));
  it('catches deltas that do not add up to the input', () =>
    expectViolation({ wrongDeltas: true }, 'exactly once'));
  it('catches a tool call finished with reason stop', () =>
    expectViolation({ stopReason: true }, 'exactly once'));
  it('catches arguments that are not JSON', () =>
    expectViolation({ notJson: true }, 'exactly once'));
  it('catches a model that never got the tool result (its backend answers otherwise)', async () => {
    // The hand-written backend only answers ANSWER when it sees the result: drop the result.
    const [, , resultCase] = languageModelToolContract({
      expectedText: ANSWER,
      createModel: () => {
        const model = handWritten('tool-result');
        return {
          ...model,
          stream: (request) =>
            model.stream({
              ...request,
              messages: request.messages.filter((message) => message.role !== 'tool'),
            }),
        };
      },
    });
    await expect(resultCase?.run()).rejects.toBeInstanceOf(ContractViolation);
  });
  it('catches a model that completes the tool call after an abort', () =>
    expectViolation({ ignoresAbort: true }, 'aborts'));
});
