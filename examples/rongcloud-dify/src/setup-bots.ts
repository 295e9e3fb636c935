import { pathToFileURL } from 'node:url';
import { APICallError, IMBridgeError } from '@imbridge/core';
import {
  type CreateBotOptions,
  createRongCloudClient,
  type RongCloudClient,
} from '@imbridge/rongcloud';
import { ConfigError, type ExampleConfig, readConfig } from './config.ts';

/** The avatar both bots get (RongCloud requires one); replace it with yours. */
export const BOT_PROFILE_URL =
  'https://cdn.jsdelivr.net/gh/microsoft/fluentui-emoji/assets/Robot/3D/robot_3d.png';

/** What {@link setupBots} did to one bot. */
export interface BotSetupStep {
  userId: string;
  /** The bot's integration. */
  integration: 'dify_chatflow' | 'webhook';
  /** `created`, or `updated` when the bot existed (the script is safe to run again). */
  action: 'created' | 'updated';
  /** Where RongCloud sends the bot's messages: the Dify base URL, or your webhook. */
  callbackUrl: string;
}

/**
 * The bot RongCloud answers with Dify itself: a `dify_chatflow` integration whose
 * `callbackUrl` is the Dify base URL (RongCloud appends `/chat-messages`) and whose
 * `auth.apiKey` is the Dify app's key. No server of yours is in the loop.
 */
export function difyBot(config: ExampleConfig): CreateBotOptions {
  return {
    userId: config.difyBotUserId,
    name: 'Dify assistant',
    type: 'Message AI',
    profileUrl: BOT_PROFILE_URL,
    integrations: [
      {
        type: 'dify_chatflow',
        callbackUrl: config.dify.baseUrl,
        stream: true,
        auth: { apiKey: config.dify.apiKey },
      },
    ],
  };
}

/**
 * The bot this example's server answers: a `webhook` integration posting users' text messages
 * to `PUBLIC_WEBHOOK_URL`.
 */
export function webhookBot(config: ExampleConfig, callbackUrl: string): CreateBotOptions {
  return {
    userId: config.webhookBotUserId,
    name: 'Assistant',
    type: 'Message AI',
    profileUrl: BOT_PROFILE_URL,
    integrations: [
      {
        type: 'webhook',
        callbackUrl,
        objectNames: ['RC:TxtMsg'],
        events: ['message:private'],
      },
    ],
  };
}

/**
 * Registers both bot users (`/user/getToken.json`, so their messages show a name) and creates
 * both bots — or updates them with every field when `getBots` finds them, so the script is safe
 * to run again.
 *
 * @throws {ConfigError} when `publicWebhookUrl` is missing.
 * @throws {APICallError} when RongCloud refuses a call (its `hint` says what to fix).
 */
export async function setupBots(options: {
  config: ExampleConfig;
  /** @default a client made from `config.rongcloud` */
  client?: RongCloudClient;
}): Promise<BotSetupStep[]> {
  const { config } = options;
  if (config.publicWebhookUrl === undefined) {
    throw new ConfigError('PUBLIC_WEBHOOK_URL', 'Set PUBLIC_WEBHOOK_URL for setup-bots');
  }
  const client = options.client ?? createRongCloudClient(config.rongcloud);
  const bots = [difyBot(config), webhookBot(config, config.publicWebhookUrl)];
  for (const bot of bots) await client.registerUser({ userId: bot.userId, name: bot.name });
  const existing = await client.getBots({ userIds: bots.map((bot) => bot.userId) });
  const known = new Set(existing.bots.map((bot) => bot.userId));
  const steps: BotSetupStep[] = [];
  for (const bot of bots) {
    const exists = known.has(bot.userId);
    // RongCloud does not say whether an update merges or replaces: send the whole bot.
    if (exists) await client.updateBot(bot);
    else await client.createBot(bot);
    const [integration] = bot.integrations;
    if (integration === undefined) continue;
    steps.push({
      userId: bot.userId,
      integration: integration.type === 'webhook' ? 'webhook' : 'dify_chatflow',
      action: exists ? 'updated' : 'created',
      callbackUrl: integration.callbackUrl,
    });
  }
  return steps;
}

/** One line per step, as the script prints them. */
export function describeSetup(steps: readonly BotSetupStep[]): string[] {
  return steps.map((step) =>
    step.integration === 'webhook'
      ? `${step.action} ${step.userId}: webhook integration → ${step.callbackUrl} (your server answers)`
      : `${step.action} ${step.userId}: dify_chatflow integration → ${step.callbackUrl} (RongCloud calls Dify's /chat-messages itself)`,
  );
}

/**
 * A failure as the script prints it: the typed error's kind, RongCloud's code and the message,
 * which ends with the error's hint (for 1004: the App Key passed as the App Secret). Errors of
 * imbridge never hold a secret.
 */
export function describeFailure(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (APICallError.isInstance(error)) {
    const code = error.providerCode === undefined ? '' : `, code ${String(error.providerCode)}`;
    return `RongCloud refused the call (${error.kind}${code}): ${error.message}`;
  }
  if (IMBridgeError.isInstance(error)) return `${error.name}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const config = readConfig(process.env, { requirePublicWebhookUrl: true });
    console.log(`registering ${config.difyBotUserId} and ${config.webhookBotUserId}…`);
    for (const line of describeSetup(await setupBots({ config }))) console.log(line);
  } catch (error) {
    console.error(`setup-bots failed: ${describeFailure(error)}`);
    process.exitCode = 1;
  }
}
