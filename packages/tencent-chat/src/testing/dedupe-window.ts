/**
 * Tencent's duplicate windows, as the local Tencent Cloud Chat keeps them: a message sent again
 * with the same dedupe key within the window is not stored again; the call is answered with the
 * message stored the first time.
 *
 * @module
 */
import type { StoredMessage } from './store.ts';

/** C2C dedupe window: sender + `MsgSeq` + `MsgRandom` + content, 120 s (doc 269/2282). */
export const C2C_DEDUPE_WINDOW_MS = 120_000;
/** Group dedupe window: `Random` + content, 5 minutes (doc 269/1629). */
export const GROUP_DEDUPE_WINDOW_MS = 300_000;

/** Messages sent within a window, by dedupe key. */
export interface DedupeWindow {
  /** The message stored under `key` within the window before `atMs`. */
  find(key: string, atMs: number): StoredMessage | undefined;
  /** Remembers the message stored under `key` at `atMs`. */
  remember(key: string, message: StoredMessage, atMs: number): void;
}

/** Creates an empty {@link DedupeWindow} of `windowMs`. */
export function createDedupeWindow(windowMs: number): DedupeWindow {
  const entries = new Map<string, { message: StoredMessage; atMs: number }>();
  return {
    find: (key, atMs) => {
      for (const [entryKey, entry] of entries) {
        if (atMs - entry.atMs > windowMs) entries.delete(entryKey);
      }
      return entries.get(key)?.message;
    },
    remember: (key, message, atMs) => {
      entries.set(key, { message, atMs });
    },
  };
}
