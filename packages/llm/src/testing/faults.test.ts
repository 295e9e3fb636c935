import { ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalDify } from './local-dify.ts';
import { eventNames, parseFrames, post } from './raw-http.test-kit.ts';
import type { LocalDify, LocalDifyFault, LocalDifyOptions, LocalDifyRoute } from './types.ts';

const locals: LocalDify[] = [];

afterEach(async () => {
  await Promise.all(locals.splice(0).map((local) => local.close()));
});

async function start(options: LocalDifyOptions = {}): Promise<LocalDify> {
  const local = await createLocalDify({ mode: 'chat', answer: () => 'ok then', ...options });
  locals.push(local);
  return local;
}

const CHAT = { inputs: {}, query: 'Hi', user: 'alice' };

describe('LocalDify.failNext', () => {
  it('fails the next `times` requests of the route, in the order the faults were queued', async () => {
    const local = await start();
    local.failNext(
      '/chat-messages',
      { status: 429, code: 'too_many_requests', message: 'busy' },
      2,
    );
    local.failNext('/chat-messages', {
      status: 503,
      code: 'internal_server_error',
      message: 'down',
    });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      statuses.push((await post(local, '/chat-messages', CHAT)).status);
    }
    expect(statuses).toEqual([429, 429, 503, 200]);
    expect(local.requests.map((record) => record.errorCode)).toEqual([
      'too_many_requests',
      'too_many_requests',
      'internal_server_error',
      undefined,
    ]);
  });

  it('applies after the API key check, and only to its route', async () => {
    const local = await start();
    local.failNext('/chat-messages/:task_id/stop', {
      status: 500,
      code: 'internal_server_error',
      message: 'x',
    });
    expect(
      (await post(local, '/chat-messages/some-task/stop', { user: 'a' }, { key: 'bad' })).status,
    ).toBe(401);
    expect((await post(local, '/chat-messages', CHAT)).status).toBe(200);
    expect((await post(local, '/chat-messages/some-task/stop', { user: 'a' })).status).toBe(500);
    expect((await post(local, '/chat-messages/some-task/stop', { user: 'a' })).status).toBe(200);
  });

  it('closes the connection without an answer on { reset: true }', async () => {
    const local = await start();
    local.failNext('/chat-messages', { reset: true });
    await expect(post(local, '/chat-messages', CHAT)).rejects.toThrow(TypeError);
    expect(local.requests[0]).toMatchObject({ status: undefined, route: '/chat-messages' });
  });

  it('keeps a mid-stream fault for the next run that starts, past requests that fail earlier', async () => {
    const local = await start({ answer: () => ({ chunks: ['a', 'b', 'c'] }) });
    local.failNext('/chat-messages', {
      midStream: true,
      afterChunks: 0,
      code: 'provider_quota_exceeded',
    });
    expect((await post(local, '/chat-messages', { ...CHAT, user: '' })).status).toBe(400);
    const response = await post(local, '/chat-messages', { ...CHAT, response_mode: 'streaming' });
    expect(response.status).toBe(200);
    expect(eventNames(parseFrames(await response.text()))).toEqual(['ping', 'error']);
    const after = await post(local, '/chat-messages', CHAT);
    expect(((await after.json()) as { answer: string }).answer).toBe('abc');
  });

  it('fails after the last delta when the answer is shorter than afterChunks', async () => {
    const local = await start();
    local.failNext('/chat-messages', { midStream: true, afterChunks: 50 });
    const response = await post(local, '/chat-messages', { ...CHAT, response_mode: 'streaming' });
    expect(eventNames(parseFrames(await response.text()))).toEqual([
      'ping',
      'message',
      'message',
      'error',
    ]);
  });

  it.each<[string, LocalDifyRoute, LocalDifyFault, number | undefined]>([
    ['a status below 400', '/chat-messages', { status: 200, code: 'x', message: '' }, undefined],
    ['an empty code', '/chat-messages', { status: 500, code: '', message: '' }, undefined],
    [
      'a mid-stream failure of a stop route',
      '/chat-messages/:task_id/stop',
      { midStream: true },
      undefined,
    ],
    ['times of 0', '/chat-messages', { reset: true }, 0],
    ['an unknown route', '/v1/chat-messages' as LocalDifyRoute, { reset: true }, undefined],
  ])('throws a ValidationError for %s', async (_name, route, fault, times) => {
    const local = await start();
    expect(() => local.failNext(route, fault, times)).toThrow(ValidationError);
  });
});

describe('createLocalDify options and lifecycle', () => {
  it.each<[string, LocalDifyOptions, string]>([
    ['an empty apiKeys', { apiKeys: [] }, 'apiKeys'],
    ['an empty key', { apiKeys: [''] }, 'apiKeys.0'],
    ['an unknown mode', { mode: 'agent' as never }, 'mode'],
    ['a negative chunkDelayMs', { chunkDelayMs: -1 }, 'chunkDelayMs'],
    ['a port out of range', { port: 70_000 }, 'port'],
  ])('rejects %s, naming the option', async (_name, options, option) => {
    await expect(createLocalDify(options)).rejects.toSatisfy(
      (error) =>
        ValidationError.isInstance(error) &&
        error.message.includes(`createLocalDify: ${option} must be`),
    );
  });

  it('serves on 127.0.0.1 under /v1 and records requests with the injected clock', async () => {
    let clock = 1_700_000_000_000;
    const local = await start({ now: () => clock });
    clock += 5;
    await post(local, '/chat-messages', CHAT);
    expect(local.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(local.requests[0]?.atMs).toBe(1_700_000_000_005);
    expect(local.conversations[0]?.createdAtMs).toBe(1_700_000_000_005);
    const body = (await (await post(local, '/chat-messages', CHAT)).json()) as {
      created_at: number;
    };
    expect(body.created_at).toBe(1_700_000_000);
  });

  it('ends running streams on close, and close is idempotent', async () => {
    const local = await createLocalDify({
      answer: () => ({ chunks: ['a', 'b'], delayMs: 10_000 }),
    });
    const response = await post(local, '/chat-messages', { ...CHAT, response_mode: 'streaming' });
    const text = response.text().then(
      () => 'ended normally',
      (error: unknown) => error,
    );
    await expect.poll(() => local.requests[0]?.answer).toBe('a');
    await Promise.all([local.close(), local.close()]);
    await local.close();
    expect(await text).toBeInstanceOf(Error);
    expect(local.requests[0]?.stopped).toBe(true);
    await expect(post(local, '/chat-messages', CHAT)).rejects.toThrow(TypeError);
  });
});
