import { SignatureVerificationError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTrtcWebhook } from '../webhooks/parse.ts';
import { verifyTrtcWebhook } from '../webhooks/sign.ts';
import { llmConfigFor, startFakeLLM } from './__fixtures__/llm-server.ts';
import {
  CALLBACK_KEY,
  call,
  NOW_MS,
  SDK_APP_ID,
  startBody,
  startLocal,
  startReceiver,
} from './__fixtures__/signed-call.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup({ signed = true } = {}) {
  const callbackKey = signed ? CALLBACK_KEY : undefined;
  const receiver = await startReceiver();
  const local = await startLocal({ callbackUrl: receiver.url, callbackKey });
  cleanups.push(receiver.close, local.close);
  return { receiver, local };
}

describe('local TRTC webhooks', () => {
  it('posts 901 on Start and 902 on Stop, signed so that verifyTrtcWebhook accepts them', async () => {
    const { receiver, local } = await setup();
    const started = await call(local, 'StartAIConversation', startBody({ RoomId: '8888' }));
    const taskId = started.body.Response.TaskId as string;
    await call(local, 'StopAIConversation', { TaskId: taskId });
    await local.flushWebhooks();

    expect(receiver.received).toHaveLength(2);
    for (const webhook of receiver.received) {
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(webhook.headers.sdkappid).toBe(String(SDK_APP_ID));
      await expect(
        verifyTrtcWebhook(webhook.body, String(webhook.headers.sign), {
          callbackKey: CALLBACK_KEY,
        }),
      ).resolves.toBeUndefined();
    }
    const [start, stop] = receiver.received.map((webhook) => JSON.parse(webhook.body));
    expect(start).toEqual({
      EventGroupId: 9,
      EventType: 901,
      CallbackTs: NOW_MS,
      EventInfo: {
        EventMsTs: NOW_MS,
        TaskId: taskId,
        RoomId: '8888',
        RoomIdType: 0,
        Payload: { Status: 0 },
      },
    });
    expect(stop.EventType).toBe(902);
    expect(stop.EventInfo.Payload).toEqual({ LeaveCode: 0 });
    expect(
      local.webhooks.map((webhook) => [webhook.eventType, webhook.taskId, webhook.status]),
    ).toEqual([
      [901, taskId, 200],
      [902, taskId, 200],
    ]);
  });

  it('is parsed by parseTrtcWebhook into the package’s own events', async () => {
    const { receiver, local } = await setup();
    await call(local, 'StartAIConversation', startBody());
    await local.flushWebhooks();
    const webhook = receiver.received[0]!;
    const request = new Request('http://127.0.0.1/trtc/webhook', {
      method: 'POST',
      headers: { sign: String(webhook.headers.sign), 'content-type': 'application/json' },
      body: webhook.body,
    });
    const parsed = await parseTrtcWebhook(request, { callbackKey: CALLBACK_KEY });
    expect(parsed).toMatchObject({ kind: 'agent-started' });
  });

  it('fails verification under another key', async () => {
    const { receiver, local } = await setup();
    await call(local, 'StartAIConversation', startBody());
    await local.flushWebhooks();
    const webhook = receiver.received[0];
    await expect(
      verifyTrtcWebhook(String(webhook?.body), String(webhook?.headers.sign), {
        callbackKey: 'other1',
      }),
    ).rejects.toThrow(SignatureVerificationError);
  });

  it('sends no Sign header without a callbackKey, and nothing without a callbackUrl', async () => {
    const { receiver, local } = await setup({ signed: false });
    await call(local, 'StartAIConversation', startBody());
    await local.flushWebhooks();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers.sign).toBeUndefined();

    const silent = await startLocal();
    cleanups.push(silent.close);
    await call(silent, 'StartAIConversation', startBody());
    await silent.flushWebhooks();
    expect(silent.webhooks).toEqual([]);
  });

  it('records a webhook whose receiver cannot be reached, without failing the Start', async () => {
    const local = await startLocal({
      callbackUrl: 'http://127.0.0.1:9/closed',
      callbackKey: CALLBACK_KEY,
      webhookRetry: false,
    });
    cleanups.push(local.close);
    const started = await call(local, 'StartAIConversation', startBody());
    expect(started.body.Response.TaskId).toEqual(expect.any(String));
    await local.flushWebhooks();
    expect(local.webhooks).toEqual([
      expect.objectContaining({
        eventType: 901,
        status: undefined,
        error: 'TypeError',
        attempt: 1,
      }),
    ]);
  });

  it('posts 904, 903 (user), 903 (bot) and 905 for a turn, signed and in order', async () => {
    const fake = await startFakeLLM(() => ({ kind: 'stream', pieces: ['It is ', 'sunny.'] }));
    cleanups.push(fake.close);
    const { receiver, local } = await setup();
    const started = await call(
      local,
      'StartAIConversation',
      startBody({ RoomId: '8888', LLMConfig: llmConfigFor(fake.url) }),
    );
    const taskId = started.body.Response.TaskId as string;
    const turn = await local.simulateUtterance(taskId, 'Weather?');
    await local.flushWebhooks();

    expect(receiver.received).toHaveLength(5);
    const parsed = [];
    for (const webhook of receiver.received) {
      const request = new Request('http://127.0.0.1/trtc/webhook', {
        method: 'POST',
        headers: { sign: String(webhook.headers.sign), 'content-type': 'application/json' },
        body: webhook.body,
      });
      parsed.push(await parseTrtcWebhook(request, { callbackKey: CALLBACK_KEY }));
    }
    expect(parsed.map((event) => event.kind)).toEqual([
      'agent-started',
      'speech-started',
      'message',
      'message',
      'agent-speaking-finished',
    ]);
    const payloads = receiver.received.map((webhook) => JSON.parse(webhook.body).EventInfo.Payload);
    const { roundId } = turn;
    expect(payloads.slice(1)).toEqual([
      { UserId: 'alice', RoundId: roundId },
      {
        UserId: 'alice',
        Text: 'Weather?',
        StartTimeMs: NOW_MS,
        EndTimeMs: NOW_MS,
        RoundId: roundId,
      },
      {
        UserId: 'bot',
        Text: 'It is sunny.',
        StartTimeMs: NOW_MS,
        EndTimeMs: NOW_MS,
        RoundId: roundId,
      },
      { UserId: 'bot', RoundId: roundId, Text: 'It is sunny.' },
    ]);
    expect(local.webhooks.map((webhook) => [webhook.eventType, webhook.attempt])).toEqual([
      [901, 1],
      [904, 1],
      [903, 1],
      [903, 1],
      [905, 1],
    ]);
  });
});
