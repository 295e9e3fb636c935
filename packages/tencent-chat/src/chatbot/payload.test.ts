import { ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CHATBOT_SOURCE,
  type ChatbotPayload,
  chatbotCustomElement,
  chatbotPayloadBytes,
  decodeChatbotPayload,
  encodeChatbotPayload,
  formatMsgKey,
  parseMsgKey,
} from './payload.ts';

const payloadArbitrary: fc.Arbitrary<ChatbotPayload> = fc.oneof(
  fc
    .record(
      {
        chunks: fc.array(fc.string({ unit: 'binary' }), { maxLength: 8 }),
        isFinished: fc.boolean(),
        typingText: fc.string({ unit: 'binary' }),
      },
      { requiredKeys: ['chunks', 'isFinished'] },
    )
    .map((fields): ChatbotPayload => ({ kind: 'stream', ...fields })),
  fc
    .string({ unit: 'binary', minLength: 1 })
    .map((msgKey): ChatbotPayload => ({ kind: 'interrupt', msgKey })),
  fc.string({ unit: 'binary' }).map((errorInfo): ChatbotPayload => ({ kind: 'error', errorInfo })),
);

describe('CHATBOT_SOURCE', () => {
  it('holds the src values of the chatbotPlugin 2 protocol', () => {
    expect(CHATBOT_SOURCE).toEqual({ stream: 2, interrupt: 22, error: 23 });
  });
});

describe('encodeChatbotPayload', () => {
  it('encodes an unfinished stream update with cumulative chunks and isFinished 0', () => {
    expect(encodeChatbotPayload({ kind: 'stream', chunks: ['Hel', 'lo'], isFinished: false })).toBe(
      '{"chatbotPlugin":2,"src":2,"chunks":["Hel","lo"],"isFinished":0}',
    );
  });

  it('encodes the last stream update with isFinished 1', () => {
    expect(encodeChatbotPayload({ kind: 'stream', chunks: ['Done'], isFinished: true })).toBe(
      '{"chatbotPlugin":2,"src":2,"chunks":["Done"],"isFinished":1}',
    );
  });

  it('appends typingText after isFinished when given (timbot placeholder)', () => {
    expect(
      encodeChatbotPayload({
        kind: 'stream',
        chunks: [],
        isFinished: false,
        typingText: '正在思考中...',
      }),
    ).toBe('{"chatbotPlugin":2,"src":2,"chunks":[],"isFinished":0,"typingText":"正在思考中..."}');
  });

  it('encodes an interrupt as src 22 with the msgKey', () => {
    expect(encodeChatbotPayload({ kind: 'interrupt', msgKey: '48375_1181204215_1557481130' })).toBe(
      '{"chatbotPlugin":2,"src":22,"msgKey":"48375_1181204215_1557481130"}',
    );
  });

  it('encodes an error as src 23 with errorInfo and isFinished 1', () => {
    expect(encodeChatbotPayload({ kind: 'error', errorInfo: 'Model unavailable' })).toBe(
      '{"chatbotPlugin":2,"src":23,"errorInfo":"Model unavailable","isFinished":1}',
    );
  });
});

describe('decodeChatbotPayload', () => {
  it('decodes a stream update', () => {
    expect(
      decodeChatbotPayload('{"chatbotPlugin":2,"src":2,"chunks":["a","b"],"isFinished":0}'),
    ).toEqual({ kind: 'stream', chunks: ['a', 'b'], isFinished: false });
  });

  it('treats a stream payload without isFinished as finished', () => {
    expect(decodeChatbotPayload('{"chatbotPlugin":2,"src":2,"chunks":["a"]}')).toEqual({
      kind: 'stream',
      chunks: ['a'],
      isFinished: true,
    });
  });

  it('accepts boolean isFinished values', () => {
    expect(
      decodeChatbotPayload('{"chatbotPlugin":2,"src":2,"chunks":[],"isFinished":false}'),
    ).toMatchObject({ isFinished: false });
  });

  it('ignores unknown fields and drops a typingText that is not a string', () => {
    expect(
      decodeChatbotPayload(
        '{"chatbotPlugin":2,"src":2,"chunks":["x"],"isFinished":1,"typingText":5,"localPlaceholder":true}',
      ),
    ).toEqual({ kind: 'stream', chunks: ['x'], isFinished: true });
  });

  it('decodes the interrupt the official TUIKit sends', () => {
    expect(
      decodeChatbotPayload('{"chatbotPlugin":2,"src":22,"msgKey":"48375_1181204215_1557481130"}'),
    ).toEqual({ kind: 'interrupt', msgKey: '48375_1181204215_1557481130' });
  });

  it('decodes an error payload', () => {
    expect(
      decodeChatbotPayload('{"chatbotPlugin":2,"src":23,"errorInfo":"Busy","isFinished":1}'),
    ).toEqual({ kind: 'error', errorInfo: 'Busy' });
  });

  it.each([
    ['not JSON', 'hello'],
    ['JSON null', 'null'],
    ['a JSON array', '[2,2]'],
    ['the legacy chatbotPlugin 1', '{"chatbotPlugin":1,"src":2,"chunks":["a"],"isFinished":1}'],
    ['chatbotPlugin as a string', '{"chatbotPlugin":"2","src":2,"chunks":["a"]}'],
    ['an unknown src', '{"chatbotPlugin":2,"src":7,"chunks":["a"]}'],
    ['a src given as a string', '{"chatbotPlugin":2,"src":"2","chunks":["a"]}'],
    ['non-string chunks', '{"chatbotPlugin":2,"src":2,"chunks":["a",1],"isFinished":0}'],
    ['missing chunks', '{"chatbotPlugin":2,"src":2,"isFinished":0}'],
    ['an isFinished outside 0/1', '{"chatbotPlugin":2,"src":2,"chunks":[],"isFinished":2}'],
    ['an interrupt without msgKey', '{"chatbotPlugin":2,"src":22}'],
    ['an interrupt with an empty msgKey', '{"chatbotPlugin":2,"src":22,"msgKey":""}'],
    ['an error without errorInfo', '{"chatbotPlugin":2,"src":23,"isFinished":1}'],
  ])('returns undefined for %s', (_name, data) => {
    expect(decodeChatbotPayload(data)).toBeUndefined();
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json()), (data) => {
        const decoded = decodeChatbotPayload(data);
        expect(decoded === undefined || typeof decoded.kind === 'string').toBe(true);
      }),
    );
  });

  it('never throws on near-miss payloads and returns only well-typed results', () => {
    const nearMiss = fc
      .record({
        chatbotPlugin: fc.constantFrom<unknown>(2, 1, '2', null),
        src: fc.constantFrom<unknown>(2, 22, 23, 7, '22'),
        chunks: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
        isFinished: fc.constantFrom<unknown>(0, 1, true, false, 2, '1', null, undefined),
        msgKey: fc.jsonValue(),
        errorInfo: fc.jsonValue(),
        typingText: fc.jsonValue(),
      })
      .map((record) => JSON.stringify(record));
    fc.assert(
      fc.property(nearMiss, (data) => {
        const decoded = decodeChatbotPayload(data);
        if (decoded === undefined) return;
        if (decoded.kind === 'stream') {
          expect(decoded.chunks.every((chunk) => typeof chunk === 'string')).toBe(true);
          expect(typeof decoded.isFinished).toBe('boolean');
        } else if (decoded.kind === 'interrupt') {
          expect(decoded.msgKey.length).toBeGreaterThan(0);
        } else {
          expect(typeof decoded.errorInfo).toBe('string');
        }
      }),
    );
  });

  it('accepts and rejects exactly what the zod schemas of the protocol did', () => {
    // The decoder once validated with these schemas; it now checks by hand (no zod at import).
    const envelope = z.object({ chatbotPlugin: z.literal(2), src: z.number() });
    const stream = z.object({
      chunks: z.array(z.string()),
      isFinished: z.union([z.literal(0), z.literal(1), z.boolean()]).nullish(),
      typingText: z.unknown().optional(),
    });
    const interrupt = z.object({ msgKey: z.string().min(1) });
    const error = z.object({ errorInfo: z.string() });
    const reference = (data: string): ChatbotPayload | undefined => {
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        return undefined;
      }
      const head = envelope.safeParse(json);
      if (!head.success) return undefined;
      if (head.data.src === 2) {
        const parsed = stream.safeParse(json);
        if (!parsed.success) return undefined;
        const { chunks, isFinished, typingText } = parsed.data;
        return {
          kind: 'stream',
          chunks,
          isFinished: isFinished == null || isFinished === 1 || isFinished === true,
          ...(typeof typingText === 'string' ? { typingText } : {}),
        };
      }
      if (head.data.src === 22) {
        const parsed = interrupt.safeParse(json);
        return parsed.success ? { kind: 'interrupt', msgKey: parsed.data.msgKey } : undefined;
      }
      if (head.data.src === 23) {
        const parsed = error.safeParse(json);
        return parsed.success ? { kind: 'error', errorInfo: parsed.data.errorInfo } : undefined;
      }
      return undefined;
    };
    const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });
    const candidate = fc.oneof(
      fc
        .record(
          {
            chatbotPlugin: fc.constantFrom<unknown>(2, 1, '2', null, [2]),
            src: fc.constantFrom<unknown>(2, 22, 23, 7, '22', null),
            chunks: fc.oneof(fc.array(fc.string()), fc.array(fc.jsonValue()), fc.jsonValue()),
            isFinished: fc.constantFrom<unknown>(0, 1, true, false, 2, '1', null, [], {}),
            msgKey: fc.oneof(fc.string(), fc.jsonValue()),
            errorInfo: fc.oneof(fc.string(), fc.jsonValue()),
            typingText: maybe(fc.jsonValue()),
          },
          { requiredKeys: [] },
        )
        .map((record) => JSON.stringify(record)),
      fc.json(),
      fc.array(fc.constantFrom(2, 22)).map((array) => JSON.stringify(array)),
    );
    fc.assert(
      fc.property(candidate, (data) => {
        expect(decodeChatbotPayload(data)).toEqual(reference(data));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips every payload kind through encodeChatbotPayload', () => {
    fc.assert(
      fc.property(payloadArbitrary, (payload) => {
        expect(decodeChatbotPayload(encodeChatbotPayload(payload))).toEqual(payload);
      }),
    );
  });
});

describe('chatbotCustomElement', () => {
  it('wraps the encoded payload in a custom element with optional push text', () => {
    expect(
      chatbotCustomElement({ kind: 'error', errorInfo: 'Busy' }, { description: '[AI reply]' }),
    ).toEqual({
      type: 'custom',
      data: '{"chatbotPlugin":2,"src":23,"errorInfo":"Busy","isFinished":1}',
      description: '[AI reply]',
    });
  });
});

describe('chatbotPayloadBytes', () => {
  const stream = (text: string): ChatbotPayload => ({
    kind: 'stream',
    chunks: [text],
    isFinished: false,
  });

  it('measures the UTF-8 bytes of JSON.stringify(MsgBody)', () => {
    const payload = stream('Hello, 世界 "quoted" \\ 🎉');
    const msgBody = [
      { MsgType: 'TIMCustomElem', MsgContent: { Data: encodeChatbotPayload(payload) } },
    ];
    expect(chatbotPayloadBytes(payload)).toBe(Buffer.byteLength(JSON.stringify(msgBody), 'utf8'));
  });

  it('counts a double quote as four bytes because Data is JSON inside JSON', () => {
    expect(chatbotPayloadBytes(stream('"')) - chatbotPayloadBytes(stream('a'))).toBe(3);
  });

  it('counts a CJK character as three bytes and an emoji as four', () => {
    expect(chatbotPayloadBytes(stream('你')) - chatbotPayloadBytes(stream(''))).toBe(3);
    expect(chatbotPayloadBytes(stream('🎉')) - chatbotPayloadBytes(stream(''))).toBe(4);
  });

  it('includes the push text of the element', () => {
    const payload = stream('a');
    expect(chatbotPayloadBytes(payload, { description: 'abc' })).toBeGreaterThan(
      chatbotPayloadBytes(payload) + 3,
    );
  });

  it('agrees with Buffer.byteLength for arbitrary payloads', () => {
    fc.assert(
      fc.property(payloadArbitrary, (payload) => {
        const msgBody = [
          { MsgType: 'TIMCustomElem', MsgContent: { Data: encodeChatbotPayload(payload) } },
        ];
        expect(chatbotPayloadBytes(payload)).toBe(
          Buffer.byteLength(JSON.stringify(msgBody), 'utf8'),
        );
      }),
    );
  });
});

describe('formatMsgKey', () => {
  it('formats seq_random_time', () => {
    expect(formatMsgKey({ sequence: 48374, random: 2837546, timeSeconds: 1557481126 })).toBe(
      '48374_2837546_1557481126',
    );
  });

  it.each([
    { sequence: -1, random: 1, timeSeconds: 1 },
    { sequence: 1, random: 4294967296, timeSeconds: 1 },
    { sequence: 1, random: 1, timeSeconds: 1.5 },
    { sequence: Number.NaN, random: 1, timeSeconds: 1 },
  ])('throws a ValidationError for parts outside uint32: %o', (parts) => {
    expect(() => formatMsgKey(parts)).toThrow(ValidationError);
  });
});

describe('parseMsgKey', () => {
  it('parses a Tencent MsgKey', () => {
    expect(parseMsgKey('48374_2837546_1557481126')).toEqual({
      sequence: 48374,
      random: 2837546,
      timeSeconds: 1557481126,
    });
  });

  it('accepts the uint32 bounds', () => {
    expect(parseMsgKey('0_4294967295_0')).toEqual({
      sequence: 0,
      random: 4294967295,
      timeSeconds: 0,
    });
  });

  it.each([
    '',
    '1_2',
    '1_2_3_4',
    '-1_2_3',
    '+1_2_3',
    '4294967296_1_1',
    '1_99999999999_1',
    '01_2_3',
    '1.5_2_3',
    '1e3_2_3',
    ' 1_2_3',
    '1_2_3\n',
    '1__3',
    'a_b_c',
  ])('rejects %j', (key) => {
    expect(parseMsgKey(key)).toBeUndefined();
  });

  it('round-trips with formatMsgKey', () => {
    const uint32 = fc.integer({ min: 0, max: 4294967295 });
    fc.assert(
      fc.property(fc.record({ sequence: uint32, random: uint32, timeSeconds: uint32 }), (parts) => {
        const key = formatMsgKey(parts);
        expect(key).toBe(`${parts.sequence}_${parts.random}_${parts.timeSeconds}`);
        expect(parseMsgKey(key)).toEqual(parts);
      }),
    );
  });

  it('never throws, and what it accepts formats back to the same key', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc
            .tuple(fc.string({ unit: fc.constantFrom(...'0123456789-+.e ') }), fc.nat(), fc.nat())
            .map(([first, second, third]) => `${first}_${second}_${third}`),
        ),
        (key) => {
          const parts = parseMsgKey(key);
          if (parts !== undefined) expect(formatMsgKey(parts)).toBe(key);
        },
      ),
    );
  });
});
