import { botFromWire, botToWire, integrationToWire } from './bot-wire.ts';
import { checkInput, parseResponse } from './check.ts';
import type { RongCloudTransport } from './transport.ts';
import type { RongCloudClient } from './types.ts';
import { callOptions, loadBotSchemas } from './wire.ts';

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
    const schemas = await loadBotSchemas();
    const checked = checkInput(schemas.integrationOptionsSchema, input, method);
    const secrets: string[] = [];
    const wire = await integrationToWire(checked.integration, method, 'integration', secrets);
    await transport.call(path, { userId: checked.userId, ...wire }, callOptions(input), secrets);
  };

  return {
    async createBot(input) {
      const schemas = await loadBotSchemas();
      const checked = checkInput(schemas.createBotSchema, input, 'createBot');
      const { body, secrets } = await botToWire(checked, 'createBot');
      await transport.call(BOT_PATHS.create, body, callOptions(input), secrets);
    },

    async getBots(input) {
      const schemas = await loadBotSchemas();
      const checked = checkInput(schemas.getBotsSchema, input, 'getBots');
      const body = await transport.call(
        BOT_PATHS.get,
        { userIds: checked.userIds },
        callOptions(input),
      );
      return {
        bots: (parseResponse(schemas.botsAnswerSchema, body, 'getBots').bots ?? []).map(
          botFromWire,
        ),
      };
    },

    async listBots(input = {}) {
      const schemas = await loadBotSchemas();
      const checked = checkInput(schemas.listBotsSchema, input, 'listBots');
      const body = await transport.call(
        BOT_PATHS.list,
        {
          page: checked.page,
          pageSize: checked.pageSize,
          includeIntegration: checked.includeIntegrations,
        },
        callOptions(input),
      );
      const parsed = parseResponse(schemas.pageAnswerSchema, body, 'listBots');
      const bots = (parsed.bots ?? []).map(botFromWire);
      return { bots, total: parsed.total ?? bots.length, hasNext: parsed.hasNext ?? false };
    },

    async updateBot(input) {
      const schemas = await loadBotSchemas();
      const checked = checkInput(schemas.updateBotSchema, input, 'updateBot');
      const { body, secrets } = await botToWire(checked, 'updateBot');
      await transport.call(BOT_PATHS.update, body, callOptions(input), secrets);
    },

    async deleteBot(input) {
      const schemas = await loadBotSchemas();
      const checked = checkInput(schemas.deleteBotSchema, input, 'deleteBot');
      await transport.call(BOT_PATHS.delete, { userId: checked.userId }, callOptions(input));
    },

    createBotIntegration: (input) =>
      integrationCall(BOT_PATHS.createIntegration, 'createBotIntegration', input),

    updateBotIntegration: (input) =>
      integrationCall(BOT_PATHS.updateIntegration, 'updateBotIntegration', input),

    async deleteBotIntegration(input) {
      const schemas = await loadBotSchemas();
      const checked = checkInput(schemas.deleteIntegrationSchema, input, 'deleteBotIntegration');
      await transport.call(
        BOT_PATHS.deleteIntegration,
        { userId: checked.userId, type: checked.type },
        callOptions(input),
      );
    },
  };
}
