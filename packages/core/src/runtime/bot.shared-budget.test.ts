import { describe, expect, it } from 'vitest';
import type { StateAdapter } from '../spec/state-adapter.ts';
import { memoryState } from '../state/memory-state.ts';
import { createMemoryAdapter } from '../testing/memory-adapter.ts';
import { memoryLogger } from '../testing/memory-logger.ts';
import { createScriptedModel, textSteps } from '../testing/scripted-model.ts';
import { createBot } from './bot.ts';
import type { BotOptions } from './options.ts';

const RATE = 20;
const BURST = 4;
const REPLIES_PER_BOT = 15;

/**
 * A store shared by "instances": memoryState behind a proxy, so the runtime treats it as a
 * shared store (as it would Redis) rather than the in-process memoryState().
 */
function sharedStore(): StateAdapter {
  return new Proxy(memoryState(), {});
}

/**
 * Two bots (two instances of one app, each with its own adapter object) on one store, each
 * answering REPLIES_PER_BOT users at once with an instant model. Returns the time of every
 * platform call both adapters made, in milliseconds from the start.
 */
async function twoInstances(options: Partial<BotOptions>): Promise<number[]> {
  const state = sharedStore();
  const startedAtMs = Date.now();
  const callTimesMs: number[] = [];
  const instances = [0, 1].map(() => {
    const adapter = createMemoryAdapter({
      limits: { minUpdateIntervalMs: 1, callsPerSecond: RATE, burst: BURST },
    });
    adapter.onChange((change) => {
      if (change.type !== 'created') callTimesMs.push(Date.now() - startedAtMs);
    });
    const model = createScriptedModel({
      scripts: Array.from({ length: REPLIES_PER_BOT }, () => ({ steps: textSteps('Done.') })),
    });
    const bot = createBot({ model, state, logger: memoryLogger(), ...options });
    return { adapter, bot, handler: bot.webhook(adapter) };
  });
  await Promise.all(
    instances.flatMap(({ adapter, handler }, instance) =>
      Array.from({ length: REPLIES_PER_BOT }, (_, user) =>
        handler(
          adapter.request({
            type: 'message',
            id: `m-${instance}-${user}`,
            userId: `u-${instance}-${user}`,
            text: 'hi',
          }),
        ),
      ),
    ),
  );
  for (const { bot } of instances) await bot.idle();
  for (const { bot } of instances) await bot.close();
  return callTimesMs.sort((a, b) => a - b);
}

/** The most calls in any window of `windowMs`. */
function busiestWindow(timesMs: number[], windowMs: number): number {
  let most = 0;
  for (let first = 0; first < timesMs.length; first += 1) {
    let count = 0;
    for (let next = first; next < timesMs.length; next += 1) {
      if ((timesMs[next] as number) - (timesMs[first] as number) >= windowMs) break;
      count += 1;
    }
    most = Math.max(most, count);
  }
  return most;
}

describe('a shared state shares the reply budget among instances (sharedRateLimit)', () => {
  it('keeps two instances together within one adapter budget', async () => {
    const times = await twoInstances({});
    expect(times.length).toBeGreaterThanOrEqual(2 * REPLIES_PER_BOT);
    // One budget of RATE/s (burst BURST) for both: at most BURST + RATE/2 calls in any 500 ms.
    expect(busiestWindow(times, 500)).toBeLessThanOrEqual(BURST + RATE / 2 + 1);
  });

  it('without it (sharedRateLimit: false) each instance spends the whole budget again', async () => {
    const times = await twoInstances({ sharedRateLimit: false });
    expect(busiestWindow(times, 500)).toBeGreaterThan(BURST + RATE / 2 + 1);
  });
});
