import { memoryLogger } from '@imbridge/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';
import { type BotView, type DemoResult, type DifyView, runRongCloudDemo } from './demo.ts';
import { renderSetup, renderView, summarize } from './demo-render.ts';
import { DEMO_APP_SECRET, DEMO_DIFY_API_KEY } from './local-services.ts';
import { BOT_PROFILE_URL } from './setup-bots.ts';

describe('RongCloud + Dify demo', () => {
  const logger = memoryLogger();
  let result: DemoResult;
  beforeAll(async () => {
    result = await runRongCloudDemo({ chunkDelayMs: 5, minUpdateIntervalMs: 30, logger });
  });

  const replies = (): BotView[][] => {
    const byMessage = new Map<string, BotView[]>();
    for (const view of result.views) {
      if (view.from !== 'bot') continue;
      byMessage.set(view.messageUID, [...(byMessage.get(view.messageUID) ?? []), view]);
    }
    return [...byMessage.values()];
  };
  const runs = (): DifyView[] => result.views.filter((view) => view.from === 'dify');

  it('answers each question with one RC:StreamMsg that grows chunk by chunk and completes', () => {
    const messages = replies();
    expect(messages.map((chunks) => [chunks[0]?.botUserId, chunks[0]?.user])).toEqual([
      ['bot-assistant', 'alice'],
      ['bot-assistant', 'alice'],
      ['bot-assistant', 'bob'],
      ['bot-dify', 'alice'],
      ['bot-dify', 'alice'],
    ]);
    for (const chunks of messages) {
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.map((chunk) => chunk.seq)).toEqual(chunks.map((_, index) => index + 1));
      expect(chunks.map((chunk) => chunk.complete)).toEqual(
        chunks.map((_, index) => index === chunks.length - 1),
      );
      // Each chunk carries only the new text; the client shows them joined.
      expect(chunks.map((chunk) => chunk.delta).join('')).toBe(chunks.at(-1)?.text);
    }
    const [aliceRun, , bobRun, aliceDifyRun] = runs();
    const alice = aliceRun?.conversationId.slice(0, 8);
    const bob = bobRun?.conversationId.slice(0, 8);
    const aliceDify = aliceDifyRun?.conversationId.slice(0, 8);
    expect(messages.map((chunks) => chunks.at(-1)?.text)).toEqual([
      `Hi alice! Dify conversation ${alice}, turn 1. The bot server asked this Dify chatflow and streams its answer back as one RC:StreamMsg.`,
      `Dify conversation ${alice}, turn 2: before, you asked "What does this bot run on?". The server kept the conversation, so Dify remembers.`,
      `Hi bob! Dify conversation ${bob}, turn 1. The bot server asked this Dify chatflow and streams its answer back as one RC:StreamMsg.`,
      `Hi alice! Dify conversation ${aliceDify}, turn 1. RongCloud asked this Dify chatflow and streams its answer back as one RC:StreamMsg.`,
      `Dify conversation ${aliceDify}, turn 2: before, you asked "Who answers you here?". RongCloud kept the conversation, so Dify remembers.`,
    ]);
    expect(
      logger.entries.filter((entry) => entry.level === 'warn' || entry.level === 'error'),
    ).toEqual([]);
  });

  it("keeps alice's Dify conversation for her second question, and gives bob his own", () => {
    const [aliceFirst, aliceSecond, bobFirst] = runs();
    expect(aliceFirst).toMatchObject({ user: 'alice', turn: 1, continued: false });
    expect(aliceSecond).toMatchObject({
      user: 'alice',
      turn: 2,
      continued: true,
      conversationId: aliceFirst?.conversationId,
    });
    expect(bobFirst).toMatchObject({ user: 'bob', turn: 1, continued: false });
    expect(bobFirst?.conversationId).not.toBe(aliceFirst?.conversationId);
    expect(summarize(result).ok).toBe(true);
  });

  it("answers bot-dify through RongCloud's own dify_chatflow call, keeping alice's conversation", () => {
    const [, , , first, second] = runs();
    expect(first).toMatchObject({
      user: 'alice',
      botUserId: 'bot-dify',
      turn: 1,
      continued: false,
    });
    expect(second).toMatchObject({
      user: 'alice',
      botUserId: 'bot-dify',
      turn: 2,
      continued: true,
      conversationId: first?.conversationId,
    });
    // A conversation of its own: RongCloud keys it by sender and bot, apart from the server's.
    expect(first?.conversationId).not.toBe(runs()[0]?.conversationId);
    const calls = result.rongcloudDifyCalls;
    expect(calls.map((call) => [call.url, call.status, call.responseMode, call.error])).toEqual([
      [`${result.difyBaseUrl}/chat-messages`, 200, 'streaming', undefined],
      [`${result.difyBaseUrl}/chat-messages`, 200, 'streaming', undefined],
    ]);
    expect(calls[0]?.requestBody).toMatchObject({
      query: 'Who answers you here?',
      user: 'alice',
      conversation_id: '',
      inputs: {
        bot_userId: 'bot-dify',
        bot_name: 'Dify assistant',
        data_fromUserId: 'alice',
        data_channelType: 'PERSON',
        data_content: '{"content":"Who answers you here?"}',
      },
    });
    expect(calls[1]?.requestBody.conversation_id).toBe(first?.conversationId);
    const stored = replies().filter((chunks) => chunks[0]?.botUserId === 'bot-dify');
    expect(stored.map((chunks) => chunks[0]?.messageUID)).toEqual(
      calls.map((call) => call.replyMessageUID),
    );
  });

  it('stores the dify_chatflow bot with exactly the documented wire body', () => {
    // The body the README documents, in RongCloud's field order; only the base URL is local.
    const documented = {
      userId: 'bot-dify',
      name: 'Dify assistant',
      type: 'Message AI',
      profileUrl: BOT_PROFILE_URL,
      integrations: [
        {
          type: 'dify_chatflow',
          callbackUrl: result.difyBaseUrl,
          stream: true,
          auth: { apiKey: DEMO_DIFY_API_KEY },
        },
      ],
    };
    expect(JSON.stringify(result.difyBotCreateBody)).toBe(JSON.stringify(documented));
    expect(result.setup.steps.map((step) => [step.userId, step.integration, step.action])).toEqual([
      ['bot-dify', 'dify_chatflow', 'created'],
      ['bot-assistant', 'webhook', 'created'],
    ]);
  });

  it('prints the stored body with the API key redacted, and no secret anywhere', () => {
    const printed = [
      ...renderSetup(result.setup),
      ...result.views.map((view) => renderView(view)),
      summarize(result).line,
    ].join('\n');
    expect(printed).toContain('"apiKey": "[redacted]"');
    expect(printed).toContain('"type": "dify_chatflow"');
    expect(printed).not.toContain(DEMO_DIFY_API_KEY);
    expect(printed).not.toContain(DEMO_APP_SECRET);
    expect(JSON.stringify(logger.entries)).not.toContain(DEMO_DIFY_API_KEY);
  });
});

describe('readConfig', () => {
  const base = {
    RONGCLOUD_APP_KEY: 'n19jmcy59f1q9',
    RONGCLOUD_APP_SECRET: 'a-secret-value-1234',
    DIFY_API_KEY: 'app-secret-dify-key-5678',
  };

  it('reads the settings with defaults', () => {
    const config = readConfig(base);
    expect(config).toEqual({
      rongcloud: {
        appKey: 'n19jmcy59f1q9',
        appSecret: 'a-secret-value-1234',
        region: 'china',
      },
      webhookBotUserId: 'bot-assistant',
      difyBotUserId: 'bot-dify',
      dify: { baseUrl: 'https://api.dify.ai/v1', apiKey: 'app-secret-dify-key-5678' },
      port: 3000,
      publicWebhookUrl: undefined,
    });
    expect(
      readConfig({
        ...base,
        RONGCLOUD_BASE_URL: 'http://127.0.0.1:8080/',
        DIFY_BASE_URL: 'https://dify.example.com/v1/',
        PUBLIC_WEBHOOK_URL: 'https://bot.example.com/rongcloud/webhook',
        PORT: '8080',
      }),
    ).toMatchObject({
      rongcloud: { baseUrl: 'http://127.0.0.1:8080' },
      dify: { baseUrl: 'https://dify.example.com/v1' },
      publicWebhookUrl: 'https://bot.example.com/rongcloud/webhook',
      port: 8080,
    });
  });

  function failure(env: Record<string, string>, options = {}): ConfigError {
    try {
      readConfig(env, options);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('readConfig did not fail');
  }

  it('names the missing variable and says what it should hold', () => {
    for (const name of ['RONGCLOUD_APP_KEY', 'RONGCLOUD_APP_SECRET', 'DIFY_API_KEY'] as const) {
      const error = failure({ ...base, [name]: '' });
      expect(error.variable).toBe(name);
      expect(error.message).toMatch(new RegExp(`^Set ${name}: `));
    }
    const webhook = failure(base, { requirePublicWebhookUrl: true });
    expect(webhook.variable).toBe('PUBLIC_WEBHOOK_URL');
    expect(webhook.message).toContain('https://bot.example.com/rongcloud/webhook');
  });

  it('names the malformed variable', () => {
    expect(failure({ ...base, RONGCLOUD_REGION: 'mars' }).variable).toBe('RONGCLOUD_REGION');
    expect(failure({ ...base, RONGCLOUD_REGION: 'mars' }).message).toContain('singapore');
    expect(
      failure({ ...base, RONGCLOUD_REGION: 'china', RONGCLOUD_BASE_URL: 'http://x' }).variable,
    ).toBe('RONGCLOUD_BASE_URL');
    expect(
      failure({ ...base, DIFY_BASE_URL: 'https://api.dify.ai/v1/chat-messages' }).message,
    ).toContain('DIFY_BASE_URL must be the Service API base URL');
    expect(failure({ ...base, DIFY_BASE_URL: 'api.dify.ai' }).variable).toBe('DIFY_BASE_URL');
    expect(failure({ ...base, PORT: 'http' }).variable).toBe('PORT');
    expect(failure({ ...base, RONGCLOUD_DIFY_BOT_USER_ID: 'bot-assistant' }).variable).toBe(
      'RONGCLOUD_DIFY_BOT_USER_ID',
    );
  });

  it('never shows a secret, even when it is in the wrong place', () => {
    const swapped = failure({ ...base, RONGCLOUD_APP_SECRET: base.RONGCLOUD_APP_KEY });
    expect(swapped.variable).toBe('RONGCLOUD_APP_SECRET');
    expect(swapped.message).toContain('holds the App Key');
    expect(swapped.message).not.toContain(base.RONGCLOUD_APP_KEY);
    const other = failure({ ...base, PORT: '-1' });
    expect(other.message).not.toContain(base.RONGCLOUD_APP_SECRET);
    expect(other.message).not.toContain(base.DIFY_API_KEY);
  });
});
