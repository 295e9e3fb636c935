/**
 * The conversations of the page — a vendor, direct or group, and for a direct one the user — by
 * a key the page and the server share (`tencent-chat:direct:alice`, `rongcloud:group`,
 * `trtc:direct:bob`); what each one shows, read from the stand-ins; and what a user does in one:
 * send a message, press stop.
 *
 * @module
 */
import type { ChatItem, ConversationView } from './chat-items.ts';
import {
  LOCAL_RONGCLOUD,
  LOCAL_TENCENT_CHAT,
  PLAYGROUND_USERS,
  type PlaygroundUser,
  type PlaygroundVendor,
} from './local-setup.ts';
import { PlaygroundRequestError } from './request-error.ts';
import { rongCloudItems } from './rongcloud-view.ts';
import { tencentChatItems } from './tencent-view.ts';
import type { LocalVendors } from './vendors.ts';
import type { VoiceCalls } from './voice-calls.ts';

/** Direct (C2C, private, a voice call) or group. */
export type ConversationMode = 'direct' | 'group';

/** Who talks where: the conversation, and the user acting in it. */
export interface ConversationRef {
  /** The vendor. */
  readonly vendor: PlaygroundVendor;
  /** Direct or group (TRTC: direct only). */
  readonly mode: ConversationMode;
  /** The user who sends. */
  readonly userId: PlaygroundUser;
}

/** The key of the conversation of `ref` (a group is the same for every user). */
export function conversationKey(ref: ConversationRef): string {
  return ref.mode === 'group' ? `${ref.vendor}:group` : `${ref.vendor}:direct:${ref.userId}`;
}

/** Every conversation the page can show. */
export function allConversations(): ConversationRef[] {
  const refs: ConversationRef[] = [];
  for (const userId of PLAYGROUND_USERS) {
    refs.push({ vendor: 'tencent-chat', mode: 'direct', userId });
    refs.push({ vendor: 'rongcloud', mode: 'direct', userId });
    refs.push({ vendor: 'trtc', mode: 'direct', userId });
  }
  const [first = 'alice'] = PLAYGROUND_USERS;
  refs.push({ vendor: 'tencent-chat', mode: 'group', userId: first });
  refs.push({ vendor: 'rongcloud', mode: 'group', userId: first });
  return refs;
}

/** Reads and drives the conversations on the stand-ins. */
export interface Conversations {
  /** The items of one conversation. */
  items(ref: ConversationRef): ChatItem[];
  /** Every conversation with its items. */
  snapshot(): ConversationView[];
  /**
   * `ref.userId` sends `text` (to the bot, or @-mentioning it in the group); resolves once the
   * bot answered the webhook (its reply keeps streaming).
   * @throws {PlaygroundRequestError} when the stand-in refuses the message or nothing answers.
   */
  send(ref: ConversationRef, text: string): Promise<{ delivered: boolean; status: number }>;
  /**
   * `ref.userId` presses stop on the Tencent reply with `msgKey`: a `src: 22` message.
   * @throws {PlaygroundRequestError} outside a Tencent Chat direct conversation.
   */
  stop(ref: ConversationRef, msgKey: string): Promise<{ delivered: boolean; status: number }>;
}

function delivery(result: { delivered: boolean; status: number }): {
  delivered: boolean;
  status: number;
} {
  return { delivered: result.delivered, status: result.status };
}

/** The conversations over `vendors` and the voice `calls`. */
export function createConversations(vendors: LocalVendors, calls: VoiceCalls): Conversations {
  const { tencentChat, rongCloud, robotId, botUserId } = vendors;
  const items = (ref: ConversationRef): ChatItem[] => {
    switch (ref.vendor) {
      case 'tencent-chat':
        return tencentChatItems(
          tencentChat.conversation(
            ref.mode === 'group'
              ? { groupId: LOCAL_TENCENT_CHAT.groupId }
              : { userId: ref.userId, robotId },
          ),
          { robotId, c2c: ref.mode === 'direct' },
        );
      case 'rongcloud':
        return rongCloudItems(
          rongCloud.conversation(
            ref.mode === 'group'
              ? { groupId: LOCAL_RONGCLOUD.groupId }
              : { userId: ref.userId, botUserId },
          ),
          { botUserId },
        );
      case 'trtc':
        return calls.items(ref.userId);
    }
  };

  const send = async (ref: ConversationRef, text: string) => {
    const { userId } = ref;
    switch (ref.vendor) {
      case 'tencent-chat':
        return delivery(
          ref.mode === 'group'
            ? await tencentChat.userSendsToGroup({
                from: userId,
                groupId: LOCAL_TENCENT_CHAT.groupId,
                text,
                atUserIds: [robotId],
              })
            : await tencentChat.userSends({ from: userId, to: robotId, text }),
        );
      case 'rongcloud':
        return delivery(
          ref.mode === 'group'
            ? await rongCloud.userSendsToGroup({
                from: userId,
                groupId: LOCAL_RONGCLOUD.groupId,
                text,
                mentionBotIds: [botUserId],
              })
            : await rongCloud.userSends({ from: userId, toBot: botUserId, text }),
        );
      case 'trtc':
        await calls.say(userId, text);
        return { delivered: true, status: 202 };
    }
  };

  return {
    items,
    snapshot: () =>
      allConversations().map((ref) => ({ key: conversationKey(ref), items: items(ref) })),
    async send(ref, text) {
      try {
        return await send(ref, text);
      } catch (error) {
        if (error instanceof PlaygroundRequestError) throw error;
        throw new PlaygroundRequestError(502, describe(error));
      }
    },
    async stop(ref, msgKey) {
      if (ref.vendor !== 'tencent-chat' || ref.mode !== 'direct') {
        throw new PlaygroundRequestError(
          400,
          'stop requests (src 22) exist in Tencent Chat one-to-one conversations only',
        );
      }
      try {
        return delivery(await tencentChat.userInterrupts({ from: ref.userId, robotId, msgKey }));
      } catch (error) {
        throw new PlaygroundRequestError(502, describe(error));
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
