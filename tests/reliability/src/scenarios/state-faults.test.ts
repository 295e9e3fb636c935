/**
 * State errors and hangs after a webhook was accepted: each scenario injects failures into the
 * bot's state (a wrapper over `memoryState()`), asks questions from several users, and checks
 * the delivery promise once the store has recovered.
 */
import { memoryState } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { faultyState, type StateMethod } from '../fixtures/faulty-state.ts';
import { expectPromise } from '../harness/expect-promise.ts';
import { Scene, USERS } from '../harness/scene.ts';

let scene: Scene | undefined;
afterEach(async () => {
  await scene?.close();
  scene = undefined;
});

async function askAll(current: Scene, perUser: number): Promise<void> {
  for (let round = 0; round < perUser; round += 1) {
    await Promise.all(USERS.slice(0, 3).map((userId) => current.ask(userId)));
  }
}

const failures: { method: StateMethod; times: number }[] = [
  { method: 'acquireLock', times: 4 },
  { method: 'getList', times: 6 },
  { method: 'shiftFromList', times: 3 },
  { method: 'set', times: 4 },
  { method: 'get', times: 4 },
  { method: 'releaseLock', times: 3 },
  { method: 'appendToList', times: 3 },
  { method: 'delete', times: 3 },
];

describe('state faults', () => {
  for (const { method, times } of failures) {
    it(`${method} fails ${times} times: every question is still answered once`, async () => {
      scene = await Scene.create();
      const faulty = faultyState(memoryState());
      await scene.startBot({ state: faulty.state });
      // Let the first webhooks through, then break the store under the running turns.
      await scene.ask('alice');
      faulty.failNext(method, times);
      await askAll(scene, 2);
      await expectPromise(scene, `state: ${method} fails ${times}×`);
      // The faults were met (not skipped by a path that never calls the method).
      expect(faulty.calls.filter((call) => call.injected && call.outcome === 'error')).toHaveLength(
        times,
      );
    });
  }

  it('a store that hangs for a second: calls time out, the conversations resume', async () => {
    scene = await Scene.create();
    const faulty = faultyState(memoryState());
    await scene.startBot({ state: faulty.state, bot: { stateTimeoutMs: 100 } });
    await scene.ask('alice');
    faulty.hang('getList', { untilReleased: true });
    faulty.hang('acquireLock', { untilReleased: true });
    await askAll(scene, 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    faulty.release();
    faulty.clear();
    await expectPromise(scene, 'state: hangs for 1 s');
  });

  it('the whole store fails for 1.5 s while replies stream', async () => {
    scene = await Scene.create();
    const faulty = faultyState(memoryState());
    await scene.startBot({ state: faulty.state, model: { chunkDelayMs: 20 } });
    await askAll(scene, 1);
    faulty.failFor('*', 1_500);
    await askAll(scene, 1).catch(() => undefined);
    await expectPromise(scene, 'state: every call fails for 1.5 s');
  });
});
