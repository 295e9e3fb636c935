import type { LogEntry } from '../logging/log-entry.ts';
import type { Logger, LogLevel } from '../logging/logger.ts';

/** One entry a {@link memoryLogger} kept: the structured entry with its level and message. */
export type LoggedEntry = LogEntry & {
  /** The level it was logged at. */
  level: LogLevel;
  /** The human-readable message. */
  message: string;
};

/** A logger that keeps what it is given, for assertions. */
export interface MemoryLogger extends Logger {
  /** Every entry, oldest first. */
  readonly entries: LoggedEntry[];
}

/**
 * A logger that records every entry in memory (all levels), so tests can assert what the bot or
 * an adapter logged.
 *
 * @example
 * ```ts
 * const logger = memoryLogger();
 * const bot = createBot({ model, logger });
 * // …
 * expect(logger.entries.some((entry) => entry.event === 'reply-finished')).toBe(true);
 * ```
 */
export function memoryLogger(): MemoryLogger {
  const entries: LoggedEntry[] = [];
  const at =
    (level: LogLevel) =>
    (message: string, entry: LogEntry): void => {
      entries.push({ ...entry, level, message });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
