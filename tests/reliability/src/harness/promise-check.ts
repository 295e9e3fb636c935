/**
 * The delivery promise of decision 0011, checked against what the local Tencent Chat stored:
 * every accepted question answered (a finished reply or an error message names it), no bot
 * message left "generating", no question answered by two reply bubbles.
 */
import { decodeChatbotPayload, type MessageElement } from '@imbridge/tencent-chat';
import type { LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { type Question, ROBOT } from './scene.ts';

/** What a chat client shows for one bot message. */
export interface Bubble {
  kind: 'reply' | 'error' | 'text';
  text: string;
  finished: boolean;
}

/** The figures of one scenario. */
export interface PromiseReport {
  /** Questions whose webhook was accepted. */
  messages: number;
  /** Questions whose webhook was refused (503: the vendor redelivers them). */
  refused: number;
  /** Bot bubbles (replies and error messages). */
  replies: number;
  /** Bot messages still "generating". */
  unfinished: number;
  /** Accepted questions nothing answers (policy drops excluded). */
  lost: number;
  /** Questions answered by more than one reply bubble. */
  duplicated: number;
  /** Questions answered with the error message. */
  errors: number;
  /** Tags of the lost and duplicated questions, and texts of unfinished bubbles, for messages. */
  details: string[];
}

function bubbleOf(elements: ReadonlyArray<MessageElement>): Bubble {
  const custom = elements.find((element) => element.type === 'custom');
  const payload = custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
  if (payload?.kind === 'stream') {
    return { kind: 'reply', text: payload.chunks.join(''), finished: payload.isFinished };
  }
  if (payload?.kind === 'error') return { kind: 'error', text: payload.errorInfo, finished: true };
  const text = elements.map((element) => (element.type === 'text' ? element.text : '')).join('');
  return { kind: 'text', text, finished: true };
}

/** The robot's bubbles in a user's conversation, oldest first. */
export function bubbles(chat: LocalTencentChat, userId: string): Bubble[] {
  return chat
    .conversation({ userId, robotId: ROBOT })
    .filter((message) => message.from === ROBOT && !message.recalled)
    .map((message) => bubbleOf(message.elements));
}

/** Options of {@link checkPromise}. */
export interface CheckOptions {
  /**
   * The bot runs `concurrency: 'interrupt'`: a question followed by a newer one from the same
   * user may be superseded (dropped by policy) when the newer one is answered.
   */
  interruptPolicy?: boolean | undefined;
}

/** Checks the promise for every question asked; see {@link PromiseReport}. */
export function checkPromise(
  chat: LocalTencentChat,
  questions: ReadonlyArray<Question>,
  options: CheckOptions = {},
): PromiseReport {
  const report: PromiseReport = {
    messages: 0,
    refused: 0,
    replies: 0,
    unfinished: 0,
    lost: 0,
    duplicated: 0,
    errors: 0,
    details: [],
  };
  const users = new Set(questions.map((question) => question.userId));
  const shown = new Map<string, Bubble[]>();
  for (const userId of users) {
    const list = bubbles(chat, userId);
    shown.set(userId, list);
    report.replies += list.length;
    for (const bubble of list) {
      if (!bubble.finished) {
        report.unfinished += 1;
        report.details.push(`unfinished: ${JSON.stringify(bubble.text.slice(0, 60))}`);
      }
    }
  }
  for (const question of questions) {
    if (!question.accepted) {
      report.refused += 1;
      continue;
    }
    report.messages += 1;
    const list = shown.get(question.userId) ?? [];
    const replies = list.filter(
      (bubble) => bubble.kind !== 'error' && bubble.text.startsWith(`re ${question.tag}:`),
    );
    const errors = list.filter(
      (bubble) => bubble.kind === 'error' && bubble.text === `error for ${question.tag}`,
    );
    if (replies.length > 1) {
      report.duplicated += 1;
      report.details.push(`duplicated: ${question.tag} (${replies.length} bubbles)`);
    }
    if (errors.length > 0) report.errors += 1;
    const superseded =
      options.interruptPolicy === true &&
      questions.some(
        (later) =>
          later.userId === question.userId &&
          later.accepted &&
          questions.indexOf(later) > questions.indexOf(question),
      );
    if (replies.length === 0 && errors.length === 0 && !superseded) {
      report.lost += 1;
      report.details.push(`lost: ${question.tag}`);
    }
  }
  return report;
}
