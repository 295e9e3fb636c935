import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  fromWireMessageBody,
  type MessageElement,
  type ReceivedWireMessageElement,
  textOfElements,
  toWireMessageBody,
} from './elements.ts';

/** The zod schemas the element contents were once checked with, and the mapping built on them. */
function referenceFromWire(body: ReadonlyArray<ReceivedWireMessageElement>): MessageElement[] {
  const text = z.object({ Text: z.string() });
  const custom = z.object({
    Data: z.string().nullish(),
    Desc: z.string().nullish(),
    Ext: z.string().nullish(),
    Sound: z.string().nullish(),
  });
  const stream = z.object({
    CompatibleText: z.string().nullish(),
    StreamMsgID: z.string().nullish(),
    Chunks: z
      .array(
        z.object({
          Index: z.number(),
          Markdown: z.string().nullish(),
          IsLast: z.union([z.boolean(), z.number()]).nullish(),
        }),
      )
      .nullish(),
  });
  return body.map((item): MessageElement => {
    const content = item.MsgContent ?? {};
    if (item.MsgType === 'TIMTextElem') {
      const parsed = text.safeParse(content);
      if (parsed.success) return { type: 'text', text: parsed.data.Text };
    } else if (item.MsgType === 'TIMCustomElem') {
      const parsed = custom.safeParse(content);
      if (parsed.success) {
        return {
          type: 'custom',
          data: parsed.data.Data ?? '',
          ...(parsed.data.Desc != null ? { description: parsed.data.Desc } : {}),
          ...(parsed.data.Ext != null ? { extension: parsed.data.Ext } : {}),
          ...(parsed.data.Sound != null ? { sound: parsed.data.Sound } : {}),
        };
      }
    } else if (item.MsgType === 'TIMStreamElem') {
      const parsed = stream.safeParse(content);
      if (parsed.success) {
        return {
          type: 'stream',
          compatibleText: parsed.data.CompatibleText ?? '',
          chunks: (parsed.data.Chunks ?? []).map((chunk) => ({
            index: chunk.Index,
            markdown: chunk.Markdown ?? '',
            isLast: chunk.IsLast === true || chunk.IsLast === 1,
          })),
          ...(parsed.data.StreamMsgID != null ? { streamMessageId: parsed.data.StreamMsgID } : {}),
        };
      }
    }
    return { type: 'other', messageType: item.MsgType, content };
  });
}

const field = fc.oneof(fc.string(), fc.constant(null), fc.jsonValue());
const chunk = fc.oneof(
  fc.record(
    {
      Index: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
      Markdown: field,
      IsLast: fc.oneof(fc.boolean(), fc.integer(), fc.constant(null), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);
const content = fc.oneof(
  fc.record({ Text: field }, { requiredKeys: [] }),
  fc.record({ Data: field, Desc: field, Ext: field, Sound: field }, { requiredKeys: [] }),
  fc.record(
    {
      CompatibleText: field,
      StreamMsgID: field,
      Chunks: fc.oneof(fc.array(chunk, { maxLength: 4 }), fc.constant(null), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string(), fc.jsonValue()),
);
const element: fc.Arbitrary<ReceivedWireMessageElement> = fc.record(
  {
    MsgType: fc.constantFrom('TIMTextElem', 'TIMCustomElem', 'TIMStreamElem', 'TIMImageElem'),
    MsgContent: fc.oneof(content, fc.constant(null)),
  },
  { requiredKeys: ['MsgType'] },
);

describe('fromWireMessageBody', () => {
  it('reads text, custom and stream elements in imbridge names', () => {
    expect(
      fromWireMessageBody([
        { MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } },
        { MsgType: 'TIMCustomElem', MsgContent: { Data: '{}', Desc: 'push', Ext: null } },
        {
          MsgType: 'TIMStreamElem',
          MsgContent: {
            CompatibleText: 'Hello',
            StreamMsgID: 's-1',
            Chunks: [
              { Index: 1, Markdown: 'Hel', IsLast: 0 },
              { Index: 2, IsLast: 1 },
            ],
          },
        },
      ]),
    ).toEqual([
      { type: 'text', text: 'hi' },
      { type: 'custom', data: '{}', description: 'push' },
      {
        type: 'stream',
        compatibleText: 'Hello',
        streamMessageId: 's-1',
        chunks: [
          { index: 1, markdown: 'Hel', isLast: false },
          { index: 2, markdown: '', isLast: true },
        ],
      },
    ]);
  });

  it('keeps a malformed or unknown element as other, with its raw content', () => {
    expect(
      fromWireMessageBody([
        { MsgType: 'TIMTextElem', MsgContent: { Text: 42 } },
        { MsgType: 'TIMStreamElem', MsgContent: { Chunks: [{ Markdown: 'x' }] } },
        { MsgType: 'TIMFaceElem', MsgContent: null },
      ]),
    ).toEqual([
      { type: 'other', messageType: 'TIMTextElem', content: { Text: 42 } },
      { type: 'other', messageType: 'TIMStreamElem', content: { Chunks: [{ Markdown: 'x' }] } },
      { type: 'other', messageType: 'TIMFaceElem', content: {} },
    ]);
  });

  it('maps exactly as the element schemas it once validated with (zod) did', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 4 }), (body) => {
        expect(fromWireMessageBody(body)).toEqual(referenceFromWire(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back what toWireMessageBody writes', () => {
    const elements: MessageElement[] = [
      { type: 'text', text: 'a' },
      { type: 'custom', data: 'd', description: 'p', extension: 'e', sound: 's' },
      {
        type: 'stream',
        compatibleText: 'ab',
        chunks: [{ index: 1, markdown: 'ab', isLast: true }],
        streamMessageId: 'id',
      },
    ];
    expect(fromWireMessageBody(toWireMessageBody(elements))).toEqual(elements);
    expect(textOfElements(elements)).toBe('a');
  });
});
