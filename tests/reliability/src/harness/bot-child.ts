/**
 * A bot instance in its own process, for kill-and-restart scenarios: the Tencent adapter against
 * the scene's local Tencent Chat, state on the parent's state server (`remoteState`).
 *
 * Environment: `STATE_URL`, `CHAT_BASE_URL`, `CHAT_ADMIN`, `LOCK_TTL_MS`, `RECOVERY_INTERVAL_MS`.
 * Prints `{"event":"ready","url":…}` once it serves webhooks, then runs until killed (SIGTERM
 * closes it gracefully within `CLOSE_TIMEOUT_MS`).
 *
 * @module
 */
import { createBot } from '@imbridge/core';
import { createTencentChatAdapter } from '@imbridge/tencent-chat';
import { remoteState } from '../fixtures/remote-state.ts';
import { adapterOptions, serveBot } from './scene.ts';
import { taggedModel } from './tagged-model.ts';

const env = process.env;
const state = remoteState({
  url: env.STATE_URL ?? '',
  onError: (error) => process.stderr.write(`state: ${error.message}\n`),
});
const bot = createBot({
  model: taggedModel({ chunkDelayMs: 10 }),
  state,
  lock: { ttlMs: Number(env.LOCK_TTL_MS ?? '1000') },
  recovery: { intervalMs: Number(env.RECOVERY_INTERVAL_MS ?? '200') },
  stateTimeoutMs: 1_000,
  logger: false,
  errorMessage: (_error, context) => `error for ${context.message.text}`,
});
const adapter = createTencentChatAdapter(
  adapterOptions(
    { baseUrl: env.CHAT_BASE_URL ?? '', adminUserId: env.CHAT_ADMIN ?? 'administrator' },
    { logger: false },
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
