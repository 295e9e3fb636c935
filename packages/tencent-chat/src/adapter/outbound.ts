import {
  APICallError,
  IMBridgeError,
  type PostResult,
  type ReplyTarget,
  utf8ByteLength,
} from '@imbridge/core';
import type { RetryOptions } from '@imbridge/provider-utils';
import { formatMsgKey } from '../chatbot/payload.ts';
import { type MessageKeys, newMessageKeys } from '../client/message-keys.ts';
import type { CallOptions } from '../client/options.ts';
import type { TencentChatClient } from '../client/types.ts';
import { type MessageElement, toWireMessageBody } from '../messages/elements.ts';

/** Ids of a sent message, to modify it later. */
export interface SentMessage {
  /** The reply id interrupts name: the C2C `MsgKey`, or `seq_random_time` in groups. */
  id: string;
  /** Group sequence (group messages are modified by it). */
  groupSequence?: number | undefined;
}

/**
 * One logical message: its elements and its dedupe keys, both fixed when it is created. Every
 * send of it — each attempt of the HTTP layer, and a sink's re-send after a lost answer — is
 * byte-for-byte the same call, so Tencent stores it once.
 */
export interface OutgoingMessage {
  /** The message's elements. */
  elements: MessageElement[];
  /** Its `MsgSeq`/`MsgRandom` (C2C) or `Random` (group). */
  keys: MessageKeys;
}

/** Per-call settings of a platform call. */
export interface OutboundCall {
  signal: AbortSignal | undefined;
  /** Overrides the client's retries (`false`: one attempt). */
  retry?: RetryOptions | false | undefined;
  /**
   * A deadline the calls made with this object share, in milliseconds since the epoch: each
   * call is retried only within what is left of it (`retry.maxElapsedMs`).
   */
  deadlineAtMs?: number | undefined;
}

/** The client's settings for one call: a shared deadline becomes what is left of it. */
export function clientCall(call: OutboundCall): CallOptions {
  if (call.deadlineAtMs === undefined || call.retry === false) {
    return { signal: call.signal, retry: call.retry };
  }
  const maxElapsedMs = Math.max(0, Math.round(call.deadlineAtMs - Date.now()));
  return { signal: call.signal, retry: { ...call.retry, maxElapsedMs } };
}

/**
 * True when a failed send may have been stored all the same, so the message must be re-sent as
 * it was (same keys, same body) rather than given up or changed: no verdict came from Tencent
 * (a timeout, a reset, a gateway's 5xx, an abort), or the call was retried and its last verdict
 * (a rate limit, a transient code) speaks only for the last attempt. A verdict that ends the
 * retries (not retryable) means no attempt was stored: Tencent's dedupe would have answered a
 * copy with success.
 */
export function sendMayHaveBeenStored(error: unknown, call: OutboundCall): boolean {
  if (!APICallError.isInstance(error) || error.providerCode === undefined) return true;
  return call.retry !== false && error.retryable;
}

/** Sending, modifying and splitting messages in one app, for one adapter. */
export interface TencentOutbound {
  /** The robot that speaks in a target (its `botId`, else the first configured robot). */
  robotOf(target: ReplyTarget): string;
  /** Sends one logical message into the target's conversation as the robot, with its keys. */
  send(target: ReplyTarget, message: OutgoingMessage, call: OutboundCall): Promise<SentMessage>;
  /** Replaces a sent message's elements. */
  modify(
    target: ReplyTarget,
    sent: SentMessage,
    elements: MessageElement[],
    call: OutboundCall,
  ): Promise<void>;
  /**
   * Builds the elements for a text under the body cap: the elements, and the text that did not
   * fit (empty unless the text is unusually escape-heavy).
   */
  fitted(
    build: (text: string) => MessageElement[],
    text: string,
  ): { elements: MessageElement[]; rest: string };
  /**
   * Sends a text as plain messages, continuing in follow-ups past the cap; each message gets its
   * own keys, chosen once.
   */
  postText(target: ReplyTarget, text: string, call: OutboundCall): Promise<PostResult>;
}

/** Creates the outbound helpers on a client. */
export function createOutbound(
  client: TencentChatClient,
  robotIds: readonly string[] | undefined,
  sizeCapBytes: number,
): TencentOutbound {
  const robotOf = (target: ReplyTarget): string => {
    const robotId = target.botId ?? robotIds?.[0];
    if (robotId === undefined) {
      throw new IMBridgeError({
        message: 'The reply target names no robot (botId)',
        code: 'no-robot',
      });
    }
    return robotId;
  };

  const send: TencentOutbound['send'] = async (target, message, call) => {
    const robotId = robotOf(target);
    const { elements, keys } = message;
    if (target.type === 'group' && target.groupId !== undefined) {
      const result = await client.sendGroupMessage({
        groupId: target.groupId,
        fromUserId: robotId,
        elements,
        random: keys.random,
        forbidCallbacks: ['before-send', 'after-send'],
        ...clientCall(call),
      });
      return {
        id: formatMsgKey({
          sequence: result.sequence,
          random: keys.random,
          timeSeconds: result.timeSeconds,
        }),
        groupSequence: result.sequence,
      };
    }
    const result = await client.sendC2CMessage({
      fromUserId: robotId,
      toUserId: target.userId,
      elements,
      sequence: keys.sequence,
      random: keys.random,
      forbidCallbacks: ['before-send', 'after-send'],
      ...clientCall(call),
    });
    return { id: result.msgKey };
  };

  const modify: TencentOutbound['modify'] = async (target, sent, elements, call) => {
    if (
      target.type === 'group' &&
      target.groupId !== undefined &&
      sent.groupSequence !== undefined
    ) {
      await client.modifyGroupMessage({
        groupId: target.groupId,
        sequence: sent.groupSequence,
        elements,
        ...clientCall(call),
      });
      return;
    }
    await client.modifyC2CMessage({
      fromUserId: robotOf(target),
      toUserId: target.userId,
      msgKey: sent.id,
      elements,
      ...clientCall(call),
    });
  };

  /** Bytes of the message body the elements produce (what the 12 KB cap applies to). */
  const bodyBytes = (elements: MessageElement[]): number =>
    utf8ByteLength(JSON.stringify(toWireMessageBody(elements)));

  const fitted: TencentOutbound['fitted'] = (build, text) => {
    let elements = build(text);
    if (bodyBytes(elements) <= sizeCapBytes) return { elements, rest: '' };
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (bodyBytes(build(text.slice(0, middle))) <= sizeCapBytes) low = middle;
      else high = middle - 1;
    }
    // Never cut a surrogate pair.
    const code = text.charCodeAt(low - 1);
    if (low > 0 && code >= 0xd800 && code <= 0xdbff) low -= 1;
    elements = build(text.slice(0, low));
    return { elements, rest: text.slice(low) };
  };

  const postText: TencentOutbound['postText'] = async (target, text, call) => {
    let rest = text;
    let first: PostResult | undefined;
    // Follow-up messages for text beyond one message's cap.
    while (rest.length > 0) {
      const part = fitted((slice) => [{ type: 'text', text: slice }], rest);
      const result = await send(target, { elements: part.elements, keys: newMessageKeys() }, call);
      first ??= result;
      rest = part.rest;
    }
    if (first !== undefined) return first;
    return send(target, { elements: [{ type: 'text', text: '' }], keys: newMessageKeys() }, call);
  };

  return { robotOf, send, modify, fitted, postText };
}
