/**
 * Bot child "imbridge": `createBot` + `createTencentChatAdapter` from the BUILT packages (the
 * bench transpiles this file and points `@imbridge/*` at `dist/`), on `memoryState()`, with an
 * instant model, served by `toNodeListener` on `node:http` — the README's quick start with the
 * local Tencent Chat as `baseUrl`.
 *
 * Counted for the report (plain counters, no timers): log events by name, and the tokens taken
 * from every `TokenBucket` — the bot's app-wide buckets (taken by the pacer) apart from the
 * client's per-API buckets (taken once per HTTP attempt).
 */
import { createServer } from 'node:http';
import {
  createBot,
  type LanguageModel,
  type LogEntry,
  type Logger,
  memoryState,
  TokenBucket,
  toNodeListener,
} from '@imbridge/core';
import { createTencentChatAdapter } from '@imbridge/tencent-chat';
import { readChildConfig, serveParent } from './child-ipc.ts';
import { answerDeltas, type ChildStats } from './protocol.ts';

const config = readChildConfig();
const stats: ChildStats = {};

function bump(name: string): void {
  stats[name] = (stats[name] ?? 0) + 1;
}

// ---- token accounting: which bucket is which, from the stack of its first use ----

const bucketLabels = new WeakMap<object, string>();
const bucketsSeen = { pacer: 0, client: 0 };

/**
 * `pacer#n` for the bot's app-wide buckets (first taken from the pacer), `client#n` for the
 * client's per-API buckets (taken by the HTTP layer), numbered in order of first use: the first
 * reply's opening call comes first, so `client#1` is `sendmsg` and `client#2` `modify_c2c_msg`.
 */
function bucketLabel(bucket: object): string {
  let label = bucketLabels.get(bucket);
  if (label === undefined) {
    const kind = /ReplyPacer|ReplyWriter/.test(new Error().stack ?? '') ? 'pacer' : 'client';
    bucketsSeen[kind] += 1;
    label = `${kind}#${bucketsSeen[kind]}`;
    bucketLabels.set(bucket, label);
  }
  return label;
}

type BucketMethod = (this: TokenBucket, ...args: unknown[]) => unknown;
const prototype = TokenBucket.prototype as unknown as Record<string, BucketMethod | undefined>;

function countCalls(method: string, counter: (result: unknown) => string | undefined): void {
  const original = prototype[method];
  if (original === undefined) return;
  prototype[method] = function (this: TokenBucket, ...args: unknown[]): unknown {
    const result = original.apply(this, args);
    const name = counter(result);
    if (name !== undefined) bump(`bucket.${bucketLabel(this)}.${name}`);
    return result;
  };
}

countCalls('take', (result) => (result === undefined ? 'take-free' : 'take-waited'));
countCalls('tryTake', (result) => (result === true ? 'try-taken' : 'try-skipped'));
countCalls('giveBack', () => 'given-back');

// ---- the bot ----

const countEvent = (_message: string, entry: LogEntry): void => bump(`log.${entry.event}`);
const logger: Logger = { debug: countEvent, info: countEvent, warn: countEvent, error: countEvent };

const model: LanguageModel = {
  specificationVersion: 'v1',
  provider: 'bench',
  modelId: 'instant',
  async *stream(request) {
    const question = request.messages.at(-1)?.content ?? '';
    for (const text of answerDeltas(question)) yield { type: 'text-delta', text };
    yield { type: 'finish', reason: 'stop' };
  },
};

const adapter = createTencentChatAdapter({
  sdkAppId: config.sdkAppId,
  secretKey: config.secretKey,
  adminUserId: config.adminUserId,
  baseUrl: config.baseUrl,
  callbackToken: config.callbackToken,
  robotIds: [config.robotId],
  callsPerSecondPerApi: config.callsPerSecondPerApi,
  logger,
});
const bot = createBot({ model, state: memoryState(), logger });
const server = createServer(toNodeListener(bot.webhook(adapter), { logger }));

await serveParent(server, () => stats);
