import { describeError } from '../logging/logger.ts';
import type { ChatAdapter } from '../spec/chat-adapter.ts';
import type { JsonValue, ModelMessage } from '../spec/language-model.ts';
import type { StateLock } from '../spec/state-adapter.ts';
import type { RuntimeContext } from './context.ts';
import { isHandedOff } from './conversation-actions.ts';
import { createMessageContext, type TurnHandlerState } from './message-context.ts';
import { runMiddleware } from './middleware.ts';
import { postErrorMessage } from './reply-stream.ts';
import { inSpan } from './telemetry.ts';
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
    const handedOff = await isHandedOff(context, platform, conversationId);
    const shared: TurnHandlerState = { handedBack: false };
    const handlerContext = createMessageContext(
      context,
      {
        adapter,
        message,
        turn,
        journal,
        history: messages,
        providerState,
        handedOff,
      },
      shared,
    );
    const defaultAnswer = async (): Promise<void> => {
      if (handedOff) {
        context.log('info', { event: 'handed-off', ...fields });
        return;
      }
      await handlerContext.answer();
    };
    try {
      await inSpan(
        context.options.telemetry,
        'imbridge.turn',
        { 'imbridge.platform': platform, 'imbridge.message_id': message.id },
        () => runMiddleware(context.middleware, handlerContext, defaultAnswer),
      );
    } catch (error) {
      if (!shared.handedBack && !turn.lockLost) {
        context.log('error', { event: 'turn-failed', ...fields, error: describeError(error) });
        context.hook('onError', { ...where, message, phase: 'handler', error });
        if (!turn.controller.signal.aborted) {
          await postErrorMessage(context, adapter, message, error, turn.platformController.signal);
        }
      }
    }
    if (shared.handedBack) {
      await journal.abandon();
      if (turn.interruptedBy === 'shutdown') {
        context.log('info', { event: 'turn-handed-back', ...where, messageCount: batch.length });
      }
      return false;
    }
    if (!(await journal.end())) {
      context.finishedRecords.set(keys.turn, journal.current.startedAtMs);
    }
    return !turn.lockLost;
  } finally {
    stopHeartbeat();
    context.turns.end(turn);
  }
}
