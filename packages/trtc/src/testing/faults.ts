/**
 * Fault injection of the local TRTC: queued failures per action that `failNext` adds and the
 * dispatcher takes, after the signature checks and before the call is processed.
 *
 * @module
 */
import type { LocalTRTCAction, LocalTRTCFault } from './types.ts';

/** Queued failures per action, applied in the order they were added. */
export interface FaultQueue {
  /** Makes the next `times` calls of `action` fail with `fault` (nothing when `times < 1`). */
  add(action: LocalTRTCAction, fault: LocalTRTCFault, times: number): void;
  /** The failure for a call of `action`, if one is queued; uses it up. */
  take(action: LocalTRTCAction): LocalTRTCFault | undefined;
}

/** Creates an empty {@link FaultQueue}. */
export function createFaultQueue(): FaultQueue {
  const queues = new Map<LocalTRTCAction, { fault: LocalTRTCFault; remaining: number }[]>();
  return {
    add: (action, fault, times) => {
      if (!Number.isInteger(times)) {
        throw new TypeError(`local-trtc: failNext times must be an integer, got ${times}`);
      }
      if (times < 1) return;
      const queue = queues.get(action) ?? [];
      queue.push({ fault: { ...fault }, remaining: times });
      queues.set(action, queue);
    },
    take: (action) => {
      const queue = queues.get(action);
      const first = queue?.[0];
      if (queue === undefined || first === undefined) return undefined;
      first.remaining -= 1;
      if (first.remaining <= 0) queue.shift();
      return first.fault;
    },
  };
}
