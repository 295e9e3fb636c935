import { AbortedError } from '../errors/errors.ts';
import type { LogEmitter } from '../logging/logger.ts';
import type { JsonValue } from '../spec/language-model.ts';

/**
 * Who stopped a running reply. `lock-lost`: the turn lock lapsed and may be another instance's
 * now; this one stops touching the conversation (the new holder finishes the reply).
 */
export type InterruptedBy = 'user' | 'newer-message' | 'shutdown' | 'lock-lost';

/** A reply being produced in this process. */
export interface RunningTurn {
  readonly platform: string;
  readonly conversationId: string;
  /** Ids of the messages the turn answers (several under the `interrupt` policy). */
  readonly messageIds: ReadonlySet<string>;
  /** Platform user ids of the people the turn answers (who may stop it). */
  readonly userIds: ReadonlySet<string>;
  /** Platform ids of the reply's messages (a split reply has several). */
  readonly replyIds: Set<string>;
  /** Stops the model: interrupts, newer messages, shutdown. */
  readonly controller: AbortController;
  /**
   * Stops the platform calls of the reply. Aborted only at a shutdown's deadline: an interrupt
   * never aborts a send in flight (the vendor may already have stored it).
   */
  readonly platformController: AbortController;
  interruptedBy: InterruptedBy | undefined;
  /** True once another instance holds the turn lock: finish this reply, take no more messages. */
  lockLost: boolean;
}

/** What travels on the cancel channel between instances. */
export interface CancelMessage {
  platform: string;
  conversationId?: string;
  replyId?: string;
  /** Who asked to stop (checked against the people the reply answers). */
  senderId?: string;
  /** Set under the `interrupt` policy: the newer message that replaces the running reply. */
  supersededBy?: string;
}

const SEPARATOR = '\u0000';
/** How long a stop naming a reply id not known yet is kept (its first send may be in flight). */
const PENDING_STOP_TTL_MS = 60_000;
const PENDING_STOP_LIMIT = 1000;

interface PendingStop {
  message: CancelMessage;
  atMs: number;
}

/**
 * The replies running in this process, findable by conversation and by reply id, so that a
 * cancel message (from this or another instance) stops the right one.
 *
 * A stop naming a reply id that is not known yet is remembered for a minute: the user can press
 * stop while the reply's first send is still in flight (the vendor stored it and showed it, the
 * answer with its id has not arrived). It is applied as soon as the id is recorded.
 */
export class TurnRegistry {
  private readonly byConversation = new Map<string, RunningTurn>();
  private readonly byReply = new Map<string, RunningTurn>();
  private readonly pendingStops = new Map<string, PendingStop>();
  private readonly log: LogEmitter;

  constructor(log: LogEmitter) {
    this.log = log;
  }

  /** Registers a turn that starts now. */
  start(
    platform: string,
    conversationId: string,
    messages: Iterable<{ id: string; senderId: string }>,
  ): RunningTurn {
    const messageIds = new Set<string>();
    const userIds = new Set<string>();
    for (const message of messages) {
      messageIds.add(message.id);
      userIds.add(message.senderId);
    }
    const turn: RunningTurn = {
      platform,
      conversationId,
      messageIds,
      userIds,
      replyIds: new Set(),
      controller: new AbortController(),
      platformController: new AbortController(),
      interruptedBy: undefined,
      lockLost: false,
    };
    this.byConversation.set(platform + SEPARATOR + conversationId, turn);
    return turn;
  }

  /** Records a platform id of the turn's reply, so interrupts naming it find the turn. */
  addReplyId(turn: RunningTurn, replyId: string): void {
    turn.replyIds.add(replyId);
    const key = turn.platform + SEPARATOR + replyId;
    this.byReply.set(key, turn);
    const pending = this.pendingStops.get(key);
    if (pending !== undefined) {
      this.pendingStops.delete(key);
      if (Date.now() - pending.atMs <= PENDING_STOP_TTL_MS) this.stop(turn, pending.message);
    }
  }

  /** Forgets a finished turn. */
  end(turn: RunningTurn): void {
    const key = turn.platform + SEPARATOR + turn.conversationId;
    if (this.byConversation.get(key) === turn) this.byConversation.delete(key);
    for (const replyId of turn.replyIds) this.byReply.delete(turn.platform + SEPARATOR + replyId);
  }

  /** The turns running in this process. */
  running(): IterableIterator<RunningTurn> {
    return this.byConversation.values();
  }

  /** Handles a message from the cancel channel: aborts the turn it names, if it runs here. */
  onCancel(raw: JsonValue): void {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
    const message = raw as unknown as CancelMessage;
    if (typeof message.platform !== 'string') return;
    if (message.replyId !== undefined) {
      const key = message.platform + SEPARATOR + message.replyId;
      const turn = this.byReply.get(key);
      if (turn === undefined) {
        this.rememberStop(key, message);
        return;
      }
      this.stop(turn, message);
      return;
    }
    if (message.conversationId === undefined) return;
    const turn = this.byConversation.get(message.platform + SEPARATOR + message.conversationId);
    if (turn !== undefined) this.stop(turn, message);
  }

  private rememberStop(key: string, message: CancelMessage): void {
    if (message.supersededBy !== undefined) return;
    const atMs = Date.now();
    if (this.pendingStops.size >= PENDING_STOP_LIMIT) {
      for (const [pendingKey, pending] of this.pendingStops) {
        if (
          atMs - pending.atMs > PENDING_STOP_TTL_MS ||
          this.pendingStops.size >= PENDING_STOP_LIMIT
        ) {
          this.pendingStops.delete(pendingKey);
        } else break;
      }
    }
    this.pendingStops.set(key, { message, atMs });
  }

  private stop(turn: RunningTurn, message: CancelMessage): void {
    if (turn.controller.signal.aborted) return;
    if (message.supersededBy !== undefined && turn.messageIds.has(message.supersededBy)) return;
    if (message.conversationId !== undefined && message.conversationId !== turn.conversationId) {
      this.ignore(turn, message, 'other-conversation');
      return;
    }
    if (message.senderId !== undefined && !turn.userIds.has(message.senderId)) {
      this.ignore(turn, message, 'other-sender');
      return;
    }
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

  private ignore(
    turn: RunningTurn,
    message: CancelMessage,
    reason: 'other-conversation' | 'other-sender',
  ): void {
    this.log('warn', {
      event: 'stop-ignored',
      platform: turn.platform,
      conversationId: message.conversationId ?? turn.conversationId,
      replyId: message.replyId,
      reason,
    });
  }

  /**
   * Gives a turn up because its lock may belong to another instance now: stops the model and
   * the platform calls at once, so two instances never write into one conversation.
   */
  yieldTurn(turn: RunningTurn): void {
    turn.lockLost = true;
    if (turn.platformController.signal.aborted) return;
    turn.interruptedBy = 'lock-lost';
    const reason = new AbortedError({ message: 'Turn lock lost' });
    turn.controller.abort(reason);
    turn.platformController.abort(reason);
  }

  /** Interrupts every running turn's model (shutdown); platform calls go on. */
  abortAll(): void {
    for (const turn of this.byConversation.values()) {
      if (turn.controller.signal.aborted) continue;
      turn.interruptedBy = 'shutdown';
      turn.controller.abort(new AbortedError({ message: 'Bot closed' }));
    }
  }
}
