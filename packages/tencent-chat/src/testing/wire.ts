/**
 * Wire-level helpers of the local Tencent Cloud Chat: reading vendor fields from a request body
 * and validating a `MsgBody` the way the REST message APIs do.
 *
 * @module
 */
import { utf8ByteLength } from '@imbridge/core';
import { z } from 'zod';
import {
  fromWireMessageBody,
  type MessageElement,
  type WireMessageElement,
} from '../messages/elements.ts';
import { LOCAL_TENCENT_CHAT_ERROR_CODES as CODES, fail } from './error-codes.ts';

/** A parsed JSON object: a REST request body or the extras of an answer. */
export type JsonObject = Record<string, unknown>;

/** Largest unsigned 32-bit integer (`MsgRandom`, `Random`, `MsgSeq`, URL `random`). */
export const UINT32_MAX = 4_294_967_295;

/** Any JSON object. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/** An unsigned 32-bit integer. */
export const uint32Schema = z.number().int().min(0).max(UINT32_MAX);

/** A non-empty `MsgBody`: `[{ MsgType, MsgContent }]`. */
export const wireBodySchema = z
  .array(z.object({ MsgType: z.string().min(1), MsgContent: jsonObjectSchema }))
  .min(1);

const KNOWN_ELEMENT_TYPES = new Set([
  'TIMTextElem',
  'TIMLocationElem',
  'TIMFaceElem',
  'TIMCustomElem',
  'TIMSoundElem',
  'TIMImageElem',
  'TIMFileElem',
  'TIMVideoFileElem',
  'TIMRelayElem',
]);

/** A non-empty string field of `body`, else `undefined`. */
export function readString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An unsigned 32-bit integer field of `body`, else `undefined`. */
export function readUint32(body: JsonObject, field: string): number | undefined {
  const parsed = uint32Schema.safeParse(body[field]);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Validates a `MsgBody` (known element types, string `Text` and `Data`, at most one
 * `TIMCustomElem`), answering `errorCode` when it is malformed.
 */
export function parseMessageBody(
  value: unknown,
  errorCode: number,
): { wire: WireMessageElement[]; elements: MessageElement[] } {
  const parsed = wireBodySchema.safeParse(value);
  if (!parsed.success) {
    fail(errorCode, 'MsgBody must be a non-empty array of {MsgType, MsgContent}');
  }
  let customCount = 0;
  for (const element of parsed.data) {
    if (!KNOWN_ELEMENT_TYPES.has(element.MsgType)) {
      fail(errorCode, `MsgBody: unsupported MsgType ${element.MsgType}`);
    }
    if (element.MsgType === 'TIMTextElem' && typeof element.MsgContent.Text !== 'string') {
      fail(errorCode, 'MsgBody: TIMTextElem needs a string Text');
    }
    if (element.MsgType === 'TIMCustomElem') {
      customCount += 1;
      const data = element.MsgContent.Data;
      if (data !== undefined && typeof data !== 'string') {
        fail(errorCode, 'MsgBody: TIMCustomElem Data must be a string');
      }
    }
  }
  if (customCount > 1) fail(errorCode, 'MsgBody: only one TIMCustomElem per message');
  return { wire: parsed.data, elements: fromWireMessageBody(parsed.data) };
}

/** Answers 80002 "msg too long" when `JSON.stringify(wire)` is over `limit` UTF-8 bytes. */
export function checkSize(wire: unknown, limit: number): void {
  const bytes = utf8ByteLength(JSON.stringify(wire));
  if (bytes > limit) {
    fail(CODES.messageTooLong, `msg too long: MsgBody is ${bytes} bytes, limit ${limit}`);
  }
}
