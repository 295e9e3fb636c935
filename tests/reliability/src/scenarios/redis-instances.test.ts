/**
 * Several bot instances — separate processes — on one real Redis (`@imbridge/redis`), behind a
 * load balancer in front of the local Tencent Chat (issue 12): a delivery racing itself to two
 * instances, one conversation spread over three, a stop landing on another instance than the one
 * streaming, an instance killed mid-reply, and the vendor's budget shared by all of them. After
 * each, the delivery promise of decision 0011 holds.
 */

import { redisState } from '@imbridge/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisServer,
  startRedisServer,
} from '../../../../packages/redis/src/__fixtures__/redis-server.ts';
import { spawnTypeScript, type TypeScriptChild } from '../fixtures/child-process.ts';
import { type Balancer, startBalancer } from '../harness/balancer.ts';
import { expectPromise, settle } from '../harness/expect-promise.ts';
import { bubbles } from '../harness/promise-check.ts';
import { ROBOT, Scene } from '../harness/scene.ts';
import { answerFor } from '../harness/tagged-model.ts';
import { waitFor } from '../harness/wait.ts';

const NOTICE = '(The answer was cut short because the service restarted. Please ask again.)';
/**
 * How soon a stop delivered to another instance ends the reply: the webhook through the
 * balancer, Redis pub/sub, the model's abort and the final call stored by the vendor. About
 * 100–300 ms alone on this machine; the bound leaves room for the whole suite running beside it.
 */
const STOP_BOUND_MS = 3_000;
/** The users of the budget runs: enough conversations at once to want more than the budget. */
const BUDGET_USERS = Array.from({ length: 30 }, (_, index) => `user${index}`);

let redis: RedisServer;
let scene: Scene | undefined;
let balancer: Balancer | undefined;
const children: TypeScriptChild[] = [];
let run = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()));
  await balancer?.close();
  await scene?.close();
  scene = undefined;
  balancer = undefined;
});

/** Starts `count` bot processes on Redis (a key prefix of their own per test) behind a balancer. */
async function startInstances(
  count: number,
  env: Record<string, string> = {},
  sceneOptions: Parameters<typeof Scene.create>[0] = {},
): Promise<{ current: Scene; lb: Balancer; instances: TypeScriptChild[]; urls: string[] }> {
  run += 1;
  const current = await Scene.create(sceneOptions);
  scene = current;
  // In spawn order: instances[i] serves urls[i] (the balancer's turn i).
  const started = await Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawnTypeScript(new URL('../harness/bot-child.ts', import.meta.url), {
        env: {
          REDIS_URL: redis.url,
          KEY_PREFIX: `run${run}`,
          CHAT_BASE_URL: current.chat.baseUrl,
          CHAT_ADMIN: current.chat.adminUserId,
          LOCK_TTL_MS: '600',
          RECOVERY_INTERVAL_MS: '150',
          ...env,
        },
      });
      children.push(child);
      const ready = JSON.parse(await child.waitForLine((line) => line.includes('"ready"'))) as {
        url: string;
      };
      return { child, url: ready.url };
    }),
  );
  const instances = started.map((instance) => instance.child);
  const urls = started.map((instance) => instance.url);
  const lb = await startBalancer(urls);
  balancer = lb;
  current.chat.setCallbackUrl(lb.url);
  return { current, lb, instances, urls };
}

/** The most calls (times in ms) within any one second. */
function busiestSecond(timesMs: number[]): number {
  const sorted = [...timesMs].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[last] as number) - (sorted[first] as number) >= 1_000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** The tags of a user's answered questions, in the order the bubbles appear. */
function answeredTags(current: Scene, userId: string): string[] {
  return bubbles(current.chat, userId).map((bubble) => /^re (\S+):/.exec(bubble.text)?.[1] ?? '?');
}

describe('several instances on one Redis', () => {
  it('the same webhook delivered to two instances at once gives exactly one reply', async () => {
    const { current, lb, urls } = await startInstances(2);
    lb.mode = 'duplicate';
    for (const userId of ['alice', 'bob', 'carol']) await current.ask(userId);
    await expectPromise(current, 'redis: one delivery racing itself on two instances');
    for (const url of urls) expect(lb.forwarded.get(url)).toBe(3);
    for (const userId of ['alice', 'bob', 'carol']) {
      expect(bubbles(current.chat, userId)).toHaveLength(1);
    }
  });

  it('20 messages into one conversation over three instances: each answered once, in order', async () => {
    // A lock TTL well above the event-loop stalls of three processes on a loaded 2-core machine:
    // a turn lock that lapses under a live holder lets another instance take the turn over.
    const { current, lb, urls } = await startInstances(3, {
      CHUNK_DELAY_MS: '2',
      LOCK_TTL_MS: '3000',
    });
    const asked: string[] = [];
    for (let index = 0; index < 20; index += 1) asked.push((await current.ask('alice')).tag);
    await expectPromise(current, 'redis: one conversation over three instances', {
      timeoutMs: 30_000,
    });
    for (const url of urls) expect(lb.forwarded.get(url)).toBeGreaterThanOrEqual(6);
    expect(answeredTags(current, 'alice')).toEqual(asked);
  });

  it("a stop delivered to instance B ends A's reply within the bound, marked finished early", async () => {
    const { current, lb, urls } = await startInstances(2, { CHUNK_DELAY_MS: '60', WORDS: '200' });
    const question = await current.ask('alice'); // round robin: instance A
    await waitFor(() => (bubbles(current.chat, 'alice')[0]?.text.length ?? 0) > 30, 15_000);
    const msgKey = current.chat
      .conversation({ userId: 'alice', robotId: ROBOT })
      .filter((message) => message.from === ROBOT)
      .at(-1)?.msgKey as string;
    const stoppedAtMs = Date.now();
    await current.chat.userInterrupts({ from: 'alice', robotId: ROBOT, msgKey }); // instance B
    expect(lb.forwarded.get(urls[1] as string)).toBe(1);
    await waitFor(() => bubbles(current.chat, 'alice')[0]?.finished === true, 15_000);
    const tookMs = Date.now() - stoppedAtMs;
    process.stdout.write(`stop on another instance: reply finished ${tookMs} ms after the stop\n`);
    const [reply] = bubbles(current.chat, 'alice');
    expect(tookMs).toBeLessThan(STOP_BOUND_MS);
    expect(reply?.text.length).toBeLessThan(answerFor(question.tag, 200).length);
    await expectPromise(current, 'redis: a stop on another instance');
  });

  it('an instance killed mid-reply: another finishes the orphaned reply and answers the next message', async () => {
    const { current, lb, instances, urls } = await startInstances(2, { LOG: '1' });
    await current.ask('alice', { prefix: 'stall' }); // instance A streams, then stalls
    await waitFor(() => bubbles(current.chat, 'alice').length === 1);
    // Kill only once the turn record in Redis names the open reply: before that, a takeover
    // answers the question again (decision 0016), which is another scenario.
    const inspector = redisState({ url: redis.url, logger: false });
    try {
      const turnKey = `run${run}:turn:tencent-chat:c2c:${ROBOT}:alice`;
      const recorded = async () =>
        ((await inspector.get<{ reply?: unknown }>(turnKey)) ?? {}).reply !== undefined;
      for (let tries = 0; !(await recorded()); tries += 1) {
        if (tries > 200) throw new Error('the turn record never named the reply');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await inspector.close();
    }
    await instances[0]?.kill('SIGKILL');
    lb.targets = [urls[1] as string];
    await waitFor(() => bubbles(current.chat, 'alice')[0]?.finished === true, 10_000).catch(
      (error: unknown) => {
        throw new Error(
          `${String(error)}; instance B logged:\n${instances[1]?.stderr().slice(-4000)}`,
        );
      },
    );
    expect(bubbles(current.chat, 'alice')[0]?.text.endsWith(NOTICE)).toBe(true);
    const next = await current.ask('alice');
    await expectPromise(current, 'redis: SIGKILL mid-reply, another instance takes over');
    expect(answeredTags(current, 'alice').at(-1)).toBe(next.tag);
  });

  /** Three instances, 30 users asking twice, a vendor limit of 20 calls/s per API. */
  async function budgetRun(shared: boolean) {
    const { current } = await startInstances(
      3,
      {
        CHUNK_DELAY_MS: '1',
        WORDS: '3',
        CALLS_PER_SECOND: '20',
        ...(shared ? {} : { SHARED_RATE_LIMIT: 'false' }),
      },
      { apiCallsPerSecond: 20, users: BUDGET_USERS },
    );
    const startedAtMs = Date.now();
    for (let round = 0; round < 2; round += 1) {
      await Promise.all(BUDGET_USERS.map((userId) => current.ask(userId)));
    }
    // The control run (each instance on its own budget) is rejected a lot, and its finals retry
    // for up to 30 s: only its calls are looked at, over the first seconds.
    const report = shared
      ? await expectPromise(current, 'redis: shared budget', { timeoutMs: 30_000 })
      : await settle(current, 8_000);
    const calls = current.chat.requests.filter(
      (request) => request.atMs >= startedAtMs && request.api.startsWith('openim/'),
    );
    const busiest = Math.max(
      ...['openim/sendmsg', 'openim/modify_c2c_msg'].map((api) =>
        busiestSecond(calls.filter((call) => call.api === api).map((call) => call.atMs)),
      ),
    );
    const rejected = calls.filter((call) => call.errorCode === 60007).length;
    process.stdout.write(
      `budget ${shared ? 'shared' : 'per instance'}: busiest second ${busiest} calls of one API, ${rejected} rejected\n`,
    );
    return { report, busiest, rejected };
  }

  it('N instances together stay within the vendor budget (20 calls/s per API) with the shared budget', async () => {
    const { busiest, rejected } = await budgetRun(true);
    // Taken at 19/s (98 %) with a shared burst of 1: at most 20 per second. Calls of three
    // processes on a loaded machine (the whole suite runs beside them) reach the vendor with
    // some jitter, hence the 25 % allowance; each instance on its own budget reaches about 55.
    expect(busiest).toBeLessThanOrEqual(25);
    expect(rejected).toBe(0);
  });

  it('…while the same instances each spending the whole budget exceed it (the check can fail)', async () => {
    const { busiest, rejected } = await budgetRun(false);
    expect(busiest).toBeGreaterThan(30);
    expect(rejected).toBeGreaterThan(0);
  });
});
