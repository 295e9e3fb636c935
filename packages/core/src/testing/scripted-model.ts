import { AbortedError } from '../errors/errors.ts';
import type {
  JsonValue,
  LanguageModel,
  ModelEvent,
  ModelRequest,
  ModelUsage,
} from '../spec/language-model.ts';
import { optionError } from '../util/option-checks.ts';

/** One step of a scripted answer. */
export type ScriptStep = TextScriptStep | ToolCallScriptStep | FailureScriptStep | StallScriptStep;

/** Yields a `text-delta`, `text-replace` or `reasoning-delta` event after `delayMs`. */
export interface TextScriptStep {
  /** `text`: a delta; `replace`: the whole text; `reasoning`: a reasoning delta. */
  type: 'text' | 'replace' | 'reasoning';
  /** The text. */
  text: string;
  /** Wait before yielding, in milliseconds. */
  delayMs?: number;
}

/**
 * Yields a `tool-call` event (after `tool-call-delta`s of its input in two pieces) after
 * `delayMs`; the answer then finishes with reason `tool-calls`.
 */
export interface ToolCallScriptStep {
  /** Discriminant. */
  type: 'tool-call';
  /** The tool to call. */
  toolName: string;
  /** The arguments: an object (sent as JSON) or the exact JSON text (which may be invalid). */
  input: string | Record<string, unknown>;
  /** The call's id. @default `call_<n>` */
  toolCallId?: string;
  /** Wait before yielding, in milliseconds. */
  delayMs?: number;
}

/** Ends the call with a failure after `delayMs`. */
export interface FailureScriptStep {
  /** `error`: yields an `error` event; `throw`: throws from the iterator. */
  type: 'error' | 'throw';
  /** The failure. */
  error: unknown;
  /** Wait before failing, in milliseconds. */
  delayMs?: number;
}

/** Sends nothing more until the call is aborted. */
export interface StallScriptStep {
  /** Discriminant. */
  type: 'stall';
}

/** One scripted answer. A `finish` event is added after the steps unless they end in an error, throw or stall. */
export interface Script {
  /** What to yield, in order. */
  steps: ScriptStep[];
  /** `providerState` of the finish event. */
  providerState?: JsonValue;
  /** `usage` of the finish event. */
  usage?: ModelUsage;
}

/** A call the scripted model received. */
export interface ScriptedCall {
  /** The request (messages, instructions, metadata, providerState...). */
  request: ModelRequest;
  /** True when the request's signal fired while the call was running. */
  aborted: boolean;
  /** Events yielded before the call ended. */
  yielded: number;
  /** True once the call ended (finished, failed, or aborted). */
  ended: boolean;
}

/** Options of {@link createScriptedModel}. */
export interface ScriptedModelOptions {
  /**
   * Answers, one per call (the last one repeats), or a function of the request and the call's
   * index (0-based, counting every call, recorded or not).
   */
  scripts: Script[] | ((request: ModelRequest, callIndex: number) => Script);
  /** Provider id. @default 'scripted' */
  provider?: string | undefined;
  /** Model id. @default 'scripted-model' */
  modelId?: string | undefined;
  /**
   * The contract version the model declares. `v2` models are sent the bot's tools and may play
   * `tool-call` steps. @default 'v2'
   */
  specificationVersion?: 'v1' | 'v2' | undefined;
  /** Simulates a model that ignores its abort signal (keeps yielding). @default false */
  ignoreAbort?: boolean | undefined;
  /**
   * How many calls {@link ScriptedModel.calls} keeps: the most recent ones, older calls being
   * dropped, so a long-running demo or load test holds a bounded log (each call keeps its request,
   * history included). `0` keeps none; `Number.POSITIVE_INFINITY` keeps every call. The index
   * passed to a `scripts` function and {@link ScriptedModel.callCount} still count every call.
   *
   * @default 100
   */
  maxRecordedCalls?: number | undefined;
}

/** Default of {@link ScriptedModelOptions.maxRecordedCalls}. */
const DEFAULT_MAX_RECORDED_CALLS = 100;

/** The scripted model of `@imbridge/core/testing`. */
export interface ScriptedModel extends LanguageModel {
  /**
   * The most recent calls, oldest first: at most `maxRecordedCalls` of them (100 by default).
   * `calls[0]` is the first call until more than that many were made.
   */
  readonly calls: ReadonlyArray<ScriptedCall>;
  /** How many calls the model received, including those dropped from {@link ScriptedModel.calls}. */
  readonly callCount: number;
}

/**
 * Splits text into `text` steps of `chunkSize` characters (default 4), each after `delayMs`.
 */
export function textSteps(
  text: string,
  options: { chunkSize?: number; delayMs?: number } = {},
): ScriptStep[] {
  const chunkSize = Math.max(1, options.chunkSize ?? 4);
  const steps: ScriptStep[] = [];
  const characters = Array.from(text);
  for (let index = 0; index < characters.length; index += chunkSize) {
    const chunk = characters.slice(index, index + chunkSize).join('');
    steps.push(
      options.delayMs !== undefined
        ? { type: 'text', text: chunk, delayMs: options.delayMs }
        : { type: 'text', text: chunk },
    );
  }
  return steps;
}

function wait(ms: number, signal: AbortSignal | undefined, ignoreAbort: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted && !ignoreAbort) {
      reject(new AbortedError({ message: 'Model call aborted', cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError({ message: 'Model call aborted', cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      if (!ignoreAbort) signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (!ignoreAbort) signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A {@link LanguageModel} that plays back scripted answers: text chunks with delays, replaces,
 * reasoning, errors, throws and stalls. It honours its `AbortSignal` (unless told not to) and
 * records the most recent calls (`maxRecordedCalls`, 100 by default), so tests can assert that
 * the model saw an abort.
 *
 * @throws {ValidationError} code `invalid-option` when `maxRecordedCalls` is not an integer ≥ 0
 *   or `Infinity`.
 *
 * @example
 * ```ts
 * const model = createScriptedModel({ scripts: [{ steps: textSteps('Hello there!', { delayMs: 50 }) }] });
 * ```
 */
export function createScriptedModel(options: ScriptedModelOptions): ScriptedModel {
  const calls: ScriptedCall[] = [];
  const ignoreAbort = options.ignoreAbort ?? false;
  const maxRecordedCalls = options.maxRecordedCalls ?? DEFAULT_MAX_RECORDED_CALLS;
  if (
    maxRecordedCalls !== Number.POSITIVE_INFINITY &&
    !(Number.isInteger(maxRecordedCalls) && maxRecordedCalls >= 0)
  ) {
    throw optionError(
      { owner: 'createScriptedModel', name: 'maxRecordedCalls' },
      'an integer ≥ 0 or Infinity',
      maxRecordedCalls,
    );
  }
  let callCount = 0;

  const pick = (request: ModelRequest, index: number): Script => {
    if (typeof options.scripts === 'function') return options.scripts(request, index);
    const script = options.scripts[Math.min(index, options.scripts.length - 1)];
    if (script === undefined) throw new Error('createScriptedModel needs at least one script');
    return script;
  };

  return {
    specificationVersion: options.specificationVersion ?? 'v2',
    provider: options.provider ?? 'scripted',
    modelId: options.modelId ?? 'scripted-model',
    get calls() {
      return calls;
    },
    get callCount() {
      return callCount;
    },
    stream(request: ModelRequest): AsyncIterable<ModelEvent> {
      const record: ScriptedCall = { request, aborted: false, yielded: 0, ended: false };
      const index = callCount;
      callCount += 1;
      if (maxRecordedCalls > 0) {
        if (calls.length >= maxRecordedCalls) calls.shift();
        calls.push(record);
      }
      const signal = request.signal;
      const onAbort = (): void => {
        if (!record.ended) record.aborted = true;
      };
      if (signal?.aborted) record.aborted = true;
      else signal?.addEventListener('abort', onAbort, { once: true });
      const script = pick(request, index);

      async function* run(): AsyncGenerator<ModelEvent> {
        let toolCalls = 0;
        try {
          if (signal?.aborted && !ignoreAbort) {
            throw new AbortedError({ message: 'Model call aborted', cause: signal.reason });
          }
          for (const step of script.steps) {
            if (step.type === 'stall') {
              await new Promise<void>((_, reject) => {
                if (ignoreAbort) return;
                const fail = (): void =>
                  reject(new AbortedError({ message: 'Model call aborted' }));
                if (signal?.aborted) fail();
                else signal?.addEventListener('abort', fail, { once: true });
              });
              return;
            }
            if (step.delayMs !== undefined && step.delayMs > 0)
              await wait(step.delayMs, signal, ignoreAbort);
            if (signal?.aborted && !ignoreAbort) {
              throw new AbortedError({ message: 'Model call aborted', cause: signal.reason });
            }
            record.yielded += 1;
            switch (step.type) {
              case 'text':
                yield { type: 'text-delta', text: step.text };
                break;
              case 'replace':
                yield { type: 'text-replace', text: step.text };
                break;
              case 'reasoning':
                yield { type: 'reasoning-delta', text: step.text };
                break;
              case 'tool-call': {
                toolCalls += 1;
                const toolCallId = step.toolCallId ?? `call_${toolCalls}`;
                const input =
                  typeof step.input === 'string' ? step.input : JSON.stringify(step.input);
                const half = Math.ceil(input.length / 2);
                for (const inputDelta of [input.slice(0, half), input.slice(half)]) {
                  if (inputDelta.length === 0) continue;
                  yield {
                    type: 'tool-call-delta',
                    toolCallId,
                    toolName: step.toolName,
                    inputDelta,
                  };
                }
                yield { type: 'tool-call', toolCallId, toolName: step.toolName, input };
                break;
              }
              case 'error':
                yield { type: 'error', error: step.error };
                return;
              case 'throw':
                throw step.error;
            }
          }
          record.yielded += 1;
          yield {
            type: 'finish',
            reason: toolCalls > 0 ? 'tool-calls' : 'stop',
            ...(script.usage !== undefined ? { usage: script.usage } : {}),
            ...(script.providerState !== undefined ? { providerState: script.providerState } : {}),
          };
        } finally {
          record.ended = true;
          signal?.removeEventListener('abort', onAbort);
        }
      }
      return run();
    },
  };
}
