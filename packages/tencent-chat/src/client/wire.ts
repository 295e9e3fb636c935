import { APICallError, ValidationError } from '@imbridge/core';
import { z } from 'zod';
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

/**
 * Checks a successful answer's fields (lenient: unknown fields pass). A missing field is the
 * vendor's fault: a non-retryable `server` error carrying the issues (never the body).
 */
export function parseResponse<T>(
  schema: z.ZodType<T>,
  body: Record<string, unknown>,
  api: string,
): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new APICallError({
      message: `Tencent Chat ${api} answered with an unexpected body`,
      provider: 'tencent-chat',
      kind: 'server',
      retryable: false,
      cause: new ValidationError({
        message: 'unexpected response',
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
          message: issue.message,
        })),
      }),
    });
  }
  return parsed.data;
}

/** Robot accounts are `@RBT#…`. */
export function requireRobotId(robotId: string): void {
  if (!robotId.startsWith('@RBT#')) {
    throw new ValidationError({ message: 'a robot id must start with @RBT#' });
  }
}

/** `sendmsg` answer. */
export const sendC2CSchema = z.looseObject({
  MsgTime: z.number(),
  MsgKey: z.string(),
  MsgId: z.string().nullish(),
});

/** `send_group_msg` answer. */
export const sendGroupSchema = z.looseObject({
  MsgTime: z.number(),
  MsgSeq: z.number(),
  MsgDropReason: z.string().nullish(),
});

/** Native stream message answer. */
export const streamSchema = z.looseObject({
  StreamMsgID: z.string(),
  MsgKey: z.string().nullish(),
  MsgSeq: z.number().nullish(),
});
