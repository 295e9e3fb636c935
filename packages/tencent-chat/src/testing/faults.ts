/**
 * Fault injection of the local Tencent Cloud Chat: queued failures per API that
 * `failNext` adds and the REST dispatcher takes, after the URL and UserSig checks.
 *
 * @module
 */

/** One queued failure of an API. */
export interface Fault {
  /** `ErrorCode` to answer (and to record); 0 answers what the call itself answered. */
  errorCode: number;
  /** Calls this failure still applies to. */
  remaining: number;
  /** Answer this HTTP status with a text body instead of a JSON envelope. */
  httpStatus: number | undefined;
  /** `'store'`: the call is processed (and stored) first; the fault replaces its answer. */
  after: 'store' | undefined;
  /** Close the connection without an answer. */
  reset: boolean;
  /** Hold the answer (or the reset) this long, in milliseconds. */
  delayMs: number;
  /** The failure ends at this time (milliseconds since the epoch), calls left or not. */
  untilMs: number | undefined;
}

/** What {@link FaultQueue.add} takes. */
export type NewFault = Omit<Fault, 'remaining'> & { times: number };

/** Queued failures per API (`{service}/{command}`), applied in the order they were added. */
export interface FaultQueue {
  /** Makes the next `times` calls of `api` fail (nothing when `times < 1`). */
  add(api: string, fault: NewFault): void;
  /** The failure for a call of `api` at `atMs`, if one is queued; uses it up. */
  take(api: string, atMs: number): Fault | undefined;
}

/** Creates an empty {@link FaultQueue}. */
export function createFaultQueue(): FaultQueue {
  const faults = new Map<string, Fault[]>();
  return {
    add: (api, { times, ...fault }) => {
      if (times < 1) return;
      const queue = faults.get(api) ?? [];
      queue.push({ ...fault, remaining: times });
      faults.set(api, queue);
    },
    take: (api, atMs) => {
      const queue = faults.get(api);
      if (queue === undefined) return undefined;
      // A failure whose time is up is over, even with calls left.
      while (queue[0] !== undefined && queue[0].untilMs !== undefined && atMs >= queue[0].untilMs) {
        queue.shift();
      }
      const fault = queue[0];
      if (fault === undefined) return undefined;
      fault.remaining -= 1;
      if (fault.remaining <= 0) queue.shift();
      return fault;
    },
  };
}
