import { afterEach, describe, expect, it } from 'vitest';
import { createLocalDify } from './local-dify.ts';
import { difyFixture, eventNames, type Frame, parseFrames, post } from './raw-http.test-kit.ts';
import type { LocalDify, LocalDifyOptions } from './types.ts';

const locals: LocalDify[] = [];

afterEach(async () => {
  await Promise.all(locals.splice(0).map((local) => local.close()));
});

async function start(options: LocalDifyOptions = {}): Promise<LocalDify> {
  const local = await createLocalDify({ answer: () => 'Hello, world', ...options });
  locals.push(local);
  return local;
}

const CHAT_BODY = { inputs: {}, query: 'Hi', user: 'alice', response_mode: 'streaming' };

async function streamOf(local: LocalDify, path: string, body: unknown): Promise<Frame[]> {
  const response = await post(local, path, body);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  return parseFrames(await response.text());
}

/** The top-level keys of the first event of each name, in order. */
function keysByEvent(frames: readonly Frame[]): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const frame of frames) {
    if (frame.type !== 'data') continue;
    const name = String(frame.payload.event);
    if (!keys.has(name)) keys.set(name, Object.keys(frame.payload));
  }
  return keys;
}

/** Expects every event name both streams have to carry the fixture's keys, in its order. */
function expectSameShapes(frames: readonly Frame[], fixture: string, names: readonly string[]) {
  const ours = keysByEvent(frames);
  const recorded = keysByEvent(parseFrames(difyFixture(fixture)));
  for (const name of names) {
    expect({ name, keys: ours.get(name) }).toEqual({ name, keys: recorded.get(name) });
  }
}

function payloads(frames: readonly Frame[]): Array<Record<string, unknown>> {
  return frames.flatMap((frame) => (frame.type === 'data' ? [frame.payload] : []));
}

describe('createLocalDify streams', () => {
  it('streams a chat answer like chat-stream.sse: ping, message deltas, message_end with usage', async () => {
    const local = await start({ mode: 'chat' });
    const frames = await streamOf(local, '/chat-messages', CHAT_BODY);
    expect(eventNames(frames)).toEqual(['ping', 'message', 'message', 'message_end']);
    expectSameShapes(frames, 'chat-stream.sse', ['message', 'message_end']);
    const [, first, second, end] = frames;
    expect(first?.type === 'data' && first.raw).toMatch(
      /^\{"event": "message", "conversation_id": "/,
    );
    expect(payloads(frames).map((payload) => payload.answer)).toEqual([
      'Hello, ',
      'world',
      undefined,
    ]);
    const recordedUsage = parseFrames(difyFixture('chat-stream.sse')).flatMap((frame) =>
      frame.type === 'data' && frame.payload.event === 'message_end' ? [frame.payload] : [],
    )[0]?.metadata as { usage: object };
    const usage = (end?.type === 'data' && end.payload.metadata) as { usage: object };
    expect(Object.keys(usage.usage)).toEqual(Object.keys(recordedUsage.usage));
    // One conversation, one task and one message id in every event.
    const ids = payloads(frames).map(({ conversation_id, task_id, message_id }) => ({
      conversation_id,
      task_id,
      message_id,
    }));
    expect(new Set(ids.map((id) => JSON.stringify(id))).size).toBe(1);
    expect(second?.type === 'data' && second.payload.conversation_id).toBe(
      local.conversations[0]?.id,
    );
  });

  it('wraps a chatflow answer in workflow and node events like chatflow-stream.sse', async () => {
    const local = await start();
    const frames = await streamOf(local, '/chat-messages', CHAT_BODY);
    expect(eventNames(frames)).toEqual([
      'workflow_started',
      'node_started',
      'ping',
      'node_finished',
      'node_started',
      'message',
      'message',
      'node_finished',
      'node_started',
      'node_finished',
      'workflow_finished',
      'message_end',
    ]);
    expectSameShapes(frames, 'chatflow-stream.sse', [
      'workflow_started',
      'node_started',
      'node_finished',
      'message',
      'workflow_finished',
      'message_end',
    ]);
    const finished = payloads(frames).find((payload) => payload.event === 'workflow_finished');
    expect(finished?.data).toMatchObject({
      status: 'succeeded',
      outputs: { answer: 'Hello, world' },
    });
    expect(payloads(frames)[0]?.data).toMatchObject({
      sequence_number: 1,
      inputs: { 'sys.query': 'Hi', 'sys.user_id': 'alice' },
    });
  });

  it('streams agent_thought and agent_message events like agent-stream.sse', async () => {
    const local = await start({ mode: 'agent-chat' });
    const frames = await streamOf(local, '/chat-messages', CHAT_BODY);
    expect(eventNames(frames)).toEqual([
      'ping',
      'agent_thought',
      'agent_message',
      'agent_message',
      'agent_thought',
      'message_end',
    ]);
    expectSameShapes(frames, 'agent-stream.sse', ['agent_thought', 'agent_message', 'message_end']);
  });

  it('streams a workflow as text_chunk events like workflow-stream.sse, ending with workflow_finished', async () => {
    const local = await start({ mode: 'workflow' });
    const frames = await streamOf(local, '/workflows/run', {
      inputs: { query: 'Hi' },
      user: 'alice',
      response_mode: 'streaming',
    });
    expect(eventNames(frames).filter((name) => !name.startsWith('node_'))).toEqual([
      'workflow_started',
      'ping',
      'text_chunk',
      'text_chunk',
      'workflow_finished',
    ]);
    expectSameShapes(frames, 'workflow-stream.sse', [
      'workflow_started',
      'node_started',
      'text_chunk',
      'node_finished',
      'workflow_finished',
    ]);
    expect(payloads(frames).at(-1)?.data).toMatchObject({ outputs: { text: 'Hello, world' } });
  });

  it('streams a text generator without a conversation id', async () => {
    const local = await start({ mode: 'completion' });
    const frames = await streamOf(local, '/completion-messages', {
      inputs: { query: 'Hi' },
      user: 'alice',
      response_mode: 'streaming',
    });
    expect(eventNames(frames)).toEqual(['ping', 'message', 'message', 'message_end']);
    expect(payloads(frames).some((payload) => 'conversation_id' in payload)).toBe(false);
  });

  it('ends a failing stream with an error event like error-mid-stream.sse (chatflow: workflow_finished failed first)', async () => {
    const local = await start();
    local.failNext('/chat-messages', { midStream: true, message: 'model overloaded' });
    const frames = await streamOf(local, '/chat-messages', CHAT_BODY);
    expect(eventNames(frames).slice(-4)).toEqual([
      'message',
      'node_finished',
      'workflow_finished',
      'error',
    ]);
    expectSameShapes(frames, 'error-mid-stream.sse', ['error']);
    expect(payloads(frames).at(-2)?.data).toMatchObject({
      status: 'failed',
      error: 'model overloaded',
    });
    expect(payloads(frames).at(-1)).toMatchObject({
      status: 400,
      code: 'completion_request_error',
      message: 'model overloaded',
    });
  });

  it('writes non-ASCII text as \\u escapes, as Python json.dumps does', async () => {
    const local = await start({ mode: 'chat', answer: () => '你好' });
    const frames = await streamOf(local, '/chat-messages', CHAT_BODY);
    const message = frames.find(
      (frame) => frame.type === 'data' && frame.payload.event === 'message',
    );
    expect(message?.type === 'data' && message.raw).toContain('"answer": "\\u4f60\\u597d"');
  });

  it('sends event: ping keep-alives while the answer is slow', async () => {
    const local = await start({
      mode: 'chat',
      pingIntervalMs: 10,
      answer: () => ({ chunks: ['a', 'b'], delayMs: 80 }),
    });
    const frames = await streamOf(local, '/chat-messages', CHAT_BODY);
    const between = eventNames(frames).slice(2, -2);
    expect(between.length).toBeGreaterThan(1);
    expect(new Set(between)).toEqual(new Set(['ping']));
  });
});

describe('createLocalDify blocking answers', () => {
  it('answers a blocking chat (the default without response_mode) with the shape of chat-blocking.json', async () => {
    const local = await start({ mode: 'chat' });
    const response = await post(local, '/chat-messages', {
      inputs: {},
      query: 'Hi',
      user: 'alice',
    });
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as Record<string, unknown>;
    const recorded = JSON.parse(difyFixture('chat-blocking.json')) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(Object.keys(recorded));
    expect(body).toMatchObject({ event: 'message', mode: 'chat', answer: 'Hello, world' });
    expect(body.conversation_id).toBe(local.conversations[0]?.id);
  });

  it('answers a blocking workflow with the shape of workflow-blocking.json', async () => {
    const local = await start({ mode: 'workflow' });
    const response = await post(local, '/workflows/run', {
      inputs: { query: 'Hi' },
      user: 'alice',
    });
    const body = (await response.json()) as { data: Record<string, unknown> };
    const recorded = JSON.parse(difyFixture('workflow-blocking.json')) as typeof body;
    expect(Object.keys(body)).toEqual(Object.keys(recorded));
    expect(Object.keys(body.data)).toEqual(Object.keys(recorded.data));
    expect(body.data).toMatchObject({ status: 'succeeded', outputs: { text: 'Hello, world' } });
  });

  it('answers a blocking run that fails as an HTTP error (a workflow: 200 with status failed)', async () => {
    const chat = await start({ mode: 'chat' });
    chat.failNext('/chat-messages', { midStream: true });
    const failed = await post(chat, '/chat-messages', { inputs: {}, query: 'Hi', user: 'alice' });
    expect(failed.status).toBe(400);
    expect(await failed.json()).toEqual({
      code: 'completion_request_error',
      message: '[local-dify] Error: injected mid-stream failure',
      status: 400,
    });
    const workflow = await start({ mode: 'workflow' });
    workflow.failNext('/workflows/run', { midStream: true, message: 'node broke' });
    const response = await post(workflow, '/workflows/run', { inputs: { query: 'Hi' }, user: 'a' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toMatchObject({
      status: 'failed',
      error: 'node broke',
    });
  });
});
