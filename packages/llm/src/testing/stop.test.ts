import { afterEach, describe, expect, it } from 'vitest';
import { createLocalDify } from './local-dify.ts';
import { eventNames, type Frame, post, readFrames } from './raw-http.test-kit.ts';
import type { LocalDify, LocalDifyOptions } from './types.ts';

const locals: LocalDify[] = [];

afterEach(async () => {
  await Promise.all(locals.splice(0).map((local) => local.close()));
});

/** An app that answers ten words, 40 ms apart: long enough to stop it midway. */
async function start(options: LocalDifyOptions = {}): Promise<LocalDify> {
  const words = Array.from({ length: 10 }, (_, index) => `w${index} `);
  const local = await createLocalDify({
    answer: () => ({ chunks: words, delayMs: 40 }),
    ...options,
  });
  locals.push(local);
  return local;
}

/** Starts a streaming run and reads until its first answer delta; returns its task id. */
async function startRun(local: LocalDify, path: string, body: Record<string, unknown>) {
  const response = await post(local, path, { ...body, response_mode: 'streaming' });
  const frames: Frame[] = [];
  // Read by hand: leaving a for-await loop would cancel the body (and so the run).
  const reader = readFrames(response);
  for (;;) {
    const step = await reader.next();
    if (step.done === true) break;
    frames.push(step.value);
    const name = step.value.type === 'data' ? step.value.payload.event : 'ping';
    if (name === 'message' || name === 'text_chunk') break;
  }
  const taskId = frames.flatMap((frame) =>
    frame.type === 'data' && typeof frame.payload.task_id === 'string'
      ? [frame.payload.task_id]
      : [],
  )[0];
  if (taskId === undefined) throw new Error('no task id');
  const rest = async (): Promise<Frame[]> => {
    for (let step = await reader.next(); step.done !== true; step = await reader.next()) {
      frames.push(step.value);
    }
    return frames;
  };
  return { taskId, rest };
}

async function stop(local: LocalDify, path: string, user?: string): Promise<[number, unknown]> {
  const response = await post(local, path, user === undefined ? {} : { user });
  return [response.status, await response.json()];
}

const SUCCESS = [200, { result: 'success' }];

describe('createLocalDify stop routes', () => {
  it('ends a running chat stream for the same user only, with message_end and the partial answer', async () => {
    const local = await start({ mode: 'chat' });
    const run = await startRun(local, '/chat-messages', { inputs: {}, query: 'Hi', user: 'alice' });
    const path = `/chat-messages/${run.taskId}/stop`;
    expect(await stop(local, path, 'mallory')).toEqual(SUCCESS);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(local.requests[0]?.stopped).toBe(false);
    expect(await stop(local, path, 'alice')).toEqual(SUCCESS);
    const frames = await run.rest();
    const names = eventNames(frames);
    expect(names.at(-1)).toBe('message_end');
    const deltas = names.filter((name) => name === 'message').length;
    expect(deltas).toBeGreaterThan(1);
    expect(deltas).toBeLessThan(10);
    const [record, otherStop, ownStop] = local.requests;
    expect(record).toMatchObject({ stopped: true, status: 200, errorCode: undefined });
    expect(record?.answer?.split(' ').length).toBe(deltas + 1);
    expect([otherStop?.user, otherStop?.taskId]).toEqual(['mallory', run.taskId]);
    expect([ownStop?.user, ownStop?.route]).toEqual(['alice', '/chat-messages/:task_id/stop']);
  });

  it('ends a stopped chatflow with workflow_finished (stopped), then message_end', async () => {
    const local = await start();
    const run = await startRun(local, '/chat-messages', { inputs: {}, query: 'Hi', user: 'alice' });
    expect(await stop(local, `/chat-messages/${run.taskId}/stop`, 'alice')).toEqual(SUCCESS);
    const frames = await run.rest();
    expect(eventNames(frames).slice(-2)).toEqual(['workflow_finished', 'message_end']);
    const finished = frames.at(-2);
    expect(finished?.type === 'data' && finished.payload.data).toMatchObject({ status: 'stopped' });
  });

  it('stops a workflow task whoever asks (Dify does not check the user there)', async () => {
    const local = await start({ mode: 'workflow' });
    const run = await startRun(local, '/workflows/run', { inputs: { query: 'Hi' }, user: 'alice' });
    expect(await stop(local, `/workflows/tasks/${run.taskId}/stop`, 'someone-else')).toEqual(
      SUCCESS,
    );
    const frames = await run.rest();
    expect(eventNames(frames).at(-1)).toBe('workflow_finished');
    expect(local.requests[0]?.stopped).toBe(true);
  });

  it('returns a blocking answer early, with the text so far, when stopped', async () => {
    const local = await start({ mode: 'completion' });
    const answer = post(local, '/completion-messages', { inputs: { query: 'Hi' }, user: 'alice' });
    await expect.poll(() => local.requests[0]?.answer?.length ?? 0).toBeGreaterThan(0);
    const taskId = local.requests[0]?.taskId;
    expect(await stop(local, `/completion-messages/${taskId}/stop`, 'alice')).toEqual(SUCCESS);
    const body = (await (await answer).json()) as { answer: string };
    expect(body.answer.length).toBeGreaterThan(0);
    expect(body.answer).not.toContain('w9');
  });

  it('answers success for an unknown task, and Dify errors for a missing user or the wrong mode', async () => {
    const local = await start({ mode: 'completion' });
    expect(await stop(local, '/completion-messages/no-such-task/stop', 'alice')).toEqual(SUCCESS);
    expect(await stop(local, '/completion-messages/no-such-task/stop')).toEqual([
      400,
      { code: 'invalid_param', message: 'Arg user must be provided.', status: 400 },
    ]);
    expect(await stop(local, '/chat-messages/no-such-task/stop', 'alice')).toEqual([
      400,
      {
        code: 'not_chat_app',
        message: 'Please check if your app mode matches the right API route.',
        status: 400,
      },
    ]);
  });
});
