import { AbortedError } from '../errors/errors.ts';
import type { LogEmitter } from '../logging/logger.ts';
import type { JsonValue } from '../spec/language-model.ts';

/** Who stopped a running reply. */
export type InterruptedBy = 'user' | 'newer-message' | 'shutdown';

/** A reply being produced in this process. */
export interface RunningTurn {
  readonly platform: string;
  readonly conversationId: string;
  /** Ids of the messages the turn answers (several under the `interrupt` policy). */
  readonly messageIds: ReadonlySet<string>;
  /** Platform ids of the reply's messages (a split reply has several). */
  readonly replyIds: Set<string>;
  readonly controller: AbortController;
  interruptedBy: InterruptedBy | undefined;
}

/** What travels on the cancel channel between instances. */
export interface CancelMessage {
  platform: string;
  conversationId?: string;
  replyId?: string;
  /** Set under the `interrupt` policy: the newer message that replaces the running reply. */
  supersededBy?: string;
}

const SEPARATOR = '\u0000';

/**
 * The replies running in this process, findable by conversation and by reply id, so that a
 * cancel message (from this or another instance) stops the right one.
 */
export class TurnRegistry {
  private readonly byConversation = new Map<string, RunningTurn>();
  private readonly byReply = new Map<string, RunningTurn>();
  private readonly log: LogEmitter;

  constructor(log: LogEmitter) {
    this.log = log;
  }

  /** Registers a turn that starts now. */
  start(platform: string, conversationId: string, messageIds: Iterable<string>): RunningTurn {
    const turn: RunningTurn = {
      platform,
      conversationId,
      messageIds: new Set(messageIds),
      replyIds: new Set(),
      controller: new AbortController(),
      interruptedBy: undefined,
    };
    this.byConversation.set(platform + SEPARATOR + conversationId, turn);
    return turn;
  }

  /** Records a platform id of the turn's reply, so interrupts naming it find the turn. */
  addReplyId(turn: RunningTurn, replyId: string): void {
    turn.replyIds.add(replyId);
    this.byReply.set(turn.platform + SEPARATOR + replyId, turn);
  }

  /** Forgets a finished turn. */
  end(turn: RunningTurn): void {
    const key = turn.platform + SEPARATOR + turn.conversationId;
    if (this.byConversation.get(key) === turn) this.byConversation.delete(key);
    for (const replyId of turn.replyIds) this.byReply.delete(turn.platform + SEPARATOR + replyId);
  }

  /** Handles a message from the cancel channel: aborts the turn it names, if it runs here. */
  onCancel(raw: JsonValue): void {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
    const message = raw as unknown as CancelMessage;
    const turn =
      message.replyId !== undefined
        ? this.byReply.get(message.platform + SEPARATOR + message.replyId)
        : message.conversationId !== undefined
          ? this.byConversation.get(message.platform + SEPARATOR + message.conversationId)
          : undefined;
    if (turn === undefined || turn.controller.signal.aborted) return;
    if (message.supersededBy !== undefined && turn.messageIds.has(message.supersededBy)) return;
    turn.interruptedBy = message.supersededBy !== undefined ? 'newer-message' : 'user';
    this.log('info', {
      event: 'interrupted',
      platform: turn.platform,
      conversationId: turn.conversationId,
      replyId: message.replyId,
      by: turn.interruptedBy,
    });
    turn.controller.abort(new AbortedError({ message: 'Reply interrupted' }));
  }

  /** Interrupts every running turn (shutdown). */
  abortAll(): void {
    for (const turn of this.byConversation.values()) {
      turn.interruptedBy = 'shutdown';
      turn.controller.abort(new AbortedError({ message: 'Bot closed' }));
    }
  }
}
