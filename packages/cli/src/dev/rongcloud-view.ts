/**
 * RongCloud messages as the chat view draws them: the bot's `RC:StreamMsg` grows with its
 * chunks until `complete`; text messages are plain bubbles.
 *
 * @module
 */
import type { LocalMessage } from '@imbridge/rongcloud/testing';
import type { ChatItem } from './chat-items.ts';

function botItem(message: LocalMessage): ChatItem {
  const base = {
    id: message.messageUID,
    from: 'bot' as const,
    author: message.fromUserId,
    atMs: message.sentAtMs,
  };
  if (message.stream !== undefined) {
    const { chunkCount, complete, text } = message.stream;
    return {
      ...base,
      kind: 'stream',
      text,
      state: complete ? 'finished' : 'growing',
      detail: `RC:StreamMsg · ${chunkCount} chunk${chunkCount === 1 ? '' : 's'} · complete ${complete}`,
    };
  }
  return {
    ...base,
    kind: 'text',
    text: message.recalled ? '(recalled)' : (message.text ?? JSON.stringify(message.content)),
    state: 'finished',
    detail: message.objectName,
  };
}

/** The items of one RongCloud conversation (`messages` in creation order). */
export function rongCloudItems(
  messages: readonly LocalMessage[],
  options: { botUserId: string },
): ChatItem[] {
  return messages.map((message) =>
    message.fromUserId === options.botUserId
      ? botItem(message)
      : {
          id: message.messageUID,
          from: 'user',
          author: message.fromUserId,
          kind: 'text',
          text: message.text ?? JSON.stringify(message.content),
          state: 'sent',
          detail: message.objectName,
          atMs: message.sentAtMs,
        },
  );
}
