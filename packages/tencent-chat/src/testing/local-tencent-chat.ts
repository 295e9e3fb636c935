/**
 * A local Tencent Cloud Chat: a real HTTP server on 127.0.0.1 that answers a subset of the REST
 * API like the vendor does, stores messages, and plays simulated users that trigger robot
 * webhooks. Node only (it imports `node:http`); for tests and demos, never for production.
 *
 * This file only composes the parts: the shared state (`store.ts`), the API handlers by area
 * (`api-*.ts`), the REST dispatcher, the loopback listener, fault injection, webhook delivery
 * and simulated users.
 *
 * @module
 */
import { accountHandlers } from './api-accounts.ts';
import { messageHandlers } from './api-messages.ts';
import { modifyHandlers } from './api-modify.ts';
import { nativeStreamHandlers } from './api-native-stream.ts';
import { robotStreamHandlers } from './api-robot-stream.ts';
import type { LOCAL_TENCENT_CHAT_ERROR_CODES } from './error-codes.ts';
import { createFaultQueue } from './faults.ts';
import { listenOnLoopback } from './http-server.ts';
import { createRateLimiter } from './rate-limit.ts';
import { dispatchRest } from './rest-dispatch.ts';
import { userInterrupts, userSends, userSendsToGroup } from './simulated-users.ts';
import {
  activeRobotIds,
  conversationOf,
  createLocalChatState,
  importAccount,
  toPublic,
} from './store.ts';
import type { LocalTencentChat, LocalTencentChatOptions } from './types.ts';
import { postWebhook } from './webhook-delivery.ts';

export { LOCAL_TENCENT_CHAT_ERROR_CODES } from './error-codes.ts';
export type {
  LocalConversation,
  LocalConversationSelector,
  LocalDeliveryResult,
  LocalFaultOptions,
  LocalGroupType,
  LocalMessage,
  LocalRequestRecord,
  LocalTencentChat,
  LocalTencentChatOptions,
  LocalWebhookOptions,
} from './types.ts';

/**
 * Starts a local Tencent Cloud Chat on 127.0.0.1: the REST API subset a chatbot uses (accounts,
 * robots, friends, C2C and group messages, modify, withdraw/recall, native stream messages,
 * robot `send_stream_msg`) with the vendor's envelope, URL and UserSig checks, error codes and
 * per-API rate limit; plus simulated users whose messages reach the bot as signed
 * `Bot.OnC2CMessage` / `Bot.OnGroupMessage` webhooks.
 *
 * Emulator assumptions (the vendor docs are silent): an oversized body answers 80002 with
 * "msg too long"; native stream rule violations answer 10004 (bad `Index`), 20022 (unknown
 * `StreamMsgID`), 20023 (stream ended, by an `IsLast` chunk or after `streamIdleLimitMs`
 * without one) and 10023 (over 5 continuations per second); a repeated native stream call is
 * treated like a `sendmsg` duplicate (a first call with the same keys and body answers the
 * stream it started; a chunk repeated with the same `Index` and text is taken as received, even
 * after the stream ended); REST messages never trigger webhooks; see
 * {@link LOCAL_TENCENT_CHAT_ERROR_CODES}.
 *
 * Faults (`failNext`) strike before a call is processed, or after Tencent stored it
 * (`after: 'store'`): a lost answer — reset, late or a gateway error — that a client's retry
 * must survive without storing the message twice.
 *
 * @example
 * ```ts
 * const local = await createLocalTencentChat({
 *   sdkAppId: 1400000000,
 *   secretKey: 'secret',
 *   callbackUrl: 'http://127.0.0.1:3000/tencent/webhook',
 *   callbackToken: 'token',
 * });
 * local.importAccount('alice');
 * // the bot under test creates '@RBT#bot' through the REST API at local.baseUrl, then:
 * const { status } = await local.userSends({ from: 'alice', to: '@RBT#bot', text: 'hello' });
 * console.log(status, local.conversation({ userId: 'alice', robotId: '@RBT#bot' }));
 * await local.close();
 * ```
 * @see https://cloud.tencent.com/document/product/269/1519
 */
export async function createLocalTencentChat(
  options: LocalTencentChatOptions,
): Promise<LocalTencentChat> {
  const state = createLocalChatState(options);
  const faults = createFaultQueue();
  const handlers = new Map([
    ...accountHandlers(state),
    ...messageHandlers(state),
    ...modifyHandlers(state),
    ...nativeStreamHandlers(state),
    ...robotStreamHandlers(state),
  ]);
  const rateLimiter = createRateLimiter(state.config.apiCallsPerSecond);
  const context = { state, handlers, faults, rateLimiter };
  const server = await listenOnLoopback(state.config.port, (request) =>
    dispatchRest(context, request),
  );
  return {
    baseUrl: server.baseUrl,
    sdkAppId: state.config.sdkAppId,
    adminUserId: state.config.adminUserId,
    close: () => server.close(),
    get messages() {
      return state.messages.map((message) => toPublic(state, message));
    },
    conversation: (selector) => conversationOf(state, selector),
    get requests() {
      return state.requests.map((request) => ({ ...request }));
    },
    failNext: (api, errorCode, times, faultOptions = {}) => {
      const { forMs } = faultOptions;
      faults.add(api, {
        errorCode,
        times: times ?? (forMs !== undefined ? Number.POSITIVE_INFINITY : 1),
        httpStatus: faultOptions.httpStatus,
        after: faultOptions.after,
        reset: faultOptions.reset === true,
        delayMs: faultOptions.delayMs ?? 0,
        untilMs: forMs !== undefined ? state.config.now() + forMs : undefined,
      });
    },
    setCallbackUrl: (url) => {
      state.callbackUrl = url;
    },
    importAccount: (userId, profile) => importAccount(state, userId, profile),
    get accountIds() {
      return [...state.accounts.keys()];
    },
    get robotIds() {
      return activeRobotIds(state);
    },
    friendIdsOf: (userId) => [...(state.friends.get(userId) ?? [])],
    createGroup: (group) => {
      if (state.groups.has(group.groupId)) {
        throw new Error(`local-tencent-chat: group ${group.groupId} exists`);
      }
      state.groups.set(group.groupId, {
        groupId: group.groupId,
        type: group.type ?? 'Public',
        memberIds: new Set(group.memberIds),
        lastSeq: 0,
      });
    },
    userSends: (message) => userSends(state, message),
    userInterrupts: (interrupt) => userInterrupts(state, interrupt),
    userSendsToGroup: (message) => userSendsToGroup(state, message),
    deliverWebhook: async (command, body, webhookOptions) => {
      const answer = await postWebhook(state, command, body, webhookOptions);
      return { ...answer, delivered: true };
    },
  };
}
