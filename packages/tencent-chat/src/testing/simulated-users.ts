/**
 * Simulated users of the local Tencent Cloud Chat: messages sent as a client would (C2C text,
 * the `src: 22` interrupt, group text with @-mentions), stored like any message and delivered
 * to the bot as `Bot.OnC2CMessage` / `Bot.OnGroupMessage` when they address an active robot.
 *
 * @module
 */
import { encodeChatbotPayload } from '../chatbot/payload.ts';
import { randomUint32 } from '../internal/random.ts';
import { type MessageElement, toWireMessageBody } from '../messages/elements.ts';
import {
  isActiveRobot,
  type LocalChatState,
  nextC2CSequence,
  nowSeconds,
  type StoredMessage,
  sortedPair,
  storeMessage,
} from './store.ts';
import type { LocalDeliveryResult, LocalTencentChat } from './types.ts';
import { postWebhook } from './webhook-delivery.ts';
import type { JsonObject } from './wire.ts';

function requireAccount(state: LocalChatState, userId: string): void {
  if (!state.accounts.has(userId)) throw new Error(`local-tencent-chat: unknown account ${userId}`);
}

function c2cCallbackBody(state: LocalChatState, message: StoredMessage): JsonObject {
  return {
    CallbackCommand: 'Bot.OnC2CMessage',
    From_Account: message.from,
    To_Account: message.to,
    MsgSeq: message.msgSeq,
    MsgRandom: message.msgRandom,
    MsgTime: message.msgTimeSeconds,
    MsgKey: message.msgKey,
    MsgId: message.msgId,
    OnlineOnlyFlag: message.onlineOnly ? 1 : 0,
    SendMsgResult: 0,
    ErrorInfo: 'send msg succeed',
    UnreadMsgNum: state.unreadCounts.get(message.to ?? '') ?? 0,
    MsgBody: toWireMessageBody(message.elements),
    CloudCustomData: message.cloudCustomData ?? '',
    EventTime: state.config.now(),
  };
}

async function clientSendC2C(
  state: LocalChatState,
  input: {
    from: string;
    to: string;
    elements: MessageElement[];
    onlineOnly: boolean;
    cloudCustomData?: string | undefined;
  },
): Promise<LocalDeliveryResult> {
  requireAccount(state, input.from);
  requireAccount(state, input.to);
  const message = storeMessage(state, {
    conversation: { type: 'c2c', userIds: sortedPair(input.from, input.to) },
    from: input.from,
    to: input.to,
    msgSeq: nextC2CSequence(state),
    msgRandom: randomUint32(),
    msgTimeSeconds: nowSeconds(state),
    elements: input.elements,
    onlineOnly: input.onlineOnly,
    origin: 'client',
    cloudCustomData: input.cloudCustomData,
  });
  const identity = {
    msgSeq: message.msgSeq,
    ...(message.msgKey !== undefined ? { msgKey: message.msgKey } : {}),
  };
  if (!isActiveRobot(state, input.to) || state.callbackUrl === undefined) {
    return { status: 0, body: undefined, delivered: false, ...identity };
  }
  const answer = await postWebhook(state, 'Bot.OnC2CMessage', c2cCallbackBody(state, message));
  return { ...answer, delivered: true, ...identity };
}

/** {@link LocalTencentChat.userSends}. */
export function userSends(
  state: LocalChatState,
  message: Parameters<LocalTencentChat['userSends']>[0],
): Promise<LocalDeliveryResult> {
  return clientSendC2C(state, {
    from: message.from,
    to: message.to,
    elements: [{ type: 'text', text: message.text }],
    onlineOnly: false,
    cloudCustomData: message.cloudCustomData,
  });
}

/** {@link LocalTencentChat.userInterrupts}. */
export function userInterrupts(
  state: LocalChatState,
  interrupt: Parameters<LocalTencentChat['userInterrupts']>[0],
): Promise<LocalDeliveryResult> {
  return clientSendC2C(state, {
    from: interrupt.from,
    to: interrupt.robotId,
    elements: [
      {
        type: 'custom',
        data: encodeChatbotPayload({ kind: 'interrupt', msgKey: interrupt.msgKey }),
      },
    ],
    onlineOnly: true,
  });
}

/** {@link LocalTencentChat.userSendsToGroup}. */
export async function userSendsToGroup(
  state: LocalChatState,
  input: Parameters<LocalTencentChat['userSendsToGroup']>[0],
): Promise<LocalDeliveryResult> {
  const group = state.groups.get(input.groupId);
  if (group === undefined) throw new Error(`local-tencent-chat: unknown group ${input.groupId}`);
  requireAccount(state, input.from);
  if (!group.memberIds.has(input.from)) {
    throw new Error(`local-tencent-chat: ${input.from} is not a member of ${input.groupId}`);
  }
  const atUserIds = input.atUserIds ?? [];
  const missingMentions = atUserIds.filter((userId) => !input.text.includes(`@${userId}`));
  const text =
    missingMentions.length > 0
      ? `${missingMentions.map((userId) => `@${userId}`).join(' ')} ${input.text}`
      : input.text;
  group.lastSeq += 1;
  const message = storeMessage(state, {
    conversation: { type: 'group', groupId: group.groupId },
    from: input.from,
    groupId: group.groupId,
    msgSeq: group.lastSeq,
    msgRandom: randomUint32(),
    msgTimeSeconds: nowSeconds(state),
    elements: [{ type: 'text', text }],
    onlineOnly: false,
    origin: 'client',
  });
  const atRobots = atUserIds.filter(
    (userId) => isActiveRobot(state, userId) && group.memberIds.has(userId),
  );
  if (atRobots.length === 0 || state.callbackUrl === undefined) {
    return { status: 0, body: undefined, delivered: false, msgSeq: message.msgSeq };
  }
  const answer = await postWebhook(state, 'Bot.OnGroupMessage', {
    CallbackCommand: 'Bot.OnGroupMessage',
    GroupId: group.groupId,
    Type: group.type,
    From_Account: message.from,
    Operator_Account: message.from,
    Random: message.msgRandom,
    MsgSeq: message.msgSeq,
    MsgTime: message.msgTimeSeconds,
    OnlineOnlyFlag: 0,
    MsgBody: toWireMessageBody(message.elements),
    AtRobots_Account: atRobots,
    CloudCustomData: '',
    EventTime: state.config.now(),
  });
  return { ...answer, delivered: true, msgSeq: message.msgSeq };
}
