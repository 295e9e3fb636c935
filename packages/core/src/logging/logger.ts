/** Severity of a log entry. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Names of the structured events the bot runtime logs. */
export type BotLogEventName =
  | 'received'
  | 'ignored'
  | 'deduped'
  | 'queued'
  | 'superseded'
  | 'interrupted'
  | 'reply-started'
  | 'reply-finished'
  | 'model-error'
  | 'model-retry'
  | 'update-rate-limited'
  | 'update-failed'
  | 'reply-split'
  | 'reply-stopped'
  | 'error-message-failed'
  | 'lock-lost'
  | 'turn-failed'
  | 'enqueue-failed'
  | 'background-failed';

/**
 * One structured log entry. `event` names what happened; the other fields depend on it
 * (`conversationId`, `messageId`, `replyId`, `timeToFirstTokenMs`, `updateCount`, `error`...).
 * Entries never contain secrets or message text.
 */
export interface LogEntry {
  /** Severity. */
  level: LogLevel;
  /** What happened. */
  event: BotLogEventName | (string & {});
  /** Event fields. */
  [field: string]: unknown;
}

/**
 * Receives the runtime's structured log entries. Silent unless you pass one.
 *
 * @example
 * ```ts
 * // pino
 * const logger: Logger = { log: (entry) => pinoLogger[entry.level](entry) };
 * ```
 */
export interface Logger {
  /** Called once per entry; must not throw. */
  log(entry: LogEntry): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: Logger = {
  log() {},
};

/** Describes an error for a log entry without its stack or any payload. */
export function describeError(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const record = error as Record<string, unknown>;
  const description: Record<string, unknown> = {};
  for (const field of [
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
  ]) {
    if (record[field] !== undefined) description[field] = record[field];
  }
  return description;
}
