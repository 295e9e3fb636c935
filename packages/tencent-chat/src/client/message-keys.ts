import { randomUint32 } from '../internal/random.ts';

/**
 * The dedupe keys of one logical message: chosen once, then sent with every attempt and every
 * re-send of that message, by any layer, so Tencent drops the copies. Tencent's dedupe also
 * compares the content: a message must be re-sent with the same body to be recognised.
 *
 * - C2C (`sendmsg`, `send_c2c_stream_msg`): sender + `MsgSeq` + `MsgRandom` + content, 120 s.
 * - Group (`send_group_msg`, `send_group_stream_msg`): `Random` + content, 5 minutes.
 *
 * @see https://cloud.tencent.com/document/product/269/2282
 * @see https://cloud.tencent.com/document/product/269/1629
 */
export interface MessageKeys {
  /** C2C `MsgSeq` (see {@link replySequence}); unused by group messages. */
  sequence: number;
  /** `MsgRandom` (C2C) or `Random` (group): a random unsigned 32-bit integer. */
  random: number;
}

/**
 * The lowest `MsgSeq` imbridge gives a C2C message: the top 1000 values of the unsigned 32-bit
 * range (4_294_966_296 to 4_294_967_295).
 */
export const REPLY_SEQUENCE_BASE = 4_294_966_296;

/**
 * The `MsgSeq` of a C2C message created at `nowMs`: {@link REPLY_SEQUENCE_BASE} plus the
 * milliseconds of that time within its second (0–999).
 *
 * Why: Tencent orders a C2C history by `MsgTime` (seconds), then by `MsgSeq`, and `MsgSeq` is
 * the sender's choice (it may repeat; Tencent fills in a random one when it is missing). A
 * random value would show a reply stored in the same second as the user's question above the
 * question about half of the time. Clients number their messages far below this range (the
 * chance that a random client value lands in the top 1000 is 1 in 4 million), so the bot's
 * message sorts after the question it answers; and the bot's own messages of one second (a
 * reply, its follow-ups, an error message) sort in the order they were created. The value is
 * fixed when the message is created, so every re-send of it carries the same dedupe key.
 *
 * @example
 * ```ts
 * replySequence(1_700_000_000_123); // 4_294_966_419
 * ```
 * @see https://cloud.tencent.com/document/product/269/2282
 */
export function replySequence(nowMs: number = Date.now()): number {
  return REPLY_SEQUENCE_BASE + (Math.floor(nowMs) % 1000);
}

/**
 * New dedupe keys for one logical message: `sequence` from {@link replySequence}, a random
 * `random`. Choose them once per message, never per attempt.
 *
 * @example
 * ```ts
 * const keys = newMessageKeys();
 * await client.sendC2CMessage({ toUserId: 'alice', elements, ...keys });
 * ```
 */
export function newMessageKeys(nowMs: number = Date.now()): MessageKeys {
  return { sequence: replySequence(nowMs), random: randomUint32() };
}
