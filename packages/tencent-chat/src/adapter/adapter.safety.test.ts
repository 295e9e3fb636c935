import { ValidationError } from '@imbridge/core';
import { memoryLogger, textSteps } from '@imbridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalTencentChat } from '../testing/local-tencent-chat.ts';
import { computeCallbackSign } from '../webhooks/sign.ts';
import {
  payloadOf,
  ROBOT,
  robotMessages,
  SDK_APP_ID,
  SECRET,
  shown,
  start,
  stopRunning,
  TOKEN,
  waitFor,
} from './__fixtures__/harness.ts';
import { createTencentChatAdapter } from './adapter.ts';

afterEach(stopRunning);

const base = { sdkAppId: SDK_APP_ID, secretKey: SECRET, adminUserId: 'administrator' };
const FAST_FINAL = { maxRetries: 6, initialDelayMs: 20, maxDelayMs: 80 };

describe('createTencentChatAdapter: safe by default', () => {
  it('requires callbackToken at construction, naming the env variable and the explicit way out', () => {
    expect(() => createTencentChatAdapter({ ...base })).toThrow(ValidationError);
    expect(() => createTencentChatAdapter({ ...base, callbackToken: undefined })).toThrow(
      /callbackToken must be the callback token from the console \(or pass verifySignatures: false .*\), received nothing \(undefined\) \(examples read it from TENCENT_IM_CALLBACK_TOKEN\)/,
    );
  });

  it("fails at construction on callbackToken: '' (not as a 500 on every webhook)", () => {
    expect(() => createTencentChatAdapter({ ...base, callbackToken: '' })).toThrow(
      /callbackToken must be a non-empty string or a function returning one, received an empty string/,
    );
  });

  it('checks its own options when created', () => {
    const token = { ...base, callbackToken: TOKEN };
    expect(() =>
      createTencentChatAdapter({ ...token, streamMode: 'markdown' as 'stream-elem' }),
    ).toThrow(/streamMode must be one of 'custom-message', 'stream-elem', 'text-modify'/);
    expect(() => createTencentChatAdapter({ ...token, robotIds: ['assistant'] })).toThrow(
      /robotIds must be robot ids that start with @RBT#, received "assistant"/,
    );
    expect(() => createTencentChatAdapter({ ...token, minUpdateIntervalMs: Number.NaN })).toThrow(
      /minUpdateIntervalMs .* received NaN/,
    );
  });

  it('turns signature checks off only with verifySignatures: false, and warns once', async () => {
    const logger = memoryLogger();
    const adapter = createTencentChatAdapter({ ...base, verifySignatures: false, logger });
    const warnings = logger.entries.filter((entry) => entry.event === 'signature-check-disabled');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe('warn');
    const body = JSON.stringify({ CallbackCommand: 'State.StateChange' });
    const request = new Request(`https://bot.example/hook?SdkAppid=${SDK_APP_ID}`, {
      method: 'POST',
      body,
    });
    const received = await adapter.receive(request);
    expect(received.response.status).toBe(200);
    expect(
      logger.entries.filter((entry) => entry.event === 'signature-check-disabled'),
    ).toHaveLength(1);
  });
});

describe('createTencentChatAdapter: visible by default', () => {
  const signedUrl = async (extra = '', token = TOKEN): Promise<string> => {
    const requestTime = Math.floor(Date.now() / 1000);
    const sign = await computeCallbackSign(token, requestTime);
    return `https://bot.example/hook?SdkAppid=${SDK_APP_ID}&RequestTime=${requestTime}&Sign=${sign}${extra}`;
  };

  it('logs every rejected webhook with its reason: bad Sign, wrong app, bad JSON, oversized body', async () => {
    const logger = memoryLogger();
    const adapter = createTencentChatAdapter({ ...base, callbackToken: TOKEN, logger });
    const statuses: number[] = [];
    const post = async (url: string, body: string, headers: Record<string, string> = {}) => {
      const { response, events } = await adapter.receive(
        new Request(url, { method: 'POST', body, headers }),
      );
      expect(events).toEqual([]);
      statuses.push(response.status);
    };
    await post(await signedUrl('', 'wrong-token'), '{}');
    await post((await signedUrl()).replace(`SdkAppid=${SDK_APP_ID}`, 'SdkAppid=1400000999'), '{}');
    await post(await signedUrl(), 'not json');
    await post(await signedUrl(), '{}', { 'content-length': String(2 * 1024 * 1024) });
    expect(statuses).toEqual([401, 401, 400, 413]);
    const rejected = logger.entries.filter((entry) => entry.event === 'webhook-rejected');
    expect(rejected.map((entry) => [entry.level, 'reason' in entry ? entry.reason : ''])).toEqual([
      ['warn', 'signature-mismatch'],
      ['warn', 'signature-app-mismatch'],
      ['warn', 'invalid-json'],
      ['warn', 'body-too-large'],
    ]);
    expect(JSON.stringify(logger.entries)).not.toContain(TOKEN);
  });
});

/** Counts the local Tencent Chat's requests to one API. */
function callsTo(chat: LocalTencentChat, api: string): number {
  return chat.requests.filter((record) => record.api === api).length;
}

describe('final update: one retry owner, bounded, delivered when the limit clears', () => {
  it('delivers the final update once a sustained rate limit clears, in 1 + faults requests', async () => {
    const running = await start({
      scripts: [{ steps: textSteps('All done.', { chunkSize: 100 }) }],
      adapter: { finalUpdateRetry: FAST_FINAL },
    });
    const { chat, bot } = running;
    // The first update sends the message; the final modify meets 4 rate-limit answers.
    chat.failNext('openim/modify_c2c_msg', 60007, 4);
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hi' });
    await bot.idle();
    const [reply, ...rest] = robotMessages(chat);
    expect(rest).toHaveLength(0);
    expect(shown(reply?.elements ?? [])).toEqual({
      kind: 'stream',
      text: 'All done.',
      finished: true,
    });
    expect(callsTo(chat, 'openim/modify_c2c_msg')).toBe(5);
  });

  it('gives up after 1 + maxRetries requests under a limit that never clears, then posts the error message', async () => {
    const running = await start({
      scripts: [{ steps: textSteps('Never finished.', { chunkSize: 100 }) }],
      adapter: { finalUpdateRetry: FAST_FINAL },
    });
    const { chat, bot, logs } = running;
    chat.failNext('openim/modify_c2c_msg', 60007, 1000);
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hi' });
    await bot.idle();
    // Was 18 (transport ×3 inside the pacer ×6); one owner now: 1 + maxRetries.
    expect(callsTo(chat, 'openim/modify_c2c_msg')).toBe(1 + FAST_FINAL.maxRetries);
    const [, error] = robotMessages(chat);
    expect(payloadOf(error?.elements ?? [])?.kind).toBe('error');
    expect(logs.find((entry) => entry.event === 'update-failed')).toMatchObject({ final: true });
  });
});

describe('stream-elem: a model pause longer than the stream gap', () => {
  it('continues the reply in a new stream message instead of losing it', async () => {
    const running = await start({
      streamMode: 'stream-elem',
      minUpdateIntervalMs: 20,
      local: { streamIdleLimitMs: 300 },
      adapter: { streamIdleLimitMs: 300 },
      scripts: [
        {
          steps: [
            { type: 'text', text: 'Before the pause. ' },
            { type: 'text', text: 'After the pause.', delayMs: 600 },
          ],
        },
      ],
    });
    const { chat, bot } = running;
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Think slowly' });
    await bot.idle();
    const messages = robotMessages(chat);
    const texts = messages.map((message) =>
      message.elements
        .map((element) => (element.type === 'stream' ? element.compatibleText : ''))
        .join(''),
    );
    expect(texts.join('')).toBe('Before the pause. After the pause.');
    expect(messages).toHaveLength(2);
    expect(messages.every((message) => message.stream?.ended === true)).toBe(true);
  });

  it('sends nothing more when the model pauses past the gap and then finishes with no new text', async () => {
    const running = await start({
      streamMode: 'stream-elem',
      minUpdateIntervalMs: 20,
      local: { streamIdleLimitMs: 300 },
      adapter: { streamIdleLimitMs: 300 },
      scripts: [
        {
          steps: [
            { type: 'text', text: 'Complete already.' },
            { type: 'text', text: '', delayMs: 500 },
          ],
        },
      ],
    });
    const { chat, bot } = running;
    await chat.userSends({ from: 'alice', to: ROBOT, text: 'Hi' });
    await waitFor(() => robotMessages(chat).length === 1);
    await bot.idle();
    const messages = robotMessages(chat);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.stream?.ended).toBe(true);
  });
});
