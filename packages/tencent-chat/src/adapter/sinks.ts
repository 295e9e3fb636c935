import type { JsonValue, ReplySink, ReplyTarget } from '@imbridge/core';
import type { ResolvedRetryOptions } from '@imbridge/provider-utils';
import { encodeChatbotPayload } from '../chatbot/payload.ts';
import type { MessageElement } from '../messages/elements.ts';
import type { OutboundCall, TencentOutbound } from './outbound.ts';
import { createReplyMessage, type ReplyMessage } from './reply-message.ts';
import type { ModifySinkSnapshot } from './reply-snapshot.ts';

/** An intermediate update is one attempt: on failure the pacer pauses and sends newer text. */
export function updateCall(signal: AbortSignal | undefined): OutboundCall {
  return { signal, retry: false };
}

/** What every sink needs: the outbound helpers and the final update's retry budget. */
export interface SinkContext {
  outbound: TencentOutbound;
  /** The final update gets the long retry budget: an unfinished reply stays "generating". */
  finalUpdateRetry: ResolvedRetryOptions;
}

/**
 * The calls of a final update (its follow-ups included) and of the error message: the long
 * retry budget, with one deadline for all of them that starts now — each call is retried only
 * within what is left of `finalUpdateRetry.maxElapsedMs` — and the caller's signal.
 */
export function finalCall(context: SinkContext, signal: AbortSignal | undefined): OutboundCall {
  const { finalUpdateRetry } = context;
  const { maxElapsedMs } = finalUpdateRetry;
  return {
    signal,
    retry: finalUpdateRetry,
    deadlineAtMs: maxElapsedMs === undefined ? undefined : Date.now() + maxElapsedMs,
  };
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
 * next ones modify it with cumulative `chunks`, the last sets `isFinished: 1`. A first send
 * whose answer was lost is re-sent as it was before the next update ({@link createReplyMessage}).
 */
export function customMessageSink(
  context: SinkContext,
  target: ReplyTarget,
  openSignal: AbortSignal | undefined,
  restored?: ModifySinkSnapshot | undefined,
): ReplySink {
  const { outbound } = context;
  const message = createReplyMessage(outbound, target, openSignal, restored);
  const chunks: string[] = [...(restored?.chunks ?? [])];
  let joined = restored?.joined ?? '';
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
    await message.show(elements, call);
    const shown = rest.length === 0 ? text : text.slice(0, text.length - rest.length);
    chunks.length = 0;
    chunks.push(...(rest.length === 0 ? next : [shown]));
    joined = shown;
    return rest;
  };
  return {
    get id() {
      return message.id;
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
    snapshot() {
      return modifySnapshot('custom-message', message, chunks, joined);
    },
  };
}

/** The snapshot of a send-then-modify sink, once its message may exist. */
function modifySnapshot(
  mode: ModifySinkSnapshot['mode'],
  message: ReplyMessage,
  chunks: readonly string[],
  joined: string,
): JsonValue | undefined {
  const state = message.state();
  if (state === undefined) return undefined;
  const snapshot: ModifySinkSnapshot = { v: 1, mode, ...state, chunks: [...chunks], joined };
  return snapshot as unknown as JsonValue;
}

/** A plain text message, modified with the whole text (works on every client). */
export function textModifySink(
  context: SinkContext,
  target: ReplyTarget,
  openSignal: AbortSignal | undefined,
  restored?: ModifySinkSnapshot | undefined,
): ReplySink {
  const { outbound } = context;
  const message = createReplyMessage(outbound, target, openSignal, restored);
  const deliver = async (text: string, call: OutboundCall): Promise<string> => {
    const { elements, rest } = outbound.fitted((slice) => [{ type: 'text', text: slice }], text);
    await message.show(elements, call);
    return rest;
  };
  return {
    get id() {
      return message.id;
    },
    async update(textSoFar, updateOptions) {
      await deliver(textSoFar, updateCall(updateOptions?.signal));
    },
    async finish(finalText, finishOptions) {
      const call = finalCall(context, finishOptions.signal);
      const rest = await deliver(finalText, call);
      if (rest.length > 0) await outbound.postText(target, rest, call);
    },
    snapshot() {
      return modifySnapshot('text-modify', message, [], '');
    },
  };
}
