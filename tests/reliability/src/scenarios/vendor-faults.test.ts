/**
 * Vendor faults after a webhook was accepted, injected into the local Tencent Chat: resets and
 * timeouts after a stored send, bursts of 502s at the final update and at the error message,
 * intermediate updates rejected for good, rate limiting. After each, the delivery promise holds.
 */
import { memoryState } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectPromise } from '../harness/expect-promise.ts';
import { bubbles } from '../harness/promise-check.ts';
import { Scene, USERS } from '../harness/scene.ts';
import { waitFor } from '../harness/wait.ts';

let scene: Scene | undefined;
afterEach(async () => {
  await scene?.close();
  scene = undefined;
});

const SEND = 'openim/sendmsg';
const MODIFY = 'openim/modify_c2c_msg';

describe('vendor faults', () => {
  it('the connection resets after Tencent stored each first send: one bubble per question', async () => {
    scene = await Scene.create();
    await scene.startBot({ state: memoryState() });
    scene.chat.failNext(SEND, 0, 4, { after: 'store', reset: true });
    await Promise.all(USERS.map((userId) => scene?.ask(userId)));
    await Promise.all(USERS.map((userId) => scene?.ask(userId)));
    await expectPromise(scene, 'vendor: reset after a stored send');
  });

  it('the answer to a stored send comes after the client timed out: one bubble per question', async () => {
    scene = await Scene.create();
    await scene.startBot({ state: memoryState(), adapter: { timeoutMs: 300 } });
    scene.chat.failNext(SEND, 0, 3, { after: 'store', delayMs: 700 });
    await Promise.all(USERS.slice(0, 3).map((userId) => scene?.ask(userId)));
    await expectPromise(scene, 'vendor: stored send answered after the timeout');
  });

  it('3 s of 502s from the moment the first bubbles appear: every reply still finishes', async () => {
    scene = await Scene.create();
    await scene.startBot({ state: memoryState(), model: { chunkDelayMs: 15 } });
    await Promise.all(USERS.map((userId) => scene?.ask(userId)));
    await waitFor(() => USERS.every((userId) => bubbles(scene!.chat, userId).length > 0));
    scene.chat.failNext(MODIFY, 502, undefined, { httpStatus: 502, forMs: 3_000 });
    await expectPromise(scene, 'vendor: 3 s of 502 at the final update', { timeoutMs: 30_000 });
    const refused = scene.chat.requests.filter((request) => request.errorCode === 502);
    expect(refused.length).toBeGreaterThan(0);
  });

  it('the final update is stored but its answer is lost: the reply is finished once', async () => {
    scene = await Scene.create();
    await scene.startBot({ state: memoryState() });
    scene.chat.failNext(MODIFY, 0, 6, { after: 'store', reset: true });
    await Promise.all(USERS.slice(0, 2).map((userId) => scene?.ask(userId)));
    await expectPromise(scene, 'vendor: reset after a stored modify');
  });

  it('intermediate updates rejected for good do not end the answer', async () => {
    scene = await Scene.create();
    await scene.startBot({ state: memoryState(), model: { chunkDelayMs: 20, words: 30 } });
    await scene.ask('alice');
    await waitFor(() => bubbles(scene!.chat, 'alice').length > 0);
    // 90001: "invalid JSON" — not retryable; an intermediate modify meets it.
    scene.chat.failNext(MODIFY, 90001, 1);
    await expectPromise(scene, 'vendor: intermediate updates rejected');
    expect(bubbles(scene.chat, 'alice')[0]?.text).toMatch(/word30$/);
  });

  it('rate limiting (60007) under eight concurrent conversations', async () => {
    scene = await Scene.create();
    await scene.startBot({ state: memoryState(), model: { chunkDelayMs: 10 } });
    scene.chat.failNext(SEND, 60007, 4);
    scene.chat.failNext(MODIFY, 60007, 8);
    for (let round = 0; round < 2; round += 1) {
      await Promise.all(USERS.map((userId) => scene?.ask(userId)));
    }
    await expectPromise(scene, 'vendor: 60007 rate limiting', { timeoutMs: 30_000 });
  });

  it('the model fails and the error message meets 2 s of 502s: the user still gets it', async () => {
    scene = await Scene.create();
    await scene.startBot({ state: memoryState(), model: { chunkDelayMs: 30 } });
    await scene.ask('alice', { prefix: 'fail' });
    await waitFor(() => bubbles(scene!.chat, 'alice').length > 0);
    scene.chat.failNext(SEND, 502, undefined, { httpStatus: 502, forMs: 2_000 });
    await waitFor(
      () => bubbles(scene!.chat, 'alice').some((bubble) => bubble.kind === 'error'),
      30_000,
    );
    const report = await expectPromise(scene, 'vendor: error message during 2 s of 502', {
      timeoutMs: 30_000,
    });
    expect(report.errors).toBe(1);
  });
});
