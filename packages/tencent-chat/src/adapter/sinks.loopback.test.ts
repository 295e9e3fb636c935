import type { ReplyTarget } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DIRECT,
  GROUP,
  type LocalAdapter,
  sendApi,
  shownText,
  startAdapter,
  stopAdapters,
  updateApi,
} from './__fixtures__/local-adapter.ts';
import type { TencentStreamMode } from './options.ts';

afterEach(stopAdapters);

/** Tencent stores the call, then the connection breaks before the answer. */
const RESET_AFTER_STORE = { after: 'store', reset: true } as const;
const FAST_FINAL = { initialDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 2_000 };
const MODES: TencentStreamMode[] = ['custom-message', 'text-modify', 'stream-elem'];
const TARGETS: Array<[string, ReplyTarget]> = [
  ['C2C', DIRECT],
  ['group', GROUP],
];

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

/** The one message the robot left in the target's conversation, as a client shows it. */
function onlyReply(local: LocalAdapter, target: ReplyTarget): ReturnType<typeof shownText> {
  const messages = local.robotMessages(target);
  expect(messages).toHaveLength(1);
  const [message] = messages;
  if (message?.stream !== undefined) expect(message.stream.ended).toBe(true);
  return shownText(message?.elements ?? []);
}

describe.each(MODES)('%s sink: a send Tencent stored but never answered', (streamMode) => {
  describe.each(TARGETS)('%s', (_name, target) => {
    it('repeats the lost first update before the next one: one message, finished, no duplicate', async () => {
      const local = await startAdapter({ streamMode, finalUpdateRetry: FAST_FINAL });
      local.chat.failNext(sendApi(target, streamMode), 0, 1, RESET_AFTER_STORE);
      const sink = await local.adapter.openReply(target);
      // An intermediate update makes one attempt: its failure pauses the pacer.
      expect(await failure(sink.update('Hel'))).toMatchObject({ kind: 'network' });
      expect(local.robotMessages(target)).toHaveLength(1);
      await sink.update('Hello');
      await sink.finish('Hello world', { reason: 'complete' });
      const reply = onlyReply(local, target);
      expect(reply.text).toBe('Hello world');
      expect(reply.finished).toBe(true);
      expect(sink.id).toBeDefined();
    });

    it('retries a lost final send into the stored message (the first call is the final one)', async () => {
      const local = await startAdapter({ streamMode, finalUpdateRetry: FAST_FINAL });
      local.chat.failNext(sendApi(target, streamMode), 0, 1, RESET_AFTER_STORE);
      const sink = await local.adapter.openReply(target);
      await sink.finish('All at once', { reason: 'complete' });
      expect(onlyReply(local, target)).toMatchObject({ text: 'All at once', finished: true });
      expect(local.callsTo(sendApi(target, streamMode))).toBe(2);
    });

    it('retries a lost final update into the same message: the text shows once, finished', async () => {
      const local = await startAdapter({ streamMode, finalUpdateRetry: FAST_FINAL });
      const sink = await local.adapter.openReply(target);
      await sink.update('Hello');
      local.chat.failNext(updateApi(target, streamMode), 0, 1, RESET_AFTER_STORE);
      await sink.finish('Hello world', { reason: 'complete' });
      expect(onlyReply(local, target)).toMatchObject({ text: 'Hello world', finished: true });
    });
  });

  it('retries a first send whose answer came too late (a timeout) into the stored message', async () => {
    const local = await startAdapter({ streamMode, finalUpdateRetry: FAST_FINAL });
    local.chat.failNext(sendApi(DIRECT, streamMode), 0, 1, { after: 'store', delayMs: 600 });
    const sink = await local.adapter.openReply(DIRECT);
    expect(await failure(sink.update('Hel'))).toMatchObject({ kind: 'timeout' });
    await sink.finish('Hello', { reason: 'complete' });
    expect(onlyReply(local, DIRECT)).toMatchObject({ text: 'Hello', finished: true });
  });
});

describe('stream-elem sink: continuations Tencent stored but never answered', () => {
  const api = sendApi(DIRECT, 'stream-elem');

  it('repeats a lost continuation with the same Index before newer text: the delta shows once', async () => {
    const local = await startAdapter({ streamMode: 'stream-elem', finalUpdateRetry: FAST_FINAL });
    const sink = await local.adapter.openReply(DIRECT);
    await sink.update('One');
    local.chat.failNext(api, 0, 1, RESET_AFTER_STORE);
    expect(await failure(sink.update('One two'))).toMatchObject({ kind: 'network' });
    await sink.update('One two three');
    await sink.finish('One two three.', { reason: 'complete' });
    expect(onlyReply(local, DIRECT)).toEqual({
      text: 'One two three.',
      finished: true,
      kind: 'stream-elem',
    });
    // No call was refused: nothing was sent again under a used Index with other text.
    expect(local.chat.requests.filter((request) => request.errorCode === 10004)).toEqual([]);
  });

  it('takes "stream ended" for a retried last chunk as done when the stream cannot have idled (a vendor that refuses repeats)', async () => {
    const local = await startAdapter({ streamMode: 'stream-elem', finalUpdateRetry: FAST_FINAL });
    const sink = await local.adapter.openReply(DIRECT);
    await sink.update('Almost');
    // The last chunk is stored and its answer lost; the retry is refused as "stream ended".
    local.chat.failNext(api, 0, 1, RESET_AFTER_STORE);
    local.chat.failNext(api, 20023, 1);
    await sink.finish('Almost done', { reason: 'complete' });
    expect(onlyReply(local, DIRECT)).toMatchObject({ text: 'Almost done', finished: true });
  });
});

describe('the other sends of the adapter', () => {
  it('postError (src: 23): a lost answer is retried into one error message', async () => {
    const local = await startAdapter({ finalUpdateRetry: FAST_FINAL });
    local.chat.failNext('openim/sendmsg', 0, 1, RESET_AFTER_STORE);
    await local.adapter.postError(DIRECT, 'Sorry, something went wrong.');
    expect(onlyReply(local, DIRECT)).toEqual({
      text: 'Sorry, something went wrong.',
      finished: true,
      kind: 'error',
    });
  });

  it('postError as text in a group: a lost answer is retried into one message', async () => {
    const local = await startAdapter({ streamMode: 'text-modify', finalUpdateRetry: FAST_FINAL });
    local.chat.failNext('group_open_http_svc/send_group_msg', 0, 1, RESET_AFTER_STORE);
    await local.adapter.postError(GROUP, 'Sorry.');
    expect(onlyReply(local, GROUP)).toMatchObject({ text: 'Sorry.', kind: 'text' });
  });

  it('post: follow-up messages past the size cap are each stored once when an answer is lost', async () => {
    const local = await startAdapter({ messageSizeCapBytes: 1024 });
    const text = 'x'.repeat(2500);
    // The second part's answer is lost after the store.
    local.chat.failNext('openim/sendmsg', 0, 1, {});
    local.chat.failNext('openim/sendmsg', 0, 1, RESET_AFTER_STORE);
    await local.adapter.post(DIRECT, text);
    const parts = local.robotMessages(DIRECT).map((message) => shownText(message.elements).text);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join('')).toBe(text);
  });

  it('a split reply (a finish with text over the cap) sends its follow-up once when its answer is lost', async () => {
    const local = await startAdapter({
      streamMode: 'text-modify',
      messageSizeCapBytes: 1024,
      finalUpdateRetry: FAST_FINAL,
    });
    const text = 'y'.repeat(1500);
    const sink = await local.adapter.openReply(DIRECT);
    await sink.update('y'.repeat(10));
    local.chat.failNext('openim/sendmsg', 0, 1, RESET_AFTER_STORE);
    await sink.finish(text, { reason: 'complete' });
    const parts = local.robotMessages(DIRECT).map((message) => shownText(message.elements).text);
    expect(parts).toHaveLength(2);
    expect(parts.join('')).toBe(text);
  });
});
