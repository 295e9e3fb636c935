import { AbortedError, APICallError, ValidationError } from '@imbridge/core';
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
import {
  DIRECT,
  GROUP,
  shownText,
  startAdapter,
  stopAdapters,
  updateApi,
} from './__fixtures__/local-adapter.ts';
import { createTencentChatAdapter } from './adapter.ts';
import { DEFAULT_FINAL_UPDATE_RETRY } from './options.ts';

afterEach(stopRunning);
afterEach(stopAdapters);

const base = { sdkAppId: SDK_APP_ID, secretKey: SECRET, adminUserId: 'administrator' };
const FAST_FINAL = { maxRetries: 6, initialDelayMs: 20, maxDelayMs: 80 };

describe('createTencentChatAdapter: safe by default', () => {
  it('requires callbackToken at construction, naming the env variable and the explicit way out', () => {
    expect(() => createTencentChatAdapter({ ...base, env: {} })).toThrow(ValidationError);
    expect(() => createTencentChatAdapter({ ...base, callbackToken: undefined, env: {} })).toThrow(
      /callbackToken is required \(option callbackToken or env TENCENT_IM_CALLBACK_TOKEN\): the callback token from the console \(or pass verifySignatures: false .*\)/,
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

/**
 * The most requests a retry budget with a deadline allows: back-offs are at least 0.8 × their
 * un-jittered value, and none starts after the deadline.
 */
function maxRequestsWithin(retry: {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  maxElapsedMs: number;
}): number {
  let waitedMs = 0;
  let retries = 0;
  while (retries < retry.maxRetries && waitedMs < retry.maxElapsedMs) {
    waitedMs += Math.min(retry.maxDelayMs, Math.round(retry.initialDelayMs * 2 ** retries * 0.8));
    retries += 1;
  }
  return 1 + retries;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('final update: retried until its deadline, so a vendor outage does not leave the reply "generating"', () => {
  // The default budget scaled down 25×: 500 ms → 20 ms, 4 s → 160 ms, 30 s → 1.2 s (maxRetries
  // left at its default). Outages below are scaled the same way.
  const SCALED_FINAL = { initialDelayMs: 20, maxDelayMs: 160, maxElapsedMs: 1_200 };
  const scaledMs = (seconds: number): number => (seconds * 1000) / 25;
  const scaledMaxRequests = maxRequestsWithin({ ...DEFAULT_FINAL_UPDATE_RETRY, ...SCALED_FINAL });

  it('by default retries for 30 s (500 ms doubling to 4 s): at most 11 requests', () => {
    expect(DEFAULT_FINAL_UPDATE_RETRY).toEqual({
      maxRetries: 20,
      initialDelayMs: 500,
      maxDelayMs: 4_000,
      maxElapsedMs: 30_000,
    });
    expect(maxRequestsWithin({ ...DEFAULT_FINAL_UPDATE_RETRY, maxElapsedMs: 30_000 })).toBe(11);
    expect(scaledMaxRequests).toBe(11);
  });

  it.each([3, 10, 25])(
    'finishes the reply through a %i s burst of 502s on the final modify: one message, finished',
    async (seconds) => {
      const local = await startAdapter({ finalUpdateRetry: SCALED_FINAL });
      const sink = await local.adapter.openReply(DIRECT);
      await sink.update('The answer');
      local.chat.failNext('openim/modify_c2c_msg', 502, undefined, {
        httpStatus: 502,
        forMs: scaledMs(seconds),
      });
      await sink.finish('The answer is 42.', { reason: 'complete' });
      const [reply, ...rest] = local.robotMessages(DIRECT);
      expect(rest).toHaveLength(0);
      expect(shownText(reply?.elements ?? [])).toEqual({
        text: 'The answer is 42.',
        finished: true,
        kind: 'stream',
      });
      const modifies = local.callsTo('openim/modify_c2c_msg');
      expect(modifies).toBeGreaterThan(1);
      expect(modifies).toBeLessThanOrEqual(scaledMaxRequests);
    },
  );

  it.each([
    ['stream-elem', DIRECT],
    ['text-modify', GROUP],
  ] as const)('%s: finishes through a 10 s outage too', async (streamMode, target) => {
    const local = await startAdapter({ streamMode, finalUpdateRetry: SCALED_FINAL });
    const sink = await local.adapter.openReply(target);
    await sink.update('Part');
    const api = updateApi(target, streamMode);
    local.chat.failNext(api, 502, undefined, { httpStatus: 502, forMs: scaledMs(10) });
    await sink.finish('Part and whole', { reason: 'complete' });
    const [reply, ...rest] = local.robotMessages(target);
    expect(rest).toHaveLength(0);
    expect(shownText(reply?.elements ?? [])).toMatchObject({
      text: 'Part and whole',
      finished: true,
    });
    expect(local.callsTo(api)).toBeLessThanOrEqual(1 + scaledMaxRequests);
  });

  it('reports a failure that outlasts the deadline with the APICallError, after the deadline and not much later', async () => {
    const local = await startAdapter({ finalUpdateRetry: SCALED_FINAL });
    const sink = await local.adapter.openReply(DIRECT);
    await sink.update('Never');
    local.chat.failNext('openim/modify_c2c_msg', 502, 1_000, { httpStatus: 502 });
    const started = Date.now();
    const error = await failure(sink.finish('Never finished', { reason: 'complete' }));
    const elapsedMs = Date.now() - started;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'server', statusCode: 502 });
    expect(elapsedMs).toBeGreaterThanOrEqual(SCALED_FINAL.maxElapsedMs);
    expect(elapsedMs).toBeLessThan(SCALED_FINAL.maxElapsedMs + 300);
    const modifies = local.callsTo('openim/modify_c2c_msg');
    expect(modifies).toBeGreaterThanOrEqual(8);
    expect(modifies).toBeLessThanOrEqual(scaledMaxRequests);
  });

  it('stops retrying promptly when the finish signal fires', async () => {
    const local = await startAdapter({ finalUpdateRetry: SCALED_FINAL });
    const sink = await local.adapter.openReply(DIRECT);
    await sink.update('Stop');
    local.chat.failNext('openim/modify_c2c_msg', 502, 1_000, { httpStatus: 502 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await failure(
      sink.finish('Stopped', { reason: 'complete', signal: controller.signal }),
    );
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(400);
    // An attempt in flight when the signal fired may still reach the server; none starts after.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const modifies = local.callsTo('openim/modify_c2c_msg');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(local.callsTo('openim/modify_c2c_msg')).toBe(modifies);
  });

  it('delivers the error message (src: 23) through a 10 s outage, and stops when its signal fires', async () => {
    const local = await startAdapter({ finalUpdateRetry: SCALED_FINAL });
    local.chat.failNext('openim/sendmsg', 502, undefined, { httpStatus: 502, forMs: scaledMs(10) });
    await local.adapter.postError(DIRECT, 'Sorry.');
    const [error, ...rest] = local.robotMessages(DIRECT);
    expect(rest).toHaveLength(0);
    expect(shownText(error?.elements ?? [])).toMatchObject({ kind: 'error', text: 'Sorry.' });

    local.chat.failNext('openim/sendmsg', 502, 1_000, { httpStatus: 502 });
    const started = Date.now();
    const aborted = await failure(
      local.adapter.postError(DIRECT, 'Sorry again.', { signal: AbortSignal.timeout(150) }),
    );
    expect(AbortedError.isInstance(aborted)).toBe(true);
    expect(Date.now() - started).toBeLessThan(400);
  });
});
