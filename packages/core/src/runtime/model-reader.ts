import { AbortedError, IMBridgeError, isAbortError } from '../errors/errors.ts';
import type {
  FinishEvent,
  LanguageModel,
  ModelEvent,
  ModelRequest,
  TextDeltaEvent,
  TextReplaceEvent,
} from '../spec/language-model.ts';

/** The events the reply cares about; reasoning is not shown. */
export type ReplyModelEvent = TextDeltaEvent | TextReplaceEvent | FinishEvent;

/**
 * Receives each event. Text events answer whether the reply is still open (`false` once it was
 * stopped at the size cap), synchronously when they can.
 */
export type ModelEventHandler = (event: ReplyModelEvent) => Promise<boolean> | boolean | undefined;

/** How reading a model call ended. */
export type ModelReadOutcome =
  | { kind: 'done'; finished: boolean }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: unknown };

/**
 * Reads one model call to its end. Every event passes through `onEvent`. The loop stops at once
 * on abort, without waiting for a model that ignores its signal. Timeouts are the model's own:
 * nothing here times a model out (an `error` event or a throw from the model ends the call).
 */
export async function readModel(
  model: LanguageModel,
  request: Omit<ModelRequest, 'signal'>,
  controller: AbortController,
  onEvent: ModelEventHandler,
): Promise<ModelReadOutcome> {
  const signal = controller.signal;
  // One listener per call; each step's promise is rejected through it on abort. (Racing every
  // step against one long-lived promise would pile up a reaction per chunk until the end.)
  let rejectStep: ((reason: unknown) => void) | undefined;
  const onAbort = (): void => rejectStep?.(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const nextStep = (source: AsyncIterator<ModelEvent>): Promise<IteratorResult<ModelEvent>> =>
    new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      rejectStep = reject;
      source.next().then(resolve, reject);
    });

  let iterator: AsyncIterator<ModelEvent> | undefined;
  try {
    iterator = model.stream({ ...request, signal })[Symbol.asyncIterator]();
    for (;;) {
      const step = await nextStep(iterator);
      rejectStep = undefined;
      if (step.done) return { kind: 'done', finished: false };
      const event = step.value;
      switch (event.type) {
        case 'text-delta':
        case 'text-replace': {
          if (event.type === 'text-delta' && event.text.length === 0) break;
          const pushed = onEvent(event);
          const open =
            pushed === true || pushed === undefined
              ? true
              : pushed === false
                ? false
                : await pushed;
          if (!open) {
            controller.abort(new AbortedError({ message: 'Reply stopped: too long' }));
            return { kind: 'stopped' };
          }
          break;
        }
        case 'finish':
          onEvent(event);
          return { kind: 'done', finished: true };
        case 'error':
          return { kind: 'failed', error: event.error };
        default:
          break;
      }
    }
  } catch (error) {
    if (signal.aborted) return { kind: 'failed', error: signal.reason ?? error };
    return { kind: 'failed', error: isAbortError(error) ? error : IMBridgeError.from(error) };
  } finally {
    rejectStep = undefined;
    signal.removeEventListener('abort', onAbort);
    if (iterator?.return !== undefined) {
      // Do not wait for a model that ignores its signal.
      void Promise.resolve()
        .then(() => iterator?.return?.())
        .catch(() => undefined);
    }
  }
}
