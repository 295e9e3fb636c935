import { describeError } from '../logging/logger.ts';
import type { ChatAdapter } from '../spec/chat-adapter.ts';
import type { JsonValue, ModelMessage } from '../spec/language-model.ts';
import type { StateLock } from '../spec/state-adapter.ts';
import type { RuntimeContext } from './context.ts';
import type { QueueItem } from './intake.ts';
import { postErrorMessage, streamReply } from './reply-stream.ts';

/**
 * Works through a conversation's queue while holding its turn lock: one turn at a time, each
 * answering the oldest message (`queue` policy) or every waiting message at once (`interrupt`
 * policy: the newest is answered, the others are kept in history as superseded). Returns when
 * another holder has the lock (it drains after its reply) or the queue is empty.
 */
export async function drainConversation(
  context: RuntimeContext,
  adapter: ChatAdapter,
  conversationId: string,
): Promise<void> {
  const { state } = context;
  const lockKey = context.key('lock', adapter.platform, conversationId);
  const queueKey = context.key('queue', adapter.platform, conversationId);
  for (;;) {
    if (context.closed) return;
    const lock = await state.acquireLock(lockKey, { ttlMs: context.settings.lockTtlMs });
    // Someone else holds the turn: they drain the queue after their reply.
    if (lock === null) return;
    try {
      for (;;) {
        const batch = await takeBatch(context, queueKey);
        if (batch.length === 0) break;
        await runTurn(context, adapter, batch, lock);
        if (context.closed) return;
      }
    } finally {
      await state.releaseLock(lock).catch(() => false);
    }
    // A message may have been queued between our last look and the release.
    const remaining = await state.getList(queueKey);
    if (remaining.length === 0) return;
  }
}

async function takeBatch(context: RuntimeContext, queueKey: string): Promise<QueueItem[]> {
  const first = await context.state.shiftFromList<QueueItem>(queueKey);
  if (first === undefined) return [];
  const batch = [first];
  if (context.settings.policy === 'interrupt') {
    for (;;) {
      const next = await context.state.shiftFromList<QueueItem>(queueKey);
      if (next === undefined) break;
      batch.push(next);
    }
  }
  return batch;
}

/** Keeps the turn lock alive while a reply runs; returns the function that stops it. */
function startHeartbeat(
  context: RuntimeContext,
  lock: StateLock,
  where: { platform: string; conversationId: string },
  signal: AbortSignal,
): () => void {
  const timer = setInterval(() => {
    context.state.extendLock(lock, { ttlMs: context.settings.lockTtlMs }).then(
      (held) => {
        if (!held && !signal.aborted) context.log('warn', { event: 'lock-lost', ...where });
      },
      (error: unknown) =>
        context.log('warn', { event: 'lock-lost', ...where, error: describeError(error) }),
    );
  }, context.settings.heartbeatMs);
  return () => clearInterval(timer);
}

/** Answers one batch: history in, model call streamed out, history and provider state saved. */
async function runTurn(
  context: RuntimeContext,
  adapter: ChatAdapter,
  batch: QueueItem[],
  lock: StateLock,
): Promise<void> {
  const { state, settings } = context;
  const platform = adapter.platform;
  const message = (batch.at(-1) as QueueItem).message;
  const conversationId = message.target.conversationId;
  const fields = { platform, conversationId, messageId: message.id };
  const historyKey = context.key('history', platform, conversationId);
  const providerStateKey = context.key('provider-state', platform, conversationId);
  const historyOptions = { maxLength: settings.historyMaxMessages, ttlMs: settings.historyTtlMs };
  const startedAtMs = Date.now();
  const turn = context.turns.start(
    platform,
    conversationId,
    batch.map((item) => item.message.id),
  );
  const stopHeartbeat = startHeartbeat(
    context,
    lock,
    { platform, conversationId },
    turn.controller.signal,
  );

  try {
    // History: superseded messages (interrupt policy) and the newest one, then the window.
    let messages: ModelMessage[];
    let providerState: JsonValue | undefined;
    let instructions: string | undefined;
    try {
      if (settings.historyEnabled) {
        for (const item of batch) {
          if (item !== batch.at(-1)) {
            context.log('info', {
              event: 'superseded',
              platform,
              conversationId,
              messageId: item.message.id,
            });
          }
          await state.appendToList(
            historyKey,
            { role: 'user', content: item.message.text },
            historyOptions,
          );
        }
        messages = await state.getList<ModelMessage>(historyKey);
        providerState = await state.get(providerStateKey);
      } else {
        messages = [{ role: 'user', content: message.text }];
      }
      const configured = context.options.instructions;
      instructions =
        typeof configured === 'function' ? await configured({ message, platform }) : configured;
    } catch (error) {
      // State or instructions failed: the user still hears back.
      context.log('error', { event: 'turn-failed', ...fields, error: describeError(error) });
      await postErrorMessage(context, adapter, message, error);
      return;
    }

    context.log('info', { event: 'reply-started', ...fields });
    const result = await streamReply(context, {
      adapter,
      message,
      turn,
      messages,
      instructions,
      providerState,
    });

    if (settings.historyEnabled) {
      if (result.text.length > 0) {
        await state.appendToList(
          historyKey,
          { role: 'assistant', content: result.text },
          historyOptions,
        );
      }
      if (result.providerState !== undefined) {
        await state.set(providerStateKey, result.providerState, { ttlMs: settings.historyTtlMs });
      }
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
  } finally {
    stopHeartbeat();
    context.turns.end(turn);
  }
}
