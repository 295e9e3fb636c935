/**
 * The behaviours every {@link LanguageModel} implementation must have, as runner-agnostic
 * contract cases.
 *
 * @module
 */
import { IMBridgeError, isAbortError } from '../errors/errors.ts';
import type { LanguageModel, ModelEvent } from '../spec/language-model.ts';
import {
  type ContractCase,
  ContractViolation,
  check,
  collect,
  streamedText,
  withTimeout,
} from './contract-support.ts';

/** The backend behaviours a model under contract test must be wired to. */
export type ModelContractScenario =
  /** Answers `expectedText`, in several chunks. */
  | 'text'
  /** Answers slowly: a first chunk, then nothing for seconds (used to test abort). */
  | 'slow'
  /** The backend fails (e.g. HTTP 500 or a vendor error event). */
  | 'error';

/** Options of {@link languageModelContract}. */
export interface LanguageModelContractOptions {
  /** Builds a model whose backend behaves as the scenario says. */
  createModel: (scenario: ModelContractScenario) => LanguageModel | Promise<LanguageModel>;
  /** The answer of the `text` scenario. */
  expectedText: string;
  /** Longest time a model may take to stop after an abort, in milliseconds. @default 1000 */
  abortWithinMs?: number | undefined;
  /** Limit for a whole scenario, in milliseconds. @default 10_000 */
  timeoutMs?: number | undefined;
}

/**
 * The behaviours every {@link LanguageModel} implementation must have. Run them in any test
 * runner.
 *
 * @example
 * ```ts
 * for (const test of languageModelContract({ createModel, expectedText: 'Hello, world' })) {
 *   it(test.name, test.run);
 * }
 * ```
 */
export function languageModelContract(options: LanguageModelContractOptions): ContractCase[] {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const abortWithinMs = options.abortWithinMs ?? 1000;
  const request = (signal?: AbortSignal) => ({
    messages: [{ role: 'user' as const, content: 'Say the expected text.' }],
    user: 'contract-user',
    ...(signal !== undefined ? { signal } : {}),
  });
  return [
    {
      name: 'declares specificationVersion v1 or v2, a provider and a model id',
      run: async () => {
        const model = await options.createModel('text');
        check(
          model.specificationVersion === 'v1' || model.specificationVersion === 'v2',
          `specificationVersion is ${String(model.specificationVersion)}`,
        );
        check(typeof model.provider === 'string' && model.provider.length > 0, 'provider is empty');
        check(typeof model.modelId === 'string' && model.modelId.length > 0, 'modelId is empty');
      },
    },
    {
      name: 'streams text deltas that add up to the answer and ends with exactly one finish event',
      run: async () => {
        const model = await options.createModel('text');
        const { events, thrown } = await withTimeout(
          collect(model.stream(request())),
          timeoutMs,
          'the text scenario',
        );
        check(thrown === undefined, `the stream threw: ${String(thrown)}`);
        const text = streamedText(events);
        check(
          text === options.expectedText,
          `text was ${JSON.stringify(text)}, expected ${JSON.stringify(options.expectedText)}`,
        );
        const finishes = events.filter((event) => event.type === 'finish');
        check(finishes.length === 1, `${finishes.length} finish events`);
        check(events.at(-1)?.type === 'finish', 'events follow the finish event');
        check(
          !events.some((event) => event.type === 'error'),
          'an error event in a successful stream',
        );
      },
    },
    {
      name: 'stops promptly once its signal aborts mid-stream',
      run: async () => {
        const model = await options.createModel('slow');
        const controller = new AbortController();
        const iterator = model.stream(request(controller.signal))[Symbol.asyncIterator]();
        const first = await withTimeout(iterator.next(), timeoutMs, 'the first event');
        check(!first.done, 'the slow scenario ended before any event');
        const abortedAt = Date.now();
        controller.abort();
        let textAfterAbort = '';
        try {
          await withTimeout(
            (async () => {
              for (;;) {
                const step = await iterator.next();
                if (step.done) return;
                if (step.value.type === 'text-delta') textAfterAbort += step.value.text;
                if (step.value.type === 'finish' || step.value.type === 'error') return;
              }
            })(),
            abortWithinMs + 1000,
            'stopping after abort',
          );
        } catch (error) {
          if (error instanceof ContractViolation) throw error;
          // Throwing an abort error is a valid way to stop.
        }
        check(Date.now() - abortedAt <= abortWithinMs + 1000, 'the model did not stop promptly');
        check(
          textAfterAbort.length === 0,
          `text arrived after the abort: ${JSON.stringify(textAfterAbort)}`,
        );
      },
    },
    {
      name: 'does not stream text when the signal is already aborted',
      run: async () => {
        const model = await options.createModel('text');
        const controller = new AbortController();
        controller.abort();
        const { events, thrown } = await withTimeout(
          collect(model.stream(request(controller.signal))),
          timeoutMs,
          'the pre-aborted call',
        );
        check(
          !events.some((event) => event.type === 'text-delta'),
          'text arrived for an aborted call',
        );
        check(
          thrown === undefined || isAbortError(thrown) || IMBridgeError.isInstance(thrown),
          `threw a non-imbridge error: ${String(thrown)}`,
        );
      },
    },
    {
      name: 'reports a backend failure as a typed error (never as a short successful answer)',
      run: async () => {
        const model = await options.createModel('error');
        const { events, thrown } = await withTimeout(
          collect(model.stream(request())),
          timeoutMs,
          'the error scenario',
        );
        const errorEvent = events.find((event) => event.type === 'error');
        const error = errorEvent?.type === 'error' ? errorEvent.error : thrown;
        check(error !== undefined, 'no error event and nothing thrown');
        check(
          !events.some((event) => event.type === 'finish'),
          'a finish event in a failed stream',
        );
        check(
          IMBridgeError.isInstance(error),
          `the error is not an IMBridgeError: ${String(error)}`,
        );
        check(
          typeof (error as unknown as { retryable?: unknown }).retryable === 'boolean',
          'the error has no boolean retryable',
        );
      },
    },
  ];
}
