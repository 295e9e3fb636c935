import { inspect } from 'node:util';
import { APICallError, ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  answer,
  answerError,
  type LoopbackServer,
  startLoopback,
} from './__fixtures__/loopback.ts';
import { createTrtcClient } from './client.ts';
import type { StartAIConversationOptions } from './conversation-types.ts';

const SECRET_ID = 'AKIDloopback';
const SECRET_KEY = 'loopback-secret-key-0123456789';
const LLM_KEY = 'sk-llm-key-4f9a2c7e';
const TTS_KEY = 'tts-secret-key-88d1e0';

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
  overrides: Partial<StartAIConversationOptions> = {},
): StartAIConversationOptions {
  return {
    sdkAppId: 1400000000,
    roomId: 'room-7',
    agentConfig: { userId: 'agent-1', userSig: 'agent-user-sig-0001', targetUserId: 'alice' },
    llmConfig: {
      type: 'openai',
      model: 'gpt-4o-mini',
      apiKey: LLM_KEY,
      apiUrl: 'https://llm.example.com/v1/chat/completions',
      streaming: true,
    },
    ttsConfig: {
      type: 'tencent',
      appId: 1300000000,
      secretId: 'AKIDtts',
      secretKey: TTS_KEY,
      voiceType: 101001,
      speed: -1.25,
      volume: 10,
    },
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
  return [
    String(error),
    inspect(error, { depth: 5 }),
    JSON.stringify(error),
    record.message,
    record.hint,
  ]
    .map(String)
    .join('\n');
}

describe('startAIConversation', () => {
  it('sends camelCase options as TRTC wire fields, LLMConfig and TTSConfig as JSON strings', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 'task-1' }));
    const result = await client.startAIConversation(
      startOptions({
        sessionId: 'session-1',
        agentConfig: {
          userId: 'agent-1',
          userSig: 'agent-user-sig-0001',
          targetUserId: 'alice',
          maxIdleTimeSeconds: 30,
          interruptMode: 'client',
          turnDetectionMode: 'semantic',
          turnDetection: { semanticEagerness: 'high' },
          filterBracketsContent: '()',
        },
        sttConfig: {
          language: 'en',
          vadSilenceTimeMs: 600,
          hotWords: [{ word: 'TRTC', weight: 11 }],
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
    expect(request?.headers['x-tc-action']).toBe('StartAIConversation');
    const body = JSON.parse(request?.body ?? '') as Record<string, unknown>;
    expect(body).toEqual({
      SdkAppId: 1400000000,
      RoomId: 'room-7',
      RoomIdType: 1,
      AgentConfig: {
        UserId: 'agent-1',
        UserSig: 'agent-user-sig-0001',
        TargetUserId: 'alice',
        MaxIdleTime: 30,
        InterruptMode: 1,
        TurnDetectionMode: 3,
        TurnDetection: { SemanticEagerness: 'high' },
        FilterBracketsContent: 2,
      },
      SessionId: 'session-1',
      STTConfig: { Language: 'en', VadSilenceTime: 600, HotWordList: 'TRTC|11' },
      LLMConfig: expect.any(String),
      TTSConfig: expect.any(String),
    });
    expect(JSON.parse(body.LLMConfig as string)).toEqual({
      LLMType: 'openai',
      Model: 'gpt-4o-mini',
      APIKey: LLM_KEY,
      APIUrl: 'https://llm.example.com/v1/chat/completions',
      Streaming: true,
    });
    expect(JSON.parse(body.TTSConfig as string)).toEqual({
      TTSType: 'tencent',
      AppId: 1300000000,
      SecretId: 'AKIDtts',
      SecretKey: TTS_KEY,
      VoiceType: 101001,
      Speed: -1.25,
      Volume: 10,
    });
  });

  it('derives RoomIdType from the type of roomId: numbers 0, strings 1 even when numeric', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 't' }));
    await client.startAIConversation(startOptions({ roomId: 1234 }));
    await client.startAIConversation(startOptions({ roomId: '1234' }));
    const [numeric, text] = (server?.requests ?? []).map(
      (request) => JSON.parse(request.body) as Record<string, unknown>,
    );
    expect([numeric?.RoomId, numeric?.RoomIdType]).toEqual(['1234', 0]);
    expect([text?.RoomId, text?.RoomIdType]).toEqual(['1234', 1]);
  });

  it('passes vendor fields through extra, and refuses extra keys that replace typed ones', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 't' }));
    await client.startAIConversation(
      startOptions({
        llmConfig: {
          type: 'coze',
          model: 'bot',
          apiKey: LLM_KEY,
          apiUrl: 'https://api.coze.com/v3/chat',
          extra: { BotId: 'b-1', conversation_id: 'c-1' },
        },
      }),
    );
    const body = JSON.parse(server?.requests[0]?.body ?? '') as { LLMConfig: string };
    expect(JSON.parse(body.LLMConfig)).toMatchObject({ LLMType: 'coze', BotId: 'b-1' });
    const error = await rejection(
      client.startAIConversation(
        startOptions({
          llmConfig: { ...startOptions().llmConfig, extra: { APIKey: 'other' } },
        }),
      ),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(server?.requests).toHaveLength(1);
  });

  it('rejects invalid options before any request, naming the field but never a secret', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 't' }));
    const base = startOptions();
    const cases: unknown[] = [
      { ...base, roomId: 0 },
      { ...base, roomId: 1.5 },
      { ...base, roomId: '' },
      { ...base, sdkAppId: '1400000000' },
      { ...base, agentConfig: { ...base.agentConfig, targetUserId: '' } },
      { ...base, ttsConfig: { ...base.ttsConfig, speed: 6.5 } },
      { ...base, ttsConfig: { ...base.ttsConfig, speed: 1.234 } },
      { ...base, ttsConfig: { ...base.ttsConfig, volume: 11 } },
      { ...base, ttsConfig: { type: 'flow', voiceId: 'v', model: 'm', speed: 3 } },
      { ...base, llmConfig: { ...base.llmConfig, apiUrl: 'not a url' } },
      { ...base, llmConfig: { ...base.llmConfig, timeoutSeconds: 51 } },
      { ...base, llmConfig: { ...base.llmConfig, APIKey: LLM_KEY } },
      { ...base, sttConfig: { vadSilenceTimeMs: 100 } },
      { ...base, sttConfig: { alternativeLanguages: ['16k_zh_large'] } },
      { ...base, sttConfig: { hotWords: [{ word: 'a', weight: 12 }] } },
    ];
    for (const options of cases) {
      const error = await rejection(
        client.startAIConversation(options as StartAIConversationOptions),
      );
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^TRTC startAIConversation: /);
      expect(everyText(error)).not.toContain(LLM_KEY);
      expect(everyText(error)).not.toContain(TTS_KEY);
    }
    expect(server?.requests).toHaveLength(0);
  });

  it('accepts TTS Speed decimals across [-2, 6] and Volume across [0, 10]', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 't' }));
    for (const [speed, volume] of [
      [-2, 0],
      [0.55, 5.5],
      [6, 10],
    ] as const) {
      await client.startAIConversation(
        startOptions({ ttsConfig: { ...startOptions().ttsConfig, speed, volume } as never }),
      );
    }
    expect(server?.requests).toHaveLength(3);
  });

  it("turns FailedOperation.TaskExist into 'already-running' when a sessionId was given", async () => {
    const client = await clientFor((_request, response) =>
      answerError(response, 'FailedOperation.TaskExist', 'task exists'),
    );
    await expect(
      client.startAIConversation(startOptions({ sessionId: 'session-1' })),
    ).resolves.toEqual({ status: 'already-running', sessionId: 'session-1', requestId: 'req-1' });
    const error = await rejection(client.startAIConversation(startOptions()));
    expect(APICallError.isInstance(error) && error.providerCode).toBe('FailedOperation.TaskExist');
  });

  it('keeps the LLM and TTS keys out of every error even when the server echoes the body', async () => {
    // The server echoes each key as sent (twice JSON-escaped), once-escaped, and decoded.
    const client = await clientFor((request, response) => {
      const body = JSON.parse(request.body) as { LLMConfig: string; TTSConfig: string };
      const llm = JSON.parse(body.LLMConfig) as { APIKey: string };
      const tts = JSON.parse(body.TTSConfig) as { SecretKey: string };
      const raw = (key: string) => {
        const at = request.body.indexOf(key);
        return request.body.slice(at, at + 120);
      };
      answerError(
        response,
        'InvalidParameter',
        `${llm.APIKey} ${tts.SecretKey} ${body.LLMConfig.slice(body.LLMConfig.indexOf('APIKey'), body.LLMConfig.indexOf('APIUrl'))} ${raw('SecretKey')}`,
      );
    });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 8, maxLength: 24 }).filter((key) => key.trim() !== ''),
        fc.string({ minLength: 8, maxLength: 24 }).filter((key) => key.trim() !== ''),
        async (llmKey, ttsKey) => {
          const base = startOptions();
          const error = await rejection(
            client.startAIConversation({
              ...base,
              llmConfig: { ...base.llmConfig, apiKey: async () => llmKey },
              ttsConfig: { ...base.ttsConfig, secretKey: ttsKey } as never,
            }),
          );
          expect(APICallError.isInstance(error)).toBe(true);
          expect((error as Error).message).toContain('[redacted]');
          const text = everyText(error);
          for (const key of [llmKey, ttsKey]) {
            expect(text).not.toContain(key);
            expect(text).not.toContain(JSON.stringify(key).slice(1, -1));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('describeAIConversation and stopAIConversation', () => {
  it('describes by task or by session, then stops, mapping the status', async () => {
    const client = await clientFor((request, response) => {
      const action = request.headers['x-tc-action'];
      if (action === 'StopAIConversation') return answer(response, {});
      return answer(response, {
        TaskId: 'task-1',
        Status: 'InProgress',
        StartTime: '2026-01-08 10:00:00',
        SessionId: 'session-1',
      });
    });
    const byTask = await client.describeAIConversation({ taskId: 'task-1' });
    expect(byTask).toEqual({
      taskId: 'task-1',
      status: 'in-progress',
      vendorStatus: 'InProgress',
      startTime: '2026-01-08 10:00:00',
      sessionId: 'session-1',
      requestId: 'req-1',
    });
    await client.describeAIConversation({ sdkAppId: 1400000000, sessionId: 'session-1' });
    await expect(client.stopAIConversation({ taskId: 'task-1' })).resolves.toEqual({
      requestId: 'req-1',
    });
    expect(server?.requests.map((request) => JSON.parse(request.body))).toEqual([
      { TaskId: 'task-1' },
      { SdkAppId: 1400000000, SessionId: 'session-1' },
      { TaskId: 'task-1' },
    ]);
    expect(server?.requests.every((request) => request.signatureValid)).toBe(true);
  });

  it('reports an ended task as a not-found APICallError', async () => {
    const client = await clientFor((_request, response) =>
      answerError(response, 'FailedOperation.TaskNotExist', 'gone'),
    );
    const error = await rejection(client.stopAIConversation({ taskId: 'task-1' }));
    expect(APICallError.isInstance(error) && error.kind).toBe('not-found');
  });
});

describe('updateAIConversation and controlAIConversation', () => {
  it('sends only the fields given, with a new LLMConfig as a JSON string', async () => {
    const client = await clientFor((_request, response) => answer(response, {}));
    await client.updateAIConversation({
      taskId: 'task-1',
      interruptMode: 'server',
      llmConfig: startOptions().llmConfig,
    });
    const body = JSON.parse(server?.requests[0]?.body ?? '') as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['TaskId', 'InterruptMode', 'LLMConfig']);
    expect(body.InterruptMode).toBe(0);
    expect(JSON.parse(body.LLMConfig as string)).toMatchObject({ APIKey: LLM_KEY });
  });

  it('sends ServerPushText and InvokeLLM commands in TRTC form', async () => {
    const client = await clientFor((_request, response) => answer(response, {}));
    await client.controlAIConversation({
      taskId: 'task-1',
      command: 'server-push-text',
      text: 'Hello',
      interrupt: false,
      dropMode: 'queue',
      metaInfo: { id: 1 },
    });
    await client.controlAIConversation({ taskId: 'task-1', command: 'invoke-llm', content: 'Hi' });
    expect(server?.requests.map((request) => JSON.parse(request.body))).toEqual([
      {
        TaskId: 'task-1',
        Command: 'ServerPushText',
        ServerPushText: { Text: 'Hello', Interrupt: false, DropMode: 1, MetaInfo: '{"id":1}' },
      },
      { TaskId: 'task-1', Command: 'InvokeLLM', InvokeLLM: { Content: 'Hi' } },
    ]);
    const error = await rejection(
      client.controlAIConversation({ taskId: 'task-1', command: 'server-push-text' }),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(server?.requests).toHaveLength(2);
  });
});
