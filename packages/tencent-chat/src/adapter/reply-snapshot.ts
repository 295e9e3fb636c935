/**
 * Snapshots of the Tencent reply sinks (`ReplySink.snapshot()`), so that another process can
 * finish a reply whose instance crashed (`ChatAdapter.resumeReply`, decision 0011). A snapshot
 * holds ids and protocol state only — no secrets — and the message still being opened when its
 * answer was lost, so the new process repeats that exact send instead of making a second bubble.
 *
 * @module
 */
import type { MessageKeys } from '../client/message-keys.ts';
import type { MessageElement } from '../messages/elements.ts';
import type { OutgoingMessage, SentMessage } from './outbound.ts';

/** The state of a send-then-modify reply message. */
export interface ReplyMessageState {
  /** The sent message, once Tencent answered its send. */
  sent?: SentMessage | undefined;
  /** The opening send whose answer was lost: repeated as it was. */
  opening?: OutgoingMessage | undefined;
}

/** Snapshot of the `custom-message` and `text-modify` sinks. */
export interface ModifySinkSnapshot extends ReplyMessageState {
  v: 1;
  mode: 'custom-message' | 'text-modify';
  /** The cumulative chunks shown (custom-message). */
  chunks: string[];
  /** Their concatenation. */
  joined: string;
}

/** A native stream call, as the stream-elem sink builds it. */
export interface StreamCallState {
  chunk: { index: number; markdown: string; isLast: boolean };
  compatibleText: string;
  streamMessageId?: string | undefined;
  keys: MessageKeys;
  firstSentAtMs?: number | undefined;
}

/** Snapshot of the `stream-elem` sink. */
export interface StreamSinkSnapshot {
  v: 1;
  mode: 'stream-elem';
  streamMessageId?: string | undefined;
  keys?: MessageKeys | undefined;
  id?: string | undefined;
  delivered: string;
  shownBefore: string;
  index: number;
  lastChunkAtMs: number;
  pending?: StreamCallState | undefined;
}

/** A snapshot of any Tencent reply sink. */
export type TencentSinkSnapshot = ModifySinkSnapshot | StreamSinkSnapshot;

/** Copies elements for a snapshot (only the fields the sinks send). */
export function snapshotElements(elements: readonly MessageElement[]): MessageElement[] {
  return elements.map((element) =>
    element.type === 'custom' ? { type: 'custom', data: element.data } : element,
  );
}
