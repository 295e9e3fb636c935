/**
 * The TRTC panel: voice calls between a playground user and a voice agent on the local TRTC.
 * The local TRTC plays a user's sentence into a running task (it posts the 903/904 webhooks,
 * calls the agent's LLM endpoint as TRTC does, and posts 903/905 or 908); this module starts a
 * call with the example agent when there is none, keeps the sentences in flight, turns the
 * ended turns into chat items, and copies the local TRTC's request records into the wire panel.
 *
 * @module
 */

import type { VoiceAgent } from '@imbridge/trtc';
import type { LocalTRTC, LocalTRTCTurn } from '@imbridge/trtc/testing';
import type { ActivityLog } from './activity-log.ts';
import type { ChatItem } from './chat-items.ts';
import { redactBody } from './redact.ts';
import { PlaygroundRequestError } from './request-error.ts';

/** Voice calls of the playground. */
export interface VoiceCalls {
  /**
   * Plays `text` as `userId`'s sentence into their call, starting one with the example agent
   * when none runs; resolves once the sentence is on its way (the turn runs in the background).
   * @throws {PlaygroundRequestError} when no call runs and there is no example agent to start.
   */
  say(userId: string, text: string): Promise<void>;
  /** The items of `userId`'s calls: each sentence and the agent's answer. */
  items(userId: string): ChatItem[];
  /** Copies the local TRTC's new request records into the log. */
  recordRequests(log: ActivityLog): void;
  /** Waits for the sentences in flight. */
  settle(): Promise<void>;
}

interface PendingTurn {
  readonly id: number;
  readonly taskId: string;
  readonly userId: string;
  readonly text: string;
  readonly atMs: number;
}

function turnItems(turn: LocalTRTCTurn, userId: string, atMs: number): ChatItem[] {
  const user: ChatItem = {
    id: `${turn.roundId}:user`,
    from: 'user',
    author: userId,
    kind: 'voice',
    text: turn.userText,
    state: 'sent',
    detail: 'ASR sentence · 904, 903',
    atMs,
  };
  const failed = turn.status === 'failed';
  const bot: ChatItem = {
    id: `${turn.roundId}:bot`,
    from: 'bot',
    author: 'voice agent',
    kind: failed ? 'error' : 'voice',
    text: failed ? `${turn.failure ?? 'failed'}: ${turn.error ?? ''}` : turn.replyText,
    state: failed ? 'failed' : turn.status === 'aborted' ? 'interrupted' : 'finished',
    detail: failed ? 'LLM call failed · 908' : `spoken reply · 903, 905 · ${turn.status}`,
    atMs,
  };
  return [user, bot];
}

/** Creates the voice calls of the playground over `trtc`, with the example `agent` if any. */
export function createVoiceCalls(options: {
  trtc: LocalTRTC;
  agent: VoiceAgent | undefined;
}): VoiceCalls {
  const { trtc, agent } = options;
  const pending = new Map<number, PendingTurn>();
  const startedAtMs = new Map<string, number>();
  const running = new Set<Promise<unknown>>();
  let nextId = 1;
  let recordedRequests = 0;
  let nextRoomId = 1000;

  const runningTaskOf = (userId: string): string | undefined =>
    trtc.tasks.filter((task) => task.targetUserId === userId && task.status === 'InProgress').at(-1)
      ?.taskId;

  const callOf = async (userId: string): Promise<string> => {
    const taskId = runningTaskOf(userId);
    if (taskId !== undefined) return taskId;
    if (agent === undefined) {
      throw new PlaygroundRequestError(
        409,
        `no voice agent is in a call with ${userId}: start one from your bot on the local TRTC, with ${userId} as the target user`,
      );
    }
    nextRoomId += 1;
    const session = await agent.start({
      roomId: nextRoomId,
      targetUserId: userId,
      sessionId: `playground-${userId}`,
    });
    if (session.taskId === undefined) {
      throw new PlaygroundRequestError(502, 'the local TRTC did not return a task id');
    }
    return session.taskId;
  };

  return {
    async say(userId, text) {
      const taskId = await callOf(userId);
      const turn: PendingTurn = { id: nextId, taskId, userId, text, atMs: Date.now() };
      nextId += 1;
      pending.set(turn.id, turn);
      const played = trtc
        .simulateUtterance(taskId, text)
        .then((ended) => {
          startedAtMs.set(ended.roundId, turn.atMs);
        })
        .catch(() => undefined)
        .finally(() => {
          pending.delete(turn.id);
          running.delete(played);
        });
      running.add(played);
    },
    items(userId) {
      const tasks = new Set(
        trtc.tasks.filter((task) => task.targetUserId === userId).map((task) => task.taskId),
      );
      const ended = trtc.turns.filter((turn) => tasks.has(turn.taskId) && !turn.invokeLLM);
      // Turns end in any order (a failing one first): show them in the order they were said.
      const items = ended
        .map((turn) => ({ turn, atMs: startedAtMs.get(turn.roundId) ?? 0 }))
        .sort((first, second) => first.atMs - second.atMs)
        .flatMap(({ turn, atMs }) => turnItems(turn, userId, atMs));
      // A turn that ended a moment before its promise settled is shown once, as ended.
      const justEnded = (turn: PendingTurn): boolean =>
        ended.some(
          (candidate) =>
            candidate.taskId === turn.taskId &&
            candidate.userText === turn.text &&
            !startedAtMs.has(candidate.roundId),
        );
      for (const turn of pending.values()) {
        if (turn.userId !== userId || justEnded(turn)) continue;
        items.push(
          {
            id: `pending-${turn.id}:user`,
            from: 'user',
            author: userId,
            kind: 'voice',
            text: turn.text,
            state: 'sent',
            detail: 'ASR sentence · 904, 903',
            atMs: turn.atMs,
          },
          {
            id: `pending-${turn.id}:bot`,
            from: 'bot',
            author: 'voice agent',
            kind: 'voice',
            text: '',
            state: 'growing',
            detail: 'TRTC is calling the LLM endpoint',
            atMs: turn.atMs,
          },
        );
      }
      return items;
    },
    recordRequests(log) {
      const records = trtc.requests;
      for (const record of records.slice(recordedRequests)) {
        log.add({
          atMs: Date.now(),
          kind: 'api',
          vendor: 'trtc',
          label: record.action || '(no action)',
          method: 'POST',
          path: `/ (X-TC-Action: ${record.action})`,
          target: 'local vendor',
          status: record.httpStatus,
          code: record.errorCode === undefined ? 'ok' : `Error ${record.errorCode}`,
          requestBody: redactBody(record.bodyText),
        });
      }
      recordedRequests = records.length;
    },
    async settle() {
      await Promise.allSettled([...running]);
    },
  };
}
