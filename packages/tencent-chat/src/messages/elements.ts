import { isRecord } from '@imbridge/provider-utils';

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

/**
 * A `MsgBody` item as received (webhooks, history), after the lenient shape check of the webhook
 * schemas: a `MsgType` and, when present, an object `MsgContent`.
 */
export interface ReceivedWireMessageElement {
  /** Vendor element type. */
  MsgType: string;
  /** Vendor element content; missing or `null` reads as `{}`. */
  MsgContent?: Record<string, unknown> | null | undefined;
}

// Element contents are checked by hand: `fromWireMessageBody` is synchronous and runs on every
// inbound message, so it needs no schema library.

/** An optional string field: absent, `null`, or a string. */
function isOptionalString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

function toStreamChunk(value: unknown): StreamChunk | undefined {
  if (!isRecord(value)) return undefined;
  const { Index, Markdown, IsLast } = value;
  if (typeof Index !== 'number' || !Number.isFinite(Index) || !isOptionalString(Markdown)) {
    return undefined;
  }
  if (
    IsLast !== undefined &&
    IsLast !== null &&
    typeof IsLast !== 'boolean' &&
    (typeof IsLast !== 'number' || !Number.isFinite(IsLast))
  ) {
    return undefined;
  }
  return { index: Index, markdown: Markdown ?? '', isLast: IsLast === true || IsLast === 1 };
}

function toCustomElement(content: Readonly<Record<string, unknown>>): CustomElement | undefined {
  const { Data, Desc, Ext, Sound } = content;
  if (
    !isOptionalString(Data) ||
    !isOptionalString(Desc) ||
    !isOptionalString(Ext) ||
    !isOptionalString(Sound)
  ) {
    return undefined;
  }
  return {
    type: 'custom',
    data: Data ?? '',
    ...(Desc != null ? { description: Desc } : {}),
    ...(Ext != null ? { extension: Ext } : {}),
    ...(Sound != null ? { sound: Sound } : {}),
  };
}

function toStreamElement(content: Readonly<Record<string, unknown>>): StreamElement | undefined {
  const { CompatibleText, StreamMsgID, Chunks } = content;
  if (!isOptionalString(CompatibleText) || !isOptionalString(StreamMsgID)) return undefined;
  const chunks: StreamChunk[] = [];
  if (Chunks !== undefined && Chunks !== null) {
    if (!Array.isArray(Chunks)) return undefined;
    for (const item of Chunks) {
      const chunk = toStreamChunk(item);
      if (chunk === undefined) return undefined;
      chunks.push(chunk);
    }
  }
  return {
    type: 'stream',
    compatibleText: CompatibleText ?? '',
    chunks,
    ...(StreamMsgID != null ? { streamMessageId: StreamMsgID } : {}),
  };
}

/** A text, custom or stream element, or undefined for any other type or a malformed content. */
function toKnownElement(messageType: string, content: unknown): MessageElement | undefined {
  if (!isRecord(content)) return undefined;
  switch (messageType) {
    case 'TIMTextElem':
      return typeof content.Text === 'string' ? { type: 'text', text: content.Text } : undefined;
    case 'TIMCustomElem':
      return toCustomElement(content);
    case 'TIMStreamElem':
      return toStreamElement(content);
    default:
      return undefined;
  }
}

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
  body: ReadonlyArray<ReceivedWireMessageElement>,
): MessageElement[] {
  return body.map((item): MessageElement => {
    const content = item.MsgContent ?? {};
    return (
      toKnownElement(item.MsgType, content) ?? {
        type: 'other',
        messageType: item.MsgType,
        content,
      }
    );
  });
}

/** The plain text of a message: its text elements joined (other elements are skipped). */
export function textOfElements(elements: ReadonlyArray<MessageElement>): string {
  let text = '';
  for (const element of elements) if (element.type === 'text') text += element.text;
  return text;
}
