/**
 * Stream messages (`RC:StreamMsg`) of the local RongCloud:
 * `/v3/message/private/publish_stream.json` and `/v3/message/group/publish_stream.json` (JSON).
 * Each call carries one chunk, `content: { content: delta, seq, complete, type?, messageUID? }`
 * — `content` a JSON object, at most 128 KB (UTF-8 bytes of its JSON) per call. The first chunk
 * (no `messageUID`) creates the message and answers its `messageUID`; every later chunk carries
 * it, with a `seq` greater than the last one; after a chunk with `complete: true` the stream
 * takes no more chunks.
 *
 * Emulator assumptions (RongCloud documents neither; the chunk protocol itself comes from four
 * independent community clients):
 * - the first chunk must have `seq` 1; later `seq`s must increase and may skip numbers;
 * - a chunk repeated with the same `seq`, `content` and `complete` as one already accepted is
 *   answered 200 with the `messageUID` and changes nothing — even after the stream completed —
 *   so a client may retry a chunk whose answer was lost (as the local Tencent Chat treats
 *   repeated stream chunks); a used `seq` with other content answers 1002;
 * - a first chunk sent again creates a second message: RongCloud documents no key to recognise
 *   it by;
 * - `objectName` is required and must be `RC:StreamMsg`; `complete` left out means `false`;
 * - any other rule violation (unknown `messageUID`, another conversation's stream, a recalled or
 *   completed stream, over 128 KB) answers 1002.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/message/send-private-stream
 */
import { utf8ByteLength } from '@imbridge/core';
import { type ApiHandlers, oneToken, requireGroup } from './api-common.ts';
import { failParameter } from './error-codes.ts';
import { type LocalRongCloudState, type StoredMessage, storeMessage } from './store.ts';
import type { LocalStreamState } from './stored-types.ts';
import {
  type JsonObject,
  optionalBoolean,
  optionalInteger,
  optionalText,
  requireObject,
  requireText,
} from './wire.ts';

/** Largest `content` of one call: 128 KB. */
export const MAX_STREAM_CALL_BYTES = 128 * 1024;

const STREAM_OBJECT_NAME = 'RC:StreamMsg';
const ID_LIMITS = { max: 64, unit: 'bytes' } as const;

/** One checked call (or one chunk RongCloud's own Dify integration sends as the bot). */
export interface StreamCall {
  fromUserId: string;
  /** `toUserId` (private) or `toGroupId` (group). */
  targetId: string;
  delta: string;
  seq: number;
  complete: boolean;
  type: string | undefined;
  messageUID: string | undefined;
  body: JsonObject;
}

/** Handlers of the two `publish_stream.json` APIs. */
export function streamHandlers(state: LocalRongCloudState): ApiHandlers {
  return [
    [
      '/v3/message/private/publish_stream.json',
      { format: 'json', prepare: (body) => prepareStream(state, body, 'private') },
    ],
    [
      '/v3/message/group/publish_stream.json',
      { format: 'json', prepare: (body) => prepareStream(state, body, 'group') },
    ],
  ];
}

function readCall(body: JsonObject, kind: 'private' | 'group'): StreamCall {
  const fromUserId = requireText(body.fromUserId, 'fromUserId', ID_LIMITS);
  const targetField = kind === 'private' ? 'toUserId' : 'toGroupId';
  const targetId = requireText(body[targetField], targetField, ID_LIMITS);
  const objectName = requireText(body.objectName, 'objectName', { max: 64 });
  if (objectName !== STREAM_OBJECT_NAME) {
    failParameter(`objectName must be ${STREAM_OBJECT_NAME}, received ${objectName}`);
  }
  const content = requireObject(body.content, 'content');
  const bytes = utf8ByteLength(JSON.stringify(content));
  if (bytes > MAX_STREAM_CALL_BYTES) {
    failParameter(`content must be at most ${MAX_STREAM_CALL_BYTES} bytes, received ${bytes}`);
  }
  const delta = content.content;
  if (typeof delta !== 'string') failParameter('content.content must be a string');
  const seq = optionalInteger(content.seq, 'content.seq', { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (seq === undefined) failParameter('content.seq is required');
  return {
    fromUserId,
    targetId,
    delta,
    seq,
    complete: optionalBoolean(content.complete, 'content.complete') ?? false,
    type: optionalText(content.type, 'content.type', { max: 64 }),
    messageUID: optionalText(content.messageUID, 'content.messageUID', { max: 64 }),
    body,
  };
}

function prepareStream(state: LocalRongCloudState, body: JsonObject, kind: 'private' | 'group') {
  const call = readCall(body, kind);
  if (call.messageUID === undefined && call.seq !== 1) {
    failParameter(`the first chunk (without messageUID) must have seq 1, received ${call.seq}`);
  }
  return oneToken(() => {
    const message =
      call.messageUID === undefined
        ? startStream(state, call, kind)
        : continueStream(state, call, kind, call.messageUID);
    return { messageUID: message.messageUID };
  });
}

/** What a receiving client sees: the text so far, `complete` and the first chunk's `type`. */
function receiverContent(stream: LocalStreamState, type: string | undefined): JsonObject {
  return {
    content: stream.text,
    complete: stream.complete,
    ...(type !== undefined ? { type } : {}),
  };
}

/**
 * Creates the stream message of a first chunk. `origin` `'dify'` is a reply of RongCloud's own
 * Dify integration: it has no message-level wire body (no client call created it).
 */
export function startStream(
  state: LocalRongCloudState,
  call: StreamCall,
  kind: 'private' | 'group',
  origin: 'api' | 'dify' = 'api',
): StoredMessage {
  if (kind === 'group') requireGroup(state, call.targetId);
  const stream: LocalStreamState = {
    text: call.delta,
    chunkCount: 1,
    complete: call.complete,
    lastSeq: call.seq,
    chunks: [chunkOf(state, call)],
  };
  const message = storeMessage(state, {
    fromUserId: call.fromUserId,
    ...(kind === 'private' ? { toUserId: call.targetId } : { groupId: call.targetId }),
    objectName: STREAM_OBJECT_NAME,
    content: receiverContent(stream, call.type),
    wireBody: origin === 'api' ? call.body : undefined,
    origin,
  });
  message.stream = stream;
  return message;
}

function chunkOf(state: LocalRongCloudState, call: StreamCall) {
  return {
    seq: call.seq,
    delta: call.delta,
    complete: call.complete,
    wireBody: structuredClone(call.body),
    atMs: state.config.now(),
  };
}

/** Adds a later chunk to the stream `messageUID`; answers 1002 when the rules forbid it. */
export function continueStream(
  state: LocalRongCloudState,
  call: StreamCall,
  kind: 'private' | 'group',
  messageUID: string,
): StoredMessage {
  const message = state.messagesByUID.get(messageUID);
  const sameConversation =
    message !== undefined &&
    message.fromUserId === call.fromUserId &&
    (kind === 'private' ? message.toUserId === call.targetId : message.groupId === call.targetId);
  const stream = message?.stream;
  if (message === undefined || stream === undefined || !sameConversation) {
    failParameter(`messageUID ${messageUID} is not a stream message of this conversation`);
  }
  if (call.seq <= stream.lastSeq) {
    const earlier = stream.chunks.find((chunk) => chunk.seq === call.seq);
    if (earlier?.delta === call.delta && earlier.complete === call.complete) return message;
    failParameter(`content.seq ${call.seq} must be greater than ${stream.lastSeq}`);
  }
  if (message.recalled) failParameter(`stream message ${messageUID} was recalled`);
  if (stream.complete) failParameter(`stream message ${messageUID} is complete`);
  stream.text += call.delta;
  stream.chunkCount += 1;
  stream.complete = call.complete;
  stream.lastSeq = call.seq;
  stream.chunks.push(chunkOf(state, call));
  const type = typeof message.content.type === 'string' ? message.content.type : undefined;
  message.content = receiverContent(stream, type);
  message.text = stream.text;
  return message;
}
