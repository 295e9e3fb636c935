/**
 * A local RongCloud: two real HTTP servers on 127.0.0.1 — the region's primary and backup host,
 * sharing one store — that answer the Server API a bot uses like the vendor does, store messages
 * and bots, and play simulated users whose messages reach bots as signed webhooks. Node only (it
 * imports `node:http`); for tests and demos, never for production.
 *
 * This file only composes the parts: the checked options, the shared state (`store.ts`), the API
 * handlers by area (`api-*.ts`), the dispatcher, the two listeners, fault injection, rate
 * limits, webhook delivery and simulated users.
 *
 * @module
 */
import { optionError } from '@imbridge/core';
import { botHandlers } from './api-bots.ts';
import { messageHandlers } from './api-messages.ts';
import { streamHandlers } from './api-stream.ts';
import { userHandlers } from './api-users.ts';
import type { LOCAL_RONGCLOUD_ERROR_CODES } from './error-codes.ts';
import { createFaultQueue } from './faults.ts';
import { type HostHandlers, listenOnLoopback } from './http-server.ts';
import { resolveLocalRongCloudOptions } from './options.ts';
import { createRateLimiter } from './rate-limit.ts';
import { dispatchRest, type RestContext, recordRefused } from './rest-dispatch.ts';
import { userSends, userSendsToGroup } from './simulated-users.ts';
import {
  conversationOf,
  createLocalRongCloudState,
  type LocalRongCloudState,
  registerUser,
  toPublicBot,
} from './store.ts';
import type { LocalHost, LocalRongCloud, LocalRongCloudOptions } from './types.ts';
import { deliverWebhook } from './webhook-delivery.ts';

function hostHandlers(context: RestContext, host: LocalHost): HostHandlers {
  return {
    isDown: () => context.state.downHosts.has(host),
    refused: (request) => recordRefused(context.state, request),
    answer: (request) => dispatchRest(context, request),
  };
}

function checkCallbackUrl(url: string | undefined): string | undefined {
  if (url !== undefined && !URL.canParse(url)) {
    throw optionError({ owner: 'setCallbackUrl', name: 'url' }, 'an absolute URL', url);
  }
  return url;
}

function createGroup(
  state: LocalRongCloudState,
  group: Parameters<LocalRongCloud['createGroup']>[0],
): void {
  if (state.groups.has(group.groupId)) {
    throw new Error(`local-rongcloud: group ${group.groupId} exists`);
  }
  state.groups.set(group.groupId, {
    groupId: group.groupId,
    memberIds: new Set(group.memberIds),
    ...(group.name !== undefined ? { name: group.name } : {}),
  });
}

/**
 * Starts a local RongCloud on 127.0.0.1: a primary and a backup host sharing one store, for the
 * Server API a bot uses — `/user/getToken.json`, the bot and integration APIs (`/v3/bot/*`),
 * private and group publish, recall, and `RC:StreamMsg` stream messages — with the vendor's
 * signature headers, content types, envelope, codes, limits and per-API rate limits; plus
 * simulated users whose messages reach bots with a `webhook` integration as signed
 * `message:private` / `message:group` webhooks, and bots with a `dify_chat`, `dify_chatflow` or
 * `dify_completion` integration answer through Dify as RongCloud's own integration does (calls
 * logged in `difyCalls`, answers stored as the bot's `RC:StreamMsg` or `RC:TxtMsg`).
 *
 * Checks run in this order: path, method, signature (HTTP 401, 1004), content type (1002),
 * injected fault, parameters (1002), rate limit (HTTP 429, 1008), the call (see
 * `rest-dispatch.ts`). Every request is recorded in `requests`.
 *
 * Emulator assumptions (the vendor docs are silent), each documented where it is made:
 * - signatures: any header problem answers 1004 (HTTP 401); the signature must be lower-case
 *   hex; timestamps in milliseconds or seconds are both accepted, and freshness is enforced only
 *   with `timestampToleranceMs` (RongCloud documents no window);
 * - codes: every parameter problem, limit and unknown bot, group or message answers 1002
 *   (HTTP 400); see {@link LOCAL_RONGCLOUD_ERROR_CODES};
 * - bots: lengths in characters, metadata values must be strings, one integration per type,
 *   Dify integrations need `auth.apiKey`, `update` is partial (`api-bots.ts`, `bot-wire.ts`);
 * - streams: the first chunk has `seq` 1; `seq`s increase and may skip; an identical repeat of
 *   an accepted chunk answers 200 and changes nothing, even after `complete`; a repeated first
 *   chunk creates a second message (`api-stream.ts`);
 * - webhooks: group event `message:group`, `data.msgUID`/`msgTimestamp`/`groupId`, one POST per
 *   mentioned bot, no retries (`simulated-users.ts`, `webhook-delivery.ts`);
 * - Dify integrations: which `inputs` are sent (`bot_*`, `data_*`, nested values as JSON
 *   strings), the 24 h conversation map and its reset, how the answer is stored and what a
 *   failure leaves (`dify-forwarding.ts`, `dify-conversations.ts`, `dify-reply.ts`).
 *
 * Faults (`failNext`) strike before a call is processed, or after RongCloud stored it
 * (`after: 'store'`): a lost answer — reset, late or a gateway error — that a client's retry must
 * survive. `hostDown` resets every connection to one host, for failover tests.
 *
 * @throws {ValidationError} code `invalid-option` for an empty `appKey` or `appSecret`, a bad
 *   port, URL, rate limit or duration.
 * @example
 * ```ts
 * const local = await createLocalRongCloud({ appKey: 'app-key', appSecret: 'app-secret' });
 * local.registerUser('alice');
 * // the code under test creates 'bot-1' with a webhook integration through local.primaryUrl, then:
 * const { status } = await local.userSends({ from: 'alice', toBot: 'bot-1', text: 'hello' });
 * const [, reply] = local.conversation({ userId: 'alice', botUserId: 'bot-1' });
 * console.log(status, reply?.stream?.complete, reply?.text);
 * await local.close();
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/auth
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/create-a-bot
 */
export async function createLocalRongCloud(
  options: LocalRongCloudOptions,
): Promise<LocalRongCloud> {
  const { config, callbackUrl } = resolveLocalRongCloudOptions(options);
  const state = createLocalRongCloudState(config, callbackUrl);
  const context: RestContext = {
    state,
    handlers: new Map([
      ...userHandlers(state),
      ...botHandlers(state),
      ...messageHandlers(state),
      ...streamHandlers(state),
    ]),
    faults: createFaultQueue(),
    rateLimiter: createRateLimiter(config.rateLimits),
  };
  const primary = await listenOnLoopback('primary', config.port, hostHandlers(context, 'primary'));
  const backup = await listenOnLoopback(
    'backup',
    config.backupPort,
    hostHandlers(context, 'backup'),
  ).catch(async (error: unknown) => {
    await primary.close();
    throw error;
  });
  return {
    primaryUrl: primary.baseUrl,
    backupUrl: backup.baseUrl,
    appKey: config.appKey,
    close: async () => {
      await Promise.all([primary.close(), backup.close()]);
    },
    get messages() {
      return state.messages.map((message) => structuredClone(message));
    },
    conversation: (selector) => conversationOf(state, selector),
    get requests() {
      return state.requests.map((request) => ({ ...request }));
    },
    get difyCalls() {
      return state.difyCalls.map((call) => structuredClone(call));
    },
    failNext: (api, code, times, faultOptions = {}) => {
      const { forMs } = faultOptions;
      context.faults.add(api, {
        code,
        times: times ?? (forMs !== undefined ? Number.POSITIVE_INFINITY : 1),
        host: faultOptions.host,
        httpStatus: faultOptions.httpStatus,
        after: faultOptions.after,
        reset: faultOptions.reset === true,
        delayMs: faultOptions.delayMs ?? 0,
        untilMs: forMs !== undefined ? config.now() + forMs : undefined,
      });
    },
    hostDown: (host, down) => {
      if (down) state.downHosts.add(host);
      else state.downHosts.delete(host);
    },
    setCallbackUrl: (url) => {
      state.callbackUrl = checkCallbackUrl(url);
    },
    registerUser: (userId, profile) => registerUser(state, userId, profile),
    get userIds() {
      return [...state.users.keys()];
    },
    get bots() {
      return [...state.bots.values()].map(toPublicBot);
    },
    bot: (userId) => {
      const bot = state.bots.get(userId);
      return bot === undefined ? undefined : toPublicBot(bot);
    },
    createGroup: (group) => createGroup(state, group),
    userSends: (message) => userSends(state, message),
    userSendsToGroup: (message) => userSendsToGroup(state, message),
    deliverWebhook: (type, body, webhookOptions) =>
      deliverWebhook(state, type, body, webhookOptions),
  };
}
