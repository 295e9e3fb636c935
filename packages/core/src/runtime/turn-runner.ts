import { describeError } from '../logging/logger.ts';
import type { ChatAdapter } from '../spec/chat-adapter.ts';
import type { JsonValue, ModelMessage } from '../spec/language-model.ts';
import type { StateLock } from '../spec/state-adapter.ts';
import type { RuntimeContext } from './context.ts';
import { postErrorMessage, type ReplyResult, streamReply } from './reply-stream.ts';
import type { QueueItem, TurnJournal } from './turn-journal.ts';
import type { RunningTurn } from './turn-registry.ts';

/** The state keys of one conversation. */
export interface ConversationKeys {
  lock: string;
  queue: string;
  turn: string;
  history: string;
  providerState: string;
}

/**
 * Keeps the turn lock alive while a reply runs; returns the function that stops it. When the
 * lock was lost (it lapsed while the store was unreachable), the heartbeat takes it again if it
 * is free. If another instance holds it — or the store stays unreachable past the lock's expiry,
 * so another instance may take it — the turn is given up at once (`yieldTurn`): this instance
 * stops writing into the conversation, and the new holder finishes the reply from the turn
 * record. Two instances never stream into one conversation at the same time.
 */
function startHeartbeat(
  context: RuntimeContext,
  lockHolder: { lock: StateLock },
  keys: ConversationKeys,
  turn: RunningTurn,
): () => void {
  const where = { platform: turn.platform, conversationId: turn.conversationId };
  const ttlMs = context.settings.lockTtlMs;
  // Until when the lock is ours for sure (by this clock).
  let confirmedUntilMs = lockHolder.lock.expiresAtMs;
  let running = false;
  const beat = async (): Promise<void> => {
    const startedAtMs = Date.now();
    try {
      if (await context.state.extendLock(lockHolder.lock, { ttlMs })) {
        confirmedUntilMs = startedAtMs + ttlMs;
        return;
      }
      const regained = await context.state.acquireLock(keys.lock, { ttlMs });
      context.log('warn', { event: 'lock-lost', ...where, regained: regained !== null });
      if (regained === null) {
        context.turns.yieldTurn(turn);
        return;
      }
      lockHolder.lock = regained;
      confirmedUntilMs = startedAtMs + ttlMs;
    } catch (error) {
      context.log('warn', { event: 'lock-lost', ...where, error: describeError(error) });
      if (Date.now() >= confirmedUntilMs) context.turns.yieldTurn(turn);
    }
  };
  const timer = setInterval(() => {
    if (running || turn.lockLost) return;
    running = true;
    void beat().finally(() => {
      running = false;
    });
  }, context.settings.heartbeatMs);
  return () => clearInterval(timer);
}

/** Reads the history window; on a state failure, the turn's own messages alone. */
async function loadHistory(
  context: RuntimeContext,
  keys: ConversationKeys,
  batch: readonly QueueItem[],
  where: { platform: string; conversationId: string },
): Promise<{ messages: ModelMessage[]; providerState: JsonValue | undefined }> {
  const { state, settings } = context;
  const own = (): ModelMessage[] =>
    batch.map((item) => ({ role: 'user' as const, content: item.message.text }));
  if (!settings.historyEnabled) return { messages: own().slice(-1), providerState: undefined };
  const historyOptions = { maxLength: settings.historyMaxMessages, ttlMs: settings.historyTtlMs };
  try {
    for (const item of batch) {
      await state.appendToList(
        keys.history,
        { role: 'user', content: item.message.text },
        historyOptions,
      );
    }
    const messages = await state.getList<ModelMessage>(keys.history);
    const providerState = await state.get(keys.providerState);
    return { messages, providerState };
  } catch (error) {
    // The question is still answered, without the earlier turns.
    context.log('warn', {
      event: 'state-failed',
      ...where,
      operation: 'history-read',
      error: describeError(error),
    });
    return { messages: own(), providerState: undefined };
  }
}

/** Saves the answer in history; a failure is logged (the reply was delivered already). */
async function saveHistory(
  context: RuntimeContext,
  keys: ConversationKeys,
  result: ReplyResult,
  where: { platform: string; conversationId: string },
): Promise<void> {
  const { state, settings } = context;
  if (!settings.historyEnabled) return;
  try {
    if (result.text.length > 0) {
      await state.appendToList(
        keys.history,
        { role: 'assistant', content: result.text },
        { maxLength: settings.historyMaxMessages, ttlMs: settings.historyTtlMs },
      );
    }
    if (result.providerState !== undefined) {
      await state.set(keys.providerState, result.providerState, { ttlMs: settings.historyTtlMs });
    }
  } catch (error) {
    context.log('warn', {
      event: 'state-failed',
      ...where,
      operation: 'history-write',
      error: describeError(error),
    });
  }
}

/**
 * Answers one batch: history in, model call streamed out, history and provider state saved.
 * The batch's turn record (`journal`) is already in state; it is deleted when the reply is
 * finished, or left there when `close()` handed the turn back. Resolves to true when this
 * instance may go on with the conversation's queue (it still holds the lock).
 */
export async function runTurn(
  context: RuntimeContext,
  adapter: ChatAdapter,
  batch: readonly QueueItem[],
  lockHolder: { lock: StateLock },
  keys: ConversationKeys,
  journal: TurnJournal,
): Promise<boolean> {
  const platform = adapter.platform;
  const message = (batch.at(-1) as QueueItem).message;
  const conversationId = message.target.conversationId;
  const where = { platform, conversationId };
  const fields = { ...where, messageId: message.id };
  const startedAtMs = Date.now();
  const turn = context.turns.start(
    platform,
    conversationId,
    batch.map((item) => ({ id: item.message.id, senderId: item.message.sender.id })),
  );
  const stopHeartbeat = startHeartbeat(context, lockHolder, keys, turn);
  try {
    for (const item of batch) {
      if (item !== batch.at(-1)) {
        context.log('info', { event: 'superseded', ...where, messageId: item.message.id });
      }
    }
    const { messages, providerState } = await loadHistory(context, keys, batch, where);
    let instructions: string | undefined;
    try {
      const configured = context.options.instructions;
      instructions =
        typeof configured === 'function' ? await configured({ message, platform }) : configured;
    } catch (error) {
      context.log('error', { event: 'turn-failed', ...fields, error: describeError(error) });
      await postErrorMessage(context, adapter, message, error, turn.platformController.signal);
      await journal.end();
      return !turn.lockLost;
    }

    context.log('info', { event: 'reply-started', ...fields });
    const result = await streamReply(context, {
      adapter,
      message,
      turn,
      messages,
      instructions,
      providerState,
      journal,
    });
    if (result.reason === 'handed-back') {
      await journal.abandon();
      if (turn.interruptedBy === 'shutdown') {
        context.log('info', { event: 'turn-handed-back', ...where, messageCount: batch.length });
      }
      return false;
    }
    await saveHistory(context, keys, result, where);
    if (!(await journal.end())) {
      context.finishedRecords.set(keys.turn, journal.current.startedAtMs);
    }
    context.log(result.reason === 'error' ? 'warn' : 'info', {
      event: 'reply-finished',
      ...fields,
      replyId: [...turn.replyIds].at(-1),
      reason: result.reason,
      interruptedBy: turn.interruptedBy,
      timeToFirstTokenMs:
        result.firstTokenAtMs === undefined ? undefined : result.firstTokenAtMs - startedAtMs,
      updateCount: result.updateCount,
      durationMs: Date.now() - startedAtMs,
      usage: result.usage,
    });
    return !turn.lockLost;
  } finally {
    stopHeartbeat();
    context.turns.end(turn);
  }
}
