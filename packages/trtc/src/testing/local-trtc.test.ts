import { ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  call,
  errorCode,
  NOW_MS,
  SECRET_ID,
  SECRET_KEY,
  startBody,
  startLocal,
} from './__fixtures__/signed-call.ts';
import { createLocalTRTC } from './local-trtc.ts';
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

const STOP = 'StopAIConversation';
const DESCRIBE = 'DescribeAIConversation';
const START = 'StartAIConversation';

describe('createLocalTRTC: TC3 signatures', () => {
  it('accepts a request signed with the right key, with or without x-tc-action signed', async () => {
    const server = await local();
    const plain = await call(server, START, startBody());
    expect(plain.status).toBe(200);
    expect(errorCode(plain)).toBeUndefined();
    expect(plain.body.Response.TaskId).toMatch(/^v2_20231114_[A-Za-z0-9]{16}_[A-Za-z0-9]{48}$/);
    expect(plain.body.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    const withAction = await call(server, START, startBody(), { sign: { signAction: true } });
    expect(errorCode(withAction)).toBeUndefined();
    expect(server.requests.map((request) => [request.action, request.secretId])).toEqual([
      [START, SECRET_ID],
      [START, SECRET_ID],
    ]);
  });

  it('accepts a timestamp up to 5 minutes off and rejects one further off as SignatureExpire', async () => {
    const server = await local();
    const seconds = NOW_MS / 1000;
    const edge = await call(
      server,
      STOP,
      { TaskId: 'none' },
      { sign: { timestampSeconds: seconds - 300 } },
    );
    expect(errorCode(edge)).toBe('FailedOperation.TaskNotExist');
    for (const timestampSeconds of [seconds - 301, seconds + 301]) {
      const stale = await call(server, STOP, { TaskId: 'none' }, { sign: { timestampSeconds } });
      expect(stale.status).toBe(200);
      expect(stale.body.Response.Error).toEqual({
        Code: 'AuthFailure.SignatureExpire',
        Message: expect.stringContaining('5 minutes'),
      });
      expect(stale.body.Response.RequestId).toEqual(expect.any(String));
    }
  });

  it('rejects a signature made with another key as SignatureFailure, with no secret in the answer', async () => {
    const server = await local();
    const result = await call(server, START, startBody(), { sign: { secretKey: 'wrong-key' } });
    expect(result.body.Response.Error).toEqual({
      Code: 'AuthFailure.SignatureFailure',
      Message:
        'The provided credentials could not be validated. Please check your signature is correct.',
    });
    expect(result.text).not.toContain(SECRET_KEY);
    expect(server.tasks).toEqual([]);
  });

  it('rejects a body changed after signing, a changed signed header and a wrong scope', async () => {
    const server = await local();
    const body = startBody();
    const tampered = await call(server, START, body, {
      sentBody: JSON.stringify({ ...body, RoomId: '9999' }),
    });
    expect(errorCode(tampered)).toBe('AuthFailure.SignatureFailure');
    const otherType = await call(server, START, body, {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(errorCode(otherType)).toBe('AuthFailure.SignatureFailure');
    const otherService = await call(server, START, body, { sign: { service: 'cvm' } });
    expect(errorCode(otherService)).toBe('AuthFailure.SignatureFailure');
    const otherAction = await call(
      server,
      DESCRIBE,
      { TaskId: 'x' },
      {
        sign: { signAction: true },
        headers: { 'X-TC-Action': STOP },
      },
    );
    expect(errorCode(otherAction)).toBe('AuthFailure.SignatureFailure');
    expect(server.tasks).toEqual([]);
  });

  it('rejects an unknown SecretId as SecretIdNotFound and a malformed header as InvalidAuthorization', async () => {
    const server = await local();
    const unknown = await call(server, START, startBody(), { sign: { secretId: 'AKIDother' } });
    expect(errorCode(unknown)).toBe('AuthFailure.SecretIdNotFound');
    const missing = await call(server, START, startBody(), { headers: { Authorization: null } });
    expect(errorCode(missing)).toBe('AuthFailure.InvalidAuthorization');
    const garbage = await call(server, START, startBody(), {
      headers: { Authorization: 'Bearer x' },
    });
    expect(errorCode(garbage)).toBe('AuthFailure.InvalidAuthorization');
    expect(server.requests.map((request) => request.errorCode)).toEqual([
      'AuthFailure.SecretIdNotFound',
      'AuthFailure.InvalidAuthorization',
      'AuthFailure.InvalidAuthorization',
    ]);
  });

  it('requires X-TC-Action, X-TC-Version 2019-07-22, a known action and X-TC-Region', async () => {
    const server = await local();
    const noAction = await call(server, START, startBody(), { headers: { 'X-TC-Action': null } });
    expect(errorCode(noAction)).toBe('MissingParameter');
    const noVersion = await call(server, START, startBody(), { headers: { 'X-TC-Version': null } });
    expect(errorCode(noVersion)).toBe('MissingParameter');
    const oldVersion = await call(server, START, startBody(), { sign: { version: '2018-01-01' } });
    expect(errorCode(oldVersion)).toBe('NoSuchVersion');
    const unknownAction = await call(server, 'DescribeRoomInfo', {});
    expect(errorCode(unknownAction)).toBe('InvalidAction');
    const noRegion = await call(server, START, startBody(), { headers: { 'X-TC-Region': null } });
    expect(errorCode(noRegion)).toBe('MissingParameter');
    expect(noRegion.body.Response.Error?.Message).toContain('Region');
    expect(server.tasks).toEqual([]);
  });
});

describe('createLocalTRTC: AI-conversation tasks', () => {
  it('starts, describes (by TaskId and by SessionId), stops and then forgets a task', async () => {
    const server = await local();
    const started = await call(server, START, startBody({ SessionId: 'session-1' }));
    const taskId = started.body.Response.TaskId as string;
    const byId = await call(server, DESCRIBE, { TaskId: taskId });
    expect(byId.body.Response).toEqual({
      StartTime: new Date(NOW_MS).toISOString(),
      Status: 'InProgress',
      TaskId: taskId,
      SessionId: 'session-1',
      RequestId: expect.any(String),
    });
    const bySession = await call(server, DESCRIBE, {
      SdkAppId: 1_400_000_000,
      SessionId: 'session-1',
    });
    expect(bySession.body.Response.TaskId).toBe(taskId);
    const stopped = await call(server, STOP, { TaskId: taskId });
    expect(stopped.body.Response).toEqual({ RequestId: expect.any(String) });
    expect(errorCode(await call(server, DESCRIBE, { TaskId: taskId }))).toBe(
      'FailedOperation.TaskNotExist',
    );
    expect(errorCode(await call(server, STOP, { TaskId: taskId }))).toBe(
      'FailedOperation.TaskNotExist',
    );
    expect(server.tasks).toEqual([
      expect.objectContaining({
        taskId,
        sessionId: 'session-1',
        roomId: '1234',
        botUserId: 'bot',
        targetUserId: 'alice',
        status: 'Stopped',
        startedAtMs: NOW_MS,
        stoppedAtMs: NOW_MS,
      }),
    ]);
  });

  it('answers TaskExist to a second Start with the SessionId of a running task, not after Stop', async () => {
    const server = await local();
    const first = await call(server, START, startBody({ SessionId: 'same' }));
    const second = await call(server, START, startBody({ SessionId: 'same' }));
    expect(errorCode(second)).toBe('FailedOperation.TaskExist');
    expect(errorCode(await call(server, START, startBody({ SessionId: 'other' })))).toBeUndefined();
    await call(server, STOP, { TaskId: first.body.Response.TaskId });
    const again = await call(server, START, startBody({ SessionId: 'same' }));
    expect(errorCode(again)).toBeUndefined();
    expect(server.tasks.map((task) => [task.sessionId, task.status])).toEqual([
      ['same', 'Stopped'],
      ['other', 'InProgress'],
      ['same', 'InProgress'],
    ]);
  });

  it.each([
    [
      'a missing AgentConfig.UserSig',
      { AgentConfig: { UserId: 'bot', TargetUserId: 'alice' } },
      'MissingParameter',
      'AgentConfig.UserSig',
    ],
    ['a missing RoomId', { RoomId: undefined }, 'MissingParameter', 'RoomId'],
    ['a missing TTSConfig', { TTSConfig: undefined }, 'MissingParameter', 'TTSConfig'],
    [
      'LLMConfig as an object',
      { LLMConfig: { LLMType: 'openai' } },
      'InvalidParameter',
      'LLMConfig',
    ],
    [
      'LLMConfig that is not JSON',
      { LLMConfig: '{LLMType:' },
      'InvalidParameterValue',
      'LLMConfig',
    ],
    [
      'LLMConfig without APIUrl',
      { LLMConfig: JSON.stringify({ LLMType: 'openai', Model: 'm', APIKey: 'k' }) },
      'MissingParameter',
      'LLMConfig.APIUrl',
    ],
    ['TTSConfig of a JSON array', { TTSConfig: '[]' }, 'InvalidParameter', 'TTSConfig'],
    ['RoomIdType 2', { RoomIdType: 2 }, 'InvalidParameterValue', 'RoomIdType'],
    [
      'another SdkAppId',
      { SdkAppId: 1_400_000_001 },
      'FailedOperation.SdkAppIdNotUnderAppId',
      'SdkAppId',
    ],
  ])('rejects a Start with %s', async (_name, overrides, code, field) => {
    const server = await local();
    const result = await call(server, START, startBody(overrides));
    expect(result.body.Response.Error?.Code).toBe(code);
    expect(result.body.Response.Error?.Message).toContain(field);
    expect(server.tasks).toEqual([]);
  });

  it('answers InvalidParameter to a body that is not JSON and MissingParameter to a Stop without TaskId', async () => {
    const server = await local();
    expect(errorCode(await call(server, START, 'not json'))).toBe('InvalidParameter');
    expect(errorCode(await call(server, STOP, {}))).toBe('MissingParameter');
    expect(errorCode(await call(server, DESCRIBE, {}))).toBe('MissingParameter');
  });
});

describe('createLocalTRTC: options and close', () => {
  it('rejects bad options with a ValidationError that does not show the key', async () => {
    const base = { secretId: SECRET_ID, secretKey: SECRET_KEY, sdkAppId: 1_400_000_000 };
    await expect(createLocalTRTC({ ...base, secretKey: '' })).rejects.toThrow(ValidationError);
    await expect(createLocalTRTC({ ...base, sdkAppId: 1.5 })).rejects.toThrow(ValidationError);
    await expect(createLocalTRTC({ ...base, callbackUrl: 'not a url' })).rejects.toThrow(
      ValidationError,
    );
    const error = await createLocalTRTC({ ...base, port: -1 }).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).not.toContain(SECRET_KEY);
  });

  it('closes idempotently and refuses connections afterwards', async () => {
    const server = await startLocal();
    await server.close();
    await server.close();
    await expect(fetch(server.baseUrl, { method: 'POST', body: '{}' })).rejects.toThrow(TypeError);
  });
});
