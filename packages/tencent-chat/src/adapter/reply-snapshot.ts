/**
 * Snapshots of the Tencent reply sinks (`ReplySink.snapshot()`), so that another process can
 * finish a reply whose instance crashed (`ChatAdapter.resumeReply`, decision 0011). A snapshot
 * holds ids and protocol state only — no secrets — and the message still being opened when its
 * answer was lost, so the new process repeats that exact send instead of making a second bubble.
 *
 * @module
 */
import { type JsonValue, ValidationError } from '@imbridge/core';
import { z } from 'zod';
import type { MessageKeys } from '../client/message-keys.ts';
import type { MessageElement } from '../messages/elements.ts';
import type { OutgoingMessage, SentMessage } from './outbound.ts';

const keysSchema = z.object({ sequence: z.number().int(), random: z.number().int() });

const elementSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('custom'), data: z.string() }),
]);

const sentSchema = z.object({ id: z.string(), groupSequence: z.number().int().optional() });

const messageStateSchema = z.object({
  sent: sentSchema.optional(),
  opening: z.object({ elements: z.array(elementSchema), keys: keysSchema }).optional(),
});

const modifySnapshotSchema = messageStateSchema.extend({
  v: z.literal(1),
  mode: z.enum(['custom-message', 'text-modify']),
  chunks: z.array(z.string()),
  joined: z.string(),
});

const streamCallSchema = z.object({
  chunk: z.object({ index: z.number().int(), markdown: z.string(), isLast: z.boolean() }),
  compatibleText: z.string(),
  streamMessageId: z.string().optional(),
  keys: keysSchema,
  firstSentAtMs: z.number().optional(),
});

const streamSnapshotSchema = z.object({
  v: z.literal(1),
  mode: z.literal('stream-elem'),
  streamMessageId: z.string().optional(),
  keys: keysSchema.optional(),
  id: z.string().optional(),
  delivered: z.string(),
  shownBefore: z.string(),
  index: z.number().int(),
  lastChunkAtMs: z.number(),
  pending: streamCallSchema.optional(),
});

const snapshotSchema = z.discriminatedUnion('mode', [
  modifySnapshotSchema.extend({ mode: z.literal('custom-message') }),
  modifySnapshotSchema.extend({ mode: z.literal('text-modify') }),
  streamSnapshotSchema,
]);

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

/**
 * Reads a snapshot written by {@link TencentSinkSnapshot}'s sinks.
 *
 * @throws {ValidationError} when it is not one (code `invalid-snapshot`).
 */
export function parseSinkSnapshot(value: JsonValue): TencentSinkSnapshot {
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError({
      message: 'Not a Tencent Chat reply snapshot',
      code: 'invalid-snapshot',
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
        message: issue.message,
      })),
    });
  }
  return parsed.data as TencentSinkSnapshot;
}

/** Copies elements for a snapshot (only the fields the sinks send). */
export function snapshotElements(elements: readonly MessageElement[]): MessageElement[] {
  return elements.map((element) =>
    element.type === 'custom' ? { type: 'custom', data: element.data } : element,
  );
}
