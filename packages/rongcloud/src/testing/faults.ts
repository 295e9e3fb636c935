/**
 * Fault injection of the local RongCloud: queued failures per API (and optionally per host) that
 * `failNext` adds and the dispatcher takes, after the signature and content-type checks.
 *
 * @module
 */
import type { LocalRongCloudAPI } from './apis.ts';
import type { LocalHost } from './types.ts';

/** One queued failure of an API. */
export interface Fault {
  /** `code` to answer (and to record); 200 answers what the call itself answered. */
  code: number;
  /** Calls this failure still applies to. */
  remaining: number;
  /** Only calls to this host; `undefined`: either. */
  host: LocalHost | undefined;
  /** Answer this HTTP status with a text body instead of an envelope. */
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

/** Queued failures per API, applied in the order they were added. */
export interface FaultQueue {
  /** Makes the next `times` calls of `api` fail (nothing when `times < 1`). */
  add(api: LocalRongCloudAPI, fault: NewFault): void;
  /** The first failure queued for a call of `api` on `host` at `atMs`, if any; uses it up. */
  take(api: LocalRongCloudAPI, host: LocalHost, atMs: number): Fault | undefined;
}

/** Creates an empty {@link FaultQueue}. */
export function createFaultQueue(): FaultQueue {
  const faults = new Map<LocalRongCloudAPI, Fault[]>();
  return {
    add: (api, { times, ...fault }) => {
      if (times < 1) return;
      const queue = faults.get(api) ?? [];
      queue.push({ ...fault, remaining: times });
      faults.set(api, queue);
    },
    take: (api, host, atMs) => {
      // A failure whose time is up is over, even with calls left.
      const queue = (faults.get(api) ?? []).filter(
        (fault) => fault.untilMs === undefined || atMs < fault.untilMs,
      );
      faults.set(api, queue);
      const index = queue.findIndex((fault) => fault.host === undefined || fault.host === host);
      const fault = queue[index];
      if (fault === undefined) return undefined;
      fault.remaining -= 1;
      if (fault.remaining <= 0) queue.splice(index, 1);
      return fault;
    },
  };
}
