import { createServer, type Server } from 'node:http';
import { SignatureVerificationError, toNodeListener } from '@imbridge/core';
import { parseRongCloudWebhook, type RongCloudWebhook } from '@imbridge/rongcloud';
import { parseTencentWebhook, type TencentWebhook } from '@imbridge/tencent-chat';
import { parseTrtcWebhook, type TRTCWebhook } from '@imbridge/trtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  runCli,
  SECRETS,
  TENCENT_SDK_APP_ID,
  TRTC_SDK_APP_ID,
  unreachableBaseUrl,
} from '../__fixtures__/harness.ts';

/**
 * A bot server on loopback that checks every webhook with the vendor packages' own parsers, as
 * a real bot does, and keeps what it accepted.
 */
const received: Array<TencentWebhook | RongCloudWebhook | TRTCWebhook> = [];
let server: Server;
let baseUrl: string;

async function accept(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  try {
    if (pathname === '/tencent') {
      received.push(
        await parseTencentWebhook(request, {
          sdkAppId: TENCENT_SDK_APP_ID,
          callbackToken: SECRETS.TENCENT_IM_CALLBACK_TOKEN,
        }),
      );
    } else if (pathname === '/rongcloud') {
      received.push(
        await parseRongCloudWebhook(request, { appSecret: SECRETS.RONGCLOUD_APP_SECRET }),
      );
    } else {
      received.push(
        await parseTrtcWebhook(request, {
          callbackKey: SECRETS.TRTC_CALLBACK_KEY,
          sdkAppId: TRTC_SDK_APP_ID,
        }),
      );
    }
    return Response.json({ ActionStatus: 'OK', ErrorCode: 0 });
  } catch (error) {
    const status = SignatureVerificationError.isInstance(error) ? 401 : 400;
    return new Response(`rejected: ${error instanceof Error ? error.message : 'error'}`, {
      status,
    });
  }
}

beforeAll(async () => {
  server = createServer(toNodeListener(accept, { logger: false }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const env = {
  TENCENT_IM_SDK_APP_ID: String(TENCENT_SDK_APP_ID),
  TENCENT_IM_CALLBACK_TOKEN: SECRETS.TENCENT_IM_CALLBACK_TOKEN,
  TENCENT_IM_ROBOT_ID: '@RBT#assistant',
  RONGCLOUD_APP_SECRET: SECRETS.RONGCLOUD_APP_SECRET,
  TRTC_CALLBACK_KEY: SECRETS.TRTC_CALLBACK_KEY,
  TRTC_SDK_APP_ID: String(TRTC_SDK_APP_ID),
};

function last(): TencentWebhook | RongCloudWebhook | TRTCWebhook | undefined {
  return received.at(-1);
}

describe('webhook replay', () => {
  it('sends a Tencent Chat C2C message the parser accepts', async () => {
    const result = await runCli(
      ['webhook', 'replay', 'tencent', `${baseUrl}/tencent`, '--text', 'hello', '--from', 'alice'],
      { env },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Bot.OnC2CMessage → ${baseUrl}/tencent: 200`);
    expect(last()).toMatchObject({
      command: 'bot.c2c-message',
      fromUserId: 'alice',
      toUserId: '@RBT#assistant',
    });
    expect(JSON.stringify(last())).toContain('hello');
    expectNoSecrets(result);
  });

  it('sends a Tencent group mention and a stop request', async () => {
    const group = await runCli(
      ['webhook', 'replay', 'tencent', `${baseUrl}/tencent`, '--group', 'team', '--json'],
      { env },
    );
    expect(group.json()).toMatchObject({
      ok: true,
      vendor: 'tencent',
      event: 'Bot.OnGroupMessage',
      signed: true,
      status: 200,
    });
    expect(last()).toMatchObject({ command: 'bot.group-message', groupId: 'team' });

    const stop = await runCli(
      ['webhook', 'replay', 'tencent', `${baseUrl}/tencent`, '--interrupt', '12_34_1700000000'],
      { env },
    );
    expect(stop.exitCode).toBe(0);
    expect(JSON.stringify(last())).toContain('12_34_1700000000');
  });

  it('sends a RongCloud private and group message the parser accepts', async () => {
    const privateMessage = await runCli(
      ['webhook', 'replay', 'rongcloud', `${baseUrl}/rongcloud`, '--to', 'bot-1', '--text', 'hi'],
      { env },
    );
    expect(privateMessage.exitCode).toBe(0);
    expect(last()).toMatchObject({
      kind: 'private-message',
      botUserId: 'bot-1',
      fromUserId: 'imbridge-user',
      text: 'hi',
    });
    const groupMessage = await runCli(
      ['webhook', 'replay', 'rongcloud', `${baseUrl}/rongcloud`, '--group', 'crew'],
      { env },
    );
    expect(groupMessage.exitCode).toBe(0);
    expect(last()).toMatchObject({ kind: 'group-message' });
    expectNoSecrets(privateMessage);
  });

  it('sends each TRTC event the parser accepts', async () => {
    const kinds: string[] = [];
    for (const event of [
      'started',
      'stopped',
      'message',
      'speech-started',
      'speaking-finished',
      'error',
      'session-ready',
    ]) {
      const result = await runCli(
        ['webhook', 'replay', 'trtc', `${baseUrl}/trtc`, '--event', event, '--task-id', 'task-9'],
        { env },
      );
      expect(result.exitCode).toBe(0);
      expect(last()).toMatchObject({ taskId: 'task-9', sdkAppId: TRTC_SDK_APP_ID });
      kinds.push(String((last() as TRTCWebhook).kind));
    }
    expect(kinds).toEqual([
      'agent-started',
      'agent-stopped',
      'message',
      'speech-started',
      'agent-speaking-finished',
      'error',
      'session-status',
    ]);
  });

  it('exits 1 with a fix when the endpoint refuses the signature', async () => {
    const result = await runCli(['webhook', 'replay', 'tencent', `${baseUrl}/tencent`], {
      env: { ...env, TENCENT_IM_CALLBACK_TOKEN: 'another-token-1234' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(': 401');
    expect(result.stdout).toContain('fix: the endpoint refused the webhook');
    expect(result.stdout).toContain('TENCENT_IM_CALLBACK_TOKEN');
    expectNoSecrets(result);
  });

  it('sends no signature with --unsigned (and the endpoint refuses it)', async () => {
    const result = await runCli(
      ['webhook', 'replay', 'trtc', `${baseUrl}/trtc`, '--unsigned', '--json'],
      { env: {} },
    );
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({ ok: false, exitCode: 1, signed: false, status: 401 });
  });

  it('needs the signing secret unless --unsigned (exit code 3)', async () => {
    const result = await runCli(['webhook', 'replay', 'rongcloud', `${baseUrl}/rongcloud`], {
      env: {},
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('RONGCLOUD_APP_SECRET is not set');
  });

  it('exits 4 when the endpoint cannot be reached', async () => {
    const result = await runCli(
      ['webhook', 'replay', 'trtc', `${await unreachableBaseUrl()}/trtc`, '--json'],
      { env },
    );
    expect(result.exitCode).toBe(4);
    expect(result.json()).toMatchObject({ error: { type: 'api', kind: 'network' } });
  });

  it('refuses an unknown vendor or event (exit code 2)', async () => {
    const vendor = await runCli(['webhook', 'replay', 'slack', `${baseUrl}/x`], { env });
    expect(vendor.exitCode).toBe(2);
    const event = await runCli(['webhook', 'replay', 'trtc', `${baseUrl}/x`, '--event', 'nope'], {
      env,
    });
    expect(event.exitCode).toBe(2);
    expect(event.stderr).toContain('--event must be one of');
  });
});
