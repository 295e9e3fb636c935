import type { LocalRongCloud } from '@imbridge/rongcloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  RONGCLOUD_APP_KEY,
  runCli,
  SECRETS,
  startLocalRongCloud,
} from '../__fixtures__/harness.ts';

let local: LocalRongCloud;
let env: Record<string, string>;

beforeAll(async () => {
  ({ local, env } = await startLocalRongCloud());
});
afterAll(async () => {
  await local.close();
});

describe('rongcloud user token', () => {
  it('registers the user and prints only the token on stdout', async () => {
    const result = await runCli(['rongcloud', 'user', 'token', 'alice', '--name', 'Alice'], {
      env,
    });
    expect(result.exitCode).toBe(0);
    expect(local.userIds).toContain('alice');
    expect(result.stdout.trim().length).toBeGreaterThan(10);
    expect(result.stdout.trim()).not.toContain('\n');
    expectNoSecrets(result);
  });
});

describe('rongcloud bot', () => {
  it('creates a bot with a webhook and a Dify chatflow integration', async () => {
    const result = await runCli(
      [
        'rongcloud',
        'bot',
        'create',
        'bot-multi',
        '--name',
        'Multi',
        '--webhook',
        'https://bot.example.com/rongcloud',
        '--events',
        'message:private',
        '--dify-chatflow',
        'https://dify.example.com/v1',
        '--metadata',
        'scene=support',
        '--json',
      ],
      { env },
    );
    expect(result.exitCode).toBe(0);
    expect(result.json()).toEqual({
      ok: true,
      userId: 'bot-multi',
      integrations: [
        { type: 'webhook', callbackUrl: 'https://bot.example.com/rongcloud' },
        { type: 'dify_chatflow', callbackUrl: 'https://dify.example.com/v1' },
      ],
    });
    const bot = local.bot('bot-multi');
    expect(bot?.name).toBe('Multi');
    expect(bot?.metadata).toEqual({ scene: 'support' });
    expect(bot?.integrations.map((integration) => integration.type)).toEqual([
      'webhook',
      'dify_chatflow',
    ]);
    expectNoSecrets(result);
  });

  it('takes the Dify base URL from DIFY_BASE_URL, for each Dify type', async () => {
    const withDify = { ...env, DIFY_BASE_URL: 'https://api.dify.ai/v1' };
    for (const [flag, type] of [
      ['--dify-chat', 'dify_chat'],
      ['--dify-completion', 'dify_completion'],
    ] as const) {
      const userId = `bot-${type.replace('_', '-')}`;
      const result = await runCli(['rongcloud', 'bot', 'create', userId, flag, '--no-stream'], {
        env: withDify,
      });
      expect(result.exitCode).toBe(0);
      expect(local.bot(userId)?.integrations[0]).toMatchObject({
        type,
        callbackUrl: 'https://api.dify.ai/v1',
        stream: false,
      });
    }
  });

  it('needs DIFY_API_KEY for a Dify integration (exit code 3)', async () => {
    const result = await runCli(
      ['rongcloud', 'bot', 'create', 'bot-nokey', '--dify-chat', 'https://api.dify.ai/v1'],
      { env: { ...env, DIFY_API_KEY: undefined } },
    );
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('DIFY_API_KEY is not set');
  });

  it('needs an integration (exit code 2)', async () => {
    const result = await runCli(['rongcloud', 'bot', 'create', 'bot-none'], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--webhook');
  });

  it('gets and lists bots without the Dify API key RongCloud reports', async () => {
    // Without DIFY_API_KEY in the environment the redactor does not know the key: the command
    // itself must leave it out.
    const got = await runCli(['rongcloud', 'bot', 'get', 'bot-multi', '--json'], {
      env: { ...env, DIFY_API_KEY: undefined },
    });
    expect(got.exitCode).toBe(0);
    const { bots } = got.json() as { bots: Array<{ userId: string; integrations: unknown[] }> };
    expect(bots[0]?.userId).toBe('bot-multi');
    expect(bots[0]?.integrations[1]).toMatchObject({
      type: 'dify_chatflow',
      auth: { apiKey: '[redacted]' },
    });
    expect(got.stdout).not.toContain(SECRETS.DIFY_API_KEY);
    expectNoSecrets(got, { allowRedacted: true });

    const text = await runCli(['rongcloud', 'bot', 'get', 'bot-multi'], { env });
    expect(text.stdout).toContain('bot-multi  Multi  (Message AI)');
    expect(text.stdout).toContain('dify_chatflow → https://dify.example.com/v1');

    const listed = await runCli(['rongcloud', 'bot', 'list', '--page-size', '50', '--json'], {
      env,
    });
    expect(listed.exitCode).toBe(0);
    expect(listed.json()).toMatchObject({ ok: true, total: local.bots.length, hasNext: false });
  });

  it('exits 1 for a bot that does not exist', async () => {
    const result = await runCli(['rongcloud', 'bot', 'get', 'bot-ghost', '--json'], { env });
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({ ok: false, exitCode: 1, missingUserIds: ['bot-ghost'] });
  });

  it('deletes a bot', async () => {
    const result = await runCli(['rongcloud', 'bot', 'delete', 'bot-multi'], { env });
    expect(result.exitCode).toBe(0);
    expect(local.bot('bot-multi')).toBeUndefined();
  });
});

describe('rongcloud publish', () => {
  it('publishes a text to users and to a group', async () => {
    local.registerUser('bot-talker');
    local.registerUser('carol');
    const toUser = await runCli(
      ['rongcloud', 'publish', '--from', 'bot-talker', '--to', 'carol', '--text', 'Hi Carol'],
      { env },
    );
    expect(toUser.exitCode).toBe(0);
    expect(toUser.stdout).toMatch(/^published RC:TxtMsg to carol/);
    local.createGroup({ groupId: 'crew', memberIds: ['bot-talker', 'carol'] });
    const toGroup = await runCli(
      [
        'rongcloud',
        'publish',
        '--from',
        'bot-talker',
        '--group',
        'crew',
        '--text',
        'Hi all',
        '--json',
      ],
      { env },
    );
    expect(toGroup.exitCode).toBe(0);
    expect(toGroup.json()).toMatchObject({ ok: true, groupIds: ['crew'] });
    const texts = local.messages.map((message) => JSON.stringify(message));
    expect(texts.some((text) => text.includes('Hi Carol'))).toBe(true);
    expect(texts.some((text) => text.includes('Hi all'))).toBe(true);
  });
});

describe('rongcloud failures', () => {
  it('reports a wrong App Secret with code 1004 and its hint, never the secret', async () => {
    const result = await runCli(['rongcloud', 'bot', 'list'], {
      env: { ...env, RONGCLOUD_APP_SECRET: RONGCLOUD_APP_KEY },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('(code 1004)');
    expect(result.stderr).toContain('App Key where the App Secret belongs');
    expectNoSecrets(result);
  });
});
