import { z } from 'zod';
import {
  botFromWire,
  botToWire,
  botUserIdSchema,
  createBotSchema,
  integrationSchema,
  integrationToWire,
  MAX_GET_BOTS_IDS,
  updateBotSchema,
  wireBotSchema,
} from './bot-wire.ts';
import type { RongCloudTransport } from './transport.ts';
import type { RongCloudClient } from './types.ts';
import { callOptions, checkInput, parseResponse } from './wire.ts';

/** The bot APIs' paths (JSON bodies, 100 calls/s each). */
export const BOT_PATHS = {
  create: 'v3/bot/create.json',
  get: 'v3/bot/get.json',
  list: 'v3/bot/query.json',
  update: 'v3/bot/update.json',
  delete: 'v3/bot/delete.json',
  createIntegration: 'v3/bot/integration/create.json',
  updateIntegration: 'v3/bot/integration/update.json',
  deleteIntegration: 'v3/bot/integration/delete.json',
} as const;

const getBotsSchema = z.object({
  userIds: z.array(botUserIdSchema).min(1).max(MAX_GET_BOTS_IDS),
});
const listBotsSchema = z.object({
  page: z.int().min(1).optional(),
  pageSize: z.int().min(1).optional(),
  includeIntegrations: z.boolean().optional(),
});
const deleteBotSchema = z.object({ userId: botUserIdSchema });
const integrationOptionsSchema = z.object({
  userId: botUserIdSchema,
  integration: integrationSchema,
});
const deleteIntegrationSchema = z.object({
  userId: botUserIdSchema,
  type: z.enum(['webhook', 'dify_chat', 'dify_completion', 'dify_chatflow']),
});

const botsAnswerSchema = z.looseObject({ bots: z.array(wireBotSchema).nullish() });
const pageAnswerSchema = z.looseObject({
  bots: z.array(wireBotSchema).nullish(),
  total: z.number().nullish(),
  hasNext: z.boolean().nullish(),
});

/** The bot and integration APIs of the client. */
export type BotMethods = Pick<
  RongCloudClient,
  | 'createBot'
  | 'getBots'
  | 'listBots'
  | 'updateBot'
  | 'deleteBot'
  | 'createBotIntegration'
  | 'updateBotIntegration'
  | 'deleteBotIntegration'
>;

/** Builds the bot and integration methods on a transport. */
export function botMethods(transport: RongCloudTransport): BotMethods {
  const integrationCall = async (
    path: string,
    method: string,
    input: Parameters<RongCloudClient['createBotIntegration']>[0],
  ): Promise<void> => {
    const checked = checkInput(integrationOptionsSchema, input, method);
    const secrets: string[] = [];
    const wire = await integrationToWire(checked.integration, method, 'integration', secrets);
    await transport.call(path, { userId: checked.userId, ...wire }, callOptions(input), secrets);
  };

  return {
    async createBot(input) {
      const checked = checkInput(createBotSchema, input, 'createBot');
      const { body, secrets } = await botToWire(checked, 'createBot');
      await transport.call(BOT_PATHS.create, body, callOptions(input), secrets);
    },

    async getBots(input) {
      const checked = checkInput(getBotsSchema, input, 'getBots');
      const body = await transport.call(
        BOT_PATHS.get,
        { userIds: checked.userIds },
        callOptions(input),
      );
      return {
        bots: (parseResponse(botsAnswerSchema, body, 'getBots').bots ?? []).map(botFromWire),
      };
    },

    async listBots(input = {}) {
      const checked = checkInput(listBotsSchema, input, 'listBots');
      const body = await transport.call(
        BOT_PATHS.list,
        {
          page: checked.page,
          pageSize: checked.pageSize,
          includeIntegration: checked.includeIntegrations,
        },
        callOptions(input),
      );
      const parsed = parseResponse(pageAnswerSchema, body, 'listBots');
      const bots = (parsed.bots ?? []).map(botFromWire);
      return { bots, total: parsed.total ?? bots.length, hasNext: parsed.hasNext ?? false };
    },

    async updateBot(input) {
      const checked = checkInput(updateBotSchema, input, 'updateBot');
      const { body, secrets } = await botToWire(checked, 'updateBot');
      await transport.call(BOT_PATHS.update, body, callOptions(input), secrets);
    },

    async deleteBot(input) {
      const checked = checkInput(deleteBotSchema, input, 'deleteBot');
      await transport.call(BOT_PATHS.delete, { userId: checked.userId }, callOptions(input));
    },

    createBotIntegration: (input) =>
      integrationCall(BOT_PATHS.createIntegration, 'createBotIntegration', input),

    updateBotIntegration: (input) =>
      integrationCall(BOT_PATHS.updateIntegration, 'updateBotIntegration', input),

    async deleteBotIntegration(input) {
      const checked = checkInput(deleteIntegrationSchema, input, 'deleteBotIntegration');
      await transport.call(
        BOT_PATHS.deleteIntegration,
        { userId: checked.userId, type: checked.type },
        callOptions(input),
      );
    },
  };
}
