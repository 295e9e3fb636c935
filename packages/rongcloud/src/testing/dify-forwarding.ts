/**
 * RongCloud's own Dify integration, emulated: when a simulated user's message reaches a bot with
 * an enabled `dify_chat`, `dify_chatflow` or `dify_completion` integration, the local RongCloud
 * calls Dify as RongCloud does and stores the answer as the bot's message (`dify-reply.ts`).
 *
 * The call (`dify-call.ts`): `POST {callbackUrl}/chat-messages` (`dify_chat`, `dify_chatflow`)
 * or `{callbackUrl}/completion-messages` (`dify_completion`), `Authorization: Bearer
 * {auth.apiKey}`, and the JSON body
 * - `query`: the message text (chat apps; a completion app gets it as `inputs.query`),
 * - `user`: the sender's user id,
 * - `response_mode`: `streaming` unless the integration's `stream` is `false` (then `blocking`),
 * - `conversation_id`: the conversation kept for (sender, channel type, target, bot) for 24 h
 *   from its first reply (`dify-conversations.ts`); `""` when there is none (chat apps only),
 * - `inputs`: the webhook callback's `bot` and `data` fields flattened with a prefix —
 *   `bot_userId`, `bot_name`, `bot_profileUrl`, `bot_type`, `bot_metadata` (the metadata as a
 *   JSON string), `data_fromUserId`, `data_toUserId`, `data_objectName`, `data_content` (the
 *   message content as a JSON string, as in the webhook), `data_channelType` (`PERSON` or
 *   `GROUP`), `data_msgUID`, `data_msgTimestamp` (a number) and, in a group, `data_groupId`.
 *
 * When Dify answers HTTP 404 (`not_found`) or 400 `conversation_completed` to a call that named a
 * conversation, the conversation is forgotten and the call is made once more without it. A
 * failure is logged in `difyCalls` (and the stream completed with what arrived); it never throws.
 *
 * Emulator assumptions (RongCloud documents the fields above by example only): nested objects
 * (`bot.metadata`) are passed as JSON strings and `data.content` stays the JSON string the
 * webhook carries; the integration's `events` and `objectNames`, when given, filter like a
 * webhook's; `handleResponse: false` still calls Dify (and keeps its conversation) but stores
 * nothing; one Dify call at a time per message, webhook first; no retry beyond the conversation
 * reset.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-dify
 */
import { callDify } from './dify-call.ts';
import type { DifyConversationKey } from './dify-conversations.ts';
import { createDifyReply } from './dify-reply.ts';
import type { LocalRongCloudState, StoredBot, StoredMessage } from './store.ts';
import type { LocalDifyCall } from './types.ts';
import { listens } from './webhook-delivery.ts';
import { type JsonObject, jsonObjectSchema } from './wire.ts';

/** The Dify integration types, and the Dify route each one calls. */
export const DIFY_ROUTES = {
  dify_chat: '/chat-messages',
  dify_chatflow: '/chat-messages',
  dify_completion: '/completion-messages',
} as const;

type DifyIntegrationType = keyof typeof DIFY_ROUTES;

function isDifyIntegrationType(type: unknown): type is DifyIntegrationType {
  return typeof type === 'string' && Object.hasOwn(DIFY_ROUTES, type);
}

/** What one message asks of a bot's Dify integration. */
export interface DifyForwarding {
  bot: StoredBot;
  /** The user's stored message. */
  message: StoredMessage;
  /** The webhook event of the message (`message:private`, `message:group`). */
  eventType: string;
  /** The webhook body `{ type, timestamp, bot, data }` the fields of `inputs` come from. */
  callbackBody: JsonObject;
}

/**
 * The bot's enabled Dify integration whose `events` and `objectNames` (when given and not empty)
 * let the message through, or `undefined`.
 */
export function difyIntegrationOf(
  bot: StoredBot,
  eventType: string,
  objectName: string,
): JsonObject | undefined {
  return bot.integrations.find(
    (candidate) =>
      isDifyIntegrationType(candidate.type) &&
      candidate.enabled !== false &&
      listens(candidate.events, eventType) &&
      listens(candidate.objectNames, objectName),
  );
}

/**
 * The callback's `bot` and `data` fields flattened into Dify `inputs` with `bot_` / `data_`
 * prefixes; strings, numbers and booleans as they are, anything else as a JSON string.
 */
export function difyInputs(callbackBody: JsonObject): JsonObject {
  const inputs: JsonObject = {};
  for (const prefix of ['bot', 'data'] as const) {
    const fields = jsonObjectSchema.safeParse(callbackBody[prefix]);
    if (!fields.success) continue;
    for (const [name, value] of Object.entries(fields.data)) {
      if (value === undefined || value === null) continue;
      const scalar = ['string', 'number', 'boolean'].includes(typeof value);
      inputs[`${prefix}_${name}`] = scalar ? value : JSON.stringify(value);
    }
  }
  return inputs;
}

function requestBody(
  type: DifyIntegrationType,
  forwarding: DifyForwarding,
  streaming: boolean,
  conversationId: string | undefined,
): JsonObject {
  const text = forwarding.message.text ?? '';
  const inputs = difyInputs(forwarding.callbackBody);
  const common = {
    user: forwarding.message.fromUserId,
    response_mode: streaming ? 'streaming' : 'blocking',
  };
  if (type === 'dify_completion') return { inputs: { ...inputs, query: text }, ...common };
  return { inputs, query: text, ...common, conversation_id: conversationId ?? '' };
}

/**
 * Calls Dify for the message when the bot has a matching Dify integration, stores the answer
 * and logs each call in `state.difyCalls`; resolves with this message's calls (none when the
 * bot has no such integration) once the answer is stored. Never throws.
 */
export async function forwardToDify(
  state: LocalRongCloudState,
  forwarding: DifyForwarding,
): Promise<LocalDifyCall[]> {
  const { bot, message } = forwarding;
  const integration = difyIntegrationOf(bot, forwarding.eventType, message.objectName);
  if (integration === undefined || !isDifyIntegrationType(integration.type)) return [];
  const type = integration.type;
  const streaming = integration.stream !== false;
  const auth = jsonObjectSchema.safeParse(integration.auth);
  const apiKey = auth.success && typeof auth.data.apiKey === 'string' ? auth.data.apiKey : '';
  const url = `${String(integration.callbackUrl).replace(/\/+$/, '')}${DIFY_ROUTES[type]}`;
  const key: DifyConversationKey = {
    fromUserId: message.fromUserId,
    channelType: message.groupId !== undefined ? 'GROUP' : 'PERSON',
    targetId: message.groupId ?? bot.userId,
    botUserId: bot.userId,
  };
  const chat = type !== 'dify_completion';
  const reply =
    integration.handleResponse === false
      ? undefined
      : createDifyReply(state, { botUserId: bot.userId, message, streaming });
  let storeError: string | undefined;
  // Storing fails only when a test interferes (recalls the stream): logged, never thrown.
  const guard = (write: () => void): void => {
    try {
      write();
    } catch (error) {
      storeError ??= `storing the reply failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  const calls: LocalDifyCall[] = [];
  let conversationId = chat ? state.difyConversations.get(key) : undefined;
  for (;;) {
    const atMs = state.config.now();
    const body = requestBody(type, forwarding, streaming, conversationId);
    const result = await callDify({
      url,
      apiKey,
      body,
      streaming,
      timeoutMs: state.config.difyTimeoutMs,
      onDelta: (delta) => guard(() => reply?.append(delta)),
    });
    const unknownConversation =
      result.status === 404 ||
      (result.status === 400 && result.errorCode === 'conversation_completed');
    const retry = conversationId !== undefined && unknownConversation;
    if (retry) state.difyConversations.forget(key);
    else if (chat && result.conversationId !== undefined) {
      state.difyConversations.remember(key, result.conversationId);
    }
    let replyMessageUID: string | undefined;
    if (!retry) {
      guard(() => {
        replyMessageUID = reply?.finish(result.answer);
      });
    }
    const call: LocalDifyCall = {
      botUserId: bot.userId,
      integrationType: type,
      url,
      requestBody: body,
      responseMode: streaming ? 'streaming' : 'blocking',
      status: result.status,
      conversationId: result.conversationId ?? conversationId,
      answer: result.answer,
      replyMessageUID,
      error: result.error ?? (retry ? undefined : storeError),
      atMs,
    };
    calls.push(call);
    state.difyCalls.push(call);
    if (!retry) return calls.map((item) => structuredClone(item));
    conversationId = undefined;
  }
}
