import { APICallError, type APIErrorKind, IMBridgeError, ValidationError } from '@imbridge/core';

/** The `provider` of every {@link APICallError} raised by `@imbridge/redis`. */
export const REDIS_PROVIDER = 'redis';

/** The mark that replaces a known secret in a message. */
const REDACTED = '[redacted]';
/** Longest piece of server text placed in a message. */
const MAX_SERVER_TEXT_CHARS = 200;

interface Failure {
  kind: APIErrorKind;
  description: string;
  hint?: string | undefined;
  providerCode?: string | undefined;
}

/** Errors of the clients that mean "no usable connection", by class name. */
const CONNECTION_ERRORS: Readonly<Record<string, string>> = {
  ClientOfflineError: 'the connection to Redis is down',
  ClientClosedError: 'the client is not connected or was closed',
  SocketClosedUnexpectedlyError: 'the connection closed unexpectedly',
  ConnectionTimeoutError: 'connecting timed out',
  SocketTimeoutError: 'the socket timed out',
  DisconnectsClientError: 'the client was disconnected',
  ReconnectStrategyError: 'the client stopped reconnecting',
  MaxRetriesPerRequestError: 'the connection to Redis is down (ioredis gave up retrying)',
};

/** Messages of ioredis errors that carry no class of their own. */
const CONNECTION_MESSAGES: readonly string[] = [
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
];

/** System error codes of a failed or lost socket. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed while writing',
  ETIMEDOUT: 'connecting timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Server error prefixes (the first word of an error reply) and what they mean. */
const REPLY_KINDS: Readonly<Record<string, APIErrorKind>> = {
  NOAUTH: 'auth',
  WRONGPASS: 'auth',
  NOPERM: 'auth',
  LOADING: 'server',
  BUSY: 'server',
  MASTERDOWN: 'server',
  TRYAGAIN: 'server',
  CLUSTERDOWN: 'server',
  READONLY: 'server',
  OOM: 'quota',
  WRONGTYPE: 'invalid-request',
  ERR: 'invalid-request',
  NOSCRIPT: 'invalid-request',
  EXECABORT: 'invalid-request',
};

const AUTH_HINT = 'check the user name and password of the Redis connection (REDIS_URL)';
const NOT_CONNECTED_HINT = 'call `await client.connect()` before passing a client to redisState';

const REPLY_ERROR_CLASSES = new Set(['ErrorReply', 'SimpleError', 'BlobError', 'ReplyError']);

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

function className(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  const name = field(error, 'name');
  if (typeof constructorName === 'string' && constructorName !== 'Error') return constructorName;
  return typeof name === 'string' ? name : '';
}

/** True for an error reply of the server (`-ERR …`, `-NOSCRIPT …`), from either client. */
export function isReplyError(error: unknown): boolean {
  return REPLY_ERROR_CLASSES.has(className(error));
}

/** The first word of a server error reply (`NOSCRIPT`, `WRONGTYPE`), or undefined. */
export function replyPrefix(error: unknown): string | undefined {
  if (!isReplyError(error)) return undefined;
  const message = field(error, 'message');
  return typeof message === 'string' ? /^[A-Z]+/.exec(message)?.[0] : undefined;
}

function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    result = result.split(secret).join(REDACTED).split(encodeURIComponent(secret)).join(REDACTED);
  }
  return result;
}

function describe(error: unknown, secrets: readonly string[]): Failure {
  const name = className(error);
  const prefix = replyPrefix(error);
  if (prefix !== undefined || isReplyError(error)) {
    const message = String(field(error, 'message') ?? '');
    const kind = (prefix !== undefined ? REPLY_KINDS[prefix] : undefined) ?? 'unknown';
    return {
      kind,
      description: `the server answered ${redact(message.slice(0, MAX_SERVER_TEXT_CHARS), secrets)}`,
      hint: kind === 'auth' ? AUTH_HINT : undefined,
      providerCode: prefix,
    };
  }
  if (name === 'TimeoutError') {
    return { kind: 'timeout', description: 'the command timed out', providerCode: name };
  }
  const connection = CONNECTION_ERRORS[name];
  if (connection !== undefined) {
    return {
      kind: 'network',
      description: `${connection} (${name})`,
      hint: name === 'ClientClosedError' ? NOT_CONNECTED_HINT : undefined,
      providerCode: name,
    };
  }
  const code = field(error, 'code');
  const system = typeof code === 'string' ? SYSTEM_ERRORS[code] : undefined;
  if (typeof code === 'string' && system !== undefined) {
    return { kind: 'network', description: `${system} (${code})`, providerCode: code };
  }
  const message = field(error, 'message');
  if (typeof message === 'string' && CONNECTION_MESSAGES.includes(message)) {
    return { kind: 'network', description: 'the connection to Redis is down' };
  }
  // Unknown shapes keep only their class name: their text may hold anything.
  return { kind: 'unknown', description: `an unexpected ${name || typeof error} error` };
}

/**
 * Rebuilds any failure of a Redis call as an {@link APICallError} with `provider: 'redis'`, a
 * `kind` (`network` when Redis is unreachable, `timeout`, `auth`, `server`,
 * `invalid-request`…) and `retryable` derived from it. The original error is not kept as
 * `cause` and its text is not copied (only a server's error reply is, with every known secret
 * redacted), so no password or URL reaches a message or a log.
 */
export function toRedisError(
  error: unknown,
  operation: string,
  secrets: readonly string[],
): IMBridgeError {
  if (IMBridgeError.isInstance(error)) return error;
  const failure = describe(error, secrets);
  return new APICallError({
    message: `Redis ${operation} failed: ${failure.description}`,
    provider: REDIS_PROVIDER,
    kind: failure.kind,
    providerCode: failure.providerCode,
    hint: failure.hint,
  });
}

/** A call that got no answer within `timeoutMs`. */
export function redisTimeoutError(operation: string, timeoutMs: number): APICallError {
  return new APICallError({
    message: `Redis ${operation} failed: no answer within ${timeoutMs} ms`,
    provider: REDIS_PROVIDER,
    kind: 'timeout',
    timeoutMs,
    timeoutPhase: 'request',
  });
}

/** A call made after `close()`. */
export function redisClosedError(operation: string): IMBridgeError {
  return new IMBridgeError({
    message: `Redis ${operation} failed: the state adapter is closed`,
    code: 'state-closed',
  });
}

/** A stored value or message that is not JSON written by redisState. */
export function redisDecodeError(operation: string): ValidationError {
  return new ValidationError({
    message: `Redis ${operation} failed: the stored value is not JSON written by redisState`,
    code: 'state-decode',
  });
}
