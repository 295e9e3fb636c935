import type { LogEntry, LogEventName } from './log-entry.ts';

/** Severity of a log entry. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where imbridge writes its log: anything console-shaped. `console`, a pino logger and a winston
 * logger can be passed as they are (pino is recognised and called the pino way, fields first).
 * Each call gets a short human-readable message and the structured {@link LogEntry}, which never
 * holds a secret or message text.
 *
 * @example
 * ```ts
 * createBot({ model, logger: pino() });      // pino, as is
 * createBot({ model, logger: console });     // every level, debug included
 * createBot({ model, logger: false });       // silent
 * // default: warnings and errors to the console
 * ```
 */
export interface Logger {
  /** Detail of normal operation (every webhook, every queued message). */
  debug(message: string, entry: LogEntry): void;
  /** Milestones (a reply started, finished, was interrupted). */
  info(message: string, entry: LogEntry): void;
  /** Something was rejected or degraded (a bad webhook signature, a rate-limited update). */
  warn(message: string, entry: LogEntry): void;
  /** Something failed (a reply, a state call, an error message that could not be sent). */
  error(message: string, entry: LogEntry): void;
}

/** What a `logger` option accepts: a logger, `false` for silence, or `undefined` for the default. */
export type LoggerOption = Logger | false | undefined;

/** Writes one entry at a level; never throws. */
export type LogEmitter = (level: LogLevel, entry: LogEntry) => void;

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };
/** Set on loggers made by {@link consoleLogger}: the lowest level they print. */
const LOWEST_LEVEL = Symbol('imbridge.lowest-level');

/** Options of {@link consoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Lowest level written. @default 'warn' */
  level?: LogLevel | undefined;
}

/**
 * A logger that writes one line per entry to the console from `level` up — the message, then
 * the entry as compact JSON (the default logger writes warnings and errors). Use
 * `consoleLogger({ level: 'debug' })` to see every event.
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const threshold = LEVEL_RANK[options.level ?? 'warn'];
  const logger = consoleWriter(threshold);
  // Known to the emitter, which then skips building messages nobody will print.
  (logger as Logger & { [LOWEST_LEVEL]?: number })[LOWEST_LEVEL] = threshold;
  return logger;
}

/** The console writer behind {@link consoleLogger}. */
function consoleWriter(threshold: number): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, entry: LogEntry): void => {
      if (LEVEL_RANK[level] < threshold) return;
      // Resolved at call time, so a patched or replaced console is honoured.
      const target = globalThis.console;
      const method = level === 'debug' ? target.debug : target[level];
      // One line per entry: the message, then the fields as compact JSON (undefined left out).
      method.call(target, `[imbridge] ${message} ${JSON.stringify(entry)}`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const DEFAULT_LOGGER = consoleLogger();
const PINO_SERIALIZERS = Symbol.for('pino.serializers');

/** Short descriptions of each event, used to build the message. */
const DESCRIPTIONS: Readonly<Record<LogEventName, string>> = {
  received: 'message received',
  ignored: 'message ignored',
  deduped: 'duplicate delivery dropped',
  queued: 'message queued',
  superseded: 'message superseded by a newer one',
  interrupted: 'reply interrupted',
  'reply-started': 'reply started',
  'reply-finished': 'reply finished',
  'model-error': 'the model failed',
  'update-paused': 'reply updates paused after a transient failure',
  'update-failed': 'reply update failed',
  'reply-split': 'reply continued in a new message',
  'reply-stopped': 'reply stopped at the size cap',
  'error-message-failed': 'the error message could not be sent',
  'lock-lost': 'the turn lock was lost',
  'state-failed': 'a state call failed',
  'turn-recovered': 'took over a turn left by another instance',
  'turn-handed-back': 'turn left in state for the next instance',
  'stop-ignored': 'stop request ignored',
  'turn-failed': 'the turn failed',
  'tool-called': 'tool called',
  'tool-failed': 'tool call failed',
  'hook-failed': 'a lifecycle hook failed',
  posted: 'message posted',
  'handoff-started': 'a human took the conversation over',
  'handoff-ended': 'the bot answers the conversation again',
  'handed-off': 'not answered: the conversation is handed off',
  'enqueue-failed': 'the message could not be queued',
  'background-failed': 'background work failed',
  'subscribe-failed': 'could not listen for interrupts',
  'webhook-rejected': 'webhook rejected',
  'webhook-failed': 'webhook handling failed',
  'signature-check-disabled': 'webhook signature checks are OFF (verifySignatures: false)',
  'auth-disabled':
    'authentication is OFF (allowUnauthenticated: true): anyone can call this endpoint',
};

function describe(entry: LogEntry): string {
  let message = DESCRIPTIONS[entry.event];
  const detail = 'reason' in entry && typeof entry.reason === 'string' ? entry.reason : undefined;
  if (detail !== undefined) message += ` (${detail})`;
  const error = 'error' in entry ? entry.error : undefined;
  if (error !== undefined && typeof error.message === 'string') message += `: ${error.message}`;
  return message;
}

/**
 * Turns a `logger` option into an emitter: `undefined` → warnings and errors to the console,
 * `false` → nothing, a logger → that logger (pino called fields-first). A logger that throws
 * never breaks the caller.
 */
export function createLogEmitter(option: LoggerOption): LogEmitter {
  if (option === false) return () => {};
  const logger = option ?? DEFAULT_LOGGER;
  const isPino = typeof logger === 'object' && logger !== null && PINO_SERIALIZERS in logger;
  const lowest = (logger as Logger & { [LOWEST_LEVEL]?: number })[LOWEST_LEVEL] ?? 0;
  return (level, entry) => {
    if (LEVEL_RANK[level] < lowest) return;
    try {
      const message = describe(entry);
      if (isPino) {
        (logger[level] as unknown as (fields: LogEntry, message: string) => void).call(
          logger,
          entry,
          message,
        );
      } else logger[level](message, entry);
    } catch {
      // A broken logger must not break replies.
    }
  };
}

/** A logger that drops everything (same as `logger: false`). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** What {@link describeError} keeps of an error: identifying fields, never a stack or payload. */
export interface ErrorDescription {
  /** Error class name. */
  name?: string;
  /** imbridge error code. */
  code?: string;
  /** Message (secret-free for imbridge errors). */
  message?: string;
  /** API error kind. */
  kind?: string;
  /** Vendor id. */
  provider?: string;
  /** HTTP status. */
  statusCode?: number;
  /** Vendor error code. */
  providerCode?: string | number;
  /** Vendor request id. */
  requestId?: string;
  /** Whether a retry may succeed. */
  retryable?: boolean;
  /** Requested wait before a retry, in milliseconds. */
  retryAfterMs?: number;
  /** What to do about it. */
  hint?: string;
}

const DESCRIBED_FIELDS = [
  'name',
  'code',
  'message',
  'kind',
  'provider',
  'statusCode',
  'providerCode',
  'requestId',
  'retryable',
  'retryAfterMs',
  'hint',
] as const;

/** Describes an error for a log entry without its stack or any payload. */
export function describeError(error: unknown): ErrorDescription {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const record = error as Record<string, unknown>;
  const description: Record<string, unknown> = {};
  for (const field of DESCRIBED_FIELDS) {
    if (record[field] !== undefined) description[field] = record[field];
  }
  return description as ErrorDescription;
}
