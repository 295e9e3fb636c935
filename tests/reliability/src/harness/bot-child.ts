/**
 * A bot instance in its own process, for kill-and-restart and multi-instance scenarios: the
 * Tencent adapter against the scene's local Tencent Chat, state on the parent's state server
 * (`remoteState`) or, with `REDIS_URL`, on a real Redis (`@imbridge/redis`).
 *
 * Environment: `STATE_URL` or `REDIS_URL`, `CHAT_BASE_URL`, `CHAT_ADMIN`, `LOCK_TTL_MS`,
 * `RECOVERY_INTERVAL_MS`; optional `KEY_PREFIX` (the bot's), `CHUNK_DELAY_MS` and `WORDS` (the
 * tagged model's), `CALLS_PER_SECOND` (the adapter's per-API limit), `SHARED_RATE_LIMIT=false`.
 * Prints `{"event":"ready","url":…}` once it serves webhooks, then runs until killed (SIGTERM
 * closes it gracefully within `CLOSE_TIMEOUT_MS`).
 *
 * @module
 */
import { consoleLogger, createBot, type StateAdapter } from '@imbridge/core';
import { redisState } from '@imbridge/redis';
import { createTencentChatAdapter } from '@imbridge/tencent-chat';
import { remoteState } from '../fixtures/remote-state.ts';
import { adapterOptions, serveBot } from './scene.ts';
import { taggedModel } from './tagged-model.ts';

const env = process.env;
const state: StateAdapter =
  env.REDIS_URL !== undefined
    ? redisState({ url: env.REDIS_URL, logger: false })
    : remoteState({
        url: env.STATE_URL ?? '',
        onError: (error) => process.stderr.write(`state: ${error.message}\n`),
      });
const bot = createBot({
  model: taggedModel({
    chunkDelayMs: Number(env.CHUNK_DELAY_MS ?? '10'),
    words: env.WORDS === undefined ? undefined : Number(env.WORDS),
  }),
  state,
  keyPrefix: env.KEY_PREFIX,
  sharedRateLimit: env.SHARED_RATE_LIMIT !== 'false',
  lock: { ttlMs: Number(env.LOCK_TTL_MS ?? '1000') },
  recovery: { intervalMs: Number(env.RECOVERY_INTERVAL_MS ?? '200') },
  stateTimeoutMs: 1_000,
  // LOG=1: every log entry on the console, for a scenario's diagnostics (its stderr).
  logger: env.LOG === '1' ? consoleLogger({ level: 'debug' }) : false,
  errorMessage: (_error, context) => `error for ${context.message.text}`,
});
const adapter = createTencentChatAdapter(
  adapterOptions(
    { baseUrl: env.CHAT_BASE_URL ?? '', adminUserId: env.CHAT_ADMIN ?? 'administrator' },
    {
      logger: false,
      ...(env.CALLS_PER_SECOND !== undefined
        ? { callsPerSecondPerApi: Number(env.CALLS_PER_SECOND) }
        : {}),
    },
  ),
);
const { url, server } = await serveBot(bot, adapter);
process.once('SIGTERM', () => {
  void bot.close({ timeoutMs: Number(env.CLOSE_TIMEOUT_MS ?? '2000') }).finally(() => {
    server.close();
    process.exit(0);
  });
});
process.stdout.write(`${JSON.stringify({ event: 'ready', url })}\n`);
