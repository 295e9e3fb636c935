import { ValidationError } from '@imbridge/core';
import type { CallOptions } from './options.ts';
import type { ForbiddenCallback } from './types.ts';

/** The per-call settings of a method's options (signal, timeout, retries). */
export function callOptions(options: CallOptions): CallOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs, retry: options.retry };
}

/** `ForbidCallbackControl` values for the webhooks a message must not trigger. */
export function forbidList(forbid: ForbiddenCallback[] | undefined): string[] | undefined {
  if (forbid === undefined || forbid.length === 0) return undefined;
  return forbid.map((item) =>
    item === 'before-send' ? 'ForbidBeforeSendMsgCallback' : 'ForbidAfterSendMsgCallback',
  );
}

/** Robot accounts are `@RBT#…`. */
export function requireRobotId(robotId: string): void {
  if (!robotId.startsWith('@RBT#')) {
    throw new ValidationError({ message: 'a robot id must start with @RBT#' });
  }
}

/** The answer schemas (zod) and their check. */
export type ResponseSchemas = typeof import('./response-schemas.ts');

let loading: Promise<ResponseSchemas> | undefined;

/**
 * Loads the answer schemas once, with the first call that reads an answer; later calls get the
 * same promise. Call it before sending, so the first load overlaps the request. A failed load
 * is not kept (the next call tries again), and never surfaces as an unhandled rejection when the
 * request fails first.
 */
export function loadResponseSchemas(): Promise<ResponseSchemas> {
  if (loading === undefined) {
    const started = import('./response-schemas.ts');
    started.catch(() => {
      if (loading === started) loading = undefined;
    });
    loading = started;
  }
  return loading;
}
