import type { LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  runCli,
  startLocalTencent,
  unreachableBaseUrl,
} from '../__fixtures__/harness.ts';

let local: LocalTencentChat;
let env: Record<string, string>;

beforeAll(async () => {
  ({ local, env } = await startLocalTencent());
});
afterAll(async () => {
  await local.close();
});

describe('tencent robot', () => {
  it('creates, lists and deletes robots on the local Tencent Chat', async () => {
    const created = await runCli(['tencent', 'robot', 'create', '@RBT#cli', '--nick', 'CLI'], {
      env,
    });
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toBe('created robot @RBT#cli\n');
    expect(local.robotIds).toContain('@RBT#cli');

    const listed = await runCli(['tencent', 'robot', 'list'], { env });
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout.split('\n')).toContain('@RBT#cli');

    const json = await runCli(['tencent', 'robot', 'list', '--json'], { env });
    expect(json.json()).toEqual({ ok: true, robotIds: [...local.robotIds] });

    const deleted = await runCli(['tencent', 'robot', 'delete', '@RBT#cli', '--json'], { env });
    expect(deleted.json()).toEqual({ ok: true, robotId: '@RBT#cli' });
    expect(local.robotIds).not.toContain('@RBT#cli');
    for (const result of [created, listed, json, deleted]) expectNoSecrets(result);
  });

  it('refuses a robot id without @RBT# before calling, with exit code 2', async () => {
    const before = local.requests.length;
    const result = await runCli(['tencent', 'robot', 'create', 'plain-user'], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('@RBT#');
    expect(local.requests.length).toBe(before);
  });
});

describe('tencent account and friend', () => {
  it('imports accounts and befriends a robot', async () => {
    await runCli(['tencent', 'robot', 'create', '@RBT#pal'], { env });
    const imported = await runCli(['tencent', 'account', 'import', 'alice', '--nick', 'Alice'], {
      env,
    });
    expect(imported.exitCode).toBe(0);
    expect(local.accountIds).toContain('alice');

    const added = await runCli(['tencent', 'friend', 'add', 'alice', '@RBT#pal', '--json'], {
      env,
    });
    expect(added.exitCode).toBe(0);
    expect(added.json()).toMatchObject({
      ok: true,
      userId: 'alice',
      failedUserIds: [],
      results: [{ userId: '@RBT#pal', resultCode: 0 }],
    });
    expect(local.friendIdsOf('alice')).toContain('@RBT#pal');
  });

  it('exits 1 when the vendor refuses, with its hint (an account that was never imported)', async () => {
    const result = await runCli(['tencent', 'friend', 'add', 'nobody', '@RBT#pal'], { env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/error: .*friend_add.*\(code 70107\)/);
    expect(result.stderr).toContain('fix: the account is not imported');
    expectNoSecrets(result);
  });
});

describe('tencent send', () => {
  it('sends a one-to-one text and a chatbot message, stored by the local Tencent Chat', async () => {
    await runCli(['tencent', 'robot', 'create', '@RBT#talker'], { env });
    await runCli(['tencent', 'account', 'import', 'bob'], { env });
    const text = await runCli(
      ['tencent', 'send', '--from', '@RBT#talker', '--to', 'bob', '--text', 'Hello Bob', '--json'],
      { env },
    );
    expect(text.exitCode).toBe(0);
    const document = text.json();
    expect(document).toMatchObject({ ok: true, toUserId: 'bob' });
    expect(document.msgKey).toMatch(/^\d+_\d+_\d+$/);

    const chatbot = await runCli(
      ['tencent', 'send', '--from', '@RBT#talker', '--to', 'bob', '--text', 'Done.', '--chatbot'],
      { env },
    );
    expect(chatbot.exitCode).toBe(0);
    const messages = local.conversation({ userId: 'bob', robotId: '@RBT#talker' });
    expect(messages.map((message) => message.elements[0])).toEqual([
      { type: 'text', text: 'Hello Bob' },
      expect.objectContaining({ type: 'custom', data: expect.stringContaining('"isFinished":1') }),
    ]);
  });

  it('sends to a group', async () => {
    local.createGroup({ groupId: 'team', memberIds: ['administrator'] });
    const result = await runCli(['tencent', 'send', '--group', 'team', '--text', 'Standup'], {
      env,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^sent to group team \(sequence 1\)/);
    expect(local.conversation({ groupId: 'team' })[0]?.elements).toEqual([
      { type: 'text', text: 'Standup' },
    ]);
  });

  it('asks for exactly one of --to and --group, with exit code 2', async () => {
    const result = await runCli(['tencent', 'send', '--text', 'hi'], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--to');
  });
});

describe('tencent failures', () => {
  it('reports a wrong secret key with the vendor code and its hint, never the key', async () => {
    const result = await runCli(['tencent', 'robot', 'list', '--json'], {
      env: { ...env, TENCENT_IM_SECRET_KEY: 'a-wrong-secret-key-000' },
    });
    expect(result.exitCode).toBe(1);
    const { error } = result.json() as { error: Record<string, unknown> };
    expect(error).toMatchObject({
      type: 'api',
      provider: 'tencent-chat',
      kind: 'auth',
      providerCode: 70009,
    });
    expect(String(error.hint)).toContain('TENCENT_IM_SECRET_KEY');
    expect(`${result.stdout}${result.stderr}`).not.toContain('a-wrong-secret-key-000');
    expectNoSecrets(result);
  });

  it('exits 4 when the host cannot be reached', async () => {
    const result = await runCli(['tencent', 'robot', 'list', '--timeout', '2000'], {
      env: { ...env, TENCENT_IM_BASE_URL: await unreachableBaseUrl() },
    });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('could not be reached (ECONNREFUSED)');
    expect(result.stderr).toContain('fix: check the base URL');
  });

  it('lets --base-url win over TENCENT_IM_BASE_URL', async () => {
    const result = await runCli(['tencent', '--base-url', local.baseUrl, 'robot', 'list'], {
      env: { ...env, TENCENT_IM_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(result.exitCode).toBe(0);
  });

  it('traces calls with --verbose without the UserSig, the key or the query', async () => {
    const result = await runCli(['tencent', 'robot', 'list', '--verbose'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      `→ POST ${local.baseUrl}/v4/openim_robot_http_svc/get_all_robots`,
    );
    expect(result.stderr).toMatch(/← 200 POST .*get_all_robots \(\d+ ms\)/);
    expect(result.stderr).toContain('TENCENT_IM_SECRET_KEY: set (');
    expect(result.stderr).not.toContain('usersig');
    expect(result.stderr).not.toContain('?');
    expectNoSecrets(result);
  });
});
