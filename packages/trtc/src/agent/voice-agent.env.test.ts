import { ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTrtcClient } from '../client/client.ts';
import { createLocalTRTC } from '../testing/local-trtc.ts';
import type { LocalTRTC } from '../testing/types.ts';
import {
  API_SECRET_KEY,
  APP_SECRET_KEY,
  llmConfigOf,
  recordingModel,
  SDK_APP_ID,
  SECRET_ID,
} from './__fixtures__/agent-harness.ts';
import { createVoiceAgent } from './voice-agent.ts';

const PUBLIC_URL = 'https://bot.example.com/trtc/v1';
const ttsConfig = { type: 'flow', voiceId: 'v-female-R2s4N9qJ', model: 'flow_01_turbo' } as const;

const running: LocalTRTC[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const local of running.splice(0)) await local.close();
});

/** The variables of the example (`examples/trtc-voice-agent/.env.example`). */
function variables(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TENCENTCLOUD_SECRET_ID: SECRET_ID,
    TENCENTCLOUD_SECRET_KEY: API_SECRET_KEY,
    TENCENTCLOUD_REGION: 'ap-guangzhou',
    TRTC_SDK_APP_ID: String(SDK_APP_ID),
    TRTC_SECRET_KEY: APP_SECRET_KEY,
    TRTC_AGENT_PUBLIC_URL: PUBLIC_URL,
    ...extra,
  };
}

function thrown(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

async function localTrtc(): Promise<LocalTRTC> {
  const local = await createLocalTRTC({
    secretId: SECRET_ID,
    secretKey: API_SECRET_KEY,
    sdkAppId: SDK_APP_ID,
    webhookRetry: false,
  });
  running.push(local);
  return local;
}

describe('createVoiceAgent: settings from the environment', () => {
  it('takes every setting from env alone and starts a conversation signed with the env key', async () => {
    const local = await localTrtc();
    const agent = createVoiceAgent({
      env: variables({ TRTC_BASE_URL: local.baseUrl }),
      model: recordingModel(),
      ttsConfig,
      logger: false,
    });
    expect(agent.apiUrl).toBe(`${PUBLIC_URL}/chat/completions`);
    // The local TRTC checks the TC3 signature made with TENCENTCLOUD_SECRET_KEY.
    const session = await agent.start({ roomId: 1234, targetUserId: 'alice' });
    expect(session.status).toBe('started');
    const task = local.tasks.find((candidate) => candidate.taskId === session.taskId);
    expect(task?.targetUserId).toBe('alice');
    expect(local.requests.at(-1)).toMatchObject({
      region: 'ap-guangzhou',
      secretId: SECRET_ID,
      errorCode: undefined,
    });
    expect(llmConfigOf(local, session.taskId ?? '').APIUrl).toBe(`${PUBLIC_URL}/chat/completions`);
  });

  it('reads process.env on Node when no env option is given', () => {
    for (const [name, value] of Object.entries(variables())) vi.stubEnv(name, value);
    const agent = createVoiceAgent({ model: recordingModel(), ttsConfig, logger: false });
    expect(agent.apiUrl).toBe(`${PUBLIC_URL}/chat/completions`);
  });

  it('lets an explicit option win over its variable', () => {
    const agent = createVoiceAgent({
      env: variables({ TRTC_AGENT_PUBLIC_URL: 'https://env.example.com/v1' }),
      publicUrl: 'https://code.example.com/v1',
      model: recordingModel(),
      ttsConfig,
      logger: false,
    });
    expect(agent.apiUrl).toBe('https://code.example.com/v1/chat/completions');
  });

  it.each([
    ['TRTC_SDK_APP_ID', 'sdkAppId'],
    ['TRTC_SECRET_KEY', 'secretKey'],
    ['TRTC_AGENT_PUBLIC_URL', 'publicUrl'],
  ])('names %s and the option %s when the setting is in neither', (variable, option) => {
    const env = variables();
    delete env[variable];
    const error = thrown(() =>
      createVoiceAgent({ env, model: recordingModel(), ttsConfig, logger: false }),
    );
    expect(error.message).toContain(
      `createVoiceAgent: ${option} is required (option ${option} or env ${variable})`,
    );
    expect(error.message).not.toContain(APP_SECRET_KEY);
    expect(error.message).not.toContain(API_SECRET_KEY);
  });

  it('makes its client from the environment too, naming the client in its errors', () => {
    const env = variables();
    delete env.TENCENTCLOUD_SECRET_KEY;
    const error = thrown(() =>
      createVoiceAgent({ env, model: recordingModel(), ttsConfig, logger: false }),
    );
    expect(error.message).toMatch(
      /^createTrtcClient: credentials\.secretKey is required \(option credentials\.secretKey or env TENCENTCLOUD_SECRET_KEY\)/,
    );
  });

  it.each([
    [
      'TRTC_SDK_APP_ID',
      'abc',
      /env TRTC_SDK_APP_ID \(option sdkAppId\) must be an integer from 1 to 4294967295, received "abc"/,
    ],
    ['TRTC_SDK_APP_ID', '-1', /env TRTC_SDK_APP_ID/],
    [
      'TRTC_AGENT_PUBLIC_URL',
      'ftp://x',
      /publicUrl must be an absolute http\(s\) URL.*TRTC_AGENT_PUBLIC_URL/,
    ],
    [
      'TRTC_ENDPOINT',
      'mars',
      /env TRTC_ENDPOINT \(option endpoint\) must be one of china, international/,
    ],
    ['TRTC_BASE_URL', 'nope', /env TRTC_BASE_URL \(option baseUrl\) must be an http\(s\) URL/],
    [
      'TENCENTCLOUD_REGION',
      'Guangzhou',
      /region must be a region such as ap-guangzhou.*TENCENTCLOUD_REGION/,
    ],
  ])('refuses a malformed %s (%s) at creation, naming the variable', (name, value, message) => {
    const error = thrown(() =>
      createVoiceAgent({
        env: variables({ [name]: value }),
        model: recordingModel(),
        ttsConfig,
        logger: false,
      }),
    );
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(APP_SECRET_KEY);
  });

  it('does not crash where there is no process global (edge runtimes)', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process');
    let missing: unknown;
    let configured: unknown;
    try {
      // Synchronous: nothing else runs while `process` is gone.
      Reflect.deleteProperty(globalThis, 'process');
      try {
        createVoiceAgent({ model: recordingModel(), ttsConfig, logger: false });
      } catch (error) {
        missing = error;
      }
      configured = createVoiceAgent({
        env: variables(),
        model: recordingModel(),
        ttsConfig,
        logger: false,
      }).apiUrl;
    } finally {
      if (descriptor !== undefined) Object.defineProperty(globalThis, 'process', descriptor);
    }
    expect(globalThis.process).toBeDefined();
    expect(ValidationError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/sdkAppId is required .*TRTC_SDK_APP_ID/);
    expect(configured).toBe(`${PUBLIC_URL}/chat/completions`);
  });
});

describe('createTrtcClient: settings from the environment', () => {
  it('reads the region, the endpoint and the base URL; an explicit one wins', async () => {
    const local = await localTrtc();
    const fromEnv = createTrtcClient({ env: variables({ TRTC_BASE_URL: local.baseUrl }) });
    await fromEnv.call('DescribeAIConversation', { TaskId: 'none' }).catch(() => undefined);
    const first = local.requests.at(-1);
    expect(first).toMatchObject({ region: 'ap-guangzhou', secretId: SECRET_ID });
    expect(first?.errorCode ?? '').not.toMatch(/^AuthFailure/);

    const explicit = createTrtcClient({
      env: variables({ TRTC_BASE_URL: 'http://127.0.0.1:9', TENCENTCLOUD_REGION: 'ap-tokyo' }),
      baseUrl: local.baseUrl,
      region: 'ap-singapore',
    });
    await explicit.call('DescribeAIConversation', { TaskId: 'none' }).catch(() => undefined);
    expect(local.requests.at(-1)?.region).toBe('ap-singapore');
  });

  it('names the variable when the region is in neither', () => {
    const env = variables();
    delete env.TENCENTCLOUD_REGION;
    expect(thrown(() => createTrtcClient({ env })).message).toMatch(
      /^createTrtcClient: region is required \(option region or env TENCENTCLOUD_REGION\)/,
    );
  });
});
