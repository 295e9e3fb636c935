/**
 * The zod schema of the Tencent reply sink snapshots, loaded by `resumeReply` (not at import).
 *
 * @internal
 * @module
 */
import { type JsonValue, ValidationError } from '@imbridge/core';
import { z } from 'zod';
import type { TencentSinkSnapshot } from './reply-snapshot.ts';

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
