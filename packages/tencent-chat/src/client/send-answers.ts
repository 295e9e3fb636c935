/**
 * The answers every reply reads, checked by hand: `sendmsg` and `send_group_msg`. They accept
 * exactly what `sendC2CSchema` and `sendGroupSchema` accept (property-tested against them), so a
 * reply never loads zod (issue 11); any other answer goes to the schema, for its typed error.
 *
 * @internal
 * @module
 */
import type { SendC2CMessageResult, SendGroupMessageResult } from './types.ts';

/** `null` or `undefined` (zod's `nullish`). */
function isNullish(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** What zod's `z.number()` accepts: a finite number. */
function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The result of a `sendmsg` answer that passes `sendC2CSchema`, else `undefined`. */
export function readSendC2CAnswer(body: Record<string, unknown>): SendC2CMessageResult | undefined {
  const { MsgTime: time, MsgKey: msgKey, MsgId: messageId } = body;
  if (!isNumber(time) || typeof msgKey !== 'string') return undefined;
  if (!isNullish(messageId) && typeof messageId !== 'string') return undefined;
  const result: SendC2CMessageResult = { msgKey, timeSeconds: time };
  if (!isNullish(messageId)) result.messageId = messageId;
  return result;
}

/** The result of a `send_group_msg` answer that passes `sendGroupSchema`, else `undefined`. */
export function readSendGroupAnswer(
  body: Record<string, unknown>,
): SendGroupMessageResult | undefined {
  const { MsgTime: time, MsgSeq: sequence, MsgDropReason: dropReason } = body;
  if (!isNumber(time) || !isNumber(sequence)) return undefined;
  if (!isNullish(dropReason) && typeof dropReason !== 'string') return undefined;
  const result: SendGroupMessageResult = { sequence, timeSeconds: time };
  if (typeof dropReason === 'string' && dropReason !== '') result.dropReason = dropReason;
  return result;
}
