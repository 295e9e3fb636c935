import { APICallError, type JsonValue, type ReplySink, type ReplyTarget } from '@imbridge/core';
import { type MessageKeys, newMessageKeys } from '../client/message-keys.ts';
import type { SendStreamMessageResult, TencentChatClient } from '../client/types.ts';
import type { StreamChunk } from '../messages/elements.ts';
import { clientCall, type OutboundCall, sendMayHaveBeenStored } from './outbound.ts';
import type { StreamSinkSnapshot } from './reply-snapshot.ts';
import { finalCall, type SinkContext, updateCall } from './sinks.ts';

/** Tencent's "stream ended" answer to a continuation (the stream auto-ended or was finished). */
const STREAM_ENDED_CODE = 20023;

function isStreamEnded(error: unknown): boolean {
  return APICallError.isInstance(error) && error.providerCode === STREAM_ENDED_CODE;
}

/** One call of a native stream message, fixed when it is built: re-sent exactly as it was. */
interface StreamCall {
  /** The one chunk of the call. */
  chunk: StreamChunk;
  /** What old clients show. */
  compatibleText: string;
  /** Set on continuations; `undefined` on the call that opens the message. */
  streamMessageId: string | undefined;
  /** The message's keys (they make the opening call recognisable when it is repeated). */
  keys: MessageKeys;
  /** When the call was first made (the vendor's idle timer may have started then). */
  firstSentAtMs: number | undefined;
}

/**
 * Native `TIMStreamElem` messages with delta chunks. Tencent ends a stream that gets no chunk
 * for `idleLimitMs` (15 s): when the model paused that long (or Tencent answers "stream ended"),
 * the rest of the reply continues in a new stream message, so no text is lost.
 *
 * Every call is built once and repeated exactly when its answer was lost: the opening call with
 * the message's keys (Tencent answers a repeat with the stream it started), a continuation with
 * the same `Index` and `Markdown` (Tencent takes a repeated chunk as already received). Until a
 * call whose outcome is unknown (a timeout, a reset, a gateway error) has been answered, nothing
 * newer is sent: a stored chunk sent again under a new `Index` would show its text twice, and
 * newer text under the same `Index` would be refused.
 */
export function streamElemSink(
  context: SinkContext,
  client: TencentChatClient,
  target: ReplyTarget,
  openSignal: AbortSignal | undefined,
  idleLimitMs: number,
  restored?: StreamSinkSnapshot | undefined,
): ReplySink {
  const { outbound } = context;
  let streamMessageId: string | undefined = restored?.streamMessageId;
  let keys: MessageKeys | undefined = restored?.keys;
  let id: string | undefined = restored?.id;
  // Text shown by the current stream message, and by the messages before it.
  let delivered = restored?.delivered ?? '';
  let shownBefore = restored?.shownBefore ?? '';
  let index = restored?.index ?? 0;
  let lastChunkAtMs = restored?.lastChunkAtMs ?? 0;
  // A call whose outcome is unknown: repeated as it was before anything newer.
  let pending: StreamCall | undefined =
    restored?.pending === undefined
      ? undefined
      : {
          ...restored.pending,
          streamMessageId: restored.pending.streamMessageId,
          firstSentAtMs: restored.pending.firstSentAtMs,
        };
  // Continue in a new message a little before the vendor's limit (network time, clock drift).
  const restartAfterMs = Math.max(1, Math.floor(idleLimitMs * 0.8));

  const startNewMessage = (): void => {
    shownBefore += delivered;
    delivered = '';
    streamMessageId = undefined;
    keys = undefined;
    index = 0;
  };

  /** The stream now shows the call's chunk. */
  const applied = (request: StreamCall, result: SendStreamMessageResult | undefined): void => {
    index = request.chunk.index;
    streamMessageId ??= result?.streamMessageId;
    id ??= result?.msgKey ?? result?.streamMessageId;
    delivered += request.chunk.markdown;
    lastChunkAtMs = request.firstSentAtMs ?? Date.now();
  };

  /** Makes (or repeats) one call; it stays pending when a failure may hide a stored chunk. */
  const send = async (request: StreamCall, call: OutboundCall): Promise<void> => {
    pending = request;
    request.firstSentAtMs ??= Date.now();
    const common = {
      fromUserId: outbound.robotOf(target),
      compatibleText: request.compatibleText,
      chunks: [request.chunk],
      streamMessageId: request.streamMessageId,
      random: request.keys.random,
      ...clientCall({ ...call, signal: call.signal ?? openSignal }),
    };
    let result: SendStreamMessageResult;
    try {
      result =
        target.type === 'group' && target.groupId !== undefined
          ? await client.sendGroupStreamMessage({ ...common, groupId: target.groupId })
          : await client.sendC2CStreamMessage({
              ...common,
              toUserId: target.userId,
              sequence: request.keys.sequence,
            });
    } catch (error) {
      if (!sendMayHaveBeenStored(error, call)) pending = undefined;
      throw error;
    }
    pending = undefined;
    applied(request, result);
  };

  /** The next call for `text`, or `undefined` when there is nothing to send. */
  const nextCall = (text: string, isLast: boolean): StreamCall | undefined => {
    const own = text.slice(shownBefore.length);
    // Deltas only: a replaced text cannot be taken back, so only growth is streamed.
    const grows = text.startsWith(shownBefore) && own.startsWith(delivered);
    const delta = grows ? own.slice(delivered.length) : '';
    if (delta.length === 0 && !isLast) return undefined;
    keys ??= newMessageKeys();
    return {
      chunk: { index: index + 1, markdown: delta, isLast },
      compatibleText: grows ? own : delivered,
      streamMessageId,
      keys,
      firstSentAtMs: undefined,
    };
  };

  /** True when `text` adds nothing to what the messages so far show. */
  const nothingNew = (text: string): boolean =>
    text.length <= shownBefore.length + delivered.length;

  /** Repeats the pending call; "stream ended" means its chunk never arrived (a repeat would pass). */
  const settlePending = async (request: StreamCall, call: OutboundCall): Promise<void> => {
    try {
      await send(request, call);
    } catch (error) {
      if (!isStreamEnded(error) || request.streamMessageId === undefined) throw error;
      startNewMessage();
    }
  };

  const deliver = async (text: string, isLast: boolean, call: OutboundCall): Promise<void> => {
    if (pending !== undefined) await settlePending(pending, call);
    if (streamMessageId !== undefined && Date.now() - lastChunkAtMs >= restartAfterMs) {
      // The vendor has ended (or is about to end) the idle stream with the text it had. With
      // nothing new to show there is nothing to send; otherwise the rest goes in a new message.
      if (nothingNew(text)) return;
      startNewMessage();
    }
    const request = nextCall(text, isLast);
    if (request === undefined) return;
    try {
      await send(request, call);
    } catch (error) {
      if (!isStreamEnded(error) || request.streamMessageId === undefined) throw error;
      if (request.chunk.isLast && Date.now() - lastChunkAtMs < restartAfterMs) {
        // The stream cannot have idled out since its last chunk: an earlier attempt of this
        // call delivered the last chunk and ended it (a vendor that refuses the repeat).
        applied(request, undefined);
        return;
      }
      // The vendor ended the stream (a gap we did not see coming): continue in a new message.
      if (nothingNew(text)) return;
      startNewMessage();
      const restart = nextCall(text, isLast);
      if (restart !== undefined) await send(restart, call);
    }
  };
  return {
    get id() {
      return id;
    },
    async update(textSoFar, updateOptions) {
      await deliver(textSoFar, false, updateCall(updateOptions?.signal));
    },
    async finish(finalText, finishOptions) {
      await deliver(finalText, true, finalCall(context, finishOptions.signal));
    },
    snapshot() {
      if (streamMessageId === undefined && pending === undefined && shownBefore.length === 0) {
        return undefined;
      }
      const snapshot: StreamSinkSnapshot = {
        v: 1,
        mode: 'stream-elem',
        streamMessageId,
        keys,
        id,
        delivered,
        shownBefore,
        index,
        lastChunkAtMs,
        pending:
          pending === undefined
            ? undefined
            : { ...pending, chunk: { ...pending.chunk }, keys: { ...pending.keys } },
      };
      return JSON.parse(JSON.stringify(snapshot)) as JsonValue;
    },
  };
}
