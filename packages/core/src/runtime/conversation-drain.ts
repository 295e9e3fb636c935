import { describeError } from '../logging/logger.ts';
import type { ChatAdapter } from '../spec/chat-adapter.ts';
import type { JsonValue } from '../spec/language-model.ts';
import type { StateLock } from '../spec/state-adapter.ts';
import type { RuntimeContext } from './context.ts';
import { withShutdownNotice } from './reply-stream.ts';
import { parseTurnRecord, type QueueItem, TurnJournal, type TurnRecord } from './turn-journal.ts';
import { type ConversationKeys, runTurn } from './turn-runner.ts';

/** How often a turn left in state is taken over before it is given up (logged). */
const MAX_RECOVERY_ATTEMPTS = 5;

/** The state keys of a conversation. */
export function conversationKeys(
  context: RuntimeContext,
  platform: string,
  conversationId: string,
): ConversationKeys {
  return {
    lock: context.key('lock', platform, conversationId),
    queue: context.key('queue', platform, conversationId),
    turn: context.key('turn', platform, conversationId),
    history: context.key('history', platform, conversationId),
    providerState: context.key('provider-state', platform, conversationId),
  };
}

/** Thrown inside a drain when a state call failed: the drain stops and resumes on a timer. */
class StateStep extends Error {
  readonly operation: string;
  readonly error: unknown;
  constructor(operation: string, error: unknown) {
    super(operation);
    this.operation = operation;
    this.error = error;
  }
}

async function step<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StateStep(operation, error);
  }
}

type HoldOutcome = 'empty' | 'stop';

/**
 * Works through a conversation while holding its turn lock: first a turn left in state by a
 * crashed or closed instance (its open reply finished with the shutdown notice, or its messages
 * answered), then the queue, one turn at a time: the oldest message (`queue` policy) or every
 * waiting message at once (`interrupt` policy: the newest is answered, the others are kept in
 * history as superseded).
 *
 * Nothing is lost on a state failure: a turn's record is written before its messages leave the
 * queue, and a failed or timed-out state call stops the drain and resumes it on a timer
 * (decision 0011). Returns when another holder has the lock (it drains after its reply), the
 * queue is empty, or the bot closed.
 */
export async function drainConversation(
  context: RuntimeContext,
  adapter: ChatAdapter,
  conversationId: string,
): Promise<void> {
  const platform = adapter.platform;
  const keys = conversationKeys(context, platform, conversationId);
  const { state } = context;
  try {
    for (;;) {
      if (context.closed) return;
      const lock = await step('acquire-lock', () =>
        state.acquireLock(keys.lock, { ttlMs: context.settings.lockTtlMs }),
      );
      // Someone else holds the turn: they drain the queue after their reply. If they died, the
      // lock lapses and the recovery sweep (or a timer set below) takes over.
      if (lock === null) return;
      const holder = { lock };
      let outcome: HoldOutcome;
      try {
        outcome = await workWhileHolding(context, adapter, conversationId, keys, holder);
      } finally {
        await releaseLock(context, adapter, conversationId, holder.lock);
      }
      if (outcome === 'stop') return;
      // A message may have been queued between our last look and the release.
      const remaining = await step('queue-read', () => state.getList(keys.queue));
      if (remaining.length === 0) {
        context.resetRetries(platform, conversationId);
        return;
      }
    }
  } catch (error) {
    if (!(error instanceof StateStep)) throw error;
    const resumeInMs = context.retryLater(adapter, conversationId);
    context.log('warn', {
      event: 'state-failed',
      platform,
      conversationId,
      operation: error.operation,
      resumeInMs,
      error: describeError(error.error),
    });
  }
}

async function releaseLock(
  context: RuntimeContext,
  adapter: ChatAdapter,
  conversationId: string,
  lock: StateLock,
): Promise<void> {
  try {
    await context.state.releaseLock(lock);
  } catch (error) {
    // The lock lapses after its TTL; look again then, so queued messages do not wait for the
    // user's next message.
    const resumeInMs = context.settings.lockTtlMs;
    context.resumeLater(adapter, conversationId, resumeInMs);
    context.log('warn', {
      event: 'state-failed',
      platform: adapter.platform,
      conversationId,
      operation: 'release-lock',
      resumeInMs,
      error: describeError(error),
    });
  }
}

async function workWhileHolding(
  context: RuntimeContext,
  adapter: ChatAdapter,
  conversationId: string,
  keys: ConversationKeys,
  holder: { lock: StateLock },
): Promise<HoldOutcome> {
  const { state, settings } = context;
  const where = { platform: adapter.platform, conversationId };
  // Messages of a turn this drain started (or recovered): skipped if still at the queue's head.
  const taken = new Set<string>();
  const left = parseTurnRecord(await step('turn-record-read', () => state.get(keys.turn)));
  if (left !== undefined) {
    for (const item of left.items) taken.add(item.message.id);
    // The record's messages leave the queue before the record does (a previous holder may have
    // failed to shift them): once the record is gone, nothing else says they were answered.
    await shiftTaken(state, keys, taken);
    if (!(await recoverTurn(context, adapter, conversationId, keys, holder, left))) return 'stop';
  }
  for (;;) {
    if (context.closed) {
      await tellWaitingUsers(context, adapter, keys);
      return 'stop';
    }
    const queued = await step('queue-read', () => state.getList<QueueItem>(keys.queue));
    if (queued.length > 0 && taken.has((queued[0] as QueueItem).message.id)) {
      // Answered already (its turn record was written, then shifting it failed).
      await shiftTaken(state, keys, taken);
      continue;
    }
    if (queued.length === 0) return 'empty';
    const batch = settings.policy === 'interrupt' ? queued : queued.slice(0, 1);
    const record: TurnRecord = { v: 1, items: batch, reply: undefined, startedAtMs: Date.now() };
    // The record first: from here on a crash leaves the messages in the record, not nowhere.
    await step('turn-record-write', () =>
      state.set(keys.turn, record as unknown as JsonValue, { ttlMs: settings.turnRecordTtlMs }),
    );
    for (const item of batch) taken.add(item.message.id);
    for (let index = 0; index < batch.length; index += 1) {
      await step('queue-shift', () => state.shiftFromList(keys.queue));
    }
    const journal = new TurnJournal(context, keys.turn, where, record);
    if (!(await runTurn(context, adapter, batch, holder, keys, journal))) {
      if (context.closed) await tellWaitingUsers(context, adapter, keys);
      return 'stop';
    }
  }
}

/** Removes the messages at the queue's head that a turn record already holds. */
async function shiftTaken(
  state: RuntimeContext['state'],
  keys: ConversationKeys,
  taken: ReadonlySet<string>,
): Promise<void> {
  const queued = await step('queue-read', () => state.getList<QueueItem>(keys.queue));
  let skip = 0;
  while (skip < queued.length && taken.has((queued[skip] as QueueItem).message.id)) skip += 1;
  for (let index = 0; index < skip; index += 1) {
    await step('queue-shift', () => state.shiftFromList(keys.queue));
  }
}

/**
 * At `close()` with the built-in memory state, nothing survives the process: the questions of
 * the conversation that were not answered (a turn handed back, messages still queued) get the
 * shutdown notice, so the users know to ask again, instead of silence. With a shared state they
 * stay there for the next instance instead.
 */
async function tellWaitingUsers(
  context: RuntimeContext,
  adapter: ChatAdapter,
  keys: ConversationKeys,
): Promise<void> {
  if (!context.ephemeralState) return;
  const record = parseTurnRecord(await context.state.get(keys.turn).catch(() => undefined));
  const queued = await context.state.getList<QueueItem>(keys.queue).catch(() => []);
  const waiting = [...(record?.reply === undefined ? (record?.items ?? []) : []), ...queued];
  const last = waiting.at(-1);
  if (last === undefined) return;
  try {
    await adapter.post(last.message.target, context.settings.shutdownNotice);
  } catch (error) {
    context.log('error', {
      event: 'error-message-failed',
      platform: adapter.platform,
      conversationId: last.message.target.conversationId,
      error: describeError(error),
    });
  }
}

/**
 * Takes over a turn found in state. Resolves to true when the conversation can go on.
 * - A record this process finished but could not delete: deleted.
 * - A reply open on the platform: finished with the text it shows and the shutdown notice
 *   (through `adapter.resumeReply`; adapters without it get the notice as a new message).
 * - No reply shown yet: the messages are answered now.
 */
async function recoverTurn(
  context: RuntimeContext,
  adapter: ChatAdapter,
  conversationId: string,
  keys: ConversationKeys,
  holder: { lock: StateLock },
  record: TurnRecord,
): Promise<boolean> {
  const { state } = context;
  const platform = adapter.platform;
  const last = record.items.at(-1);
  const where = { platform, conversationId };
  if (context.finishedRecords.get(keys.turn) === record.startedAtMs || last === undefined) {
    await step('turn-record-delete', () => state.delete(keys.turn));
    context.finishedRecords.delete(keys.turn);
    return true;
  }
  const attempts = record.attempts ?? 0;
  if (attempts >= MAX_RECOVERY_ATTEMPTS) {
    context.log('error', {
      event: 'turn-failed',
      ...where,
      messageId: last.message.id,
      error: { message: `gave up taking over the turn after ${attempts} attempts` },
    });
    await step('turn-record-delete', () => state.delete(keys.turn));
    return true;
  }
  const counted = { ...record, attempts: attempts + 1 };
  await step('turn-record-write', () =>
    state.set(keys.turn, counted as unknown as JsonValue, {
      ttlMs: context.settings.turnRecordTtlMs,
    }),
  );
  const reply = record.reply;
  if (reply === undefined) {
    context.log('warn', {
      event: 'turn-recovered',
      ...where,
      action: 'answered',
      messageCount: record.items.length,
    });
    const journal = new TurnJournal(context, keys.turn, where, counted);
    return runTurn(context, adapter, record.items, holder, keys, journal);
  }
  const text = withShutdownNotice(reply.text, context.settings.shutdownNotice);
  try {
    if (adapter.resumeReply !== undefined && reply.snapshot !== undefined) {
      const sink = await adapter.resumeReply(last.message.target, reply.snapshot);
      await sink.finish(text, { reason: 'interrupted' });
    } else {
      await adapter.post(last.message.target, context.settings.shutdownNotice);
    }
  } catch (error) {
    // The record stays (with its attempt count): the next sweep tries again.
    context.log('error', {
      event: 'update-failed',
      ...where,
      final: true,
      error: describeError(error),
    });
    context.resumeLater(adapter, conversationId, context.settings.lockTtlMs);
    return false;
  }
  if (context.settings.historyEnabled && reply.text.length > 0) {
    // The partial answer the user saw is part of the conversation, as after an interrupt.
    await context.state
      .appendToList(
        keys.history,
        { role: 'assistant', content: reply.text },
        { maxLength: context.settings.historyMaxMessages, ttlMs: context.settings.historyTtlMs },
      )
      .catch(() => undefined);
  }
  context.log('warn', {
    event: 'turn-recovered',
    ...where,
    action: 'finished-reply',
    replyId: reply.replyId,
    messageCount: record.items.length,
  });
  await step('turn-record-delete', () => state.delete(keys.turn));
  return true;
}
