import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sendC2CSchema, sendGroupSchema } from './response-schemas.ts';
import { readSendC2CAnswer, readSendGroupAnswer } from './send-answers.ts';

/** Values a field may hold in a JSON answer, right or wrong. */
const anyValue = fc.oneof(
  fc.string(),
  fc.constant(''),
  fc.constant(null),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.jsonValue(),
);

function answer(fields: Record<string, fc.Arbitrary<unknown>>) {
  return fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
}

describe('hand-checked send answers', () => {
  it('sendmsg: accepts exactly what sendC2CSchema accepts, with the same fields', () => {
    fc.assert(
      fc.property(
        answer({
          MsgTime: fc.oneof(fc.integer({ min: 0 }), anyValue),
          MsgKey: fc.oneof(fc.string(), anyValue),
          MsgId: fc.oneof(fc.string(), fc.constant(undefined), anyValue),
          ActionStatus: fc.constant('OK'),
        }),
        (body) => {
          const parsed = sendC2CSchema.safeParse(body);
          const read = readSendC2CAnswer(body);
          expect(read !== undefined).toBe(parsed.success);
          if (parsed.success) {
            expect(read).toStrictEqual({
              msgKey: parsed.data.MsgKey,
              timeSeconds: parsed.data.MsgTime,
              ...(parsed.data.MsgId != null ? { messageId: parsed.data.MsgId } : {}),
            });
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('send_group_msg: accepts exactly what sendGroupSchema accepts, with the same fields', () => {
    fc.assert(
      fc.property(
        answer({
          MsgTime: fc.oneof(fc.integer({ min: 0 }), anyValue),
          MsgSeq: fc.oneof(fc.integer({ min: 0 }), anyValue),
          MsgDropReason: fc.oneof(fc.string(), fc.constant(undefined), anyValue),
        }),
        (body) => {
          const parsed = sendGroupSchema.safeParse(body);
          const read = readSendGroupAnswer(body);
          expect(read !== undefined).toBe(parsed.success);
          if (parsed.success) {
            expect(read).toStrictEqual({
              sequence: parsed.data.MsgSeq,
              timeSeconds: parsed.data.MsgTime,
              ...(parsed.data.MsgDropReason ? { dropReason: parsed.data.MsgDropReason } : {}),
            });
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('refuses the answers a schema refuses, e.g. a missing MsgKey or an infinite time', () => {
    expect(readSendC2CAnswer({ MsgTime: 1 })).toBeUndefined();
    expect(readSendC2CAnswer({ MsgTime: Number.POSITIVE_INFINITY, MsgKey: 'k' })).toBeUndefined();
    expect(readSendC2CAnswer({ MsgTime: 1, MsgKey: 'k', MsgId: 7 })).toBeUndefined();
    expect(readSendC2CAnswer({ MsgTime: 1, MsgKey: 'k', MsgId: null })).toStrictEqual({
      msgKey: 'k',
      timeSeconds: 1,
    });
    expect(readSendGroupAnswer({ MsgTime: 1, MsgSeq: '2' })).toBeUndefined();
  });
});
