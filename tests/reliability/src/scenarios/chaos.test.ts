/**
 * Mixed faults under load: several rounds of questions from every user while a seeded random
 * schedule injects vendor faults (resets and late answers after a stored send, 502 bursts,
 * rate limiting) and state faults (failures and short hangs of any method) between the rounds.
 * The same seed gives the same schedule; the promise must hold for every seed.
 */
import { memoryState } from '@imbridge/core';
import { afterEach, describe, it } from 'vitest';
import { faultyState, type StateMethod } from '../fixtures/faulty-state.ts';
import { expectPromise } from '../harness/expect-promise.ts';
import { Scene, USERS } from '../harness/scene.ts';

let scene: Scene | undefined;
afterEach(async () => {
  await scene?.close();
  scene = undefined;
});

/** mulberry32: a small seeded PRNG, so a failing schedule can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STATE_METHODS: StateMethod[] = [
  'acquireLock',
  'getList',
  'shiftFromList',
  'set',
  'get',
  'delete',
  'releaseLock',
  'appendToList',
  'extendLock',
];
const APIS = ['openim/sendmsg', 'openim/modify_c2c_msg'];
const ROUNDS = 6;

describe('chaos', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: ${ROUNDS} rounds of questions from ${USERS.length} users under mixed faults`, async () => {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      scene = await Scene.create();
      const faulty = faultyState(memoryState());
      await scene.startBot({
        state: faulty.state,
        adapter: { timeoutMs: 400 },
        bot: { stateTimeoutMs: 150 },
        model: { chunkDelayMs: 4 },
      });
      for (let round = 0; round < ROUNDS; round += 1) {
        const api = pick(APIS);
        switch (pick(['reset', 'late', 'burst', 'rate', 'state', 'hang'] as const)) {
          case 'reset':
            scene.chat.failNext(api, 0, 1 + Math.floor(next() * 3), {
              after: 'store',
              reset: true,
            });
            break;
          case 'late':
            scene.chat.failNext(api, 0, 1, { after: 'store', delayMs: 600 });
            break;
          case 'burst':
            scene.chat.failNext(api, 502, undefined, {
              httpStatus: 502,
              forMs: 200 + Math.floor(next() * 800),
            });
            break;
          case 'rate':
            scene.chat.failNext(api, 60007, 2 + Math.floor(next() * 4));
            break;
          case 'state':
            faulty.failNext(pick(STATE_METHODS), 1 + Math.floor(next() * 3));
            break;
          case 'hang':
            faulty.hang(pick(STATE_METHODS), { times: 1 });
            break;
        }
        await Promise.all(USERS.map((userId) => scene?.ask(userId)));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 150)));
      }
      await expectPromise(scene, `chaos: seed ${seed}`, { timeoutMs: 45_000 });
    });
  }
});
