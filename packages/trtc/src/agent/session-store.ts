/**
 * What a voice agent keeps per session in a state adapter: the conversation (TRTC sends each
 * utterance alone, with `History: 0`), the model's provider state (Dify's conversation id), the
 * task → session and key links, and the revoked keys (of stopped tasks), which the endpoint
 * refuses. Every key carries the agent's prefix and a TTL: nothing outlives the session's key by
 * more than a day.
 *
 * @module
 */
import type { JsonValue, ModelMessage, StateAdapter } from '@imbridge/core';

/**
 * One stored turn: what the user said and what the agent answered (either may be absent), and
 * TRTC's `X-Request-Id` (the same on TRTC's retries of one turn).
 */
interface StoredTurn {
  [key: string]: JsonValue | undefined;
  u?: string;
  a?: string;
  r?: string;
}

/** How long the records of a session outlive its key, in milliseconds. */
const GRACE_MS = 24 * 60 * 60 * 1000;

/** The per-session records of one voice agent. */
export interface SessionStore {
  /**
   * The conversation so far, oldest first, without the earlier attempts of the turn being
   * answered (`requestId`, when TRTC retries it).
   */
  history(sessionId: string, requestId?: string): Promise<ModelMessage[]>;
  /** The model's state after the session's last answer. */
  providerState(sessionId: string): Promise<JsonValue | undefined>;
  /** Records a finished (or cut-off) turn, and the model's new state. */
  recordTurn(
    sessionId: string,
    turn: {
      user: string | undefined;
      assistant: string | undefined;
      /** TRTC's `X-Request-Id`: a retried turn replaces the attempt recorded before it. */
      requestId?: string | undefined;
    },
    providerState: JsonValue | undefined,
    untilMs: number,
  ): Promise<void>;
  /** Links a started task to its session and the key it was started with, until `untilMs`. */
  linkTask(link: TaskLink, untilMs: number): Promise<void>;
  /** The session and key of a task this agent started, if it is still known. */
  linkOfTask(taskId: string): Promise<TaskLink | undefined>;
  /** The task a session was last started with, if it is still known. */
  taskOfSession(sessionId: string): Promise<string | undefined>;
  /** Refuses a key from now on, until `untilMs` (when it expires anyway). */
  revokeKey(keyId: string, untilMs: number): Promise<void>;
  /** Whether a key was revoked. */
  isRevoked(keyId: string): Promise<boolean>;
}

/** A started task, its session and the id of the key TRTC presents for it. */
export interface TaskLink {
  taskId: string;
  sessionId: string;
  keyId: string;
}

function ttlUntil(untilMs: number, now: () => number): number {
  return Math.max(1, untilMs - now()) + GRACE_MS;
}

/** A stored JSON object (a turn, or a task link), as opposed to any other JSON value. */
function isRecordValue(
  value: JsonValue | undefined,
): value is { [key: string]: JsonValue | undefined } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The session records of an agent on `state` under `prefix`, keeping the newest `maxTurns` turns
 * of each conversation.
 */
export function createSessionStore(
  state: StateAdapter,
  prefix: string,
  maxTurns: number,
  now: () => number,
): SessionStore {
  const key = (kind: string, id: string): string => `${prefix}${kind}:${id}`;
  return {
    async history(sessionId, requestId) {
      const items = (await state.getList(key('history', sessionId))).filter(isRecordValue);
      // A turn TRTC retried (same request id) counts once: its last attempt.
      const lastAttempt = new Map<string, number>();
      items.forEach((item, index) => {
        if (typeof item.r === 'string') lastAttempt.set(item.r, index);
      });
      const messages: ModelMessage[] = [];
      for (const [index, item] of items.entries()) {
        if (typeof item.r === 'string') {
          if (item.r === requestId || lastAttempt.get(item.r) !== index) continue;
        }
        if (typeof item.u === 'string') messages.push({ role: 'user', content: item.u });
        if (typeof item.a === 'string') messages.push({ role: 'assistant', content: item.a });
      }
      return messages;
    },
    async providerState(sessionId) {
      return state.get(key('provider', sessionId));
    },
    async recordTurn(sessionId, turn, providerState, untilMs) {
      const ttlMs = ttlUntil(untilMs, now);
      const item: StoredTurn = {};
      if (turn.user !== undefined && turn.user !== '') item.u = turn.user;
      if (turn.assistant !== undefined && turn.assistant !== '') item.a = turn.assistant;
      if (turn.requestId !== undefined && turn.requestId !== '') item.r = turn.requestId;
      const writes: Promise<void>[] = [];
      if (item.u !== undefined || item.a !== undefined) {
        writes.push(
          state.appendToList(key('history', sessionId), item, { maxLength: maxTurns, ttlMs }),
        );
      }
      if (providerState !== undefined) {
        writes.push(state.set(key('provider', sessionId), providerState, { ttlMs }));
      }
      await Promise.all(writes);
    },
    async linkTask(link, untilMs) {
      const ttlMs = ttlUntil(untilMs, now);
      await Promise.all([
        state.set(key('task', link.taskId), { s: link.sessionId, k: link.keyId }, { ttlMs }),
        state.set(key('session', link.sessionId), link.taskId, { ttlMs }),
      ]);
    },
    async linkOfTask(taskId) {
      const value = await state.get(key('task', taskId));
      if (!isRecordValue(value) || typeof value.s !== 'string' || typeof value.k !== 'string') {
        return undefined;
      }
      return { taskId, sessionId: value.s, keyId: value.k };
    },
    async taskOfSession(sessionId) {
      const value = await state.get(key('session', sessionId));
      return typeof value === 'string' ? value : undefined;
    },
    async revokeKey(keyId, untilMs) {
      await state.set(key('revoked', keyId), true, { ttlMs: ttlUntil(untilMs, now) });
    },
    async isRevoked(keyId) {
      return (await state.get(key('revoked', keyId))) !== undefined;
    },
  };
}
