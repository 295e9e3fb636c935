import { memoryState, ValidationError } from '@imbridge/core';
import { decodeJwt, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AgentHarness,
  APP_SECRET_KEY,
  llmConfigOf,
  postUtterance,
  SDK_APP_ID,
  startAgentHarness,
  streamedText,
  trtcHeaders,
} from './__fixtures__/agent-harness.ts';
import { deriveSessionKey } from './session-token.ts';
import { createVoiceAgent } from './voice-agent.ts';

const opened: AgentHarness[] = [];
async function harness(...args: Parameters<typeof startAgentHarness>): Promise<AgentHarness> {
  const started = await startAgentHarness(...args);
  opened.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((started) => started.close()));
});

function rejections(h: AgentHarness) {
  return h.logger.entries.filter((entry) => entry.event === 'webhook-rejected');
}

async function startAlice(h: AgentHarness, sessionId = 'session-alice') {
  const session = await h.agent.start({ roomId: 1234, targetUserId: 'alice', sessionId });
  if (session.taskId === undefined) throw new Error('no task');
  const key = llmConfigOf(h.local, session.taskId).APIKey as string;
  return { session, key, taskId: session.taskId };
}

/** A memory state whose `method` fails from the moment it is broken (decided per call). */
function flakyState() {
  const state = memoryState();
  let broken: string | undefined;
  const flaky = new Proxy(state, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // Decided per call: the agent wraps the methods once, at creation.
      return (...args: unknown[]) =>
        property === broken
          ? Promise.reject(new Error('store down'))
          : Reflect.apply(value, target, args);
    },
  });
  return { state: flaky, breakMethod: (method: string | undefined) => (broken = method) };
}

describe('createVoiceAgent: options and state failures', () => {
  const base = {
    trtc: { startAIConversation: async () => ({}) } as unknown as Parameters<
      typeof createVoiceAgent
    >[0]['trtc'],
    sdkAppId: SDK_APP_ID,
    secretKey: APP_SECRET_KEY,
    model: { specificationVersion: 'v1', provider: 'p', modelId: 'm', stream: () => [] } as never,
    publicUrl: 'https://bot.example.com/trtc/v1/',
    ttsConfig: { type: 'flow', voiceId: 'v', model: 'flow_01_turbo' } as const,
  };

  it('appends /chat/completions to publicUrl unless it ends with it', () => {
    expect(createVoiceAgent(base).apiUrl).toBe('https://bot.example.com/trtc/v1/chat/completions');
    expect(
      createVoiceAgent({ ...base, publicUrl: 'https://bot.example.com/llm/chat/completions' })
        .apiUrl,
    ).toBe('https://bot.example.com/llm/chat/completions');
  });

  it.each([
    ['publicUrl', { publicUrl: 'ftp://bot.example.com' }],
    ['publicUrl', { publicUrl: 'https://bot.example.com/v1?key=1' }],
    ['publicUrl', { publicUrl: '/relative' }],
    ['secretKey', { secretKey: '' }],
    ['secretKey', { secretKey: undefined }],
    ['sdkAppId', { sdkAppId: Number.NaN }],
    ['tokenSecret', { tokenSecret: 'too-short' }],
    ['tokenTtlSeconds', { tokenTtlSeconds: 10 }],
    ['agentUserId', { agentUserId: 'has space' }],
    ['model', { model: {} }],
    ['trtc', { trtc: {} }],
    ['state', { state: 'redis://' }],
    ['maxBodyBytes', { maxBodyBytes: 0 }],
  ])('refuses a bad %s at creation, without showing a secret', (name, change) => {
    let thrown: unknown;
    try {
      createVoiceAgent({ ...base, ...(change as object) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as Error).message).toContain(name);
    expect((thrown as Error).message).not.toContain(APP_SECRET_KEY);
    expect((thrown as Error).message).not.toContain('too-short');
  });

  it('fails closed when the stop check cannot be read, and answers without history when history cannot', async () => {
    const { state: flaky, breakMethod } = flakyState();
    const h = await harness({ state: flaky });
    const { key } = await startAlice(h);
    const headers = trtcHeaders(key, { roomId: '1234', userId: 'alice' });
    breakMethod('get');
    expect((await postUtterance(h.endpointUrl, headers, 'hi')).status).toBe(401);
    expect(rejections(h).at(-1)).toMatchObject({ level: 'error', reason: 'authenticate-failed' });
    expect(h.model.calls).toHaveLength(0);
    breakMethod('getList');
    const answered = await postUtterance(h.endpointUrl, headers, 'hi');
    expect(streamedText(answered.body)).toBe('You said: hi');
    expect(h.logger.entries.find((entry) => entry.event === 'state-failed')).toMatchObject({
      level: 'warn',
      operation: 'history',
      conversationId: 'session-alice',
    });
  });

  it('signs keys with tokenSecret when given: keys of a secretKey-derived agent are refused', async () => {
    const h = await harness({ tokenSecret: 'x'.repeat(40) });
    const { key } = await startAlice(h);
    const headers = trtcHeaders(key, { roomId: '1234', userId: 'alice' });
    expect((await postUtterance(h.endpointUrl, headers, 'hi')).status).toBe(200);
    const forged = await new SignJWT(decodeJwt(key))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(await deriveSessionKey(APP_SECRET_KEY));
    const refused = await postUtterance(
      h.endpointUrl,
      { ...headers, authorization: `Bearer ${forged}` },
      'hi',
    );
    expect(refused.status).toBe(401);
  });

  it('undoes a start whose session it cannot record (stops the task, throws the state error)', async () => {
    const { state, breakMethod } = flakyState();
    const h = await harness({ state });
    breakMethod('set');
    await expect(h.agent.start({ roomId: 7, targetUserId: 'alice' })).rejects.toThrow('store down');
    expect(h.local.tasks.map((task) => task.status)).toEqual(['Stopped']);
  });

  it('stops the task even when it cannot record the stop, and logs the failure', async () => {
    const { state, breakMethod } = flakyState();
    const h = await harness({ state });
    const { taskId } = await startAlice(h);
    breakMethod('set');
    expect(await h.agent.stop({ taskId })).toMatchObject({ status: 'stopped' });
    expect(h.local.tasks[0]?.status).toBe('Stopped');
    expect(h.logger.entries.find((entry) => entry.event === 'state-failed')).toMatchObject({
      level: 'error',
      operation: 'revoke-key',
      conversationId: 'session-alice',
    });
  });

  it('says the text even when it cannot add it to the conversation, and logs the failure', async () => {
    const { state, breakMethod } = flakyState();
    const h = await harness({ state });
    const { taskId } = await startAlice(h);
    breakMethod('get');
    await h.agent.say({ taskId, text: 'Hold on.' });
    expect(h.local.pushedTexts.map((pushed) => pushed.text)).toEqual(['Hold on.']);
    expect(h.logger.entries.find((entry) => entry.event === 'state-failed')).toMatchObject({
      level: 'warn',
      operation: 'record-said',
    });
  });
});
