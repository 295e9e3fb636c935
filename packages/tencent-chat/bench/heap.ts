/**
 * Figure 4: heap per in-flight reply through the real Tencent adapter (issue 11 §4), next to the
 * same bot on core's in-memory adapter. A bot made with `createBot` + `createTencentChatAdapter`
 * takes signed `Bot.OnC2CMessage` webhooks; an injected `fetch` answers `sendmsg` and
 * `modify_c2c_msg` at once; the model streams a short head and then stalls, so every reply stays
 * in flight while the heap is measured.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type ChatAdapter,
  createBot,
  type LanguageModel,
  type ModelEvent,
  memoryState,
} from '@imbridge/core';
import { createMemoryAdapter } from '@imbridge/core/testing';
import { createTencentChatAdapter } from '../src/adapter/adapter.ts';
import { botC2CTextMessage, FIXTURE_SDK_APP_ID } from '../src/webhooks/__fixtures__/callbacks.ts';
import { computeCallbackSign } from '../src/webhooks/sign.ts';
import { format, median, printTable } from './report.ts';

const REPLIES = 2_000;
const ROUNDS = 3;
const TOKEN = 'heap-bench-callback-token-0123';
const HEAD = '你好！这是一个流式回复的开头，';

/** Two full collections (the second catches finalizer leftovers), then the heap in use. */
function settledHeapBytes(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function obtainGc(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc as () => void;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Streams `HEAD` in three deltas, then waits (without timers) until the call is aborted. */
const stallingModel: LanguageModel = {
  specificationVersion: 'v1',
  provider: 'bench',
  modelId: 'stall',
  async *stream(request): AsyncGenerator<ModelEvent> {
    for (const piece of [HEAD.slice(0, 5), HEAD.slice(5, 10), HEAD.slice(10)]) {
      yield { type: 'text-delta', text: piece };
    }
    await new Promise<void>((resolve) => {
      request.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  },
};

interface Setup {
  adapter: ChatAdapter;
  request(index: number): Request;
  shown(): number;
}

async function tencentSetup(): Promise<Setup> {
  const time = Math.floor(Date.now() / 1000);
  let sends = 0;
  const adapter = createTencentChatAdapter({
    sdkAppId: FIXTURE_SDK_APP_ID,
    secretKey: 'heap-bench-secret-key-0123456789abcdef',
    adminUserId: 'administrator',
    callbackToken: TOKEN,
    baseUrl: 'http://tencent.local',
    callsPerSecondPerApi: 1_000_000,
    logger: false,
    fetch: async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/sendmsg')) sends += 1;
      return Response.json({
        ActionStatus: 'OK',
        ErrorCode: 0,
        MsgTime: time,
        MsgKey: `${sends}_1_${time}`,
      });
    },
  });
  const sign = await computeCallbackSign(TOKEN, time);
  const url = `http://bot.local/webhook?SdkAppid=${FIXTURE_SDK_APP_ID}&CallbackCommand=Bot.OnC2CMessage&RequestTime=${time}&Sign=${sign}`;
  return {
    adapter,
    request: (index) =>
      new Request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...botC2CTextMessage,
          From_Account: `user-${index}`,
          MsgKey: `${index}_${time}`,
          MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: '你好' } }],
        }),
      }),
    shown: () => sends,
  };
}

function memorySetup(): Setup {
  const adapter = createMemoryAdapter({
    limits: { callsPerSecond: 1e6, burst: 1e6, minUpdateIntervalMs: 500 },
  });
  return {
    adapter,
    request: (index) =>
      adapter.request({ type: 'message', id: `m-${index}`, userId: `user-${index}`, text: '你好' }),
    shown: () => adapter.messages.length,
  };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Heap per in-flight reply, in bytes, for one run of `REPLIES` replies. */
async function heapPerReply(setup: Setup, gc: () => void): Promise<number> {
  const bot = createBot({ model: stallingModel, state: memoryState(), logger: false });
  const handler = bot.webhook(setup.adapter);
  const baseline = settledHeapBytes(gc);
  // Requests are built batch by batch: they are garbage once answered, not reply memory.
  for (let index = 0; index < REPLIES; index += 64) {
    const batch = Array.from({ length: Math.min(64, REPLIES - index) }, (_, offset) =>
      setup.request(index + offset),
    );
    const answers = await Promise.all(batch.map((request) => handler(request)));
    if (answers.some((answer) => answer.status !== 200)) throw new Error('a webhook was refused');
  }
  await waitFor(() => setup.shown() >= REPLIES, 'every reply shows its text');
  await new Promise((resolve) => setTimeout(resolve, 1_200)); // paced follow-up updates land
  const perReply = (settledHeapBytes(gc) - baseline) / REPLIES;
  await bot.close({ timeoutMs: 30_000 });
  return perReply;
}

/** Prints figure 4. */
export async function figureHeapPerReply(): Promise<void> {
  const gc = obtainGc();
  await heapPerReply(memorySetup(), gc); // untimed: compiled code is not reply memory
  await heapPerReply(await tencentSetup(), gc);
  const memory: number[] = [];
  const tencent: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    memory.push(await heapPerReply(memorySetup(), gc));
    tencent.push(await heapPerReply(await tencentSetup(), gc));
  }
  const kb = (values: number[]): string[] => [
    format(median(values) / 1024, 2),
    values.map((value) => format(value / 1024, 2)).join(' / '),
  ];
  printTable(
    `4. Heap per in-flight reply (${format(REPLIES)} replies at once, ${ROUNDS} rounds, medians)`,
    ['adapter', 'KB per reply', 'rounds'],
    [
      ["core's in-memory adapter", ...kb(memory)],
      ['createTencentChatAdapter (signed webhooks, REST through the client)', ...kb(tencent)],
    ],
    [
      'Heap = process.memoryUsage().heapUsed after two full GCs, minus the same before the webhooks, divided by the reply count; each reply has shown its text and its model is stalled. The bot uses memoryState(); the Tencent adapter talks to an injected fetch that answers at once.',
    ],
  );
}
