import { AbortedError, type ModelEvent, type ModelMessage } from '@imbridge/core';
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';
import { createModel, describeModel } from './model.ts';
import { createOfflineModel, OFFLINE_MODEL_ID, offlineAnswer, toDeltas } from './offline-model.ts';

const user = (content: string): ModelMessage => ({ role: 'user', content });
const assistant = (content: string): ModelMessage => ({ role: 'assistant', content });

describe('the offline model', () => {
  it('greets, recalls what the user said earlier in the call, and echoes the rest', () => {
    expect(offlineAnswer([user('Hello?')])).toMatch(/^Loud and clear!/);
    expect(offlineAnswer([user('What did I say before?')])).toBe(
      'This is the first thing you said to me in this call, so there is nothing to recall yet.',
    );
    expect(
      offlineAnswer([
        user('Hi there'),
        assistant('Loud and clear!'),
        user('Call me at noon.'),
        assistant('You said…'),
        user('Do you remember what I asked?'),
      ]),
    ).toBe(
      'Before this you said "Hi there", then "Call me at noon". I remember because the server keeps this call\'s conversation.',
    );
    expect(offlineAnswer([user('Turn on the lights!')])).toBe(
      'You said "Turn on the lights". I am the offline demo model: set MODEL to use a real one.',
    );
  });

  it('streams the answer in deltas of four words, then finishes', async () => {
    const model = createOfflineModel({ chunkDelayMs: 0 });
    const events: ModelEvent[] = [];
    for await (const event of model.stream({ messages: [user('Turn on the lights!')] })) {
      events.push(event);
    }
    const answer = offlineAnswer([user('Turn on the lights!')]);
    expect(events).toEqual([
      ...toDeltas(answer).map((text) => ({ type: 'text-delta', text })),
      { type: 'finish', reason: 'stop' },
    ]);
    expect(toDeltas(answer)[0]).toBe('You said "Turn on ');
    expect(model.modelId).toBe(OFFLINE_MODEL_ID);
  });

  it('stops as soon as the call is aborted', async () => {
    const model = createOfflineModel({ chunkDelayMs: 20 });
    const controller = new AbortController();
    const texts: string[] = [];
    const reading = (async () => {
      for await (const event of model.stream({
        messages: [user('Turn on the lights!')],
        signal: controller.signal,
      })) {
        if (event.type === 'text-delta') texts.push(event.text);
        if (texts.length === 1) controller.abort();
      }
    })();
    await expect(reading).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(texts).toHaveLength(1);
  });
});

describe('createModel', () => {
  const env = {
    TRTC_SDK_APP_ID: '1400123456',
    TRTC_SECRET_KEY: 'trtc-sdk-secret',
    TENCENTCLOUD_SECRET_ID: 'AKIDexample',
    TENCENTCLOUD_SECRET_KEY: 'cloud-api-secret',
    TRTC_AGENT_PUBLIC_URL: 'https://bot.example.com/trtc/v1',
    ADMIN_TOKEN: 'admin-token-0123456789',
  };

  it('builds the model MODEL names, and describes it without its key', () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{}, 'offline', 'the offline scripted model (set MODEL for a real one)'],
      [
        {
          MODEL: 'openai-compatible',
          LLM_BASE_URL: 'https://api.deepseek.com',
          LLM_MODEL: 'deepseek-chat',
          LLM_API_KEY: 'sk-secret-1',
        },
        'openai-compatible',
        'deepseek-chat at https://api.deepseek.com',
      ],
      [
        { MODEL: 'dify', DIFY_API_KEY: 'app-secret-2', DIFY_APP: 'chatflow' },
        'dify',
        'the Dify chatflow app at https://api.dify.ai/v1',
      ],
      [{ MODEL: 'minimax', MINIMAX_API_KEY: 'mm-secret-3' }, 'minimax', 'MiniMax MiniMax-M2'],
    ];
    for (const [extra, provider, description] of cases) {
      const settings = readConfig({ ...env, ...extra }).model;
      expect(createModel(settings).provider).toBe(provider);
      expect(describeModel(settings)).toBe(description);
      expect(description).not.toMatch(/secret/);
    }
  });
});
