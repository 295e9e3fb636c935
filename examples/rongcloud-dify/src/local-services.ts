import { createLocalDify, type LocalDify, type LocalDifyOptions } from '@imbridge/llm/testing';
import { createLocalRongCloud, type LocalRongCloud } from '@imbridge/rongcloud/testing';
import type { ExampleConfig } from './config.ts';

/** The local app's credentials: made up, and never printed. */
export const DEMO_APP_KEY = 'local-demo-app-key';
export const DEMO_APP_SECRET = 'local-demo-app-secret-not-a-real-one';
export const DEMO_DIFY_API_KEY = 'app-local-demo-dify-key-not-a-real-one';
export const DEMO_WEBHOOK_BOT = 'bot-assistant';
export const DEMO_DIFY_BOT = 'bot-dify';

/** A local RongCloud and a local Dify, and the example's settings pointing at them. */
export interface LocalServices {
  rongcloud: LocalRongCloud;
  dify: LocalDify;
  /** What `readConfig` would give with the local URLs (no `publicWebhookUrl` yet). */
  config: ExampleConfig;
  close(): Promise<void>;
}

/**
 * Starts a local RongCloud (Server API and signed bot webhooks, a primary and a backup host) and
 * a local Dify Chatflow app on 127.0.0.1, for the demo and the tests.
 */
export async function startLocalServices(
  options: {
    /** How the Dify app answers. @default the local Dify's echo */
    answer?: LocalDifyOptions['answer'];
    /** Pause between two words of Dify's answer. @default 0 */
    chunkDelayMs?: number;
    /** Minimum time between two chunks of a reply. @default 250 (the adapter's) */
    minUpdateIntervalMs?: number;
  } = {},
): Promise<LocalServices> {
  const rongcloud = await createLocalRongCloud({
    appKey: DEMO_APP_KEY,
    appSecret: DEMO_APP_SECRET,
  });
  const dify = await createLocalDify({
    apiKeys: [DEMO_DIFY_API_KEY],
    mode: 'advanced-chat',
    answer: options.answer,
    chunkDelayMs: options.chunkDelayMs,
  }).catch(async (error: unknown) => {
    await rongcloud.close();
    throw error;
  });
  return {
    rongcloud,
    dify,
    config: {
      rongcloud: {
        appKey: DEMO_APP_KEY,
        appSecret: DEMO_APP_SECRET,
        hosts: [rongcloud.primaryUrl, rongcloud.backupUrl],
        minUpdateIntervalMs: options.minUpdateIntervalMs,
      },
      webhookBotUserId: DEMO_WEBHOOK_BOT,
      difyBotUserId: DEMO_DIFY_BOT,
      dify: { baseUrl: dify.baseUrl, apiKey: DEMO_DIFY_API_KEY },
      port: 0,
      publicWebhookUrl: undefined,
    },
    async close() {
      await rongcloud.close();
      await dify.close();
    },
  };
}
