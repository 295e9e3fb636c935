import { IMBridgeError } from '../errors/errors.ts';
import type { StateAdapter } from '../spec/state-adapter.ts';

type Method = {
  [Name in keyof StateAdapter]: StateAdapter[Name] extends (...args: never[]) => unknown
    ? Name
    : never;
}[keyof StateAdapter];

const METHODS: readonly Method[] = [
  'get',
  'set',
  'delete',
  'setIfAbsent',
  'appendToList',
  'getList',
  'shiftFromList',
  'acquireLock',
  'extendLock',
  'releaseLock',
  'publish',
  'subscribe',
  'consumeRateLimit',
];

function timeoutError(method: string, timeoutMs: number): IMBridgeError {
  return new IMBridgeError({
    message: `State call ${method} timed out after ${timeoutMs} ms`,
    code: 'state-timeout',
  });
}

/**
 * Wraps a state adapter so that every call settles within `timeoutMs`: a call the store does
 * not answer rejects with an `IMBridgeError` of code `state-timeout` (the store's own promise is
 * left to settle on its own). A hung store then fails like a broken one, and the runtime's
 * recovery (retry timers, the turn record) takes over.
 */
export function withStateTimeouts(state: StateAdapter, timeoutMs: number): StateAdapter {
  const timed = {} as Record<Method, (...args: unknown[]) => Promise<unknown>>;
  for (const method of METHODS) {
    const call = (state[method] as (...args: unknown[]) => Promise<unknown>).bind(state);
    timed[method] = (...args) =>
      new Promise((resolve, reject) => {
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          reject(timeoutError(method, timeoutMs));
        }, timeoutMs);
        let pending: Promise<unknown>;
        try {
          pending = call(...args);
        } catch (error) {
          clearTimeout(timer);
          reject(error);
          return;
        }
        Promise.resolve(pending).then(
          (value) => {
            clearTimeout(timer);
            // A subscription that came after its timeout is not wanted any more: undo it.
            if (timedOut && method === 'subscribe' && typeof value === 'function') {
              const unsubscribe = value as () => Promise<void>;
              void Promise.resolve()
                .then(unsubscribe)
                .catch(() => undefined);
            }
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      });
  }
  return timed as unknown as StateAdapter;
}
