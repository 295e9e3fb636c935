/**
 * Simulated users of the local RongCloud: text messages sent as a RongCloud client would (private
 * to a bot, or to a group with @-mentions), stored like any message, delivered to each addressed
 * bot's webhook as `message:private` / `message:group`, and answered through Dify by each
 * addressed bot with a Dify integration (`dify-forwarding.ts`), webhook first.
 *
 * Emulator assumptions (RongCloud documents `message:private` and only some of its `data`
 * fields): the group event is named `message:group`; `data` carries `msgUID` and `msgTimestamp`
 * (milliseconds) beside the documented fields; a group event's `data.toUserId` is the bot and
 * `data.groupId` the group; the mentions are in the content's `mentionedInfo` (type 2), as
 * RongCloud's clients send them; a group bot must be a member of the group and be mentioned.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
import { forwardToDify } from './dify-forwarding.ts';
import {
  type LocalRongCloudState,
  type StoredBot,
  type StoredMessage,
  storeMessage,
} from './store.ts';
import type {
  LocalDeliveryResult,
  LocalDifyCall,
  LocalRongCloud,
  LocalWebhookDelivery,
} from './types.ts';
import { postWebhook, webhookBot, webhookUrlOf } from './webhook-delivery.ts';
import type { JsonObject } from './wire.ts';

const TEXT_OBJECT_NAME = 'RC:TxtMsg';

/** The event names of the webhooks simulated users trigger. */
export const WEBHOOK_EVENT_TYPES = {
  private: 'message:private',
  group: 'message:group',
} as const;

function requireUser(state: LocalRongCloudState, userId: string): void {
  if (!state.users.has(userId)) {
    throw new Error(`local-rongcloud: ${userId} is not a registered user (registerUser)`);
  }
}

/** The webhook body of `message` for `bot`. */
function webhookBody(
  state: LocalRongCloudState,
  eventType: string,
  bot: StoredBot,
  message: StoredMessage,
): JsonObject {
  const data: JsonObject = {
    fromUserId: message.fromUserId,
    toUserId: bot.userId,
    objectName: message.objectName,
    content: JSON.stringify(message.content),
    channelType: message.groupId !== undefined ? 'GROUP' : 'PERSON',
    msgUID: message.messageUID,
    msgTimestamp: message.sentAtMs,
  };
  if (message.groupId !== undefined) data.groupId = message.groupId;
  return { type: eventType, timestamp: state.config.now(), bot: webhookBot(bot), data };
}

/**
 * For each bot in order: POSTs the webhook of `message` when it has a matching webhook
 * integration, then calls Dify when it has a matching Dify integration (answer stored).
 */
async function deliverTo(
  state: LocalRongCloudState,
  eventType: string,
  bots: StoredBot[],
  message: StoredMessage,
): Promise<LocalDeliveryResult> {
  const deliveries: LocalWebhookDelivery[] = [];
  const difyCalls: LocalDifyCall[] = [];
  for (const bot of bots) {
    const body = webhookBody(state, eventType, bot, message);
    const url = webhookUrlOf(state, bot, eventType, message.objectName);
    if (url !== undefined) {
      deliveries.push(await postWebhook(state, { botUserId: bot.userId, url }, body));
    }
    difyCalls.push(
      ...(await forwardToDify(state, { bot, message, eventType, callbackBody: body })),
    );
  }
  const [first] = deliveries;
  return {
    status: first?.status ?? 0,
    body: first?.body,
    delivered: first !== undefined,
    messageUID: message.messageUID,
    deliveries,
    difyCalls,
  };
}

/** `LocalRongCloud.userSends`. */
export async function userSends(
  state: LocalRongCloudState,
  input: Parameters<LocalRongCloud['userSends']>[0],
): Promise<LocalDeliveryResult> {
  requireUser(state, input.from);
  const message = storeMessage(state, {
    fromUserId: input.from,
    toUserId: input.toBot,
    objectName: TEXT_OBJECT_NAME,
    content: { content: input.text },
    origin: 'client',
  });
  const bot = state.bots.get(input.toBot);
  return deliverTo(state, WEBHOOK_EVENT_TYPES.private, bot === undefined ? [] : [bot], message);
}

/** `LocalRongCloud.userSendsToGroup`. */
export async function userSendsToGroup(
  state: LocalRongCloudState,
  input: Parameters<LocalRongCloud['userSendsToGroup']>[0],
): Promise<LocalDeliveryResult> {
  const group = state.groups.get(input.groupId);
  if (group === undefined) {
    throw new Error(`local-rongcloud: group ${input.groupId} does not exist (createGroup)`);
  }
  requireUser(state, input.from);
  if (!group.memberIds.has(input.from)) {
    throw new Error(`local-rongcloud: ${input.from} is not a member of ${input.groupId}`);
  }
  const mentioned = [...new Set(input.mentionBotIds ?? [])];
  const content: JsonObject = { content: input.text };
  if (mentioned.length > 0) content.mentionedInfo = { type: 2, userIdList: mentioned };
  const message = storeMessage(state, {
    fromUserId: input.from,
    groupId: group.groupId,
    objectName: TEXT_OBJECT_NAME,
    content,
    origin: 'client',
  });
  const bots = mentioned.flatMap((userId) => {
    const bot = state.bots.get(userId);
    return bot !== undefined && group.memberIds.has(userId) ? [bot] : [];
  });
  return deliverTo(state, WEBHOOK_EVENT_TYPES.group, bots, message);
}
