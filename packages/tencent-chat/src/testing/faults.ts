/**
 * Fault injection of the local Tencent Cloud Chat: queued failures per API that
 * `failNext` adds and the REST dispatcher takes, after the URL and UserSig checks.
 *
 * @module
 */

/** One queued failure of an API. */
export interface Fault {
  /** `ErrorCode` to answer (and to record). */
  errorCode: number;
  /** Calls this failure still applies to. */
  remaining: number;
  /** Answer this HTTP status with a text body instead of a JSON envelope. */
  httpStatus?: number | undefined;
}

/** Queued failures per API (`{service}/{command}`), applied in the order they were added. */
export interface FaultQueue {
  /** Makes the next `times` calls of `api` fail (nothing when `times < 1`). */
  add(
    api: string,
    fault: { errorCode: number; times: number; httpStatus?: number | undefined },
  ): void;
  /** The failure for this call of `api`, if one is queued; uses it up. */
  take(api: string): Fault | undefined;
}

/** Creates an empty {@link FaultQueue}. */
export function createFaultQueue(): FaultQueue {
  const faults = new Map<string, Fault[]>();
  return {
    add: (api, { errorCode, times, httpStatus }) => {
      if (times < 1) return;
      const queue = faults.get(api) ?? [];
      queue.push({ errorCode, remaining: times, httpStatus });
      faults.set(api, queue);
    },
    take: (api) => {
      const queue = faults.get(api);
      const fault = queue?.[0];
      if (queue === undefined || fault === undefined) return undefined;
      fault.remaining -= 1;
      if (fault.remaining <= 0) queue.shift();
      return fault;
    },
  };
}
