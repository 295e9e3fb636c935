import { replyPrefix } from './errors.ts';

/** A Lua script run with `EVALSHA`, loaded with `EVAL` when the server does not know it yet. */
export interface LuaScript {
  /** What the script does, for messages. */
  readonly name: string;
  /** The Lua source. */
  readonly source: string;
}

/**
 * Extends a lock held with this token. KEYS[1] lock; ARGV[1] token, ARGV[2] ttl in ms.
 * Returns 1 when extended, 0 when the lock is gone or held with another token.
 */
export const EXTEND_LOCK: LuaScript = {
  name: 'extendLock',
  source: `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`,
};

/**
 * Releases a lock held with this token. KEYS[1] lock; ARGV[1] token.
 * Returns 1 when released, 0 when the lock is gone or held with another token.
 */
export const RELEASE_LOCK: LuaScript = {
  name: 'releaseLock',
  source: `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
};

/**
 * Appends to a list, trims it and sets its TTL in one step. KEYS[1] list; ARGV[1] item,
 * ARGV[2] max length (-1: no limit), ARGV[3] ttl in ms (0: keep the list's TTL), ARGV[4] the
 * TTL of a list that has none. Returns the length after the append.
 */
export const APPEND_TO_LIST: LuaScript = {
  name: 'appendToList',
  source: `local length = redis.call('RPUSH', KEYS[1], ARGV[1])
local maxLength = tonumber(ARGV[2])
if maxLength == 0 then
  redis.call('DEL', KEYS[1])
  return 0
end
if maxLength > 0 and length > maxLength then
  redis.call('LTRIM', KEYS[1], -maxLength, -1)
  length = maxLength
end
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
elseif redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return length`,
};

/**
 * A token bucket on the server's clock (TIME), so every instance shares one bucket whatever its
 * own clock says. KEYS[1] bucket (a hash: t = tokens, u = last update in ms); ARGV[1] tokens
 * per second, ARGV[2] burst, ARGV[3] cost. The key expires once a bucket would be full again
 * (burst / rate, plus 1 s): a missing bucket is a full one, so nothing is lost.
 * Returns { allowed (0/1), retryAfterMs }.
 */
export const CONSUME_RATE_LIMIT: LuaScript = {
  name: 'consumeRateLimit',
  source: `if redis.replicate_commands then redis.replicate_commands() end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = burst
  updated = now
end
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate / 1000)
local allowed = 0
local retryAfterMs = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retryAfterMs = math.ceil((cost - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'u', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return { allowed, retryAfterMs }`,
};

const shaCache = new Map<LuaScript, Promise<string>>();

/** The SHA-1 of the script source in hex, as `EVALSHA` wants it (Web Crypto, computed once). */
export function scriptSha(script: LuaScript): Promise<string> {
  let sha = shaCache.get(script);
  if (sha === undefined) {
    sha = crypto.subtle
      .digest('SHA-1', new TextEncoder().encode(script.source))
      .then((digest) =>
        Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join(''),
      );
    shaCache.set(script, sha);
  }
  return sha;
}

/** Sends one raw command. */
export type SendCommand = (args: readonly string[]) => Promise<unknown>;

/**
 * Runs a script: `EVALSHA` first (the script is cached on the server), and `EVAL` with the
 * source when the server answers `NOSCRIPT` (first use, or after a restart or `SCRIPT FLUSH`).
 */
export async function runScript(
  send: SendCommand,
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await send(['EVALSHA', await scriptSha(script), ...tail]);
  } catch (error) {
    if (replyPrefix(error) !== 'NOSCRIPT') throw error;
    return send(['EVAL', script.source, ...tail]);
  }
}
