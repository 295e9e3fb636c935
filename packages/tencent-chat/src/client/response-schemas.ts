/**
 * Zod schemas of the answers the client reads fields from, and the check that applies them.
 * Loaded with the first call that reads an answer ({@link loadResponseSchemas}), not at import:
 * building and sending a request needs none of this.
 *
 * @internal
 * @module
 */
import { APICallError, ValidationError } from '@imbridge/core';
import { z } from 'zod';

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

/** `group_msg_recall` answer. */
export const recallSchema = z.looseObject({
  RecallRetList: z
    .array(z.looseObject({ MsgSeq: z.number(), RetCode: z.number().nullish() }))
    .nullish(),
});

/** `get_all_robots` answer. */
export const robotListSchema = z.looseObject({ Robot_Account: z.array(z.string()).nullish() });

/** Robot `send_stream_msg` answer. */
export const robotStreamSchema = z.looseObject({ MsgKey: z.string().nullish() });

/** `friend_add` answer. */
export const friendAddSchema = z.looseObject({
  ResultItem: z
    .array(
      z.looseObject({
        To_Account: z.string(),
        ResultCode: z.number().nullish(),
        ResultInfo: z.string().nullish(),
      }),
    )
    .nullish(),
  Fail_Account: z.array(z.string()).nullish(),
});
