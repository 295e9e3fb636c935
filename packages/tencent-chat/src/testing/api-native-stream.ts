/**
 * Native stream messages (`TIMStreamElem`) of the local Tencent Cloud Chat:
 * `send_c2c_stream_msg` and `send_group_stream_msg`. The first call creates the message and
 * returns a `StreamMsgID`; continuations echo it with chunks of increasing `Index`. A stream ends
 * with an `IsLast` chunk, or on its own when no chunk comes for `streamIdleLimitMs`; it allows at
 * most 5 continuations per second and `maxStreamMessageBytes` in all.
 *
 * Repeated calls — emulator assumptions, since the vendor documents neither; both follow what
 * Tencent documents for `sendmsg` and `send_group_msg` (a duplicate is dropped and answered like
 * the original), which is what a client retrying a call whose answer was lost relies on:
 * - a first call repeated with the same keys and body within the send APIs' windows (C2C: sender
 *   + `MsgSeq` + `MsgRandom` + `MsgBody`, 120 s, only when `MsgSeq` is given; group: `Random`
 *   (or `MsgRandom`) + `MsgBody`, 5 minutes) creates nothing and answers the same `StreamMsgID`;
 * - a continuation whose chunks repeat ones already stored (same `Index`, `Markdown` and
 *   `IsLast`) is answered OK and changes nothing — even when the repeated chunk was the `IsLast`
 *   that ended the stream, or the stream has since idled out; it does not count as a
 *   continuation (rate limit, idle timer). New chunks may follow the repeated ones in the same
 *   call. A used `Index` with other content answers 10004, as any `Index` out of order.
 *
 * @module
 */
import { z } from 'zod';
import { randomUint32 } from '../internal/random.ts';
import { type MessageElement, type StreamChunk, toWireMessageBody } from '../messages/elements.ts';
import {
  optionalCloudCustomData,
  type RestHandlers,
  requireGroup,
  requireReceiver,
  resolveSender,
} from './api-common.ts';
import {
  C2C_DEDUPE_WINDOW_MS,
  createDedupeWindow,
  type DedupeWindow,
  GROUP_DEDUPE_WINDOW_MS,
} from './dedupe-window.ts';
import { LOCAL_TENCENT_CHAT_ERROR_CODES as CODES, fail } from './error-codes.ts';
import {
  addVersion,
  endIdleStream,
  type LocalChatState,
  type NativeStreamState,
  type NewMessage,
  nextC2CSequence,
  nowSeconds,
  type StoredMessage,
  sortedPair,
  storeMessage,
} from './store.ts';
import { checkSize, type JsonObject, readUint32, UINT32_MAX, wireBodySchema } from './wire.ts';

const STREAM_CONTINUATIONS_PER_SECOND = 5;

const streamContentSchema = z.object({
  CompatibleText: z.string().optional(),
  StreamMsgID: z.string().min(1).optional(),
  Chunks: z
    .array(
      z.object({
        EventType: z.string().optional(),
        Index: z.number().int().min(1).max(UINT32_MAX),
        Markdown: z.string(),
        IsLast: z.union([z.boolean(), z.literal(0), z.literal(1)]).optional(),
      }),
    )
    .min(1),
});

interface StreamRequest {
  /** Set on continuations. */
  streamMessageId: string | undefined;
  compatibleText: string;
  chunks: StreamChunk[];
}

/** Handlers of `stream_msg/send_c2c_stream_msg` and `stream_msg/send_group_stream_msg`. */
export function nativeStreamHandlers(state: LocalChatState): RestHandlers {
  const c2cStarted = createDedupeWindow(C2C_DEDUPE_WINDOW_MS);
  const groupStarted = createDedupeWindow(GROUP_DEDUPE_WINDOW_MS);
  return [
    ['stream_msg/send_c2c_stream_msg', (body) => sendC2CStream(state, c2cStarted, body)],
    ['stream_msg/send_group_stream_msg', (body) => sendGroupStream(state, groupStarted, body)],
  ];
}

/**
 * Starts a stream unless the same first call came within the window: then answers the stream
 * it started. `key` is `undefined` when the call cannot be recognised (C2C without `MsgSeq`).
 */
function startOnce(
  state: LocalChatState,
  started: DedupeWindow,
  key: string | undefined,
  start: () => StoredMessage,
): StoredMessage {
  const atMs = state.config.now();
  const duplicate = key === undefined ? undefined : started.find(key, atMs);
  if (duplicate !== undefined) return duplicate;
  const message = start();
  if (key !== undefined) started.remember(key, message, atMs);
  return message;
}

function sendC2CStream(state: LocalChatState, started: DedupeWindow, body: JsonObject): JsonObject {
  const from = resolveSender(state, body, CODES.fromAccountNotFound);
  const to = requireReceiver(state, body);
  const request = parseStreamBody(body.MsgBody);
  const answer = (message: StoredMessage): JsonObject => ({
    MsgTime: message.msgTimeSeconds,
    MsgKey: message.msgKey,
    StreamMsgID: message.nativeStream?.streamMessageId,
  });
  if (request.streamMessageId !== undefined) {
    return answer(
      continueStream(
        state,
        request.streamMessageId,
        request.chunks,
        (message) => message.from === from && message.to === to,
      ),
    );
  }
  const random = readUint32(body, 'MsgRandom');
  if (random === undefined) fail(CODES.invalidMsgRandom, 'MsgRandom must be a uint32');
  const cloudCustomData = optionalCloudCustomData(body, CODES.invalidJson);
  const requestedSeq = readUint32(body, 'MsgSeq');
  const key =
    requestedSeq === undefined
      ? undefined
      : JSON.stringify([from, to, requestedSeq, random, body.MsgBody]);
  const message: Omit<NewMessage, 'elements'> = {
    conversation: { type: 'c2c', userIds: sortedPair(from, to) },
    from,
    to,
    msgSeq: requestedSeq ?? nextC2CSequence(state),
    msgRandom: random,
    msgTimeSeconds: nowSeconds(state),
    onlineOnly: false,
    origin: 'rest',
    cloudCustomData,
  };
  return answer(startOnce(state, started, key, () => startStream(state, message, request)));
}

function sendGroupStream(
  state: LocalChatState,
  started: DedupeWindow,
  body: JsonObject,
): JsonObject {
  const group = requireGroup(state, body);
  const from = resolveSender(state, body, CODES.invalidParameter);
  const request = parseStreamBody(body.MsgBody);
  const answer = (message: StoredMessage): JsonObject => ({
    MsgTime: message.msgTimeSeconds,
    MsgSeq: message.msgSeq,
    StreamMsgID: message.nativeStream?.streamMessageId,
  });
  if (request.streamMessageId !== undefined) {
    return answer(
      continueStream(
        state,
        request.streamMessageId,
        request.chunks,
        (message) => message.groupId === group.groupId && message.from === from,
      ),
    );
  }
  // Docs name it `MsgRandom`; timbot sends `Random`. Accept both.
  const random = readUint32(body, 'MsgRandom') ?? readUint32(body, 'Random');
  if (random === undefined) fail(CODES.invalidParameter, 'MsgRandom must be a uint32');
  const cloudCustomData = optionalCloudCustomData(body, CODES.invalidParameter);
  const key = JSON.stringify([group.groupId, random, body.MsgBody]);
  const message = startOnce(state, started, key, () => {
    const stored = startStream(
      state,
      {
        conversation: { type: 'group', groupId: group.groupId },
        from,
        groupId: group.groupId,
        msgSeq: group.lastSeq + 1,
        msgRandom: random,
        msgTimeSeconds: nowSeconds(state),
        onlineOnly: false,
        origin: 'rest',
        cloudCustomData,
      },
      request,
    );
    group.lastSeq = stored.msgSeq;
    return stored;
  });
  return answer(message);
}

function parseStreamBody(value: unknown): StreamRequest {
  const body = wireBodySchema.safeParse(value);
  const first = body.success && body.data.length === 1 ? body.data[0] : undefined;
  if (first === undefined || first.MsgType !== 'TIMStreamElem') {
    fail(CODES.invalidMsgBody, 'MsgBody must hold exactly one TIMStreamElem');
  }
  const content = streamContentSchema.safeParse(first.MsgContent);
  if (!content.success) {
    fail(CODES.invalidMsgBody, 'TIMStreamElem needs Chunks of {Index >= 1, Markdown, IsLast}');
  }
  return {
    streamMessageId: content.data.StreamMsgID,
    compatibleText: content.data.CompatibleText ?? '',
    chunks: content.data.Chunks.map((chunk) => ({
      index: chunk.Index,
      markdown: chunk.Markdown,
      isLast: chunk.IsLast === true || chunk.IsLast === 1,
    })),
  };
}

function streamElementsOf(stream: NativeStreamState): MessageElement[] {
  return [
    {
      type: 'stream',
      compatibleText: stream.compatibleText,
      chunks: stream.chunks.map((chunk) => ({ ...chunk })),
      streamMessageId: stream.streamMessageId,
    },
  ];
}

/** Checks `Index` order and the size, then appends; an `IsLast` chunk ends the stream. */
function appendStreamChunks(
  state: LocalChatState,
  stream: NativeStreamState,
  chunks: StreamChunk[],
): void {
  let lastIndex = stream.lastIndex;
  let sawLast = false;
  for (const chunk of chunks) {
    if (sawLast) fail(CODES.invalidParameter, 'no chunk may follow an IsLast chunk');
    const valid = lastIndex === 0 ? chunk.index === 1 : chunk.index > lastIndex;
    if (!valid) {
      const expected = lastIndex === 0 ? 'be 1' : `be greater than ${lastIndex}`;
      fail(CODES.invalidParameter, `chunk Index ${chunk.index} must ${expected}`);
    }
    lastIndex = chunk.index;
    sawLast = chunk.isLast;
  }
  const merged = [...stream.chunks, ...chunks];
  checkSize(
    toWireMessageBody([{ type: 'stream', compatibleText: stream.compatibleText, chunks: merged }]),
    state.config.maxStreamMessageBytes,
  );
  stream.chunks = merged;
  stream.lastIndex = lastIndex;
  stream.lastChunkAtMs = state.config.now();
  if (chunks.some((chunk) => chunk.isLast)) stream.ended = true;
}

function startStream(
  state: LocalChatState,
  message: Omit<NewMessage, 'elements'>,
  request: StreamRequest,
): StoredMessage {
  const stream: NativeStreamState = {
    streamMessageId: `stream-${state.messageIdCounter + 1}-${randomUint32().toString(16)}`,
    compatibleText: request.compatibleText,
    chunks: [],
    lastIndex: 0,
    lastChunkAtMs: state.config.now(),
    continuationTimesMs: [],
    ended: false,
  };
  appendStreamChunks(state, stream, request.chunks);
  const stored = storeMessage(state, { ...message, elements: streamElementsOf(stream) });
  stored.nativeStream = stream;
  state.streamsById.set(stream.streamMessageId, stored);
  return stored;
}

/**
 * The chunks of a continuation that are not yet stored. Chunks must come in increasing `Index`;
 * those at or below the stream's last `Index` must repeat the stored chunk exactly (a retried
 * call), else the call answers 10004.
 */
function newChunks(stream: NativeStreamState, chunks: StreamChunk[]): StreamChunk[] {
  let previous = 0;
  for (const chunk of chunks) {
    if (chunk.index <= previous) {
      fail(CODES.invalidParameter, `chunk Index ${chunk.index} must be greater than ${previous}`);
    }
    previous = chunk.index;
    if (chunk.index > stream.lastIndex) continue;
    const stored = stream.chunks.find((candidate) => candidate.index === chunk.index);
    if (
      stored === undefined ||
      stored.markdown !== chunk.markdown ||
      stored.isLast !== chunk.isLast
    ) {
      fail(
        CODES.invalidParameter,
        `chunk Index ${chunk.index} must be greater than ${stream.lastIndex} (or repeat the chunk sent with it)`,
      );
    }
  }
  return chunks.filter((chunk) => chunk.index > stream.lastIndex);
}

/**
 * Appends a continuation: 20022 for an unknown stream (or one of another conversation or
 * sender), 20023 once it has ended (`IsLast`, or idle over `streamIdleLimitMs`), 10023 over 5
 * continuations per second. Chunks already stored are skipped; a call that only repeats stored
 * chunks is answered without changing anything, even after the stream ended.
 */
function continueStream(
  state: LocalChatState,
  streamMessageId: string,
  chunks: StreamChunk[],
  belongs: (message: StoredMessage) => boolean,
): StoredMessage {
  const message = state.streamsById.get(streamMessageId);
  const stream = message?.nativeStream;
  if (message === undefined || stream === undefined || !belongs(message)) {
    fail(CODES.messageNotFound, `stream ${streamMessageId} does not exist`);
  }
  const fresh = newChunks(stream, chunks);
  if (fresh.length === 0) return message;
  const atMs = state.config.now();
  endIdleStream(state, stream, atMs);
  if (stream.ended) {
    const finished = stream.chunks.at(-1)?.isLast === true;
    const reason = finished
      ? 'its last chunk was sent'
      : `no chunk came for over ${state.config.streamIdleLimitMs} ms`;
    fail(CODES.messageRecalled, `stream ${streamMessageId} has ended: ${reason}`);
  }
  stream.continuationTimesMs = stream.continuationTimesMs.filter((time) => atMs - time < 1000);
  if (stream.continuationTimesMs.length >= STREAM_CONTINUATIONS_PER_SECOND) {
    fail(
      CODES.streamContinuationRateLimited,
      `over ${STREAM_CONTINUATIONS_PER_SECOND} continuations per second for this stream message`,
    );
  }
  appendStreamChunks(state, stream, fresh);
  stream.continuationTimesMs.push(atMs);
  addVersion(state, message, streamElementsOf(stream));
  return message;
}
