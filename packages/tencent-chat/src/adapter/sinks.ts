import { APICallError, type ReplySink, type ReplyTarget } from '@imbridge/core';
import type { ResolvedRetryOptions } from '@imbridge/provider-utils';
import { encodeChatbotPayload } from '../chatbot/payload.ts';
import type { TencentChatClient } from '../client/types.ts';
import type { MessageElement } from '../messages/elements.ts';
import type { OutboundCall, SentMessage, TencentOutbound } from './outbound.ts';

/** An intermediate update is one attempt: on failure the pacer pauses and sends newer text. */
function updateCall(signal: AbortSignal | undefined): OutboundCall {
  return { signal, retry: false };
}

/** What every sink needs: the outbound helpers and the final update's retry budget. */
export interface SinkContext {
  outbound: TencentOutbound;
  /** The final update gets the long retry budget: an unfinished reply stays "generating". */
  finalUpdateRetry: ResolvedRetryOptions;
}

/** The final update (and its follow-ups) get the long retry budget. */
function finalCall(context: SinkContext, signal: AbortSignal | undefined): OutboundCall {
  return { signal, retry: context.finalUpdateRetry };
}

function customElement(data: string): MessageElement[] {
  return [{ type: 'custom', data }];
}

/** The elements of a `src: 23` chatbot error message. */
export function chatbotErrorElements(message: string): MessageElement[] {
  return customElement(encodeChatbotPayload({ kind: 'error', errorInfo: message }));
}

/**
 * The chatbot custom-message protocol: the first update sends a `chatbotPlugin: 2` message, the
 * next ones modify it with cumulative `chunks`, the last sets `isFinished: 1`.
 */
export function customMessageSink(
  context: SinkContext,
  target: ReplyTarget,
  openSignal: AbortSignal | undefined,
): ReplySink {
  const { outbound } = context;
  let sent: SentMessage | undefined;
  const chunks: string[] = [];
  let joined = '';
  // Cumulative chunks: each update appends what is new; a replaced text restarts the list.
  const chunksFor = (text: string): string[] => {
    if (text.startsWith(joined)) {
      const added = text.slice(joined.length);
      return added.length > 0 ? [...chunks, added] : [...chunks];
    }
    return [text];
  };
  const deliver = async (text: string, finished: boolean, call: OutboundCall): Promise<string> => {
    const next = chunksFor(text);
    const { elements, rest } = outbound.fitted(
      (slice) =>
        customElement(
          encodeChatbotPayload({
            kind: 'stream',
            chunks: slice === text ? next : [slice],
            isFinished: finished,
          }),
        ),
      text,
    );
    if (sent === undefined) {
      sent = await outbound.send(target, elements, { ...call, signal: call.signal ?? openSignal });
    } else await outbound.modify(target, sent, elements, call);
    const shown = rest.length === 0 ? text : text.slice(0, text.length - rest.length);
    chunks.length = 0;
    chunks.push(...(rest.length === 0 ? next : [shown]));
    joined = shown;
    return rest;
  };
  return {
    get id() {
      return sent?.id;
    },
    async update(textSoFar, updateOptions) {
      await deliver(textSoFar, false, updateCall(updateOptions?.signal));
    },
    async finish(finalText, finishOptions) {
      const call = finalCall(context, finishOptions.signal);
      const rest = await deliver(finalText, true, call);
      // Only escape-heavy text overflows the body cap: the remainder follows as plain text.
      if (rest.length > 0) await outbound.postText(target, rest, call);
    },
  };
}

/** A plain text message, modified with the whole text (works on every client). */
export function textModifySink(
  context: SinkContext,
  target: ReplyTarget,
  openSignal: AbortSignal | undefined,
): ReplySink {
  const { outbound } = context;
  let sent: SentMessage | undefined;
  const deliver = async (text: string, call: OutboundCall): Promise<string> => {
    const { elements, rest } = outbound.fitted((slice) => [{ type: 'text', text: slice }], text);
    if (sent === undefined) {
      sent = await outbound.send(target, elements, { ...call, signal: call.signal ?? openSignal });
    } else await outbound.modify(target, sent, elements, call);
    return rest;
  };
  return {
    get id() {
      return sent?.id;
    },
    async update(textSoFar, updateOptions) {
      await deliver(textSoFar, updateCall(updateOptions?.signal));
    },
    async finish(finalText, finishOptions) {
      const call = finalCall(context, finishOptions.signal);
      const rest = await deliver(finalText, call);
      if (rest.length > 0) await outbound.postText(target, rest, call);
    },
  };
}

/** Tencent's "stream ended" answer to a continuation (the stream auto-ended or was finished). */
const STREAM_ENDED_CODE = 20023;

/**
 * Native `TIMStreamElem` messages with delta chunks. Tencent ends a stream that gets no chunk
 * for `idleLimitMs` (15 s): when the model paused that long (or Tencent answers "stream ended"),
 * the rest of the reply continues in a new stream message, so no text is lost.
 */
export function streamElemSink(
  context: SinkContext,
  client: TencentChatClient,
  target: ReplyTarget,
  openSignal: AbortSignal | undefined,
  idleLimitMs: number,
): ReplySink {
  const { outbound } = context;
  let streamMessageId: string | undefined;
  let id: string | undefined;
  // Text shown by the current stream message, and by the messages before it.
  let delivered = '';
  let shownBefore = '';
  let index = 0;
  let lastCallAtMs = 0;
  // Continue in a new message a little before the vendor's limit (network time, clock drift).
  const restartAfterMs = Math.max(1, Math.floor(idleLimitMs * 0.8));

  const startNewMessage = (): void => {
    shownBefore += delivered;
    delivered = '';
    streamMessageId = undefined;
    index = 0;
  };

  const callOnce = async (text: string, isLast: boolean, call: OutboundCall): Promise<void> => {
    const own = text.slice(shownBefore.length);
    // Deltas only: a replaced text cannot be taken back, so only growth is streamed.
    const grows = text.startsWith(shownBefore) && own.startsWith(delivered);
    const delta = grows ? own.slice(delivered.length) : '';
    if (delta.length === 0 && !isLast) return;
    const chunk = { index: index + 1, markdown: delta, isLast };
    const common = {
      fromUserId: outbound.robotOf(target),
      compatibleText: grows ? own : delivered,
      chunks: [chunk],
      streamMessageId,
      signal: call.signal ?? openSignal,
      retry: call.retry,
    };
    const result =
      target.type === 'group' && target.groupId !== undefined
        ? await client.sendGroupStreamMessage({ ...common, groupId: target.groupId })
        : await client.sendC2CStreamMessage({ ...common, toUserId: target.userId });
    lastCallAtMs = Date.now();
    index = chunk.index;
    streamMessageId ??= result.streamMessageId;
    id ??= result.msgKey ?? result.streamMessageId;
    delivered += delta;
  };

  /** True when `text` adds nothing to what the messages so far show. */
  const nothingNew = (text: string): boolean =>
    text.length <= shownBefore.length + delivered.length;

  const deliver = async (text: string, isLast: boolean, call: OutboundCall): Promise<void> => {
    if (streamMessageId !== undefined && Date.now() - lastCallAtMs >= restartAfterMs) {
      // The vendor has ended (or is about to end) the idle stream with the text it had. With
      // nothing new to show there is nothing to send; otherwise the rest goes in a new message.
      if (nothingNew(text)) return;
      startNewMessage();
    }
    try {
      await callOnce(text, isLast, call);
    } catch (error) {
      if (
        streamMessageId === undefined ||
        !APICallError.isInstance(error) ||
        error.providerCode !== STREAM_ENDED_CODE
      ) {
        throw error;
      }
      // The vendor ended the stream (a gap we did not see coming): continue in a new message.
      if (nothingNew(text)) return;
      startNewMessage();
      await callOnce(text, isLast, call);
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
  };
}
