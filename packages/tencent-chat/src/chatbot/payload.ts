import { utf8ByteLength, ValidationError } from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';
import { type CustomElement, toWireMessageBody } from '../messages/elements.ts';

/**
 * The `src` values of the `chatbotPlugin: 2` custom-message protocol.
 *
 * - `stream` (2): bot → user, a streaming reply (`chunks`, `isFinished`).
 * - `interrupt` (22): user → bot, stop generating the message identified by `msgKey`.
 * - `error` (23): bot → user, an error shown instead of a reply (`errorInfo`).
 *
 * @see https://cloud.tencent.com/document/product/269/122036
 */
export const CHATBOT_SOURCE = { stream: 2, interrupt: 22, error: 23 } as const;

/** One of the {@link CHATBOT_SOURCE} values. */
export type ChatbotSource = (typeof CHATBOT_SOURCE)[keyof typeof CHATBOT_SOURCE];

/** The `chatbotPlugin` protocol version implemented here. */
export const CHATBOT_PLUGIN_VERSION = 2;

/**
 * A streaming reply (`src: 2`). Chunks are cumulative: every update carries the whole list, and
 * clients display `chunks.join('')`.
 */
export interface ChatbotStreamPayload {
  /** Discriminant. */
  kind: 'stream';
  /** The reply so far, as a list of text pieces (cumulative, not deltas). */
  chunks: string[];
  /** True on the last update of the message. */
  isFinished: boolean;
  /**
   * Placeholder shown while no text has arrived yet (a timbot extension; meaningful only when
   * `chunks` is empty and the reply is not finished).
   */
  typingText?: string;
}

/** A user's request to stop generating a bot message (`src: 22`). */
export interface ChatbotInterruptPayload {
  /** Discriminant. */
  kind: 'interrupt';
  /** Key of the bot message being generated, `<seq>_<random>_<timeSeconds>` (see {@link parseMsgKey}). */
  msgKey: string;
}

/** An error shown to the user in place of a reply (`src: 23`). */
export interface ChatbotErrorPayload {
  /** Discriminant. */
  kind: 'error';
  /** Text shown to the user. */
  errorInfo: string;
}

/**
 * A message of the Tencent Cloud Chat AI-chatbot protocol (`chatbotPlugin: 2`), carried as the
 * `Data` JSON string of a `TIMCustomElem`.
 *
 * @see https://cloud.tencent.com/document/product/269/122036
 */
export type ChatbotPayload = ChatbotStreamPayload | ChatbotInterruptPayload | ChatbotErrorPayload;

/**
 * Encodes a chatbot payload as the `Data` string of a `TIMCustomElem`.
 *
 * @example
 * ```ts
 * encodeChatbotPayload({ kind: 'stream', chunks: ['Hel', 'lo'], isFinished: false });
 * // '{"chatbotPlugin":2,"src":2,"chunks":["Hel","lo"],"isFinished":0}'
 * ```
 * @see https://cloud.tencent.com/document/product/269/122036
 */
export function encodeChatbotPayload(payload: ChatbotPayload): string {
  switch (payload.kind) {
    case 'stream':
      return JSON.stringify({
        chatbotPlugin: CHATBOT_PLUGIN_VERSION,
        src: CHATBOT_SOURCE.stream,
        chunks: payload.chunks,
        isFinished: payload.isFinished ? 1 : 0,
        ...(payload.typingText !== undefined ? { typingText: payload.typingText } : {}),
      });
    case 'interrupt':
      return JSON.stringify({
        chatbotPlugin: CHATBOT_PLUGIN_VERSION,
        src: CHATBOT_SOURCE.interrupt,
        msgKey: payload.msgKey,
      });
    case 'error':
      return JSON.stringify({
        chatbotPlugin: CHATBOT_PLUGIN_VERSION,
        src: CHATBOT_SOURCE.error,
        errorInfo: payload.errorInfo,
        isFinished: 1,
      });
  }
}

function parseJson(data: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(data) };
  } catch {
    return { ok: false };
  }
}

// The protocol's objects are small and flat: checked by hand, so decoding (sync, on every
// inbound custom message) needs no schema library.

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** `isFinished` as clients send it: 0/1, a boolean, or absent (null or missing means finished). */
function isFinishedFlag(value: unknown): value is 0 | 1 | boolean | null | undefined {
  return (
    value === undefined ||
    value === null ||
    value === 0 ||
    value === 1 ||
    typeof value === 'boolean'
  );
}

function decodeFields(
  json: Readonly<Record<string, unknown>>,
  source: number,
): ChatbotPayload | undefined {
  switch (source) {
    case CHATBOT_SOURCE.stream: {
      const { chunks, isFinished, typingText } = json;
      if (!isStringArray(chunks) || !isFinishedFlag(isFinished)) return undefined;
      return {
        kind: 'stream',
        chunks,
        isFinished:
          isFinished === undefined ||
          isFinished === null ||
          isFinished === 1 ||
          isFinished === true,
        ...(typeof typingText === 'string' ? { typingText } : {}),
      };
    }
    case CHATBOT_SOURCE.interrupt: {
      const { msgKey } = json;
      return typeof msgKey === 'string' && msgKey.length > 0
        ? { kind: 'interrupt', msgKey }
        : undefined;
    }
    case CHATBOT_SOURCE.error: {
      const { errorInfo } = json;
      return typeof errorInfo === 'string' ? { kind: 'error', errorInfo } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Decodes the `Data` string of a `TIMCustomElem` as a chatbot payload. Never throws.
 *
 * A stream payload without `isFinished` is finished (as official clients read it); a
 * `typingText` that is not a string is dropped.
 *
 * @returns The payload, or `undefined` when `data` is not JSON, not `chatbotPlugin: 2`, has an
 * unknown `src`, or lacks the fields its `src` requires (e.g. non-string chunks).
 * @see https://cloud.tencent.com/document/product/269/122036
 */
export function decodeChatbotPayload(data: string): ChatbotPayload | undefined {
  if (typeof data !== 'string') return undefined;
  const json = parseJson(data);
  if (!json.ok || !isRecord(json.value)) return undefined;
  const { chatbotPlugin, src } = json.value;
  if (chatbotPlugin !== CHATBOT_PLUGIN_VERSION || typeof src !== 'number') return undefined;
  return decodeFields(json.value, src);
}

/** Options of {@link chatbotCustomElement} and {@link chatbotPayloadBytes}. */
export interface ChatbotElementOptions {
  /** Push text of the custom element (`Desc`). */
  description?: string | undefined;
  /** Extension string of the custom element (`Ext`). */
  extension?: string | undefined;
}

/**
 * Wraps a chatbot payload in the custom message element that carries it.
 *
 * @example
 * ```ts
 * const body = toWireMessageBody([chatbotCustomElement({ kind: 'error', errorInfo: 'Busy' })]);
 * ```
 */
export function chatbotCustomElement(
  payload: ChatbotPayload,
  options: ChatbotElementOptions = {},
): CustomElement {
  return {
    type: 'custom',
    data: encodeChatbotPayload(payload),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.extension !== undefined ? { extension: options.extension } : {}),
  };
}

/**
 * The UTF-8 size in bytes of the whole `MsgBody` a payload produces, measured as Tencent's
 * message size limit is commonly measured: bytes of `JSON.stringify(MsgBody)`. `Data` is a JSON
 * string inside JSON, so quotes, backslashes and control characters in the text count twice or
 * more; use this (not the text length) to keep a streamed reply under the ~12 KB message cap.
 *
 * @example
 * ```ts
 * const bytes = chatbotPayloadBytes({ kind: 'stream', chunks: [text], isFinished: false });
 * if (bytes > 11 * 1024) startFollowUpMessage();
 * ```
 */
export function chatbotPayloadBytes(
  payload: ChatbotPayload,
  options: ChatbotElementOptions = {},
): number {
  return utf8ByteLength(
    JSON.stringify(toWireMessageBody([chatbotCustomElement(payload, options)])),
  );
}

/** The parts of a C2C message key (`MsgKey`): all unsigned 32-bit integers. */
export interface MsgKeyParts {
  /** `MsgSeq`. */
  sequence: number;
  /** `MsgRandom`. */
  random: number;
  /** `MsgTime`, unix seconds. */
  timeSeconds: number;
}

const UINT32_MAX = 4_294_967_295;

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX;
}

/**
 * Formats a message key as Tencent does: `<MsgSeq>_<MsgRandom>_<MsgTime>`.
 *
 * @throws {ValidationError} when a part is not an unsigned 32-bit integer.
 * @example
 * ```ts
 * formatMsgKey({ sequence: 48374, random: 2837546, timeSeconds: 1557481126 });
 * // '48374_2837546_1557481126'
 * ```
 * @see https://cloud.tencent.com/document/product/269/2282
 */
export function formatMsgKey(parts: MsgKeyParts): string {
  const issues = (['sequence', 'random', 'timeSeconds'] as const)
    .filter((name) => !isUint32(parts[name]))
    .map((name) => ({ path: [name], message: 'Expected an unsigned 32-bit integer' }));
  if (issues.length > 0) {
    throw new ValidationError({ message: 'Invalid message key parts', issues });
  }
  return `${parts.sequence}_${parts.random}_${parts.timeSeconds}`;
}

const MSG_KEY_PATTERN = /^(0|[1-9]\d{0,9})_(0|[1-9]\d{0,9})_(0|[1-9]\d{0,9})$/;

/**
 * Parses a message key (`<MsgSeq>_<MsgRandom>_<MsgTime>`). Only canonical decimals (no sign,
 * no leading zeros) within the unsigned 32-bit range are accepted, so
 * `formatMsgKey(parseMsgKey(key))` gives `key` back.
 *
 * @returns The parts, or `undefined` when `key` is not a well-formed message key.
 * @see https://cloud.tencent.com/document/product/269/2282
 */
export function parseMsgKey(key: string): MsgKeyParts | undefined {
  if (typeof key !== 'string') return undefined;
  const match = MSG_KEY_PATTERN.exec(key);
  if (match === null) return undefined;
  const sequence = Number(match[1]);
  const random = Number(match[2]);
  const timeSeconds = Number(match[3]);
  if (!isUint32(sequence) || !isUint32(random) || !isUint32(timeSeconds)) return undefined;
  return { sequence, random, timeSeconds };
}
