import { describeError } from '../logging/logger.ts';
import type { ChatAdapter } from '../spec/chat-adapter.ts';
import type { RuntimeContext } from './context.ts';
import { conversationKeys } from './conversation-drain.ts';

/** Entries kept in a platform's conversation index (oldest dropped beyond it). */
const INDEX_MAX_ENTRIES = 10_000;

/** The index of conversations that may have work left: appended when a message is queued. */
export function conversationIndexKey(context: RuntimeContext, platform: string): string {
  return context.key('index', platform, 'conversations');
}

/**
 * Notes that a conversation has work (a queued message), so that a sweep finds it if the
 * instance that queued it dies. A failure is logged; the message stays queued either way.
 */
export async function indexConversation(
  context: RuntimeContext,
  platform: string,
  conversationId: string,
): Promise<void> {
  if (context.settings.recoveryIntervalMs === 0) return;
  try {
    await context.state.appendToList(conversationIndexKey(context, platform), conversationId, {
      maxLength: INDEX_MAX_ENTRIES,
      ttlMs: context.settings.turnRecordTtlMs,
    });
  } catch (error) {
    context.log('warn', {
      event: 'state-failed',
      platform,
      conversationId,
      operation: 'index-write',
      error: describeError(error),
    });
  }
}

/**
 * One recovery sweep of an adapter's conversations (one instance at a time, under a sweep lock):
 * every indexed conversation with queued messages or a turn record is drained — which takes its
 * turn lock only if no live instance holds it, so a crashed or closed instance's turns are
 * finished and its queued messages answered. Conversations with nothing left drop out of the
 * index (compaction: the entries read are removed, the active ones appended again).
 */
export async function sweepConversations(
  context: RuntimeContext,
  adapter: ChatAdapter,
  startDrain: (conversationId: string) => void,
): Promise<void> {
  const { state } = context;
  const platform = adapter.platform;
  const indexKey = conversationIndexKey(context, platform);
  try {
    const lock = await state.acquireLock(context.key('lock', platform, 'recovery-sweep'), {
      ttlMs: context.settings.lockTtlMs,
    });
    if (lock === null) return;
    try {
      const entries = await state.getList<string>(indexKey);
      const active: string[] = [];
      for (const conversationId of new Set(entries)) {
        if (context.closed) return;
        if (typeof conversationId !== 'string') continue;
        const keys = conversationKeys(context, platform, conversationId);
        const [record, queue] = await Promise.all([
          state.get(keys.turn),
          state.getList(keys.queue),
        ]);
        if (record === undefined && queue.length === 0) continue;
        active.push(conversationId);
      }
      for (const conversationId of active) {
        await state.appendToList(indexKey, conversationId, {
          maxLength: INDEX_MAX_ENTRIES,
          ttlMs: context.settings.turnRecordTtlMs,
        });
      }
      // Only the sweep-lock holder removes entries: the first `entries.length` are the ones read.
      for (let index = 0; index < entries.length; index += 1) await state.shiftFromList(indexKey);
      for (const conversationId of active) startDrain(conversationId);
    } finally {
      await state.releaseLock(lock).catch(() => false);
    }
  } catch (error) {
    context.log('warn', {
      event: 'state-failed',
      platform,
      operation: 'recovery-sweep',
      error: describeError(error),
    });
  }
}
