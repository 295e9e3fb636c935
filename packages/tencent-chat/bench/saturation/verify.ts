/**
 * What the users would see, read from the emulator's store after the drain: every question a
 * user sent to the robot should have exactly one reply message, finished, with the instant
 * model's whole answer.
 */
import type { LocalMessage } from '@imbridge/tencent-chat/testing';
import { answerDeltas, questionOf } from './protocol.ts';

/** Counts over the whole run (warm-up and drain included). */
export interface StoreCheck {
  /** Questions users sent to the robot. */
  questions: number;
  /** Questions without a finished reply message. */
  lost: number;
  /** Reply messages beyond the first for one question. */
  duplicated: number;
  /** Finished replies whose text is not the model's answer. */
  wrongText: number;
  /** Robot messages that are not a reply to a question (error messages, `src: 23`...). */
  other: number;
}

interface ReplyState {
  src: number | undefined;
  text: string;
  finished: boolean;
}

/** The chatbot payload a robot message shows now (its current elements). */
function replyState(message: LocalMessage): ReplyState | undefined {
  const element = message.elements[0];
  if (element?.type !== 'custom') return undefined;
  try {
    const payload = JSON.parse(element.data) as {
      src?: number;
      chunks?: unknown;
      isFinished?: number;
    };
    const chunks = Array.isArray(payload.chunks) ? payload.chunks : [];
    return { src: payload.src, text: chunks.join(''), finished: payload.isFinished === 1 };
  } catch {
    return undefined;
  }
}

/** Checks the stored conversations of `robotId`; see {@link StoreCheck}. */
export function checkStore(messages: readonly LocalMessage[], robotId: string): StoreCheck {
  const asked = new Set<string>();
  const replies = new Map<string, ReplyState[]>();
  let other = 0;
  for (const message of messages) {
    if (message.origin === 'client' && message.to === robotId) {
      const element = message.elements[0];
      if (element?.type === 'text') asked.add(element.text);
      continue;
    }
    if (message.from !== robotId) continue;
    const state = replyState(message);
    const question = state?.src === 2 ? questionOf(state.text) : undefined;
    if (state === undefined || question === undefined) {
      other += 1;
      continue;
    }
    const list = replies.get(question) ?? [];
    list.push(state);
    replies.set(question, list);
  }
  let lost = 0;
  let duplicated = 0;
  let wrongText = 0;
  for (const question of asked) {
    const list = replies.get(question) ?? [];
    const finished = list.filter((reply) => reply.finished);
    if (finished.length === 0) lost += 1;
    duplicated += Math.max(0, list.length - 1);
    const expected = answerDeltas(question).join('');
    wrongText += finished.filter((reply) => reply.text !== expected).length;
  }
  return { questions: asked.size, lost, duplicated, wrongText, other };
}
