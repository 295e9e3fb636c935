/**
 * The simulated users: each sends one question, waits until its reply is finished (as the
 * emulator answered it), then sends the next. The tracker follows each user's current question
 * from the webhook the emulator posts to the first REST call for that user and to the call that
 * finished the reply.
 */
import { performance } from 'node:perf_hooks';
import type { LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { questionOf } from './protocol.ts';
import type { ObservedCall } from './traffic-observer.ts';

/** One question and the times (performance.now ms) of what happened to it. */
export interface QuestionRecord {
  userId: string;
  question: string;
  /** The emulator posted its webhook. */
  postedAtMs?: number | undefined;
  /** The bot's 200 answer to that webhook reached the emulator. */
  acknowledgedAtMs?: number | undefined;
  /** The first REST call for this user after that arrived. */
  firstCallAtMs?: number | undefined;
  /** The call that finished its reply was answered with success. */
  answeredAtMs?: number | undefined;
}

interface Waiting {
  record: QuestionRecord;
  resolve: () => void;
}

interface MessageBodyShape {
  From_Account?: string;
  To_Account?: string;
  MsgBody?: { MsgContent?: { Text?: unknown; Data?: unknown } }[];
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** True when a chatbot custom-message `Data` string is a finished reply to `question`. */
function finishesReply(data: unknown, question: string): boolean {
  if (typeof data !== 'string') return false;
  const payload = parseJson<{ src?: number; chunks?: unknown; isFinished?: number }>(data);
  if (payload?.src !== 2 || payload.isFinished !== 1 || !Array.isArray(payload.chunks)) {
    return false;
  }
  return questionOf(payload.chunks.join('')) === question;
}

/** Follows every user's current question; see the module comment. */
export class ConversationTracker {
  readonly records: QuestionRecord[] = [];
  private readonly waiting = new Map<string, Waiting>();

  /** Registers the user's next question; `answered` resolves when its reply is finished. */
  expect(userId: string, question: string): QuestionRecord & { answered: Promise<void> } {
    const record: QuestionRecord = { userId, question };
    this.records.push(record);
    const answered = new Promise<void>((resolve) => this.waiting.set(userId, { record, resolve }));
    return Object.assign(record, { answered });
  }

  /** The emulator posts a webhook (body as sent). */
  onWebhookPosted(bodyText: string, atMs: number): void {
    const body = parseJson<MessageBodyShape>(bodyText);
    const current =
      body?.From_Account === undefined ? undefined : this.waiting.get(body.From_Account);
    if (current === undefined || current.record.postedAtMs !== undefined) return;
    if (body?.MsgBody?.[0]?.MsgContent?.Text === current.record.question) {
      current.record.postedAtMs = atMs;
    }
  }

  /** The emulator answered a REST call. */
  onRestCall(call: ObservedCall): void {
    const body = parseJson<MessageBodyShape>(call.bodyText);
    const current = body?.To_Account === undefined ? undefined : this.waiting.get(body.To_Account);
    if (current === undefined) return;
    const { record } = current;
    if (
      record.postedAtMs !== undefined &&
      record.firstCallAtMs === undefined &&
      call.atMs >= record.postedAtMs
    ) {
      record.firstCallAtMs = call.atMs;
    }
    if (
      call.errorCode === 0 &&
      finishesReply(body?.MsgBody?.[0]?.MsgContent?.Data, record.question)
    ) {
      record.answeredAtMs = call.answeredAtMs;
      this.waiting.delete(record.userId);
      current.resolve();
    }
  }

  /** Users whose current question is still unanswered. */
  get unanswered(): number {
    return this.waiting.size;
  }
}

/** Options of {@link driveConversations}. */
export interface DriveOptions {
  local: LocalTencentChat;
  robotId: string;
  userIds: readonly string[];
  tracker: ConversationTracker;
  /**
   * Users start one after the other over this many milliseconds (a thousand connections opened
   * at once would overflow the bot's listen backlog and time out in SYN retries).
   */
  rampMs: number;
  /** The measured window starts at this time (performance.now ms); for labelling failures. */
  windowStartMs: number;
  /** No question is sent after this time (performance.now ms). */
  stopAtMs: number;
  /** Users stop waiting for a reply at this time (the end of the drain). */
  giveUpAtMs: number;
}

/**
 * Runs every user's loop until `stopAtMs`; resolves once all are answered or given up. A
 * webhook the bot did not answer 200 is counted by reason and phase (`TimeoutError in warm-up`),
 * and its user moves on to the next question after a second (that question may still be
 * answered, or end up lost), so the number of active conversations stays the same.
 */
export async function driveConversations(
  options: DriveOptions,
): Promise<{ failures: Map<string, number> }> {
  const { local, robotId, tracker } = options;
  const failures = new Map<string, number>();
  const fail = (reason: string): void => {
    const nowMs = performance.now();
    const phase =
      nowMs < options.windowStartMs ? 'warm-up' : nowMs < options.stopAtMs ? 'window' : 'drain';
    const key = `${reason} in ${phase}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
  };
  let giveUpTimer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<false>((resolve) => {
    giveUpTimer = setTimeout(() => resolve(false), options.giveUpAtMs - performance.now());
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const count = options.userIds.length;
  const user = async (userId: string, position: number): Promise<void> => {
    await sleep((position * options.rampMs) / count);
    for (let index = 0; performance.now() < options.stopAtMs; index += 1) {
      const question = `${userId}-q${index}`;
      const record = tracker.expect(userId, question);
      const answered = record.answered.then(() => true);
      try {
        const delivery = await local.userSends({ from: userId, to: robotId, text: question });
        if (delivery.status === 200) record.acknowledgedAtMs = performance.now();
        else fail(`HTTP ${delivery.status}`);
      } catch (error) {
        const cause = error instanceof Error ? error.cause : undefined;
        const code = (cause as { code?: unknown } | undefined)?.code;
        fail(typeof code === 'string' ? code : error instanceof Error ? error.name : 'error');
      }
      if (record.acknowledgedAtMs === undefined) {
        await sleep(1_000);
        continue;
      }
      if (!(await Promise.race([answered, givenUp]))) return;
    }
  };
  await Promise.all(options.userIds.map(user));
  clearTimeout(giveUpTimer);
  return { failures };
}
