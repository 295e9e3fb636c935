/**
 * Tencent Cloud Chat messages as the chat view draws them: a chatbot custom message
 * (`chatbotPlugin: 2`) is decoded — `src: 2` grows with its cumulative `chunks` until
 * `isFinished`, `src: 23` is an error — a native `TIMStreamElem` grows with its chunks, and a
 * user's `src: 22` stop request marks the reply it names as interrupted.
 *
 * @module
 */
import { decodeChatbotPayload, type MessageElement } from '@imbridge/tencent-chat';
import type { LocalMessage } from '@imbridge/tencent-chat/testing';
import type { ChatItem, ChatItemState } from './chat-items.ts';

function plainText(elements: readonly MessageElement[]): string {
  return elements
    .map((element) => {
      if (element.type === 'text') return element.text;
      if (element.type === 'other') return `[${element.messageType}]`;
      return '';
    })
    .join('');
}

/** The msgKeys users asked to stop (their `src: 22` custom messages). */
function stopRequests(messages: readonly LocalMessage[], robotId: string): Set<string> {
  const keys = new Set<string>();
  for (const message of messages) {
    if (message.from === robotId) continue;
    for (const element of message.elements) {
      if (element.type !== 'custom') continue;
      const payload = decodeChatbotPayload(element.data);
      if (payload?.kind === 'interrupt') keys.add(payload.msgKey);
    }
  }
  return keys;
}

function isStopRequest(message: LocalMessage): boolean {
  return message.elements.some(
    (element) =>
      element.type === 'custom' && decodeChatbotPayload(element.data)?.kind === 'interrupt',
  );
}

function replyState(finished: boolean, stopped: boolean): ChatItemState {
  if (stopped) return finished ? 'interrupted' : 'stopping';
  return finished ? 'finished' : 'growing';
}

/** The item of a bot message. */
function botItem(message: LocalMessage, stopped: boolean, c2c: boolean): ChatItem {
  const base = { id: message.msgId, from: 'bot' as const, author: message.from };
  const atMs = message.createdAtMs;
  const versions = `${message.versions.length} version${message.versions.length === 1 ? '' : 's'}`;
  const custom = message.elements.find((element) => element.type === 'custom');
  const payload = custom === undefined ? undefined : decodeChatbotPayload(custom.data);
  if (payload?.kind === 'stream') {
    const state = replyState(payload.isFinished, stopped);
    return {
      ...base,
      kind: 'stream',
      text: payload.chunks.join('') || (payload.typingText ?? ''),
      state,
      detail: `chatbot src 2 · ${versions} · isFinished ${payload.isFinished ? 1 : 0}`,
      stopKey: c2c && state === 'growing' ? message.msgKey : undefined,
      atMs,
    };
  }
  if (payload?.kind === 'error') {
    return {
      ...base,
      kind: 'error',
      text: payload.errorInfo,
      state: 'error',
      detail: 'chatbot src 23',
      atMs,
    };
  }
  const stream = message.elements.find((element) => element.type === 'stream');
  if (stream !== undefined) {
    const finished = message.stream?.ended === true || stream.chunks.some((chunk) => chunk.isLast);
    return {
      ...base,
      kind: 'stream',
      text: stream.chunks.map((chunk) => chunk.markdown).join('') || stream.compatibleText,
      state: replyState(finished, stopped),
      detail: `TIMStreamElem · ${stream.chunks.length} chunks${finished ? ' · ended' : ''}`,
      atMs,
    };
  }
  return {
    ...base,
    kind: 'text',
    text: message.recalled ? '(recalled)' : plainText(message.elements),
    state: 'finished',
    detail: `TIMTextElem · ${versions}`,
    atMs,
  };
}

/**
 * The items of one Tencent conversation (`messages` in creation order). `c2c` conversations
 * offer a stop button on growing chatbot replies; stop requests themselves are not drawn.
 */
export function tencentChatItems(
  messages: readonly LocalMessage[],
  options: { robotId: string; c2c: boolean },
): ChatItem[] {
  const stopped = stopRequests(messages, options.robotId);
  const items: ChatItem[] = [];
  for (const message of messages) {
    if (message.from === options.robotId) {
      const key = message.msgKey;
      items.push(botItem(message, key !== undefined && stopped.has(key), options.c2c));
    } else if (!isStopRequest(message)) {
      items.push({
        id: message.msgId,
        from: 'user',
        author: message.from,
        kind: 'text',
        text: plainText(message.elements),
        state: 'sent',
        detail: 'TIMTextElem',
        atMs: message.createdAtMs,
      });
    }
  }
  return items;
}
