/**
 * The tool-calling behaviours every `v2` {@link LanguageModel} must have, as runner-agnostic
 * contract cases.
 *
 * @module
 */
import { IMBridgeError, isAbortError } from '../errors/errors.ts';
import type {
  LanguageModel,
  ModelEvent,
  ModelRequest,
  ModelToolDefinition,
} from '../spec/language-model.ts';
import {
  type ContractCase,
  ContractViolation,
  check,
  collect,
  streamedText,
  withTimeout,
} from './contract-support.ts';

/** The backend behaviours a model under the tool contract must be wired to. */
export type ModelToolContractScenario =
  /**
   * Given {@link TOOL_CONTRACT_TOOL} and a question, the backend calls that tool once with a
   * JSON object as arguments (e.g. `{"city":"Paris"}`) and stops with reason `tool_calls`.
   */
  | 'tool-call'
  /**
   * Given the history with the assistant's tool call and the `tool` result
   * ({@link toolContractResultRequest}), the backend answers `expectedText` without calling a
   * tool. A backend that checks it received the result makes the case stronger.
   */
  | 'tool-result'
  /** The backend starts a tool call (its first argument piece), then sends nothing for seconds. */
  | 'tool-call-slow';

/** The tool every tool contract request offers. */
export const TOOL_CONTRACT_TOOL: ModelToolDefinition = {
  name: 'get_weather',
  description: 'The current weather in a city.',
  inputSchema: {
    type: 'object',
    properties: { city: { type: 'string', description: 'The city name' } },
    required: ['city'],
    additionalProperties: false,
  },
};

/** The id of the earlier tool call in {@link toolContractResultRequest}. */
export const TOOL_CONTRACT_CALL_ID = 'call_contract_1';

/** The request of the `tool-call` and `tool-call-slow` scenarios. */
export function toolContractCallRequest(signal?: AbortSignal): ModelRequest {
  return {
    messages: [{ role: 'user', content: 'What is the weather in Paris? Use the tool.' }],
    user: 'contract-user',
    tools: [TOOL_CONTRACT_TOOL],
    toolChoice: 'auto',
    ...(signal !== undefined ? { signal } : {}),
  };
}

/**
 * The request of the `tool-result` scenario: the question, the assistant's call of
 * {@link TOOL_CONTRACT_TOOL} (id {@link TOOL_CONTRACT_CALL_ID}, input `{"city":"Paris"}`) and the
 * tool's result `{"temperatureC":21,"sky":"clear"}`.
 */
export function toolContractResultRequest(): ModelRequest {
  return {
    messages: [
      { role: 'user', content: 'What is the weather in Paris? Use the tool.' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: TOOL_CONTRACT_CALL_ID, name: TOOL_CONTRACT_TOOL.name, input: '{"city":"Paris"}' },
        ],
      },
      {
        role: 'tool',
        toolCallId: TOOL_CONTRACT_CALL_ID,
        toolName: TOOL_CONTRACT_TOOL.name,
        content: '{"temperatureC":21,"sky":"clear"}',
      },
    ],
    user: 'contract-user',
    tools: [TOOL_CONTRACT_TOOL],
  };
}

/** Options of {@link languageModelToolContract}. */
export interface LanguageModelToolContractOptions {
  /** Builds a model whose backend behaves as the scenario says. */
  createModel: (scenario: ModelToolContractScenario) => LanguageModel | Promise<LanguageModel>;
  /** The answer of the `tool-result` scenario. */
  expectedText: string;
  /** Longest time a model may take to stop after an abort, in milliseconds. @default 1000 */
  abortWithinMs?: number | undefined;
  /** Limit for a whole scenario, in milliseconds. @default 10_000 */
  timeoutMs?: number | undefined;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Checks the events of the `tool-call` scenario. */
function checkToolCallEvents(events: readonly ModelEvent[]): void {
  const calls = events.filter((event) => event.type === 'tool-call');
  check(calls.length === 1, `${calls.length} tool-call events, expected exactly 1`);
  const [call] = calls;
  check(call?.type === 'tool-call', 'no tool-call event');
  check(
    call.toolName === TOOL_CONTRACT_TOOL.name,
    `the call names ${JSON.stringify(call.toolName)}, expected ${TOOL_CONTRACT_TOOL.name}`,
  );
  check(call.toolCallId.length > 0, 'the call has an empty toolCallId');
  check(isJsonObject(call.input), `the input is not a JSON object: ${JSON.stringify(call.input)}`);
  let streamed = '';
  let deltas = 0;
  for (const event of events) {
    if (event.type !== 'tool-call-delta') continue;
    deltas += 1;
    check(
      event.toolCallId === call.toolCallId,
      `a tool-call-delta has id ${JSON.stringify(event.toolCallId)}, not the call's`,
    );
    check(event.toolName === call.toolName, 'a tool-call-delta names another tool');
    streamed += event.inputDelta;
  }
  check(
    deltas === 0 || streamed === call.input,
    `the tool-call-deltas add up to ${JSON.stringify(streamed)}, not the input ${JSON.stringify(call.input)}`,
  );
  const callIndex = events.indexOf(call);
  check(
    !events.slice(callIndex + 1).some((event) => event.type === 'tool-call-delta'),
    'a tool-call-delta follows the complete tool-call',
  );
  const finishes = events.filter((event) => event.type === 'finish');
  check(finishes.length === 1, `${finishes.length} finish events`);
  const last = events.at(-1);
  check(last?.type === 'finish', 'events follow the finish event');
  check(last.reason === 'tool-calls', `the finish reason is ${last.reason}, expected tool-calls`);
  check(!events.some((event) => event.type === 'error'), 'an error event in a successful stream');
}

/**
 * The tool-calling behaviours every `v2` {@link LanguageModel} must have (the text behaviours
 * are `languageModelContract`'s). Wire `createModel` to a backend that plays each
 * {@link ModelToolContractScenario}; the requests are {@link toolContractCallRequest} and
 * {@link toolContractResultRequest}, offering {@link TOOL_CONTRACT_TOOL}.
 *
 * @example
 * ```ts
 * for (const test of languageModelToolContract({ createModel, expectedText: 'Sunny, 21 °C.' })) {
 *   it(test.name, test.run);
 * }
 * ```
 */
export function languageModelToolContract(
  options: LanguageModelToolContractOptions,
): ContractCase[] {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const abortWithinMs = options.abortWithinMs ?? 1000;
  return [
    {
      name: 'declares specificationVersion v2 (tool calling)',
      run: async () => {
        const model = await options.createModel('tool-call');
        check(
          model.specificationVersion === 'v2',
          `specificationVersion is ${String(model.specificationVersion)}`,
        );
      },
    },
    {
      name: 'calls the offered tool exactly once with JSON arguments and finishes with reason tool-calls',
      run: async () => {
        const model = await options.createModel('tool-call');
        const { events, thrown } = await withTimeout(
          collect(model.stream(toolContractCallRequest())),
          timeoutMs,
          'the tool-call scenario',
        );
        check(thrown === undefined, `the stream threw: ${String(thrown)}`);
        checkToolCallEvents(events);
      },
    },
    {
      name: 'answers with text once given the tool result, without calling a tool again',
      run: async () => {
        const model = await options.createModel('tool-result');
        const { events, thrown } = await withTimeout(
          collect(model.stream(toolContractResultRequest())),
          timeoutMs,
          'the tool-result scenario',
        );
        check(thrown === undefined, `the stream threw: ${String(thrown)}`);
        const text = streamedText(events);
        check(
          text === options.expectedText,
          `text was ${JSON.stringify(text)}, expected ${JSON.stringify(options.expectedText)}`,
        );
        check(
          !events.some((event) => event.type === 'tool-call' || event.type === 'tool-call-delta'),
          'a tool call in the answer to a tool result',
        );
        const last = events.at(-1);
        check(last?.type === 'finish', `the stream ended with ${last?.type ?? 'nothing'}`);
        check(last.reason === 'stop', `the finish reason is ${last.reason}, expected stop`);
      },
    },
    {
      name: 'stops promptly once its signal aborts during a tool call, without completing it',
      run: async () => {
        const model = await options.createModel('tool-call-slow');
        const controller = new AbortController();
        const iterator = model
          .stream(toolContractCallRequest(controller.signal))
          [Symbol.asyncIterator]();
        const events: ModelEvent[] = [];
        // A model may hold back argument pieces until the call completes: wait a little for a
        // first event, then abort either way.
        const first = iterator.next();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const step = await Promise.race([
          first,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), Math.min(300, timeoutMs));
          }),
        ]);
        clearTimeout(timer);
        if (step?.done) {
          throw new ContractViolation('the slow scenario ended before the abort');
        }
        if (step !== undefined) events.push(step.value);
        const abortedAt = Date.now();
        controller.abort();
        let thrown: unknown;
        try {
          await withTimeout(
            (async () => {
              let next = step === undefined ? first : iterator.next();
              for (;;) {
                const result = await next;
                if (result.done) return;
                events.push(result.value);
                if (result.value.type === 'finish' || result.value.type === 'error') return;
                next = iterator.next();
              }
            })(),
            abortWithinMs + 1000,
            'stopping after abort',
          );
        } catch (error) {
          if (error instanceof ContractViolation) throw error;
          thrown = error;
        }
        check(Date.now() - abortedAt <= abortWithinMs + 1000, 'the model did not stop promptly');
        check(
          thrown === undefined || isAbortError(thrown) || IMBridgeError.isInstance(thrown),
          `threw a non-imbridge error: ${String(thrown)}`,
        );
        check(
          !events.some((event) => event.type === 'tool-call'),
          'a complete tool-call arrived for an aborted call',
        );
        check(
          !events.some((event) => event.type === 'finish' && event.reason === 'tool-calls'),
          'an aborted call finished with reason tool-calls',
        );
      },
    },
  ];
}
