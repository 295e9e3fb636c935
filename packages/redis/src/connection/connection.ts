/**
 * What redisState needs from a Redis client, whichever client it is: a command connection and
 * a dedicated subscriber connection. One implementation per client family (node-redis,
 * ioredis); the state code never touches a client directly.
 */

/** Which connection an event is about. */
export type ConnectionRole = 'commands' | 'subscriber';

/** Told about connection trouble, for logging (never throws). */
export interface ConnectionEvents {
  /** The connection failed or was lost (called for every failed attempt while it is down). */
  onError(role: ConnectionRole, error: unknown): void;
  /** The connection is usable (again). */
  onReady(role: ConnectionRole): void;
}

/** Where a connection stands. */
export type ConnectionStatus =
  /** Commands can be written. */
  | 'ready'
  /** Opening for the first time, no failure yet: worth waiting for. */
  | 'connecting'
  /** Down (a failed attempt or a lost socket): calls fail at once, the client reconnects. */
  | 'down';

/** The command connection. */
export interface CommandConnection {
  /** Where it stands. */
  status(): ConnectionStatus;
  /** Resolves once the first attempt to connect succeeded or failed (never rejects). */
  firstAttempt(): Promise<void>;
  /** The last connection failure while not ready, for error messages. */
  lastError(): unknown;
  /** Sends one command (a function that needs no `this`). */
  readonly send: (args: readonly string[]) => Promise<unknown>;
  /** Opens the dedicated subscriber connection; `onMessage` gets every message. */
  openSubscriber(onMessage: (channel: string, message: string) => void): SubscriberConnection;
  /** Closes the connections redisState opened itself (never a client the user passed). */
  close(): Promise<void>;
}

/** The dedicated pub/sub connection; the client re-subscribes it after a reconnect. */
export interface SubscriberConnection {
  /** Where it stands. */
  status(): ConnectionStatus;
  /** Resolves once the first attempt to connect succeeded or failed (never rejects). */
  firstAttempt(): Promise<void>;
  /** The last connection failure while not ready, for error messages. */
  lastError(): unknown;
  /** Subscribes the connection to a channel. */
  subscribe(channel: string): Promise<void>;
  /** Unsubscribes the connection from a channel. */
  unsubscribe(channel: string): Promise<void>;
  /** Closes it. */
  close(): Promise<void>;
}

/**
 * Tracks one connection we own from its client's events and its own ready flag: `connecting`
 * until the first `ready` or failure, then `ready` whenever the client says it is, else `down`.
 */
export class ConnectionTracker {
  #settled = false;
  #lastError: unknown;
  #firstAttempt: Promise<void>;
  #resolveFirstAttempt: () => void = () => undefined;

  readonly #role: ConnectionRole;
  readonly #events: ConnectionEvents;
  readonly #isReady: () => boolean;

  constructor(role: ConnectionRole, events: ConnectionEvents, isReady: () => boolean) {
    this.#role = role;
    this.#events = events;
    this.#isReady = isReady;
    this.#firstAttempt = new Promise((resolve) => {
      this.#resolveFirstAttempt = resolve;
    });
  }

  status(): ConnectionStatus {
    if (this.#isReady()) return 'ready';
    return this.#settled ? 'down' : 'connecting';
  }

  firstAttempt(): Promise<void> {
    return this.#firstAttempt;
  }

  lastError(): unknown {
    return this.#lastError;
  }

  /** The client reported a failure. */
  failed(error: unknown): void {
    this.#settled = true;
    this.#lastError = error;
    this.#resolveFirstAttempt();
    this.#events.onError(this.#role, error);
  }

  /** The client reported it is ready. */
  ready(): void {
    this.#settled = true;
    this.#lastError = undefined;
    this.#resolveFirstAttempt();
    this.#events.onReady(this.#role);
  }
}

/**
 * The status of a client the user passed (redisState does not listen to its events): `down`
 * once it was seen ready and is not any more, so calls fail at once instead of queueing in the
 * client and running late, after their caller was told they failed. Before its first
 * connection, the client's own rules apply (queue or refuse).
 */
export function passedClientStatus(isReady: () => boolean): () => ConnectionStatus {
  let seenReady = isReady();
  return () => {
    if (isReady()) {
      seenReady = true;
      return 'ready';
    }
    return seenReady ? 'down' : 'ready';
  };
}
