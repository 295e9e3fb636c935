/**
 * How RongCloud's Dify integration stores Dify's answer as the bot's message (`handleResponse`,
 * default true): streaming — one `RC:StreamMsg` that grows by one chunk per Dify delta, stored
 * exactly as `publish_stream.json` stores a stream (`seq` 1, 2, 3…, each chunk's wire body the
 * one RongCloud would send), completed by a last empty chunk with `complete: true` once Dify's
 * stream ends, failed or not; blocking — one `RC:TxtMsg` with the whole answer. A private
 * message is answered to its sender, a group message in the group.
 *
 * Emulator assumptions (RongCloud documents only "streamed as stream messages" and "one normal
 * message"): the stream message is created with the first non-empty delta, so a Dify call that
 * fails before any text stores no message; a failure mid-stream completes the stream with what
 * arrived; the stream carries no `type`.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-dify
 */
import { continueStream, type StreamCall, startStream } from './api-stream.ts';
import { type LocalRongCloudState, type StoredMessage, storeMessage } from './store.ts';
import type { JsonObject } from './wire.ts';

/** Where the reply goes and how it is stored. */
export interface DifyReplyTarget {
  botUserId: string;
  /** The user's message being answered. */
  message: StoredMessage;
  streaming: boolean;
}

/** The bot's reply being built. */
export interface DifyReply {
  /** Adds a delta of a streamed answer (a new chunk). */
  append(delta: string): void;
  /**
   * Completes the stream (streaming) or stores the whole `answer` (blocking); returns the UID of
   * the stored message, `undefined` when none was stored.
   */
  finish(answer: string): string | undefined;
}

/** Starts the reply of `target`; nothing is stored before the first text. */
export function createDifyReply(state: LocalRongCloudState, target: DifyReplyTarget): DifyReply {
  const { message } = target;
  const kind = message.groupId !== undefined ? 'group' : 'private';
  const targetId = message.groupId ?? message.fromUserId;
  let streamUID: string | undefined;
  let seq = 0;

  const chunk = (delta: string, complete: boolean): StreamCall => {
    seq += 1;
    const content: JsonObject = { content: delta, seq, complete };
    if (streamUID !== undefined) content.messageUID = streamUID;
    return {
      fromUserId: target.botUserId,
      targetId,
      delta,
      seq,
      complete,
      type: undefined,
      messageUID: streamUID,
      body: {
        fromUserId: target.botUserId,
        [kind === 'group' ? 'toGroupId' : 'toUserId']: targetId,
        objectName: 'RC:StreamMsg',
        content,
      },
    };
  };

  return {
    append(delta) {
      if (!target.streaming || delta === '') return;
      if (streamUID === undefined) {
        streamUID = startStream(state, chunk(delta, false), kind, 'dify').messageUID;
      } else {
        continueStream(state, chunk(delta, false), kind, streamUID);
      }
    },
    finish(answer) {
      if (target.streaming) {
        if (streamUID !== undefined) continueStream(state, chunk('', true), kind, streamUID);
        return streamUID;
      }
      if (answer === '') return undefined;
      return storeMessage(state, {
        fromUserId: target.botUserId,
        ...(kind === 'group' ? { groupId: targetId } : { toUserId: targetId }),
        objectName: 'RC:TxtMsg',
        content: { content: answer },
        origin: 'dify',
      }).messageUID;
    },
  };
}
