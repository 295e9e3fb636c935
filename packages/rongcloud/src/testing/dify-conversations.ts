/**
 * The Dify conversations RongCloud's own Dify integration keeps: one `conversation_id` per
 * sender, channel type, target (the bot for a private message, the group for a group message)
 * and bot, stored when Dify first answers and kept for 24 hours from then — not from the last
 * message — after which the next message starts a fresh conversation.
 *
 * Emulator assumptions: the 24 h are counted from the reply that created the entry and are not
 * extended by later replies; an answer naming another conversation (after a retry without the
 * id, say) replaces the entry and restarts the 24 h; an entry Dify no longer knows (HTTP 404
 * `not_found`, or 400 `conversation_completed`) is dropped.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-dify
 */

/**
 * How long the local RongCloud's Dify integrations keep a Dify conversation after its first
 * reply: 24 hours, as RongCloud documents. The next message after that starts a new one.
 *
 * @example
 * ```ts
 * const local = await createLocalRongCloud({ appKey, appSecret, now: () => Date.now() + offsetMs });
 * offsetMs = DIFY_CONVERSATION_TTL_MS; // alice's next message to the Dify bot starts afresh
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-dify
 */
export const DIFY_CONVERSATION_TTL_MS = 24 * 3_600_000;

/** What names one conversation of RongCloud's Dify integration. */
export interface DifyConversationKey {
  /** The sender, also Dify's `user`. */
  fromUserId: string;
  /** `PERSON` or `GROUP`, as in the webhook's `data.channelType`. */
  channelType: string;
  /** The bot (private) or the group (group). */
  targetId: string;
  /** The bot answering. */
  botUserId: string;
}

/** The conversation map of one local RongCloud. */
export interface DifyConversations {
  /** The live `conversation_id` of `key`, or `undefined` (none, or older than 24 h). */
  get(key: DifyConversationKey): string | undefined;
  /** Records the `conversation_id` Dify answered; a new id restarts the 24 h. */
  remember(key: DifyConversationKey, conversationId: string): void;
  /** Forgets the conversation of `key` (Dify no longer knows it). */
  forget(key: DifyConversationKey): void;
}

function keyText(key: DifyConversationKey): string {
  return JSON.stringify([key.fromUserId, key.channelType, key.targetId, key.botUserId]);
}

/** An empty conversation map on the clock `now` (milliseconds since the epoch). */
export function createDifyConversations(now: () => number): DifyConversations {
  const entries = new Map<string, { conversationId: string; firstReplyAtMs: number }>();
  return {
    get(key) {
      const entry = entries.get(keyText(key));
      if (entry === undefined) return undefined;
      if (now() - entry.firstReplyAtMs >= DIFY_CONVERSATION_TTL_MS) {
        entries.delete(keyText(key));
        return undefined;
      }
      return entry.conversationId;
    },
    remember(key, conversationId) {
      const text = keyText(key);
      if (entries.get(text)?.conversationId === conversationId) return;
      entries.set(text, { conversationId, firstReplyAtMs: now() });
    },
    forget(key) {
      entries.delete(keyText(key));
    },
  };
}
