import {
  checkInteger,
  createLogEmitter,
  type LogEmitter,
  type LoggerOption,
  type OptionReference,
  optionError,
  ValidationError,
} from '@imbridge/core';
import { isIORedisClient, isNodeRedisClient, type RedisClient } from './connection/client-types.ts';

const OWNER = 'redisState';

/** Default of {@link RedisStateCommonOptions.timeoutMs}: 2 s. */
export const DEFAULT_TIMEOUT_MS = 2_000;
/** Default of {@link RedisStateCommonOptions.defaultTtlMs}: 7 days. */
export const DEFAULT_TTL_MS = 7 * 86_400_000;

/** Options of {@link redisState} shared by its two forms. */
export interface RedisStateCommonOptions {
  /**
   * Put before every key and channel, to keep apps or bots that share one Redis database apart
   * (`'bot-a:'`). The bot runtime's own keys already start with its `keyPrefix` (`imbridge:`).
   * @default ''
   */
  keyPrefix?: string | undefined;
  /**
   * Limit of one state call, in milliseconds, first connection included: a call Redis does
   * not answer in time rejects with an `APICallError` of kind `timeout` (or `network` when the
   * connection is down), and a command still unsent is dropped (node-redis).
   * @default 2000
   */
  timeoutMs?: number | undefined;
  /**
   * TTL of a key written without `ttlMs` (or with `ttlMs: Infinity`): `set`, `setIfAbsent`, a
   * new list; in milliseconds, so that nothing stays in Redis forever.
   * @default 604800000 (7 days)
   */
  defaultTtlMs?: number | undefined;
  /**
   * Where connection failures (once per outage), throwing listeners and undecodable messages
   * are logged. @default warnings and errors to the console
   */
  logger?: LoggerOption;
}

/** {@link redisState} on a connection it opens (and closes) itself, from a URL. */
export interface RedisStateUrlOptions extends RedisStateCommonOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS). Needs the `redis`
   * package (node-redis 5 or 6) installed. The password never appears in an error or a log.
   * Examples read it from `REDIS_URL`.
   */
  url: string;
  /** Not with `url`. */
  client?: undefined;
}

/** {@link redisState} on a client the app created, connected and will close. */
export interface RedisStateClientOptions extends RedisStateCommonOptions {
  /**
   * A connected node-redis 5/6 client (`createClient()`, then `await client.connect()`) or an
   * ioredis 5 client (`new Redis()`). redisState never closes it; it opens one more connection
   * for publish/subscribe (`client.duplicate()`), which `close()` closes.
   */
  client: RedisClient;
  /** Not with `client`. */
  url?: undefined;
}

/** Options of {@link redisState}: a `url`, or a `client`, and the common options. */
export type RedisStateOptions = RedisStateUrlOptions | RedisStateClientOptions;

/** The options once checked, defaults applied. */
export interface ResolvedRedisStateOptions {
  source: { url: string } | { client: RedisClient };
  keyPrefix: string;
  timeoutMs: number;
  defaultTtlMs: number;
  log: LogEmitter;
  /** Never shown in a message: the URL's password. */
  secrets: string[];
}

function option(name: string, extra: Partial<OptionReference> = {}): OptionReference {
  return { owner: OWNER, name, ...extra };
}

function checkUrl(value: unknown): { url: string; secrets: string[] } {
  const reference = option('url', { envVariable: 'REDIS_URL', secret: true });
  const expected = 'a redis:// or rediss:// URL';
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw optionError(reference, expected, value);
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw optionError(reference, expected, value);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw optionError(reference, expected, value);
  }
  const secrets: string[] = [];
  if (parsed.password.length > 0) {
    secrets.push(parsed.password);
    try {
      secrets.push(decodeURIComponent(parsed.password));
    } catch {
      // Not percent-encoded text: the raw form above is enough.
    }
  }
  return { url: value, secrets };
}

function checkClient(value: unknown): RedisClient {
  const candidate = value as RedisClient;
  if (
    typeof value !== 'object' ||
    value === null ||
    !(isIORedisClient(candidate) || isNodeRedisClient(candidate))
  ) {
    throw optionError(
      option('client'),
      'a node-redis client (createClient from `redis`) or an ioredis client',
      value,
    );
  }
  return candidate;
}

/**
 * Checks the options of {@link redisState} before anything connects.
 *
 * @throws ValidationError (code `invalid-option`) naming the option.
 */
export function resolveRedisStateOptions(options: RedisStateOptions): ResolvedRedisStateOptions {
  if (typeof options !== 'object' || options === null) {
    throw optionError(option('options'), 'an object with `url` or `client`', options);
  }
  const hasUrl = options.url !== undefined;
  if (hasUrl && options.client !== undefined) {
    throw new ValidationError({
      message: `${OWNER}: pass either url or client, not both`,
      code: 'invalid-option',
      issues: [{ path: ['client'], message: 'not with url' }],
    });
  }
  if (!hasUrl && options.client === undefined) {
    throw optionError(
      option('url', { envVariable: 'REDIS_URL', secret: true }),
      'a redis:// or rediss:// URL (or pass client)',
      undefined,
    );
  }
  const keyPrefix = options.keyPrefix ?? '';
  if (typeof keyPrefix !== 'string') throw optionError(option('keyPrefix'), 'a string', keyPrefix);
  const checked = hasUrl ? checkUrl(options.url) : undefined;
  return {
    source: checked !== undefined ? { url: checked.url } : { client: checkClient(options.client) },
    keyPrefix,
    timeoutMs: checkInteger(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, option('timeoutMs'), {
      min: 1,
    }),
    defaultTtlMs: checkInteger(options.defaultTtlMs ?? DEFAULT_TTL_MS, option('defaultTtlMs'), {
      min: 1,
    }),
    log: createLogEmitter(options.logger),
    secrets: checked?.secrets ?? [],
  };
}
