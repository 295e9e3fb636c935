/**
 * Interrupt races: newer messages under `concurrency: 'interrupt'` while a reply's send is in
 * flight, a stop pressed before the reply's id is known, and a stop naming someone else's reply.
 */
import { memoryState } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectPromise } from '../harness/expect-promise.ts';
import { bubbles } from '../harness/promise-check.ts';
import { ROBOT, Scene } from '../harness/scene.ts';
import { waitFor } from '../harness/wait.ts';

let scene: Scene | undefined;
afterEach(async () => {
  await scene?.close();
  scene = undefined;
});

const SEND = 'openim/sendmsg';

/** The msgKey of the robot's newest message to a user. */
function newestRobotMsgKey(current: Scene, userId: string): string | undefined {
  return current.chat
    .conversation({ userId, robotId: ROBOT })
    .filter((message) => message.from === ROBOT)
    .at(-1)?.msgKey;
}

describe('interrupt races', () => {
  it("interrupt policy: newer messages while the first reply's send is in flight", async () => {
    scene = await Scene.create();
    await scene.startBot({
      state: memoryState(),
      bot: { concurrency: 'interrupt' },
      model: { chunkDelayMs: 10 },
    });
    // The first send is stored at once but answered 250 ms later.
    scene.chat.failNext(SEND, 0, 1, { after: 'store', delayMs: 250 });
    await scene.ask('alice');
    await waitFor(() => bubbles(scene!.chat, 'alice').length === 1);
    await scene.ask('alice');
    await scene.ask('alice');
    await expectPromise(scene, 'interrupt policy: newer messages during the first send', {
      interruptPolicy: true,
    });
    const shown = bubbles(scene.chat, 'alice');
    // The superseded reply is finished (as interrupted), never followed by an error message.
    expect(shown.every((bubble) => bubble.kind === 'reply' && bubble.finished)).toBe(true);
  });

  it('a stop pressed while the first send is in flight stops the reply once its id is known', async () => {
    scene = await Scene.create();
    const running = await scene.startBot({ state: memoryState() });
    scene.chat.failNext(SEND, 0, 1, { after: 'store', delayMs: 300 });
    await scene.ask('alice', { prefix: 'stall' });
    await waitFor(() => newestRobotMsgKey(scene!, 'alice') !== undefined);
    await scene.chat.userInterrupts({
      from: 'alice',
      robotId: ROBOT,
      msgKey: newestRobotMsgKey(scene, 'alice') as string,
    });
    await expectPromise(scene, 'stop during the first send');
    expect(running.logs).toContainEqual(
      expect.objectContaining({ event: 'interrupted', by: 'user' }),
    );
  });

  it("a stop naming another user's reply is ignored", async () => {
    scene = await Scene.create();
    const running = await scene.startBot({ state: memoryState(), model: { chunkDelayMs: 20 } });
    await scene.ask('alice');
    await waitFor(() => bubbles(scene!.chat, 'alice').length === 1);
    await scene.chat.userInterrupts({
      from: 'bob',
      robotId: ROBOT,
      msgKey: newestRobotMsgKey(scene, 'alice') as string,
    });
    await expectPromise(scene, "stop naming another user's reply");
    expect(bubbles(scene.chat, 'alice')[0]?.text).toMatch(/word12$/);
    expect(running.logs).toContainEqual(expect.objectContaining({ event: 'stop-ignored' }));
  });
});
