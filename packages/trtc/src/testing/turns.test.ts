import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeLLM,
  type LLMAnswer,
  llmConfigFor,
  startFakeLLM,
} from './__fixtures__/llm-server.ts';
import {
  CALLBACK_KEY,
  call,
  SDK_APP_ID,
  startBody,
  startLocal,
  startReceiver,
} from './__fixtures__/signed-call.ts';
import { LocalTRTCTaskNotFoundError } from './errors.ts';
import type { LocalTRTC } from './types.ts';

const API_KEY = 'sk-local-secret-key';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Setup {
  fake: FakeLLM;
  local: LocalTRTC;
  taskId: string;
  /** The bodies of the webhooks received, parsed. */
  webhookBodies(): { EventType: number; EventInfo: { Payload: Record<string, unknown> } }[];
}

async function setup(
  reply: (index: number) => LLMAnswer,
  llm: Record<string, unknown> = {},
  start: Record<string, unknown> = {},
): Promise<Setup> {
  const fake = await startFakeLLM((index) => reply(index));
  const receiver = await startReceiver();
  const local = await startLocal({ callbackUrl: receiver.url, callbackKey: CALLBACK_KEY });
  cleanups.push(local.close, fake.close, receiver.close);
  const started = await call(
    local,
    'StartAIConversation',
    startBody({ LLMConfig: llmConfigFor(fake.url, llm), ...start }),
  );
  const taskId = started.body.Response.TaskId as string;
  return {
    fake,
    local,
    taskId,
    webhookBodies: () => receiver.received.map((webhook) => JSON.parse(webhook.body)),
  };
}

const streamOf = (...pieces: string[]): LLMAnswer => ({ kind: 'stream', pieces });

describe('LocalTRTC.simulateUtterance', () => {
  it('POSTs an OpenAI chat-completions request with the bearer key and the X-* headers of TRTC', async () => {
    const { fake, local, taskId } = await setup(
      () => streamOf('Sunny', ', 26', ' degrees.'),
      {
        SystemPrompt: 'You are terse.',
        UserMessages: [{ Role: 'assistant', Content: 'I know the weather.' }],
        MaxTokens: 128,
        Temperature: 0.2,
        TopP: 0.9,
        ExtraBody: { enable_thinking: false, temperature: 0.5 },
      },
      { RoomId: 'room-a', RoomIdType: 1 },
    );
    const turn = await local.simulateUtterance(taskId, 'Weather?');

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: `Bearer ${API_KEY}`,
      'x-task-id': taskId,
      'x-request-id': turn.requestId,
      'x-sdk-app-id': String(SDK_APP_ID),
      'x-user-id': 'alice',
      'x-room-id': 'room-a',
      'x-room-id-type': '1',
    });
    expect(request?.headers['x-invoke-llm']).toBeUndefined();
    expect(request?.body).toEqual({
      model: 'gpt-4o-mini',
      stream: true,
      max_tokens: 128,
      temperature: 0.5,
      top_p: 0.9,
      enable_thinking: false,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'assistant', content: 'I know the weather.' },
        { role: 'user', content: 'Weather?' },
      ],
    });
    expect(turn).toEqual({
      taskId,
      roundId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userText: 'Weather?',
      replyText: 'Sunny, 26 degrees.',
      status: 'completed',
      failure: undefined,
      httpStatus: 200,
      error: undefined,
      invokeLLM: false,
    });
    expect(local.turns).toEqual([turn]);
  });

  it('sends a new X-Request-Id per turn and the last History rounds of completed turns only', async () => {
    const { fake, local, taskId } = await setup(
      (index) =>
        index === 1
          ? { kind: 'status', status: 500, message: 'overloaded' }
          : streamOf(`reply ${index}`),
      { History: 2, SystemPrompt: 'sys' },
    );
    const turns = [];
    for (const text of ['one', 'two (fails)', 'three', 'four', 'five']) {
      turns.push(await local.simulateUtterance(taskId, text));
    }
    expect(turns.map((turn) => turn.status)).toEqual([
      'completed',
      'failed',
      'completed',
      'completed',
      'completed',
    ]);
    expect(new Set(fake.requests.map((request) => request.headers['x-request-id'])).size).toBe(5);
    expect(fake.requests[2]?.body.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'reply 0' },
      { role: 'user', content: 'three' },
    ]);
    // After three completed turns (one, three, four), History 2 keeps the last two.
    expect(fake.requests[4]?.body.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'three' },
      { role: 'assistant', content: 'reply 2' },
      { role: 'user', content: 'four' },
      { role: 'assistant', content: 'reply 3' },
      { role: 'user', content: 'five' },
    ]);
  });

  it('sends no history without History, and reads a non-stream chat.completion answer', async () => {
    const { fake, local, taskId } = await setup(
      () => ({ kind: 'json', content: 'Plain answer.' }),
      { Streaming: false },
    );
    await local.simulateUtterance(taskId, 'first');
    const second = await local.simulateUtterance(taskId, 'second');
    expect(second).toMatchObject({ status: 'completed', replyText: 'Plain answer.' });
    expect(fake.requests.map((request) => request.body.stream)).toEqual([false, false]);
    expect(fake.requests[1]?.body.messages).toEqual([{ role: 'user', content: 'second' }]);
  });

  it('fails a turn on a mid-stream error event, posts 908 llm_error and keeps the key out', async () => {
    const { local, taskId, webhookBodies } = await setup(() => ({
      kind: 'stream-error',
      pieces: ['Half'],
      error: { message: `Incorrect API key provided: ${API_KEY}`, code: 'invalid_api_key' },
    }));
    const turn = await local.simulateUtterance(taskId, 'Hi');
    expect(turn).toMatchObject({
      status: 'failed',
      failure: 'llm-error',
      replyText: 'Half',
      httpStatus: 200,
      error: 'Incorrect API key provided: ***',
    });
    await local.flushWebhooks();
    const bodies = webhookBodies();
    expect(bodies.map((body) => body.EventType)).toEqual([901, 904, 903, 908]);
    expect(bodies[3]?.EventInfo.Payload).toEqual({
      Metric: 'llm_error',
      Tag: { RoundId: turn.roundId, Code: 'invalid_api_key', Message: turn.error },
    });
    const everything = JSON.stringify([local.turns, local.webhooks, local.tasks]);
    expect(everything.replace(/"llmConfig":"(?:[^"\\]|\\.)*"/g, '')).not.toContain(API_KEY);
  });

  it('fails a turn on an HTTP error with the status and the error message', async () => {
    const { local, taskId } = await setup(() => ({
      kind: 'status',
      status: 401,
      message: 'bad key',
    }));
    const turn = await local.simulateUtterance(taskId, 'Hi');
    expect(turn).toMatchObject({
      status: 'failed',
      failure: 'http-error',
      httpStatus: 401,
      error: 'HTTP 401: bad key',
      replyText: '',
    });
  });

  it('fails a turn with timeout when no answer comes within LLMConfig.Timeout, and drops the request', async () => {
    const { fake, local, taskId } = await setup(
      () => ({ kind: 'slow', delayMs: 5_000, pieces: ['late'] }),
      { Timeout: 1 },
    );
    const started = performance.now();
    const turn = await local.simulateUtterance(taskId, 'Hi');
    const elapsed = performance.now() - started;
    expect(turn).toMatchObject({
      status: 'failed',
      failure: 'timeout',
      error: 'timeout',
      httpStatus: undefined,
    });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2_500);
    await fake.dropped(0);
    expect(fake.requests[0]?.droppedByClient).toBe(true);
  });

  it('does not time out a stream whose first chunk came in time', async () => {
    const { local, taskId } = await setup(
      () => ({ kind: 'stream', pieces: ['a', 'b', 'c', 'd'], delayMs: 400 }),
      { Timeout: 1 },
    );
    const turn = await local.simulateUtterance(taskId, 'Hi');
    expect(turn).toMatchObject({ status: 'completed', replyText: 'abcd' });
  });

  it('fails a turn with network-error when the LLM cannot be reached', async () => {
    const { local, taskId } = await setup(() => streamOf('unused'));
    const unreachable = await call(
      local,
      'StartAIConversation',
      startBody({ LLMConfig: llmConfigFor('http://127.0.0.1:9/v1/chat/completions') }),
    );
    const turn = await local.simulateUtterance(unreachable.body.Response.TaskId as string, 'Hi');
    expect(turn).toMatchObject({ status: 'failed', failure: 'network-error' });
    expect(local.turns.map((each) => each.taskId)).not.toContain(taskId);
  });

  it('aborts mid-stream through the signal: the LLM sees its request closed, no reply webhooks', async () => {
    const { fake, local, taskId, webhookBodies } = await setup(() => ({
      kind: 'stream-stall',
      pieces: ['Partial'],
    }));
    const controller = new AbortController();
    const pending = local.simulateUtterance(taskId, 'Tell me a long story', {
      signal: controller.signal,
    });
    await expect.poll(() => fake.requests.length).toBe(1);
    // Let the first chunk arrive, so that the abort lands mid-stream.
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    const turn = await pending;
    expect(turn).toMatchObject({ status: 'aborted', replyText: 'Partial' });
    await fake.dropped(0);
    expect(fake.requests[0]?.droppedByClient).toBe(true);
    await local.flushWebhooks();
    expect(webhookBodies().map((body) => body.EventType)).toEqual([901, 904, 903]);
  });

  it('aborts the running turns of a task on StopAIConversation, then refuses new utterances', async () => {
    const { fake, local, taskId } = await setup(() => ({ kind: 'stream-stall', pieces: ['…'] }));
    const pending = local.simulateUtterance(taskId, 'Hello?');
    await expect.poll(() => fake.requests.length).toBe(1);
    await call(local, 'StopAIConversation', { TaskId: taskId });
    await expect(pending).resolves.toMatchObject({ status: 'aborted' });
    await fake.dropped(0);
    const error = await local.simulateUtterance(taskId, 'Still there?').catch((caught) => caught);
    expect(LocalTRTCTaskNotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'task-not-found', taskId });
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects an unknown task and ends an already-aborted turn without calling the LLM', async () => {
    const { fake, local, taskId } = await setup(() => streamOf('unused'));
    await expect(local.simulateUtterance('v2_unknown', 'Hi')).rejects.toThrow(
      LocalTRTCTaskNotFoundError,
    );
    const turn = await local.simulateUtterance(taskId, 'Hi', { signal: AbortSignal.abort() });
    expect(turn).toMatchObject({ status: 'aborted', replyText: '' });
    expect(fake.requests).toHaveLength(0);
  });

  it('aborts running turns on close without waiting for the LLM', async () => {
    const fake = await startFakeLLM(() => ({ kind: 'stream-stall', pieces: ['x'] }));
    cleanups.push(fake.close);
    const local = await startLocal();
    const started = await call(
      local,
      'StartAIConversation',
      startBody({ LLMConfig: llmConfigFor(fake.url) }),
    );
    const pending = local.simulateUtterance(started.body.Response.TaskId as string, 'Hi');
    await expect.poll(() => fake.requests.length).toBe(1);
    await local.close();
    await expect(pending).resolves.toMatchObject({ status: 'aborted' });
  });
});
