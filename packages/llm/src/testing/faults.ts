/**
 * Fault injection of the local Dify: failures queued per route by `failNext`, taken by the
 * request handlers after the API key check.
 *
 * @module
 */
import { checkInteger, checkNonEmptyString, checkOneOf, optionError } from '@imbridge/core';
import { LOCAL_DIFY_ROUTES, type LocalDifyFault, type LocalDifyRoute } from './types.ts';

/** A queued failure, checked and with its defaults applied. */
export type Fault =
  | { type: 'http'; status: number; code: string; message: string }
  | { type: 'mid-stream'; afterChunks: number; status: number; code: string; message: string }
  | { type: 'reset' };

/** Queued failures per route, applied in the order they were added. */
export interface FaultQueue {
  /** Queues `fault` for the next `times` requests of `route`. */
  add(route: LocalDifyRoute, fault: LocalDifyFault, times: number | undefined): void;
  /** The failure for the next request of `route`, if one is queued; uses it up. */
  take(route: LocalDifyRoute, accept?: (fault: Fault) => boolean): Fault | undefined;
}

const OWNER = 'LocalDify.failNext';

function checkFault(route: LocalDifyRoute, fault: LocalDifyFault): Fault {
  if ('reset' in fault && fault.reset === true) return { type: 'reset' };
  if ('midStream' in fault && fault.midStream === true) {
    if (route.endsWith('/stop')) {
      throw optionError({ owner: OWNER, name: 'fault' }, 'an HTTP failure or a reset', 'midStream');
    }
    return {
      type: 'mid-stream',
      afterChunks: checkInteger(
        fault.afterChunks ?? 1,
        { owner: OWNER, name: 'fault.afterChunks' },
        { min: 0 },
      ),
      status: checkInteger(
        fault.status ?? 400,
        { owner: OWNER, name: 'fault.status' },
        { min: 100, max: 599 },
      ),
      code: checkNonEmptyString(fault.code ?? 'completion_request_error', {
        owner: OWNER,
        name: 'fault.code',
      }),
      message: fault.message ?? '[local-dify] Error: injected mid-stream failure',
    };
  }
  if ('status' in fault) {
    return {
      type: 'http',
      status: checkInteger(
        fault.status,
        { owner: OWNER, name: 'fault.status' },
        { min: 400, max: 599 },
      ),
      code: checkNonEmptyString(fault.code, { owner: OWNER, name: 'fault.code' }),
      message: typeof fault.message === 'string' ? fault.message : '',
    };
  }
  throw optionError(
    { owner: OWNER, name: 'fault' },
    '{ status, code, message }, { midStream: true } or { reset: true }',
    fault,
  );
}

/** Creates an empty {@link FaultQueue}. */
export function createFaultQueue(): FaultQueue {
  const queues = new Map<LocalDifyRoute, Array<{ fault: Fault; remaining: number }>>();
  return {
    add: (route, fault, times) => {
      checkOneOf(route, { owner: OWNER, name: 'route' }, LOCAL_DIFY_ROUTES);
      const count = checkInteger(times ?? 1, { owner: OWNER, name: 'times' }, { min: 1 });
      const queue = queues.get(route) ?? [];
      queue.push({ fault: checkFault(route, fault), remaining: count });
      queues.set(route, queue);
    },
    take: (route, accept = () => true) => {
      const queue = queues.get(route);
      const first = queue?.[0];
      if (queue === undefined || first === undefined || !accept(first.fault)) return undefined;
      first.remaining -= 1;
      if (first.remaining <= 0) queue.shift();
      return first.fault;
    },
  };
}
