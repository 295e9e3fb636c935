import { describeError } from '../logging/logger.ts';
import type { InboundMessage } from '../spec/chat-adapter.ts';
import type { JsonValue } from '../spec/language-model.ts';
import type { RuntimeContext } from './context.ts';

/** A message waiting in its conversation's queue (and, once taken, in its turn record). */
export interface QueueItem {
  message: InboundMessage;
  queuedAtMs: number;
}

/** The reply message a turn has open on the platform. */
export interface OpenReplyRecord {
  /** The platform id of the message. */
  replyId: string | undefined;
  /** The sink's snapshot, for `ChatAdapter.resumeReply`. */
  snapshot: JsonValue | undefined;
  /** The text the platform shows in this message. */
  text: string;
}

/**
 * A turn in state: the messages it answers and the reply it has open. Written before the
 * messages leave the queue and deleted when the reply is finished, so the messages of a turn
 * whose instance crashed (or closed) are never lost: whoever takes the conversation's lock next
 * finishes the open reply, or answers the messages (decision 0011).
 */
export interface TurnRecord {
  /** Record format. */
  v: 1;
  /** The messages the turn answers, oldest first. */
  items: QueueItem[];
  /** The reply message open on the platform (none before the first update was delivered). */
  reply: OpenReplyRecord | undefined;
  /** When the turn started, in milliseconds since the epoch. */
  startedAtMs: number;
  /** How often instances have tried to take the turn over. */
  attempts?: number | undefined;
}

/** Reads a turn record defensively (state written by another version may differ). */
export function parseTurnRecord(value: unknown): TurnRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<TurnRecord>;
  if (record.v !== 1 || !Array.isArray(record.items)) return undefined;
  return record as TurnRecord;
}

/**
 * Keeps one turn's record in state up to date: the open reply's id, snapshot and text after
 * every delivered update. Writes are coalesced (one in flight, the newest wins) and never throw:
 * a failed write is logged and the next one carries newer data.
 */
export class TurnJournal {
  private readonly context: RuntimeContext;
  private readonly key: string;
  private readonly where: { platform: string; conversationId: string };
  private record: TurnRecord;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private ended = false;

  constructor(
    context: RuntimeContext,
    key: string,
    where: { platform: string; conversationId: string },
    record: TurnRecord,
  ) {
    this.context = context;
    this.key = key;
    this.where = where;
    this.record = record;
  }

  /** The record as last written (or about to be). */
  get current(): TurnRecord {
    return this.record;
  }

  /** Records the open reply message (or none, after it was finished). */
  setReply(reply: OpenReplyRecord | undefined): void {
    if (this.ended) return;
    this.record = { ...this.record, reply };
    this.dirty = true;
    this.writing ??= this.writeLoop();
  }

  private async writeLoop(): Promise<void> {
    while (this.dirty && !this.ended) {
      this.dirty = false;
      try {
        await this.context.state.set(this.key, this.record as unknown as JsonValue, {
          ttlMs: this.context.settings.turnRecordTtlMs,
        });
      } catch (error) {
        this.context.log('warn', {
          event: 'state-failed',
          ...this.where,
          operation: 'turn-record-write',
          error: describeError(error),
        });
      }
    }
    this.writing = undefined;
  }

  /** Waits for writes in flight. */
  async settle(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  /**
   * Deletes the record: the turn is over (its reply finished). Returns false when the delete
   * failed (logged); the record then stays until its TTL and the next holder of the lock
   * deletes it after checking.
   */
  async end(): Promise<boolean> {
    this.ended = true;
    await this.settle();
    try {
      await this.context.state.delete(this.key);
      return true;
    } catch (error) {
      this.context.log('warn', {
        event: 'state-failed',
        ...this.where,
        operation: 'turn-record-delete',
        error: describeError(error),
      });
      return false;
    }
  }

  /** Stops writing and leaves the record in state (the turn is handed back). */
  async abandon(): Promise<void> {
    this.ended = true;
    await this.settle();
  }
}
