import type { ReplyTarget } from '@imbridge/core';
import { newMessageKeys } from '../client/message-keys.ts';
import type { MessageElement } from '../messages/elements.ts';
import {
  type OutboundCall,
  type OutgoingMessage,
  type SentMessage,
  sendMayHaveBeenStored,
  type TencentOutbound,
} from './outbound.ts';
import { type ReplyMessageState, snapshotElements } from './reply-snapshot.ts';

/** A reply message that is sent once, then modified; see {@link createReplyMessage}. */
export interface ReplyMessage {
  /** The reply id, once the message was sent. */
  readonly id: string | undefined;
  /** Shows these elements: sends the message the first time, modifies it afterwards. */
  show(elements: MessageElement[], call: OutboundCall): Promise<void>;
  /** Its state, for a snapshot; `undefined` while nothing may exist on the platform. */
  state(): ReplyMessageState | undefined;
}

/**
 * The send-then-modify message of the `custom-message` and `text-modify` sinks.
 *
 * Its opening send is one logical message: the keys are chosen once. When a send fails in a way
 * that may hide a stored message (a timeout or reset after Tencent stored it, a gateway error,
 * retries whose earlier attempt may have landed), the same message — same keys, same body — is
 * sent again before anything newer, so Tencent's dedupe answers with the stored copy and its
 * `MsgKey`; the newer text then modifies it. Sending the newer text as a new message instead
 * would leave a second bubble, the first one "generating" forever.
 */
export function createReplyMessage(
  outbound: TencentOutbound,
  target: ReplyTarget,
  openSignal: AbortSignal | undefined,
  restored?: ReplyMessageState | undefined,
): ReplyMessage {
  let sent: SentMessage | undefined = restored?.sent;
  // The opening send while its outcome is unknown.
  let opening: OutgoingMessage | undefined = restored?.opening;
  return {
    get id() {
      return sent?.id;
    },
    state() {
      if (sent !== undefined) return { sent: { ...sent } };
      if (opening !== undefined) {
        return { opening: { elements: snapshotElements(opening.elements), keys: opening.keys } };
      }
      return undefined;
    },
    async show(elements, call) {
      if (sent !== undefined) {
        await outbound.modify(target, sent, elements, call);
        return;
      }
      const message = opening ?? { elements, keys: newMessageKeys() };
      opening = message;
      try {
        sent = await outbound.send(target, message, {
          ...call,
          signal: call.signal ?? openSignal,
        });
      } catch (error) {
        if (!sendMayHaveBeenStored(error, call)) opening = undefined;
        throw error;
      }
      opening = undefined;
      if (message.elements !== elements) await outbound.modify(target, sent, elements, call);
    },
  };
}
