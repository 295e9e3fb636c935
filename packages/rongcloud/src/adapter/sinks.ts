import type { JsonValue, ReplySink, ReplyTarget } from '@imbridge/core';
import { APICallError, ValidationError } from '@imbridge/core/errors';
import type { ResolvedRetryOptions } from '@imbridge/provider-utils';
import type { CallOptions } from '../client/options.ts';
import type { RongCloudClient } from '../client/types.ts';

/** What every sink needs. */
export interface SinkContext {
  client: RongCloudClient;
  /** The retries of the calls that end a reply. */
  finalUpdateRetry: ResolvedRetryOptions;
}

/** An intermediate chunk is one attempt: on failure the pacer pauses and sends newer text. */
function updateCall(signal: AbortSignal | undefined): CallOptions {
  return { signal, retry: false };
}

/**
 * The calls that end a reply share one deadline that starts now: each is retried only within
 * what is left of `finalUpdateRetry.maxElapsedMs`.
 */
export function finalCalls(
  context: SinkContext,
  signal: AbortSignal | undefined,
): () => CallOptions {
  const { finalUpdateRetry } = context;
  const { maxElapsedMs } = finalUpdateRetry;
  const deadlineAtMs = maxElapsedMs === undefined ? undefined : Date.now() + maxElapsedMs;
  return () => ({
    signal,
    retry:
      deadlineAtMs === undefined
        ? finalUpdateRetry
        : { ...finalUpdateRetry, maxElapsedMs: Math.max(0, deadlineAtMs - Date.now()) },
  });
}

/** The bot that speaks in a target. */
export function botOf(target: ReplyTarget): string {
  if (target.botId === undefined) {
    throw new ValidationError({
      message: 'The reply target names no bot (botId)',
      code: 'no-bot',
    });
  }
  return target.botId;
}

/**
 * True when a failed call may have been stored all the same (no verdict from RongCloud: a
 * timeout, a reset, a gateway error, or retries whose last verdict speaks only for the last
 * attempt), so it must be repeated as it was before anything newer.
 */
function mayHaveBeenStored(error: unknown, call: CallOptions): boolean {
  if (!APICallError.isInstance(error) || error.providerCode === undefined) return true;
  return call.retry !== false && error.retryable;
}

/** One chunk of a stream message, fixed when it is built (repeated exactly when its answer was lost). */
interface StreamChunkCall {
  content: string;
  seq: number;
  complete: boolean;
  messageUid: string | undefined;
}

/** The state of a stream reply, as {@link ReplySink.snapshot} records it. */
export interface StreamSinkSnapshot {
  v: 1;
  mode: 'stream';
  messageUid: string | undefined;
  seq: number;
  delivered: string;
  pending: StreamChunkCall | undefined;
}

/** Sends one text message (private or group) as the bot. */
export async function publishText(
  client: RongCloudClient,
  target: ReplyTarget,
  text: string,
  call: CallOptions,
): Promise<string | undefined> {
  const fromUserId = botOf(target);
  const content = { content: text };
  const result =
    target.type === 'group' && target.groupId !== undefined
      ? await client.publishGroupMessage({
          fromUserId,
          toGroupId: target.groupId,
          objectName: 'RC:TxtMsg',
          content,
          ...call,
        })
      : await client.publishPrivateMessage({
          fromUserId,
          toUserId: target.userId,
          objectName: 'RC:TxtMsg',
          content,
          ...call,
        });
  return result.messageUid ?? result.messageUids[0]?.messageUid;
}

/**
 * `RC:StreamMsg`: the first chunk creates the message (RongCloud answers its `messageUID`),
 * later chunks carry the new text with `seq` + 1 and that UID, and the last one `complete:
 * true`. Chunks are deltas, so a replaced text cannot be taken back: only growth is streamed. A
 * chunk whose answer was lost is repeated exactly (same `seq`, same text) before anything newer.
 */
export function streamSink(
  context: SinkContext,
  target: ReplyTarget,
  openSignal: AbortSignal | undefined,
  restored?: StreamSinkSnapshot | undefined,
): ReplySink {
  const { client } = context;
  let messageUid = restored?.messageUid;
  let seq = restored?.seq ?? 0;
  let delivered = restored?.delivered ?? '';
  let pending: StreamChunkCall | undefined = restored?.pending;

  const send = async (chunk: StreamChunkCall, call: CallOptions): Promise<void> => {
    pending = chunk;
    const fromUserId = botOf(target);
    const fields = {
      fromUserId,
      content: chunk.content,
      seq: chunk.seq,
      complete: chunk.complete,
      messageUid: chunk.messageUid,
      type: chunk.seq === 1 ? 'markdown' : undefined,
      counted: chunk.seq === 1,
      disableUpdateLastMessage: !chunk.complete,
      ...call,
      signal: call.signal ?? openSignal,
    };
    let result: { messageUid: string };
    try {
      result =
        target.type === 'group' && target.groupId !== undefined
          ? await client.publishGroupStreamMessage({ ...fields, toGroupId: target.groupId })
          : await client.publishPrivateStreamMessage({ ...fields, toUserId: target.userId });
    } catch (error) {
      if (!mayHaveBeenStored(error, call)) pending = undefined;
      throw error;
    }
    pending = undefined;
    messageUid ??= result.messageUid;
    seq = chunk.seq;
    delivered += chunk.content;
  };

  const deliver = async (text: string, complete: boolean, call: () => CallOptions) => {
    if (pending !== undefined) await send(pending, call());
    const delta = text.startsWith(delivered) ? text.slice(delivered.length) : '';
    if (delta.length === 0 && !complete) return;
    if (delta.length === 0 && complete && seq === 0) return; // nothing was ever shown
    await send({ content: delta, seq: seq + 1, complete, messageUid }, call());
  };

  return {
    get id() {
      return messageUid;
    },
    async update(textSoFar, updateOptions) {
      const call = updateCall(updateOptions?.signal);
      await deliver(textSoFar, false, () => call);
    },
    async finish(finalText, finishOptions) {
      await deliver(finalText, true, finalCalls(context, finishOptions.signal));
    },
    snapshot() {
      if (messageUid === undefined && pending === undefined) return undefined;
      const snapshot: StreamSinkSnapshot = {
        v: 1,
        mode: 'stream',
        messageUid,
        seq,
        delivered,
        pending: pending === undefined ? undefined : { ...pending },
      };
      return JSON.parse(JSON.stringify(snapshot)) as JsonValue;
    },
  };
}

/** Without streaming: nothing is shown until the answer is complete, then one `RC:TxtMsg`. */
export function textSink(context: SinkContext, target: ReplyTarget): ReplySink {
  let id: string | undefined;
  return {
    get id() {
      return id;
    },
    async update() {
      // Nothing to show before the answer is complete.
    },
    async finish(finalText, finishOptions) {
      if (finalText.length === 0) return;
      id = await publishText(
        context.client,
        target,
        finalText,
        finalCalls(context, finishOptions.signal)(),
      );
    },
  };
}
