import { afterEach, describe, expect, it } from 'vitest';
import { call, errorCode, startBody, startLocal } from './__fixtures__/signed-call.ts';
import type { LocalTRTC } from './types.ts';

const opened: LocalTRTC[] = [];
async function local(): Promise<LocalTRTC> {
  const server = await startLocal();
  opened.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((server) => server.close()));
});

describe('LocalTRTC.failNext', () => {
  it('answers the error envelope for the given number of calls, storing nothing, then recovers', async () => {
    const server = await local();
    server.failNext('StartAIConversation', { code: 'InternalError', message: 'try again' }, 2);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const failed = await call(server, 'StartAIConversation', startBody());
      expect(failed.status).toBe(200);
      expect(failed.body.Response.Error).toEqual({ Code: 'InternalError', Message: 'try again' });
    }
    expect(server.tasks).toEqual([]);
    const ok = await call(server, 'StartAIConversation', startBody());
    expect(errorCode(ok)).toBeUndefined();
    expect(server.requests.map((request) => request.errorCode)).toEqual([
      'InternalError',
      'InternalError',
      undefined,
    ]);
  });

  it('answers an HTTP status with a text body', async () => {
    const server = await local();
    server.failNext('DescribeAIConversation', { httpStatus: 502 });
    const failed = await call(server, 'DescribeAIConversation', { TaskId: 'x' });
    expect(failed.status).toBe(502);
    expect(failed.text).toContain('502');
    expect(server.requests[0]).toMatchObject({
      httpStatus: 502,
      errorCode: undefined,
      requestId: '',
    });
  });

  it('resets the connection without an answer', async () => {
    const server = await local();
    server.failNext('StopAIConversation', { reset: true });
    await expect(call(server, 'StopAIConversation', { TaskId: 'x' })).rejects.toThrow(TypeError);
    expect(server.requests.map((request) => [request.action, request.httpStatus])).toEqual([
      ['StopAIConversation', 0],
    ]);
    expect(errorCode(await call(server, 'StopAIConversation', { TaskId: 'x' }))).toBe(
      'FailedOperation.TaskNotExist',
    );
  });

  it('strikes only the named action, after the signature check, in the order faults were queued', async () => {
    const server = await local();
    server.failNext('StartAIConversation', { code: 'RequestLimitExceeded', message: 'slow down' });
    server.failNext('StartAIConversation', { httpStatus: 503 });
    expect(errorCode(await call(server, 'DescribeAIConversation', { TaskId: 'x' }))).toBe(
      'FailedOperation.TaskNotExist',
    );
    const unsigned = await call(server, 'StartAIConversation', startBody(), {
      sign: { secretKey: 'wrong' },
    });
    expect(errorCode(unsigned)).toBe('AuthFailure.SignatureFailure');
    expect(errorCode(await call(server, 'StartAIConversation', startBody()))).toBe(
      'RequestLimitExceeded',
    );
    expect((await call(server, 'StartAIConversation', startBody())).status).toBe(503);
    expect(errorCode(await call(server, 'StartAIConversation', startBody()))).toBeUndefined();
  });

  it('ignores times below 1', async () => {
    const server = await local();
    server.failNext('StartAIConversation', { httpStatus: 500 }, 0);
    expect(errorCode(await call(server, 'StartAIConversation', startBody()))).toBeUndefined();
  });
});
