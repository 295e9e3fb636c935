/**
 * What the chat view of the page shows: one item per message bubble, in the vendor's terms
 * (a chatbot message growing, a stream message complete, an error message), computed from what
 * the stand-ins store — what the vendor's own client would render.
 *
 * @module
 */

/**
 * Where a message is:
 * - `sent`: a user's message;
 * - `growing`: a bot reply still being written;
 * - `stopping`: the user pressed stop and the reply is not finished yet;
 * - `finished`: a complete reply;
 * - `interrupted`: a reply finished after the user pressed stop;
 * - `error`: an error message shown instead of a reply (Tencent `src: 23`);
 * - `failed`: a voice turn whose LLM call failed.
 */
export type ChatItemState =
  | 'sent'
  | 'growing'
  | 'stopping'
  | 'finished'
  | 'interrupted'
  | 'error'
  | 'failed';

/** One bubble of the chat view. */
export interface ChatItem {
  /** The vendor's message id (stable while a message grows). */
  readonly id: string;
  /** Who wrote it. */
  readonly from: 'user' | 'bot';
  /** The account that sent it. */
  readonly author: string;
  /** How it is drawn. */
  readonly kind: 'text' | 'stream' | 'error' | 'voice';
  /** The text shown. */
  readonly text: string;
  /** See {@link ChatItemState}. */
  readonly state: ChatItemState;
  /** What it is on the wire, e.g. `chatbot src 2 · 7 versions · isFinished 0`. */
  readonly detail: string;
  /** The message key a stop request names (Tencent C2C replies still growing). */
  readonly stopKey?: string | undefined;
  /** When it was sent, in milliseconds since the epoch. */
  readonly atMs: number;
}

/** One conversation of the page and its items. */
export interface ConversationView {
  /** `tencent-chat:c2c:alice`, `rongcloud:group`… (see `conversations.ts`). */
  readonly key: string;
  /** Its bubbles, oldest first. */
  readonly items: readonly ChatItem[];
}
