import { APICallError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTrtcClient, type TRTCClient } from '../client/client.ts';
import {
  type FakeLLM,
  type LLMAnswer,
  llmConfigFor,
  startFakeLLM,
} from './__fixtures__/llm-server.ts';
import {
  CALLBACK_KEY,
  type CallResult,
  call,
  errorCode,
  SECRET_ID,
  SECRET_KEY,
  startBody,
  startLocal,
  startReceiver,
} from './__fixtures__/signed-call.ts';
import type { LocalTRTC } from './types.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A signed call with the current time (the local TRTC of {@link setup} runs on the real clock). */
function callNow(local: LocalTRTC, action: string, body: unknown): Promise<CallResult> {
  return call(local, action, body, {
    sign: { timestampSeconds: Math.floor(Date.now() / 1000) },
  });
}

interface Setup {
  fake: FakeLLM;
  local: LocalTRTC;
  client: TRTCClient;
  taskId: string;
  eventTypes(): number[];
}

/** A local TRTC on the real clock (so the real client's signatures are fresh), and a task. */
async function setup(
  reply: (index: number) => LLMAnswer = (index) => ({ kind: 'stream', pieces: [`A${index}`] }),
  llm: Record<string, unknown> = {},
): Promise<Setup> {
  const fake = await startFakeLLM((index) => reply(index));
  const receiver = await startReceiver();
  const local = await startLocal({
    now: Date.now,
    callbackUrl: receiver.url,
    callbackKey: CALLBACK_KEY,
  });
  cleanups.push(local.close, fake.close, receiver.close);
  const client = createTrtcClient({
    credentials: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    region: 'ap-guangzhou',
    baseUrl: local.baseUrl,
    retry: false,
  });
  const started = await client.startAIConversation({
    sdkAppId: 1_400_000_000,
    roomId: '1234',
    agentConfig: { userId: 'bot', userSig: 'sig', targetUserId: 'alice' },
    llmConfig: {
      type: 'openai',
      model: 'model-a',
      apiKey: 'key-a',
      apiUrl: fake.url,
      ...(llm as object),
    },
    ttsConfig: { type: 'flow', voiceId: 'v-female-R2s4N9qJ', model: 'flow_01_turbo' },
  });
  if (started.status !== 'started') throw new Error('not started');
  const eventTypes = () =>
    receiver.received.map((webhook) => JSON.parse(webhook.body).EventType as number);
  return { fake, local, client, taskId: started.taskId, eventTypes };
}

describe('local TRTC UpdateAIConversation', () => {
  it('takes what the client sends and uses the new LLMConfig for the next turn', async () => {
    const { fake, local, client, taskId } = await setup();
    await local.simulateUtterance(taskId, 'before');
    const next = await startFakeLLM(() => ({ kind: 'json', content: 'from B' }));
    cleanups.push(next.close);
    await client.updateAIConversation({
      taskId,
      welcomeMessage: 'Hello again',
      interruptMode: 'client',
      interruptSpeechDurationMs: 800,
      llmConfig: {
        type: 'openai',
        model: 'model-b',
        apiKey: 'key-b',
        apiUrl: next.url,
        systemPrompt: 'Be brief.',
      },
      ttsConfig: { type: 'flow', voiceId: 'v-male', model: 'flow_01_turbo' },
    });
    const after = await local.simulateUtterance(taskId, 'after');

    expect(after).toMatchObject({ status: 'completed', replyText: 'from B' });
    expect(fake.requests).toHaveLength(1);
    expect(next.requests).toHaveLength(1);
    expect(next.requests[0]?.headers.authorization).toBe('Bearer key-b');
    expect(next.requests[0]?.body).toMatchObject({
      model: 'model-b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'after' },
      ],
    });
    const [task] = local.tasks;
    expect(task).toMatchObject({
      welcomeMessage: 'Hello again',
      interruptMode: 1,
      interruptSpeechDurationMs: 800,
    });
    expect(JSON.parse(task?.llmConfig ?? '{}')).toMatchObject({ Model: 'model-b' });
    expect(JSON.parse(task?.ttsConfig ?? '{}')).toMatchObject({ VoiceId: 'v-male' });
  });

  it('answers TaskNotExist for an unknown or stopped task, and checks the new LLMConfig', async () => {
    const { fake, local, client, taskId } = await setup();
    const update = (body: unknown) => callNow(local, 'UpdateAIConversation', body);
    expect(errorCode(await update({}))).toBe('MissingParameter');
    const bad = await update({ TaskId: taskId, LLMConfig: JSON.stringify({ LLMType: 'openai' }) });
    expect(bad.body.Response.Error?.Code).toBe('MissingParameter');
    expect(bad.body.Response.Error?.Message).toContain('LLMConfig.Model');
    expect(errorCode(await update({ TaskId: taskId, InterruptMode: 2 }))).toBe(
      'InvalidParameterValue',
    );
    await local.simulateUtterance(taskId, 'still the first LLM');
    expect(fake.requests).toHaveLength(1);

    expect(errorCode(await update({ TaskId: 'v2_unknown', WelcomeMessage: 'x' }))).toBe(
      'FailedOperation.TaskNotExist',
    );
    await client.stopAIConversation({ taskId });
    const error = await client
      .updateAIConversation({ taskId, welcomeMessage: 'too late' })
      .catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error) && error.providerCode).toBe(
      'FailedOperation.TaskNotExist',
    );
    expect(local.tasks[0]?.welcomeMessage).toBeUndefined();
  });
});

describe('local TRTC ControlAIConversation', () => {
  it('records a ServerPushText; AddHistory puts its text in the next turn’s history', async () => {
    const { fake, local, client, taskId } = await setup(undefined, { history: 5 });
    await client.controlAIConversation({
      taskId,
      command: 'server-push-text',
      text: 'Not remembered.',
      interrupt: false,
      priority: 'high',
    });
    await client.controlAIConversation({
      taskId,
      command: 'server-push-text',
      text: 'Your order has shipped.',
      addHistory: true,
      dropMode: 'queue',
      metaInfo: { orderId: 7 },
    });
    await local.simulateUtterance(taskId, 'When does it arrive?');

    expect(local.pushedTexts).toEqual([
      expect.objectContaining({
        taskId,
        text: 'Not remembered.',
        interrupt: false,
        priority: 1,
        addHistory: undefined,
        stopAfterPlay: undefined,
      }),
      expect.objectContaining({
        text: 'Your order has shipped.',
        addHistory: true,
        dropMode: 1,
        metaInfo: '{"orderId":7}',
        audio: undefined,
      }),
    ]);
    expect(fake.requests[0]?.body.messages).toEqual([
      { role: 'assistant', content: 'Your order has shipped.' },
      { role: 'user', content: 'When does it arrive?' },
    ]);
  });

  it('runs InvokeLLM as a background turn with X-Invoke-LLM: 1 and no user webhooks', async () => {
    const { fake, local, client, taskId, eventTypes } = await setup(() => ({
      kind: 'stream',
      pieces: ['Hi ', 'there'],
      delayMs: 50,
    }));
    await client.controlAIConversation({
      taskId,
      command: 'invoke-llm',
      content: 'Greet the user.',
    });
    expect(local.turns).toEqual([]);
    await local.flushTurns();
    await local.flushWebhooks();

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.headers).toMatchObject({ 'x-invoke-llm': '1', 'x-user-id': 'alice' });
    expect(fake.requests[0]?.body.messages).toEqual([{ role: 'user', content: 'Greet the user.' }]);
    expect(local.turns).toEqual([
      expect.objectContaining({
        invokeLLM: true,
        userText: 'Greet the user.',
        replyText: 'Hi there',
        status: 'completed',
      }),
    ]);
    expect(eventTypes()).toEqual([901, 903, 905]);
  });

  it('aborts the running turn on Interrupt, and stops the task after a StopAfterPlay text', async () => {
    const { fake, local, taskId, eventTypes } = await setup(() => ({
      kind: 'stream-stall',
      pieces: ['…'],
    }));
    const pending = local.simulateUtterance(taskId, 'Talk forever');
    await expect.poll(() => fake.requests.length).toBe(1);
    const pushed = await callNow(local, 'ControlAIConversation', {
      TaskId: taskId,
      Command: 'ServerPushText',
      ServerPushText: { Text: 'Goodbye.', Interrupt: true, StopAfterPlay: true },
    });
    expect(errorCode(pushed)).toBeUndefined();
    await expect(pending).resolves.toMatchObject({ status: 'aborted' });
    await fake.dropped(0);
    expect(local.tasks[0]?.status).toBe('Stopped');
    await local.flushWebhooks();
    expect(eventTypes()).toEqual([901, 904, 903, 902]);
  });

  it('refuses an unknown Command, a missing command body and an unknown task', async () => {
    const { fake, local, taskId } = await setup();
    const control = (body: Record<string, unknown>) =>
      callNow(local, 'ControlAIConversation', { TaskId: taskId, ...body });
    const unknown = await control({ Command: 'Dance' });
    expect(unknown.body.Response.Error?.Code).toBe('InvalidParameterValue');
    expect(unknown.body.Response.Error?.Message).toContain('Command');
    expect(errorCode(await control({}))).toBe('MissingParameter');
    expect(errorCode(await control({ Command: 'ServerPushText' }))).toBe('MissingParameter');
    expect(errorCode(await control({ Command: 'ServerPushText', ServerPushText: {} }))).toBe(
      'MissingParameter',
    );
    expect(errorCode(await control({ Command: 'InvokeLLM', InvokeLLM: {} }))).toBe(
      'MissingParameter',
    );
    expect(
      errorCode(
        await control({
          TaskId: 'v2_unknown',
          Command: 'InvokeLLM',
          InvokeLLM: { Content: 'hi' },
        }),
      ),
    ).toBe('FailedOperation.TaskNotExist');
    await local.flushTurns();
    expect(local.pushedTexts).toEqual([]);
    expect(local.turns).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('takes failNext faults for Update and Control', async () => {
    const { local, taskId } = await setup();
    local.failNext('UpdateAIConversation', { code: 'InternalError', message: 'later' });
    local.failNext('ControlAIConversation', { httpStatus: 503 });
    const update = await callNow(local, 'UpdateAIConversation', { TaskId: taskId });
    expect(errorCode(update)).toBe('InternalError');
    const control = await callNow(local, 'ControlAIConversation', {
      TaskId: taskId,
      Command: 'ServerPushText',
      ServerPushText: { Text: 'x' },
    });
    expect(control.status).toBe(503);
    expect(local.pushedTexts).toEqual([]);
  });
});

describe('local TRTC Start', () => {
  it('checks the optional LLMConfig fields it uses', async () => {
    const local = await startLocal();
    cleanups.push(local.close);
    const start = (llm: Record<string, unknown>) =>
      call(
        local,
        'StartAIConversation',
        startBody({ LLMConfig: llmConfigFor('http://127.0.0.1:9/', llm) }),
      );
    expect(errorCode(await start({ Timeout: 0.5 }))).toBe('InvalidParameterValue');
    expect(errorCode(await start({ History: 'two' }))).toBe('InvalidParameter');
    expect(errorCode(await start({ UserMessages: [{ Role: 'user' }] }))).toBe('MissingParameter');
    expect(errorCode(await start({ APIUrl: 'ftp://127.0.0.1/' }))).toBe('InvalidParameterValue');
    expect(local.tasks).toEqual([]);
  });
});
