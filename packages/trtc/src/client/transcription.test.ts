import { inspect } from 'node:util';
import { APICallError, ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  answer,
  answerError,
  type LoopbackServer,
  startLoopback,
} from './__fixtures__/loopback.ts';
import { createTrtcClient } from './client.ts';
import type { StartAITranscriptionOptions } from './transcription-types.ts';

const SECRET_ID = 'AKIDloopback';
const SECRET_KEY = 'loopback-secret-key-0123456789';
const ROBOT_SIG = 'robot-user-sig-7c1e9b';

let server: LoopbackServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Parameters<typeof startLoopback>[1]) {
  server = await startLoopback({ [SECRET_ID]: SECRET_KEY }, handler);
  return createTrtcClient({
    credentials: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    region: 'ap-guangzhou',
    baseUrl: server.url,
    retry: false,
  });
}

function startOptions(
  overrides: Partial<StartAITranscriptionOptions> = {},
): StartAITranscriptionOptions {
  return {
    sdkAppId: 1400000000,
    roomId: 'room-7',
    transcriptionParams: { userId: 'robot-1', userSig: ROBOT_SIG },
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function everyText(error: unknown): string {
  const record = error as Record<string, unknown>;
  return [String(error), inspect(error, { depth: 5 }), JSON.stringify(error), record.message]
    .map(String)
    .join('\n');
}

describe('startAITranscription', () => {
  it('sends camelCase options as the exact TRTC wire body', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 'task-1' }));
    const result = await client.startAITranscription(
      startOptions({
        roomId: 1234,
        sessionId: 'session-1',
        transcriptionParams: {
          userId: 'robot-1',
          userSig: ROBOT_SIG,
          maxIdleTimeSeconds: 120,
          mode: 'single-user',
          targetUserId: 'alice',
          targetUserIds: ['alice', 'bob'],
          voicePrint: { enabled: true, ids: ['vp-1'] },
          turnDetection: { semanticEagerness: 'auto' },
        },
        recognizeConfig: {
          language: 'en',
          alternativeLanguages: ['ja'],
          vadSilenceTimeMs: 800,
          vadLevel: 3,
          hotWords: [
            { word: 'TRTC', weight: 11 },
            { word: 'imbridge', weight: 100 },
          ],
        },
        translationConfig: {
          targetLanguages: ['zh', 'ja'],
          mode: 'speech',
          ttsConfig: { voiceId: 'v-1', model: 'flow_01_ex', speed: 1.5, volume: 10 },
          terminology: [{ source: 'room', target: '房间' }],
        },
      }),
    );
    expect(result).toEqual({
      status: 'started',
      taskId: 'task-1',
      sessionId: 'session-1',
      requestId: 'req-1',
    });
    const request = server?.requests[0];
    expect(request?.signatureValid).toBe(true);
    expect(request?.headers['x-tc-action']).toBe('StartAITranscription');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      SdkAppId: 1400000000,
      RoomId: '1234',
      RoomIdType: 0,
      TranscriptionParams: {
        UserId: 'robot-1',
        UserSig: ROBOT_SIG,
        MaxIdleTime: 120,
        TranscriptionMode: 1,
        TargetUserId: 'alice',
        TargetUserIdList: ['alice', 'bob'],
        VoicePrint: { Mode: 1, IdList: ['vp-1'] },
        TurnDetection: { SemanticEagerness: 'auto' },
      },
      SessionId: 'session-1',
      RecognizeConfig: {
        Language: 'en',
        AlternativeLanguage: ['ja'],
        VadSilenceTime: 800,
        VadLevel: 3,
        HotWordList: 'TRTC|11,imbridge|100',
      },
      TranslationConfig: {
        TargetLanguages: ['zh', 'ja'],
        Mode: 2,
        TTSConfig: { VoiceId: 'v-1', Model: 'flow_01_ex', Speed: 1.5, Volume: 10 },
        Terminology: [{ Source: 'room', Target: '房间' }],
      },
    });
  });

  it('sends only the required fields when nothing else is given; a string room is type 1', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 't' }));
    await client.startAITranscription(startOptions({ roomId: '1234' }));
    expect(JSON.parse(server?.requests[0]?.body ?? '')).toEqual({
      SdkAppId: 1400000000,
      RoomId: '1234',
      RoomIdType: 1,
      TranscriptionParams: { UserId: 'robot-1', UserSig: ROBOT_SIG },
    });
  });

  it('rejects invalid options before any request, naming the field but never the UserSig', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 't' }));
    const base = startOptions();
    const params = base.transcriptionParams;
    const cases: unknown[] = [
      { ...base, roomId: 0 },
      { ...base, roomId: '' },
      { ...base, sdkAppId: '1400000000' },
      { ...base, transcriptionParams: { ...params, userSig: '' } },
      { ...base, transcriptionParams: { ...params, mode: 'single-user' } },
      { ...base, transcriptionParams: { ...params, UserSig: ROBOT_SIG } },
      { ...base, recognizeConfig: { vadLevel: 4 } },
      { ...base, recognizeConfig: { vadSilenceTimeMs: 2001 } },
      { ...base, recognizeConfig: { customParam: 'x' } },
      { ...base, recognizeConfig: { alternativeLanguages: ['16k_zh_large'] } },
      {
        ...base,
        recognizeConfig: {
          hotWords: Array.from({ length: 301 }, (_, i) => ({ word: `w${i}`, weight: 5 })),
        },
      },
      { ...base, translationConfig: { targetLanguages: [] } },
      { ...base, translationConfig: { targetLanguages: ['en'], mode: 'audio' } },
      { ...base, translationConfig: { targetLanguages: ['en'], ttsConfig: { speed: 1 } } },
      {
        ...base,
        translationConfig: { targetLanguages: ['en'], ttsConfig: { voiceId: 'v', speed: 2.5 } },
      },
      {
        ...base,
        translationConfig: { targetLanguages: ['en'], ttsConfig: { voiceId: 'v', volume: 0 } },
      },
    ];
    for (const options of cases) {
      const error = await rejection(
        client.startAITranscription(options as StartAITranscriptionOptions),
      );
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^TRTC startAITranscription: /);
      expect(everyText(error)).not.toContain(ROBOT_SIG);
    }
    expect(server?.requests).toHaveLength(0);
  });

  it('accepts 300 hot words and VadLevel 0–3', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 't' }));
    await client.startAITranscription(
      startOptions({
        recognizeConfig: {
          vadLevel: 0,
          hotWords: Array.from({ length: 300 }, (_, i) => ({ word: `w${i}`, weight: 5 })),
        },
      }),
    );
    expect(server?.requests).toHaveLength(1);
  });

  it('keeps the robot UserSig out of every error even when the server echoes it', async () => {
    const client = await clientFor((request, response) => {
      const body = JSON.parse(request.body) as { TranscriptionParams: { UserSig: string } };
      answerError(
        response,
        'InvalidParameter.UserSig',
        `bad sig ${body.TranscriptionParams.UserSig}`,
      );
    });
    const error = await rejection(client.startAITranscription(startOptions()));
    expect(APICallError.isInstance(error)).toBe(true);
    expect(everyText(error)).not.toContain(ROBOT_SIG);
  });

  it("turns FailedOperation.TaskExist into 'already-running' when a sessionId was given", async () => {
    const client = await clientFor((_request, response) =>
      answerError(response, 'FailedOperation.TaskExist', 'task exists'),
    );
    await expect(
      client.startAITranscription(startOptions({ sessionId: 'session-1' })),
    ).resolves.toEqual({ status: 'already-running', sessionId: 'session-1', requestId: 'req-1' });
    const error = await rejection(client.startAITranscription(startOptions()));
    expect(APICallError.isInstance(error) && error.providerCode).toBe('FailedOperation.TaskExist');
  });
});

describe('describeAITranscription and stopAITranscription', () => {
  it('describes by task or by session, then stops, mapping the status', async () => {
    const client = await clientFor((request, response) => {
      const action = request.headers['x-tc-action'];
      if (action === 'StopAITranscription') return answer(response, {});
      return answer(response, {
        TaskId: 'task-1',
        Status: 'InProgress',
        StartTime: '2026-01-08 10:00:00',
        SessionId: 'session-1',
      });
    });
    const byTask = await client.describeAITranscription({ taskId: 'task-1' });
    expect(byTask).toEqual({
      taskId: 'task-1',
      status: 'in-progress',
      vendorStatus: 'InProgress',
      startTime: '2026-01-08 10:00:00',
      sessionId: 'session-1',
      requestId: 'req-1',
    });
    await client.describeAITranscription({ sdkAppId: 1400000000, sessionId: 'session-1' });
    await expect(client.stopAITranscription({ taskId: 'task-1' })).resolves.toEqual({
      requestId: 'req-1',
    });
    expect(server?.requests.map((request) => request.headers['x-tc-action'])).toEqual([
      'DescribeAITranscription',
      'DescribeAITranscription',
      'StopAITranscription',
    ]);
    expect(server?.requests.map((request) => JSON.parse(request.body))).toEqual([
      { TaskId: 'task-1' },
      { TaskId: '', SdkAppId: 1400000000, SessionId: 'session-1' },
      { TaskId: 'task-1' },
    ]);
    expect(server?.requests.every((request) => request.signatureValid)).toBe(true);
  });

  it("maps a status this version does not know to 'unknown'", async () => {
    const client = await clientFor((_request, response) =>
      answer(response, { TaskId: 'task-1', Status: 'Paused', SessionId: '' }),
    );
    await expect(client.describeAITranscription({ taskId: 'task-1' })).resolves.toMatchObject({
      status: 'unknown',
      vendorStatus: 'Paused',
      sessionId: undefined,
    });
  });

  it('checks options before any request and reports an ended task as not-found', async () => {
    const client = await clientFor((_request, response) =>
      answerError(response, 'FailedOperation.TaskNotExist', 'gone'),
    );
    for (const options of [{ taskId: '' }, { sdkAppId: 1400000000 }, {}]) {
      const error = await rejection(client.describeAITranscription(options as never));
      expect(ValidationError.isInstance(error)).toBe(true);
    }
    expect(
      ValidationError.isInstance(await rejection(client.stopAITranscription({} as never))),
    ).toBe(true);
    expect(server?.requests).toHaveLength(0);
    const error = await rejection(client.stopAITranscription({ taskId: 'task-1' }));
    expect(APICallError.isInstance(error) && error.kind).toBe('not-found');
  });
});
