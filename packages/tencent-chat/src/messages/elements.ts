import { z } from 'zod';

/** A text element (`TIMTextElem`). */
export interface TextElement {
  /** Discriminant. */
  type: 'text';
  /** The text (also used as the offline-push text). */
  text: string;
}

/** A custom element (`TIMCustomElem`); only one per message. */
export interface CustomElement {
  /** Discriminant. */
  type: 'custom';
  /** Payload (a JSON string for the chatbot protocol). */
  data: string;
  /** Push text. */
  description?: string | undefined;
  /** Extension string. */
  extension?: string | undefined;
  /** iOS notification sound. */
  sound?: string | undefined;
}

/** One chunk of a native stream message (`TIMStreamElem`). Chunks are deltas. */
export interface StreamChunk {
  /** 1-based, strictly increasing. */
  index: number;
  /** Markdown text of this delta. */
  markdown: string;
  /** True on the last chunk. */
  isLast: boolean;
}

/** A native stream element (`TIMStreamElem`). */
export interface StreamElement {
  /** Discriminant. */
  type: 'stream';
  /** Text shown by clients that do not render stream messages. */
  compatibleText: string;
  /** Delta chunks sent with this call. */
  chunks: StreamChunk[];
  /** Stream id returned by the first call; echoed on continuations. */
  streamMessageId?: string | undefined;
}

/** An element imbridge does not model (image, sound, file, face, location...); kept raw. */
export interface OtherElement {
  /** Discriminant. */
  type: 'other';
  /** The vendor `MsgType`, e.g. `TIMImageElem`. */
  messageType: string;
  /** The vendor `MsgContent`, unvalidated. */
  content: unknown;
}

/** A message element, in imbridge's own names. */
export type MessageElement = TextElement | CustomElement | StreamElement | OtherElement;

/** The wire form of one `MsgBody` item. */
export interface WireMessageElement {
  /** Vendor element type. */
  MsgType: string;
  /** Vendor element content. */
  MsgContent: Record<string, unknown>;
}

/** Lenient schema of a `MsgBody` item as received (webhooks, history). */
export const wireMessageElementSchema = z.object({
  MsgType: z.string(),
  MsgContent: z.record(z.string(), z.unknown()).nullish(),
});

const textContentSchema = z.object({ Text: z.string() });
const customContentSchema = z.object({
  Data: z.string().nullish(),
  Desc: z.string().nullish(),
  Ext: z.string().nullish(),
  Sound: z.string().nullish(),
});
const streamContentSchema = z.object({
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

/** Converts imbridge elements to the vendor's `MsgBody`. */
export function toWireMessageBody(elements: ReadonlyArray<MessageElement>): WireMessageElement[] {
  return elements.map((element): WireMessageElement => {
    switch (element.type) {
      case 'text':
        return { MsgType: 'TIMTextElem', MsgContent: { Text: element.text } };
      case 'custom':
        return {
          MsgType: 'TIMCustomElem',
          MsgContent: {
            Data: element.data,
            ...(element.description !== undefined ? { Desc: element.description } : {}),
            ...(element.extension !== undefined ? { Ext: element.extension } : {}),
            ...(element.sound !== undefined ? { Sound: element.sound } : {}),
          },
        };
      case 'stream':
        return {
          MsgType: 'TIMStreamElem',
          MsgContent: {
            CompatibleText: element.compatibleText,
            Chunks: element.chunks.map((chunk) => ({
              EventType: 'data',
              Index: chunk.index,
              Markdown: chunk.markdown,
              IsLast: chunk.isLast,
            })),
            ...(element.streamMessageId !== undefined
              ? { StreamMsgID: element.streamMessageId }
              : {}),
          },
        };
      default:
        return {
          MsgType: element.messageType,
          MsgContent:
            typeof element.content === 'object' && element.content !== null
              ? (element.content as Record<string, unknown>)
              : {},
        };
    }
  });
}

/**
 * Converts a vendor `MsgBody` (already shape-checked with the lenient `MsgBody` item schema) to
 * imbridge elements. Unknown or malformed elements become `other`, never a throw.
 */
export function fromWireMessageBody(
  body: ReadonlyArray<z.infer<typeof wireMessageElementSchema>>,
): MessageElement[] {
  return body.map((item): MessageElement => {
    const content = item.MsgContent ?? {};
    if (item.MsgType === 'TIMTextElem') {
      const parsed = textContentSchema.safeParse(content);
      if (parsed.success) return { type: 'text', text: parsed.data.Text };
    } else if (item.MsgType === 'TIMCustomElem') {
      const parsed = customContentSchema.safeParse(content);
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
      const parsed = streamContentSchema.safeParse(content);
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

/** The plain text of a message: its text elements joined (other elements are skipped). */
export function textOfElements(elements: ReadonlyArray<MessageElement>): string {
  let text = '';
  for (const element of elements) if (element.type === 'text') text += element.text;
  return text;
}
