import { IMBridgeError, type PostResult, type ReplyTarget, utf8ByteLength } from '@imbridge/core';
import type { RetryOptions } from '@imbridge/provider-utils';
import { formatMsgKey } from '../chatbot/payload.ts';
import type { TencentChatClient } from '../client/types.ts';
import { randomUint32 } from '../internal/random.ts';
import { type MessageElement, toWireMessageBody } from '../messages/elements.ts';

/** Ids of a sent message, to modify it later. */
export interface SentMessage {
  /** The reply id interrupts name: the C2C `MsgKey`, or `seq_random_time` in groups. */
  id: string;
  /** Group sequence (group messages are modified by it). */
  groupSequence?: number | undefined;
}

/** Per-call settings of a platform call. */
export interface OutboundCall {
  signal: AbortSignal | undefined;
  /** Overrides the client's retries (`false`: one attempt). */
  retry?: RetryOptions | false | undefined;
}

/** Sending, modifying and splitting messages in one app, for one adapter. */
export interface TencentOutbound {
  /** The robot that speaks in a target (its `botId`, else the first configured robot). */
  robotOf(target: ReplyTarget): string;
  /** Sends elements into the target's conversation as the robot. */
  send(target: ReplyTarget, elements: MessageElement[], call: OutboundCall): Promise<SentMessage>;
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
  /** Sends a text as plain messages, continuing in follow-ups past the cap. */
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

  const send: TencentOutbound['send'] = async (target, elements, call) => {
    const robotId = robotOf(target);
    if (target.type === 'group' && target.groupId !== undefined) {
      const random = randomUint32();
      const result = await client.sendGroupMessage({
        groupId: target.groupId,
        fromUserId: robotId,
        elements,
        random,
        forbidCallbacks: ['before-send', 'after-send'],
        signal: call.signal,
        retry: call.retry,
      });
      return {
        id: formatMsgKey({ sequence: result.sequence, random, timeSeconds: result.timeSeconds }),
        groupSequence: result.sequence,
      };
    }
    const result = await client.sendC2CMessage({
      fromUserId: robotId,
      toUserId: target.userId,
      elements,
      forbidCallbacks: ['before-send', 'after-send'],
      signal: call.signal,
      retry: call.retry,
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
        signal: call.signal,
        retry: call.retry,
      });
      return;
    }
    await client.modifyC2CMessage({
      fromUserId: robotOf(target),
      toUserId: target.userId,
      msgKey: sent.id,
      elements,
      signal: call.signal,
      retry: call.retry,
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
      const result = await send(target, part.elements, call);
      first ??= result;
      rest = part.rest;
    }
    return first ?? (await send(target, [{ type: 'text', text: '' }], call));
  };

  return { robotOf, send, modify, fitted, postText };
}
