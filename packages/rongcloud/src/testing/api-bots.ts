/**
 * The bot APIs of the local RongCloud (`/v3/bot/*`, JSON): create, query, get, update and delete
 * bots, and create, update and delete their integrations. Every body that changes a bot is kept
 * as received, so tests can assert the exact wire body a client sent.
 *
 * Emulator assumptions (RongCloud documents the bodies, not these rules): creating an existing
 * bot, the 11th bot, or naming an unknown bot or integration answers 1002; `update` is partial
 * (fields left out keep their values; `integrations`, when given, replace all of them); an
 * integration update replaces the integration of that type whole; create and update answer
 * `{ code: 200 }`; `get` answers the bots found, in the order asked, integrations included, with
 * `total` and `hasNext` as the docs' example shows; `query` pages of 1 to 100 bots.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/create-a-bot
 */
import {
  type ApiHandler,
  type ApiHandlers,
  oneToken,
  type PreparedCall,
  requireBot,
} from './api-common.ts';
import type { LocalRongCloudAPI } from './apis.ts';
import {
  botAnswer,
  checkBotFields,
  checkIntegration,
  INTEGRATION_TYPES,
  isIntegrationType,
  MAX_BOTS_PER_APP,
  requireBotUserId,
} from './bot-wire.ts';
import { failParameter } from './error-codes.ts';
import type { LocalRongCloudState, StoredBot } from './store.ts';
import { type JsonObject, optionalBoolean, optionalInteger, requireText } from './wire.ts';

const MAX_GET_IDS = 20;

/** Handlers of `/v3/bot/*` and `/v3/bot/integration/*`. */
export function botHandlers(state: LocalRongCloudState): ApiHandlers {
  const json = (prepare: (body: JsonObject) => PreparedCall): ApiHandler => ({
    format: 'json',
    prepare,
  });
  return [
    ['/v3/bot/create.json', json((body) => createBot(state, body))],
    ['/v3/bot/query.json', json((body) => queryBots(state, body))],
    ['/v3/bot/get.json', json((body) => getBots(state, body))],
    ['/v3/bot/update.json', json((body) => updateBot(state, body))],
    ['/v3/bot/delete.json', json((body) => deleteBot(state, body))],
    [
      '/v3/bot/integration/create.json',
      json((body) => changeIntegration(state, body, '/v3/bot/integration/create.json')),
    ],
    [
      '/v3/bot/integration/update.json',
      json((body) => changeIntegration(state, body, '/v3/bot/integration/update.json')),
    ],
    ['/v3/bot/integration/delete.json', json((body) => deleteIntegration(state, body))],
  ];
}

/** Records a body that changed `bot` and stamps `updatedAtMs`. */
function touch(
  state: LocalRongCloudState,
  bot: StoredBot,
  api: LocalRongCloudAPI,
  body: JsonObject,
): void {
  bot.wireBodies.push({ api, body: structuredClone(body) });
  bot.updatedAtMs = state.config.now();
}

function createBot(state: LocalRongCloudState, body: JsonObject) {
  const fields = checkBotFields(body, false);
  return oneToken(() => {
    if (state.bots.has(fields.userId)) failParameter(`bot ${fields.userId} already exists`);
    if (state.bots.size >= MAX_BOTS_PER_APP) {
      failParameter(`an app may have at most ${MAX_BOTS_PER_APP} bots`);
    }
    const atMs = state.config.now();
    state.bots.set(fields.userId, {
      userId: fields.userId,
      name: fields.name ?? '',
      type: fields.type ?? '',
      profileUrl: fields.profileUrl ?? '',
      metadata: fields.metadata ?? {},
      integrations: fields.integrations ?? [],
      createdAtMs: atMs,
      updatedAtMs: atMs,
      createBody: structuredClone(body),
      wireBodies: [{ api: '/v3/bot/create.json', body: structuredClone(body) }],
    });
    return {};
  });
}

function queryBots(state: LocalRongCloudState, body: JsonObject) {
  const page = optionalInteger(body.page, 'page', { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? 1;
  const pageSize = optionalInteger(body.pageSize, 'pageSize', { min: 1, max: 100 }) ?? 10;
  const includeIntegration = optionalBoolean(body.includeIntegration, 'includeIntegration');
  return oneToken(() => {
    const all = [...state.bots.values()];
    const start = (page - 1) * pageSize;
    return {
      total: all.length,
      hasNext: start + pageSize < all.length,
      bots: all
        .slice(start, start + pageSize)
        .map((bot) => botAnswer(bot, includeIntegration === true)),
    };
  });
}

function getBots(state: LocalRongCloudState, body: JsonObject) {
  const userIds = body.userIds;
  if (!Array.isArray(userIds) || userIds.length === 0) {
    failParameter('userIds must be a non-empty array');
  }
  if (userIds.length > MAX_GET_IDS) {
    failParameter(`userIds may hold at most ${MAX_GET_IDS} ids, received ${userIds.length}`);
  }
  const ids = userIds.map((id) => requireText(id, 'userIds[]', { max: 64 }));
  return oneToken(() => {
    const bots = ids.flatMap((id) => {
      const bot = state.bots.get(id);
      return bot === undefined ? [] : [botAnswer(bot, true)];
    });
    return { total: bots.length, hasNext: false, bots };
  });
}

function updateBot(state: LocalRongCloudState, body: JsonObject) {
  const fields = checkBotFields(body, true);
  return oneToken(() => {
    const bot = requireBot(state, fields.userId);
    if (fields.name !== undefined) bot.name = fields.name;
    if (fields.type !== undefined) bot.type = fields.type;
    if (fields.profileUrl !== undefined) bot.profileUrl = fields.profileUrl;
    if (fields.metadata !== undefined) bot.metadata = fields.metadata;
    if (fields.integrations !== undefined) bot.integrations = fields.integrations;
    touch(state, bot, '/v3/bot/update.json', body);
    return {};
  });
}

function deleteBot(state: LocalRongCloudState, body: JsonObject) {
  const userId = requireBotUserId(body);
  return oneToken(() => {
    requireBot(state, userId);
    state.bots.delete(userId);
    return {};
  });
}

function changeIntegration(
  state: LocalRongCloudState,
  body: JsonObject,
  api: '/v3/bot/integration/create.json' | '/v3/bot/integration/update.json',
) {
  const userId = requireBotUserId(body);
  const integration = checkIntegration(body, 'integration');
  return oneToken(() => {
    const bot = requireBot(state, userId);
    const index = bot.integrations.findIndex((existing) => existing.type === integration.type);
    const type = String(integration.type);
    if (api === '/v3/bot/integration/create.json') {
      if (index !== -1) failParameter(`bot ${userId} already has a ${type} integration`);
      bot.integrations.push(integration);
    } else {
      if (index === -1) failParameter(`bot ${userId} has no ${type} integration`);
      bot.integrations[index] = integration;
    }
    touch(state, bot, api, body);
    return {};
  });
}

function deleteIntegration(state: LocalRongCloudState, body: JsonObject) {
  const userId = requireBotUserId(body);
  const type = requireText(body.type, 'type', { max: 64 });
  if (!isIntegrationType(type)) {
    failParameter(`type must be one of ${INTEGRATION_TYPES.join(', ')}, received ${type}`);
  }
  return oneToken(() => {
    const bot = requireBot(state, userId);
    const index = bot.integrations.findIndex((existing) => existing.type === type);
    if (index === -1) failParameter(`bot ${userId} has no ${type} integration`);
    bot.integrations.splice(index, 1);
    touch(state, bot, '/v3/bot/integration/delete.json', body);
    return {};
  });
}
