import { APICallError, type IMBridgeError } from '@imbridge/core';
import type { CommandConnection, ConnectionStatus } from './connection/connection.ts';
import { REDIS_PROVIDER, redisClosedError, redisTimeoutError, toRedisError } from './errors.ts';
import type { SendCommand } from './scripts.ts';

/** Whether a call already timed out: work still running must then not take effect. */
export interface CallState {
  /** Set when the call was rejected for taking longer than `timeoutMs`. */
  timedOut: boolean;
}

/** What one call's body works with. */
export interface CallContext {
  /** Sends one command on the command connection. */
  send: SendCommand;
  /** Whether the call already timed out. */
  call: CallState;
}

/** A connection whose status can be waited on. */
interface Watched {
  status(): ConnectionStatus;
  firstAttempt(): Promise<void>;
  lastError(): unknown;
}

/** Options of {@link RedisCaller}. */
export interface RedisCallerOptions {
  /** Opens the command connection (on the first call; a URL's client is created then). */
  open: () => Promise<CommandConnection>;
  /** Limit of one call, in milliseconds. */
  timeoutMs: number;
  /** Values never shown in a message (the URL's password). */
  secrets: readonly string[];
}

/**
 * The one owner of a Redis call's limits and errors: refuses calls after close, fails at once
 * while the connection is known to be down, waits for a first connection, bounds every call by
 * `timeoutMs`, and turns every failure into a typed, secret-free error. It never retries: the
 * caller (the bot runtime) decides what to do with a failed call.
 */
export class RedisCaller {
  readonly #options: RedisCallerOptions;
  #opening: Promise<CommandConnection> | undefined;
  #connection: CommandConnection | undefined;
  #closed = false;

  constructor(options: RedisCallerOptions) {
    this.#options = options;
  }

  /** The command connection once opened. */
  get connection(): CommandConnection | undefined {
    return this.#connection;
  }

  /** Refuses every later call; resolves to the connection if one was opened. */
  async close(): Promise<CommandConnection | undefined> {
    this.#closed = true;
    return this.#opening?.catch(() => undefined);
  }

  /** Rejects when the connection is down; waits while it opens for the first time. */
  async whenUsable(target: Watched, operation: string): Promise<void> {
    if (target.status() === 'connecting') await target.firstAttempt();
    if (target.status() !== 'ready') throw this.downError(target, operation);
  }

  /** Runs one state operation within `timeoutMs`. */
  run<T>(operation: string, body: (context: CallContext) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(redisClosedError(operation));
    const call: CallState = { timedOut: false };
    const connection = this.#connection;
    // The common case costs no extra promise: a ready connection goes straight to the body.
    let work: Promise<T>;
    try {
      work =
        connection !== undefined && connection.status() === 'ready'
          ? body({ send: connection.send, call })
          : this.#afterConnecting(operation, body, call);
    } catch (error) {
      work = Promise.reject(error);
    }
    const { timeoutMs, secrets } = this.#options;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        call.timedOut = true;
        // Down: say why (refused, auth…); still connecting or no answer: a timeout.
        const current = this.#connection;
        reject(
          current?.status() === 'down'
            ? this.downError(current, operation)
            : redisTimeoutError(operation, timeoutMs),
        );
      }, timeoutMs);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(toRedisError(error, operation, secrets));
        },
      );
    });
  }

  async #afterConnecting<T>(
    operation: string,
    body: (context: CallContext) => Promise<T>,
    call: CallState,
  ): Promise<T> {
    this.#opening ??= this.#options.open().then((connection) => {
      this.#connection = connection;
      return connection;
    });
    const connection = await this.#opening;
    await this.whenUsable(connection, operation);
    return body({ send: connection.send, call });
  }

  /** The error of a call made while the connection is down, from its last failure. */
  downError(target: Watched, operation: string): IMBridgeError {
    const last = target.lastError();
    const error =
      last === undefined ? undefined : toRedisError(last, operation, this.#options.secrets);
    if (error !== undefined && (!APICallError.isInstance(error) || error.kind !== 'unknown')) {
      return error;
    }
    return new APICallError({
      message: `Redis ${operation} failed: the connection to Redis is down`,
      provider: REDIS_PROVIDER,
      kind: 'network',
    });
  }
}
