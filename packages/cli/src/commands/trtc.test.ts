import { verifyUserSig } from '@imbridge/tencent-chat';
import type { LocalTRTC } from '@imbridge/trtc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  runCli,
  SECRETS,
  startLocalTrtc,
  TRTC_SDK_APP_ID,
} from '../__fixtures__/harness.ts';

let local: LocalTRTC;
let env: Record<string, string>;

beforeAll(async () => {
  const started = await startLocalTrtc();
  local = started.local;
  env = {
    ...started.env,
    LLM_BASE_URL: 'https://llm.example.com/v1',
    LLM_MODEL: 'deepseek-chat',
    LLM_API_KEY: SECRETS.LLM_API_KEY,
  };
});
afterAll(async () => {
  await local.close();
});

const startArgs = ['trtc', 'start', '--room', '4321', '--target-user', 'alice'];

describe('trtc start, describe and stop', () => {
  it('starts an agent, finds it by task and by session, and stops it', async () => {
    const started = await runCli([...startArgs, '--session', 'call-1', '--json'], { env });
    expect(started.exitCode).toBe(0);
    const document = started.json();
    expect(document).toMatchObject({
      ok: true,
      status: 'started',
      sessionId: 'call-1',
      roomId: '4321',
    });
    const taskId = String(document.taskId);
    const task = local.tasks.find((candidate) => candidate.taskId === taskId);
    expect(task).toMatchObject({ roomId: '4321', roomIdType: 0, status: 'InProgress' });

    const byTask = await runCli(['trtc', 'describe', taskId], { env });
    expect(byTask.exitCode).toBe(0);
    expect(byTask.stdout).toContain(`task ${taskId}: in-progress`);

    const bySession = await runCli(['trtc', 'describe', '--session', 'call-1', '--json'], { env });
    expect(bySession.json()).toMatchObject({ ok: true, taskId, status: 'in-progress' });

    const again = await runCli([...startArgs, '--session', 'call-1'], { env });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('already running');

    const stopped = await runCli(['trtc', 'stop', taskId], { env });
    expect(stopped.exitCode).toBe(0);
    expect(local.tasks.find((candidate) => candidate.taskId === taskId)?.status).toBe('Stopped');

    const gone = await runCli(['trtc', 'describe', taskId, '--json'], { env });
    expect(gone.exitCode).toBe(1);
    expect(gone.json()).toMatchObject({
      ok: false,
      error: { type: 'api', kind: 'not-found', providerCode: 'FailedOperation.TaskNotExist' },
    });
    for (const result of [started, byTask, bySession, again, stopped, gone])
      expectNoSecrets(result);
  });

  it('sends the LLM settings and a UserSig signed with TRTC_SECRET_KEY', async () => {
    const started = await runCli(
      [...startArgs, '--string-room', '--agent-user', 'agent-7', '--welcome', 'Hi!', '--json'],
      { env },
    );
    expect(started.exitCode).toBe(0);
    const task = local.tasks.find((candidate) => candidate.taskId === started.json().taskId);
    expect(task).toMatchObject({ roomIdType: 1, botUserId: 'agent-7', welcomeMessage: 'Hi!' });
    const llm = JSON.parse(task?.llmConfig ?? '{}') as Record<string, unknown>;
    expect(llm).toMatchObject({
      LLMType: 'openai',
      Model: 'deepseek-chat',
      APIUrl: 'https://llm.example.com/v1/chat/completions',
      Streaming: true,
    });
    expect(JSON.parse(task?.ttsConfig ?? '{}')).toMatchObject({ TTSType: 'flow' });
    expectNoSecrets(started);
  });

  it('needs LLM_API_KEY (exit code 3)', async () => {
    const result = await runCli(startArgs, { env: { ...env, LLM_API_KEY: undefined } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('LLM_API_KEY is not set');
  });

  it('refuses TRTC_SECRET_KEY in place of TENCENTCLOUD_SECRET_KEY (exit code 3)', async () => {
    const result = await runCli(['trtc', 'describe', 'some-task'], {
      env: { ...env, TENCENTCLOUD_SECRET_KEY: SECRETS.TRTC_SECRET_KEY },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('TENCENTCLOUD_SECRET_KEY holds the TRTC SDK secret key');
    expectNoSecrets(result);
  });

  it('reports a wrong API key with the vendor code and its hint', async () => {
    const result = await runCli(['trtc', 'describe', 'some-task', '--json'], {
      env: { ...env, TENCENTCLOUD_SECRET_KEY: 'a-wrong-cloud-key-000' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({
      error: { kind: 'auth', providerCode: 'AuthFailure.SignatureFailure' },
    });
    expect(result.stdout).toContain('TENCENTCLOUD_SECRET_KEY');
    expect(result.stdout).not.toContain('a-wrong-cloud-key-000');
  });

  it('asks for a task id or --session (exit code 2)', async () => {
    const result = await runCli(['trtc', 'describe'], { env });
    expect(result.exitCode).toBe(2);
  });
});

describe('trtc UserSig', () => {
  it('signs the agent with the TRTC application, which the user can check', async () => {
    const generated = await runCli(['usersig', 'generate', 'agent-7', '--trtc'], { env });
    const check = await verifyUserSig({
      userSig: generated.stdout.trim(),
      sdkAppId: TRTC_SDK_APP_ID,
      secretKey: SECRETS.TRTC_SECRET_KEY,
      userId: 'agent-7',
    });
    expect(check.valid).toBe(true);
  });
});
