import { afterEach, describe, expect, it } from 'vitest';
import { type LocalServices, startLocalServices } from './local-services.ts';
import { describeFailure, describeSetup, setupBots } from './setup-bots.ts';

const running: LocalServices[] = [];
afterEach(async () => {
  for (const services of running.splice(0)) await services.close();
});

async function start(): Promise<LocalServices> {
  const services = await startLocalServices();
  running.push(services);
  return services;
}

const WEBHOOK_URL = 'https://bot.example.com/rongcloud/webhook';

describe('setupBots', () => {
  it('registers both bot users and creates the dify_chatflow and the webhook bot', async () => {
    const { rongcloud, config, dify } = await start();
    const steps = await setupBots({ config: { ...config, publicWebhookUrl: WEBHOOK_URL } });
    expect(rongcloud.userIds).toEqual(expect.arrayContaining(['bot-dify', 'bot-assistant']));
    expect(rongcloud.bot('bot-assistant')?.createBody).toEqual({
      userId: 'bot-assistant',
      name: 'Assistant',
      type: 'Message AI',
      profileUrl: expect.any(String),
      integrations: [
        {
          type: 'webhook',
          callbackUrl: WEBHOOK_URL,
          objectNames: ['RC:TxtMsg'],
          events: ['message:private'],
        },
      ],
    });
    expect(describeSetup(steps)).toEqual([
      `created bot-dify: dify_chatflow integration → ${dify.baseUrl} (RongCloud calls Dify's /chat-messages itself)`,
      `created bot-assistant: webhook integration → ${WEBHOOK_URL} (your server answers)`,
    ]);
  });

  it('updates the bots when getBots finds them, so it is safe to run again', async () => {
    const { rongcloud, config } = await start();
    await setupBots({ config: { ...config, publicWebhookUrl: WEBHOOK_URL } });
    const moved = 'https://bot2.example.com/rongcloud/webhook';
    const steps = await setupBots({ config: { ...config, publicWebhookUrl: moved } });
    expect(steps.map((step) => step.action)).toEqual(['updated', 'updated']);
    expect(rongcloud.bots).toHaveLength(2);
    expect(rongcloud.bot('bot-assistant')?.integrations[0]).toMatchObject({ callbackUrl: moved });
    expect(rongcloud.bot('bot-dify')?.wireBodies.map((body) => body.api)).toEqual([
      '/v3/bot/create.json',
      '/v3/bot/update.json',
    ]);
  });

  it("shows RongCloud's hint when the App Key is passed as the App Secret (1004)", async () => {
    const { rongcloud, config } = await start();
    const wrong = {
      ...config,
      rongcloud: { ...config.rongcloud, appSecret: config.rongcloud.appKey },
      publicWebhookUrl: WEBHOOK_URL,
    };
    const error = await setupBots({ config: wrong }).catch((caught: unknown) => caught);
    const shown = describeFailure(error);
    expect(shown).toMatch(/^RongCloud refused the call \(auth, code 1004\): /);
    expect(shown).toContain('passing the App Key where the App Secret belongs');
    expect(shown).not.toContain(config.dify.apiKey);
    expect(rongcloud.bots).toEqual([]);
  });
});
