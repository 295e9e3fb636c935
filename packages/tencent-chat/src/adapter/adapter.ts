import {
  type AdapterLimits,
  type ChatAdapter,
  IMBridgeError,
  type InboundEvent,
  type InboundMessage,
  type OpenReplyOptions,
  type PostOptions,
  type PostResult,
  type ReceiveResult,
  type ReplyFinishOptions,
  type ReplySink,
  type ReplyTarget,
  type ReplyUpdateOptions,
  utf8ByteLength,
} from '@imbridge/core';
import { encodeChatbotPayload, formatMsgKey } from '../chatbot/payload.ts';
import { createTencentChatClient, type TencentChatClient } from '../client/client.ts';
import type { TencentChatClientOptions } from '../client/transport.ts';
import { randomUint32 } from '../internal/random.ts';
import { type MessageElement, toWireMessageBody } from '../messages/elements.ts';
import {
  parseTencentWebhook,
  type TencentWebhook,
  webhookAcknowledgement,
  webhookRejection,
} from '../webhooks/parse.ts';

/** How replies are streamed into Tencent Cloud Chat. */
export type TencentStreamMode =
  /** The chatbot custom-message protocol (`chatbotPlugin: 2`): send, then modify with cumulative `chunks`, last update `isFinished: 1`. */
  | 'custom-message'
  /** Native `TIMStreamElem` stream messages with delta chunks (≤ 5 updates/s per message). */
  | 'stream-elem'
  /** A plain text message modified with the whole text (works on every client; no finished flag). */
  | 'text-modify';

/** Options of {@link createTencentChatAdapter}. */
export interface TencentChatAdapterOptions extends TencentChatClientOptions {
  /** The console's callback token; when set, every webhook must carry a valid `Sign` (60 s window). */
  callbackToken?: string;
  /** How replies are streamed. @default 'custom-message' */
  streamMode?: TencentStreamMode;
  /** Robots this bot answers for; webhooks for other robots are ignored. @default every `@RBT#` account */
  robotIds?: string[];
  /** Minimum time between updates of one reply. @default 500 (custom-message, text-modify), 250 (stream-elem) */
  minUpdateIntervalMs?: number;
  /**
   * Text budget of one message, in UTF-8 bytes; longer replies continue in follow-up messages
   * (or stop, per the bot's overflow policy). @default 9216 (leaves room for JSON escaping under the 12 KB cap)
   */
  maxTextBytes?: number;
  /** Hard cap of a message body (`JSON.stringify(MsgBody)` bytes). @default 12288 */
  messageSizeCapBytes?: number;
  /** Use an existing client (shares its UserSig cache and rate limits). */
  client?: TencentChatClient;
}

/** The Tencent Cloud Chat {@link ChatAdapter}, with its REST client exposed. */
export interface TencentChatAdapter extends ChatAdapter {
  /** The REST client the adapter uses. */
  readonly client: TencentChatClient;
  /** The stream mode in use. */
  readonly streamMode: TencentStreamMode;
}

const ROBOT_PREFIX = '@RBT#';
const PLATFORM = 'tencent-chat';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isRobot(userId: string): boolean {
  return userId.startsWith(ROBOT_PREFIX);
}

function directTarget(robotId: string, userId: string): ReplyTarget {
  return { conversationId: `c2c:${robotId}:${userId}`, type: 'direct', userId, botId: robotId };
}

function groupTarget(groupId: string, userId: string, robotId: string): ReplyTarget {
  return { conversationId: `group:${groupId}`, type: 'group', userId, groupId, botId: robotId };
}

function customElement(data: string): MessageElement[] {
  return [{ type: 'custom', data }];
}

/**
 * Creates the Tencent Cloud Chat adapter: verifies and parses webhooks (`Bot.OnC2CMessage`,
 * `Bot.OnGroupMessage`, and the `AfterSendMsg` callbacks), turns a user's `src: 22` message into
 * an interrupt of the reply it names, and streams replies from the robot in the chosen mode.
 * Errors become `src: 23` messages in `custom-message` mode, text messages otherwise.
 *
 * @example
 * ```ts
 * const adapter = createTencentChatAdapter({
 *   sdkAppId: 1400000000, secretKey: process.env.TENCENT_IM_SECRET_KEY!, adminUserId: 'administrator',
 *   callbackToken: process.env.TENCENT_IM_CALLBACK_TOKEN,
 * });
 * createServer(toNodeListener(createBot({ model }).webhook(adapter))).listen(3000);
 * ```
 */
export function createTencentChatAdapter(options: TencentChatAdapterOptions): TencentChatAdapter {
  const client = options.client ?? createTencentChatClient(options);
  const streamMode = options.streamMode ?? 'custom-message';
  const robotIds = options.robotIds !== undefined ? new Set(options.robotIds) : undefined;
  const sizeCap = options.messageSizeCapBytes ?? 12 * 1024;
  const limits: AdapterLimits = {
    maxMessageBytes: options.maxTextBytes ?? 9 * 1024,
    minUpdateIntervalMs: options.minUpdateIntervalMs ?? (streamMode === 'stream-elem' ? 250 : 500),
    callsPerSecond: options.callsPerSecondPerApi ?? 200,
  };
  const answers = (robotId: string): boolean =>
    isRobot(robotId) && (robotIds === undefined || robotIds.has(robotId));

  const stripMentions = (text: string, robots: ReadonlyArray<string>): string => {
    let stripped = text;
    for (const robot of robots)
      stripped = stripped.replace(new RegExp(`@${escapeRegExp(robot)}\\s*`, 'g'), '');
    return stripped.trim();
  };

  function toEvents(webhook: TencentWebhook): InboundEvent[] {
    switch (webhook.command) {
      case 'bot.c2c-message':
      case 'c2c.after-send': {
        const { fromUserId, toUserId } = webhook;
        if (isRobot(fromUserId))
          return [{ type: 'ignored', reason: 'robot-sender', raw: webhook.raw }];
        if (!answers(toUserId))
          return [{ type: 'ignored', reason: 'not-a-robot-of-this-bot', raw: webhook.raw }];
        const target = directTarget(toUserId, fromUserId);
        const sender = { id: fromUserId, isBot: false };
        const payload = webhook.chatbotPayload;
        if (payload?.kind === 'interrupt') {
          return [
            { type: 'interrupt', target, replyId: payload.msgKey, sender, id: webhook.msgKey },
          ];
        }
        if (payload !== undefined)
          return [{ type: 'ignored', reason: `chatbot-${payload.kind}`, raw: webhook.raw }];
        if (webhook.text.trim().length === 0)
          return [{ type: 'ignored', reason: 'no-text', raw: webhook.raw }];
        const message: InboundMessage = {
          id: webhook.msgKey,
          target,
          sender,
          text: webhook.text,
          mentionsBot: true,
          sentAtMs: webhook.timeSeconds * 1000,
          raw: webhook.raw,
        };
        return [{ type: 'message', message }];
      }
      case 'bot.group-message':
      case 'group.after-send': {
        const { groupId, fromUserId } = webhook;
        if (isRobot(fromUserId))
          return [{ type: 'ignored', reason: 'robot-sender', raw: webhook.raw }];
        const sender = { id: fromUserId, isBot: false };
        const payload = webhook.chatbotPayload;
        if (payload?.kind === 'interrupt') {
          // A stop request names the reply; it does not @-mention the robot.
          const target: ReplyTarget = {
            conversationId: `group:${groupId}`,
            type: 'group',
            userId: fromUserId,
            groupId,
          };
          return [{ type: 'interrupt', target, replyId: payload.msgKey, sender }];
        }
        if (payload !== undefined)
          return [{ type: 'ignored', reason: `chatbot-${payload.kind}`, raw: webhook.raw }];
        const mentioned = (
          webhook.command === 'bot.group-message' ? webhook.atRobotIds : webhook.atUserIds
        ).filter(answers);
        const robotId = mentioned[0] ?? options.robotIds?.[0];
        if (robotId === undefined)
          return [{ type: 'ignored', reason: 'no-robot', raw: webhook.raw }];
        const target = groupTarget(groupId, fromUserId, robotId);
        const text = stripMentions(webhook.text, mentioned);
        if (text.length === 0) return [{ type: 'ignored', reason: 'no-text', raw: webhook.raw }];
        const message: InboundMessage = {
          id: `${groupId}:${webhook.sequence}`,
          target,
          sender,
          text,
          mentionsBot: mentioned.length > 0,
          sentAtMs: webhook.timeSeconds * 1000,
          raw: webhook.raw,
        };
        return [{ type: 'message', message }];
      }
      case 'unknown':
        return [
          {
            type: 'ignored',
            reason: `unknown-command:${webhook.callbackCommand}`,
            raw: webhook.raw,
          },
        ];
    }
  }

  const robotOf = (target: ReplyTarget): string => {
    const robotId = target.botId ?? options.robotIds?.[0];
    if (robotId === undefined) {
      throw new IMBridgeError({
        message: 'The reply target names no robot (botId)',
        code: 'no-robot',
      });
    }
    return robotId;
  };

  /** Sends elements into the target's conversation; returns ids to modify it later. */
  async function send(
    target: ReplyTarget,
    elements: MessageElement[],
    signal: AbortSignal | undefined,
  ): Promise<{ id: string; groupSequence?: number }> {
    const robotId = robotOf(target);
    const common = signal !== undefined ? { signal } : {};
    if (target.type === 'group' && target.groupId !== undefined) {
      const random = randomUint32();
      const result = await client.sendGroupMessage({
        groupId: target.groupId,
        fromUserId: robotId,
        elements,
        random,
        forbidCallbacks: ['before-send', 'after-send'],
        ...common,
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
      ...common,
    });
    return { id: result.msgKey };
  }

  async function modify(
    target: ReplyTarget,
    sent: { id: string; groupSequence?: number },
    elements: MessageElement[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const common = signal !== undefined ? { signal } : {};
    if (
      target.type === 'group' &&
      target.groupId !== undefined &&
      sent.groupSequence !== undefined
    ) {
      await client.modifyGroupMessage({
        groupId: target.groupId,
        sequence: sent.groupSequence,
        elements,
        ...common,
      });
      return;
    }
    await client.modifyC2CMessage({
      fromUserId: robotOf(target),
      toUserId: target.userId,
      msgKey: sent.id,
      elements,
      ...common,
    });
  }

  /** Bytes of the message body the elements produce (what the 12 KB cap applies to). */
  const bodyBytes = (elements: MessageElement[]): number =>
    utf8ByteLength(JSON.stringify(toWireMessageBody(elements)));

  /**
   * Builds the elements for a text, keeping the body under the cap. Returns the elements and
   * the text that did not fit (sent later as a follow-up), which is empty unless the text is
   * unusually escape-heavy.
   */
  function fitted(
    build: (text: string) => MessageElement[],
    text: string,
  ): { elements: MessageElement[]; rest: string } {
    let elements = build(text);
    if (bodyBytes(elements) <= sizeCap) return { elements, rest: '' };
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (bodyBytes(build(text.slice(0, middle))) <= sizeCap) low = middle;
      else high = middle - 1;
    }
    // Never cut a surrogate pair.
    const code = text.charCodeAt(low - 1);
    if (low > 0 && code >= 0xd800 && code <= 0xdbff) low -= 1;
    elements = build(text.slice(0, low));
    return { elements, rest: text.slice(low) };
  }

  function customMessageSink(target: ReplyTarget, openSignal: AbortSignal | undefined): ReplySink {
    let sent: { id: string; groupSequence?: number } | undefined;
    const chunks: string[] = [];
    let joined = '';
    // Cumulative chunks: each update appends what is new; a replaced text restarts the list.
    const chunksFor = (text: string): string[] => {
      if (text.startsWith(joined)) {
        const added = text.slice(joined.length);
        return added.length > 0 ? [...chunks, added] : [...chunks];
      }
      return [text];
    };
    const deliver = async (
      text: string,
      finished: boolean,
      signal: AbortSignal | undefined,
    ): Promise<string> => {
      const next = chunksFor(text);
      const { elements, rest } = fitted(
        (slice) =>
          customElement(
            encodeChatbotPayload({
              kind: 'stream',
              chunks: slice === text ? next : [slice],
              isFinished: finished,
            }),
          ),
        text,
      );
      if (sent === undefined) sent = await send(target, elements, signal ?? openSignal);
      else await modify(target, sent, elements, signal);
      const shown = rest.length === 0 ? text : text.slice(0, text.length - rest.length);
      chunks.length = 0;
      chunks.push(...(rest.length === 0 ? next : [shown]));
      joined = shown;
      return rest;
    };
    return {
      get id() {
        return sent?.id;
      },
      async update(textSoFar: string, updateOptions?: ReplyUpdateOptions) {
        await deliver(textSoFar, false, updateOptions?.signal);
      },
      async finish(finalText: string, finishOptions: ReplyFinishOptions) {
        const rest = await deliver(finalText, true, finishOptions.signal);
        // Only escape-heavy text overflows the body cap: the remainder follows as plain text.
        if (rest.length > 0) await postText(target, rest, finishOptions.signal);
      },
    };
  }

  function textModifySink(target: ReplyTarget, openSignal: AbortSignal | undefined): ReplySink {
    let sent: { id: string; groupSequence?: number } | undefined;
    const deliver = async (text: string, signal: AbortSignal | undefined): Promise<string> => {
      const { elements, rest } = fitted((slice) => [{ type: 'text', text: slice }], text);
      if (sent === undefined) sent = await send(target, elements, signal ?? openSignal);
      else await modify(target, sent, elements, signal);
      return rest;
    };
    return {
      get id() {
        return sent?.id;
      },
      async update(textSoFar, updateOptions) {
        await deliver(textSoFar, updateOptions?.signal);
      },
      async finish(finalText, finishOptions) {
        const rest = await deliver(finalText, finishOptions.signal);
        if (rest.length > 0) await postText(target, rest, finishOptions.signal);
      },
    };
  }

  function streamElemSink(target: ReplyTarget, openSignal: AbortSignal | undefined): ReplySink {
    let streamMessageId: string | undefined;
    let id: string | undefined;
    let delivered = '';
    let index = 0;
    const deliver = async (
      text: string,
      isLast: boolean,
      signal: AbortSignal | undefined,
    ): Promise<void> => {
      // Deltas only: a replaced text cannot be taken back, so only growth is streamed.
      const delta = text.startsWith(delivered) ? text.slice(delivered.length) : '';
      if (delta.length === 0 && !isLast) return;
      index += 1;
      const robotId = robotOf(target);
      const common = {
        fromUserId: robotId,
        compatibleText: text.startsWith(delivered) ? text : delivered,
        chunks: [{ index, markdown: delta, isLast }],
        ...(streamMessageId !== undefined ? { streamMessageId } : {}),
        ...((signal ?? openSignal) !== undefined
          ? { signal: (signal ?? openSignal) as AbortSignal }
          : {}),
      };
      const result =
        target.type === 'group' && target.groupId !== undefined
          ? await client.sendGroupStreamMessage({ ...common, groupId: target.groupId })
          : await client.sendC2CStreamMessage({ ...common, toUserId: target.userId });
      streamMessageId ??= result.streamMessageId;
      id ??= result.msgKey ?? result.streamMessageId;
      delivered += delta;
    };
    return {
      get id() {
        return id;
      },
      async update(textSoFar, updateOptions) {
        await deliver(textSoFar, false, updateOptions?.signal);
      },
      async finish(finalText, finishOptions) {
        await deliver(finalText, true, finishOptions.signal);
      },
    };
  }

  async function postText(
    target: ReplyTarget,
    text: string,
    signal: AbortSignal | undefined,
  ): Promise<PostResult> {
    let rest = text;
    let first: PostResult | undefined;
    // Follow-up messages for text beyond one message's cap.
    while (rest.length > 0) {
      const part = fitted((slice) => [{ type: 'text', text: slice }], rest);
      const result = await send(target, part.elements, signal);
      first ??= result;
      rest = part.rest;
    }
    return first ?? (await send(target, [{ type: 'text', text: '' }], signal));
  }

  return {
    platform: PLATFORM,
    limits,
    client,
    streamMode,

    async receive(request: Request): Promise<ReceiveResult> {
      try {
        const webhook = await parseTencentWebhook(request, {
          sdkAppId: client.sdkAppId,
          ...(options.callbackToken !== undefined ? { callbackToken: options.callbackToken } : {}),
        });
        return { response: webhookAcknowledgement(), events: toEvents(webhook) };
      } catch (error) {
        return { response: webhookRejection(error), events: [] };
      }
    },

    post(target: ReplyTarget, text: string, postOptions?: PostOptions): Promise<PostResult> {
      return postText(target, text, postOptions?.signal);
    },

    async openReply(target: ReplyTarget, openOptions?: OpenReplyOptions): Promise<ReplySink> {
      robotOf(target);
      if (streamMode === 'stream-elem') return streamElemSink(target, openOptions?.signal);
      if (streamMode === 'text-modify') return textModifySink(target, openOptions?.signal);
      return customMessageSink(target, openOptions?.signal);
    },

    async postError(
      target: ReplyTarget,
      message: string,
      postOptions?: PostOptions,
    ): Promise<void> {
      if (streamMode === 'custom-message') {
        await send(
          target,
          customElement(encodeChatbotPayload({ kind: 'error', errorInfo: message })),
          postOptions?.signal,
        );
        return;
      }
      await postText(target, message, postOptions?.signal);
    },
  };
}
