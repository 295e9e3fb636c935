import type { CallOptions } from './options.ts';

/** The per-call settings of a method's options (signal, timeout, retries). */
export function callOptions(options: CallOptions): CallOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs, retry: options.retry };
}

/** `1`/`0` for a yes/no form flag, `undefined` when not given. */
export function flag(value: boolean | undefined): number | undefined {
  return value === undefined ? undefined : value ? 1 : 0;
}

/**
 * `load` run once: later calls get the same promise. A failed load is not kept (the next call
 * tries again), and a load nobody awaits never surfaces as an unhandled rejection.
 */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    if (loading === undefined) {
      const started = load();
      started.catch(() => {
        if (loading === started) loading = undefined;
      });
      loading = started;
    }
    return loading;
  };
}

/** The message, stream and user schemas (zod). */
export type MessageSchemas = typeof import('./message-schemas.ts');
/** The bot and integration schemas (zod). */
export type BotSchemas = typeof import('./bot-schemas.ts');

const messageSchemas = once(() => import('./message-schemas.ts'));
const botSchemas = once(() => import('./bot-schemas.ts'));

/**
 * Loads the message, stream and user schemas (and zod) with the first call that checks its
 * input, not at import: signing and building a request need none of this.
 */
export function loadMessageSchemas(): Promise<MessageSchemas> {
  return messageSchemas();
}

/** Loads the bot and integration schemas (and zod) with the first bot call. */
export function loadBotSchemas(): Promise<BotSchemas> {
  return botSchemas();
}
