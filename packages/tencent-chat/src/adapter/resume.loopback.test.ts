/**
 * `ReplySink.snapshot()` and `resumeReply()`: a reply opened by one process (one adapter) is
 * finished by another from the snapshot alone — after a JSON round trip, as through a shared
 * state store — with no second bubble, also when the first send's answer was lost.
 */
import type { JsonValue, ReplyTarget } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DIRECT,
  GROUP,
  sendApi,
  shownText,
  startAdapter,
  stopAdapters,
} from './__fixtures__/local-adapter.ts';
import type { TencentStreamMode } from './options.ts';

afterEach(stopAdapters);

const MODES: TencentStreamMode[] = ['custom-message', 'text-modify', 'stream-elem'];
const TARGETS: Array<[string, ReplyTarget]> = [
  ['C2C', DIRECT],
  ['group', GROUP],
];
const FAST_FINAL = { initialDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 2_000 };

/** Through JSON, as a state store keeps it. */
function stored(snapshot: JsonValue | undefined): JsonValue {
  expect(snapshot).toBeDefined();
  return JSON.parse(JSON.stringify(snapshot)) as JsonValue;
}

describe.each(MODES)('%s: another process finishes the reply from its snapshot', (streamMode) => {
  it.each(TARGETS)('%s', async (_name, target) => {
    const local = await startAdapter({ streamMode, finalUpdateRetry: FAST_FINAL });
    const sink = await local.adapter.openReply(target);
    expect(sink.snapshot?.()).toBeUndefined();
    await sink.update('Hello');
    await sink.update('Hello wor');
    const snapshot = stored(sink.snapshot?.());
    // The first process is gone; another one finishes the reply.
    const resumed = await local.another().resumeReply?.(target, snapshot);
    await resumed?.finish('Hello wor\n\n(restarted)', { reason: 'interrupted' });
    const messages = local.robotMessages(target);
    expect(messages).toHaveLength(1);
    const shown = shownText(messages[0]?.elements ?? []);
    expect(shown.text).toBe('Hello wor\n\n(restarted)');
    expect(shown.finished).toBe(true);
    expect(resumed?.id).toBe(sink.id);
  });

  it('repeats a first send whose answer was lost, then finishes that one message', async () => {
    const local = await startAdapter({ streamMode, finalUpdateRetry: FAST_FINAL });
    local.chat.failNext(sendApi(DIRECT, streamMode), 0, 1, { after: 'store', reset: true });
    const sink = await local.adapter.openReply(DIRECT);
    await expect(sink.update('Hel')).rejects.toMatchObject({ kind: 'network' });
    const snapshot = stored(sink.snapshot?.());
    const resumed = await local.another().resumeReply?.(DIRECT, snapshot);
    await resumed?.finish('(restarted)', { reason: 'interrupted' });
    const messages = local.robotMessages(DIRECT);
    expect(messages).toHaveLength(1);
    expect(shownText(messages[0]?.elements ?? []).finished).toBe(true);
  });
});

describe('resumeReply', () => {
  it('rejects a snapshot it did not write with a ValidationError', async () => {
    const local = await startAdapter();
    await expect(
      local.adapter.resumeReply?.(DIRECT, { v: 1, mode: 'carrier-pigeon' }),
    ).rejects.toMatchObject({ name: 'ValidationError', code: 'invalid-snapshot' });
  });
});
