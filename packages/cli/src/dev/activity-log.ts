/**
 * The wire panel's log: every webhook a stand-in sent to the bot, every REST call the bot made
 * to a stand-in, and every call TRTC made to the voice agent's LLM endpoint — newest last,
 * bounded, already redacted.
 *
 * @module
 */
import type { PlaygroundVendor } from './local-setup.ts';

/** What an entry records. */
export type ActivityKind = 'webhook' | 'api' | 'llm';

/** One exchange on the wire, as the panel shows it. */
export interface ActivityEntry {
  /** Increasing from 1. */
  readonly id: number;
  /** When it started, in milliseconds since the epoch. */
  readonly atMs: number;
  /** `webhook` (vendor → bot), `api` (bot → vendor), `llm` (TRTC → the bot's LLM endpoint). */
  readonly kind: ActivityKind;
  /** The vendor. */
  readonly vendor: PlaygroundVendor;
  /** A short name: the callback command, the API, the TRTC event or action. */
  readonly label: string;
  /** HTTP method. */
  readonly method: string;
  /** Path and query, secrets replaced. */
  readonly path: string;
  /** Who answered: `example bot`, the bot's URL, or the stand-in. */
  readonly target: string;
  /** HTTP status of the answer; 0 when none came. */
  readonly status: number;
  /** The vendor's own result code, when the answer has one (`ErrorCode 0`, `code 200`). */
  readonly code?: string | undefined;
  /** How long the exchange took, in milliseconds. */
  readonly durationMs?: number | undefined;
  /** Why no answer came. */
  readonly error?: string | undefined;
  /** The request body, redacted. */
  readonly requestBody?: unknown;
  /** The answer body, redacted. */
  readonly responseBody?: unknown;
}

/** The log. */
export interface ActivityLog {
  /** Adds an entry and returns it with its id. */
  add(entry: Omit<ActivityEntry, 'id'>): ActivityEntry;
  /** The entries after `id`, oldest first. */
  since(id: number): ActivityEntry[];
  /** The id of the newest entry (0 when empty). */
  readonly lastId: number;
}

/** Creates a log that keeps the newest `maxEntries` entries. */
export function createActivityLog(maxEntries = 500): ActivityLog {
  const entries: ActivityEntry[] = [];
  let lastId = 0;
  return {
    add(entry) {
      lastId += 1;
      const added: ActivityEntry = { ...entry, id: lastId };
      entries.push(added);
      if (entries.length > maxEntries) entries.splice(0, entries.length - maxEntries);
      return added;
    },
    since: (id) => entries.filter((entry) => entry.id > id),
    get lastId() {
      return lastId;
    },
  };
}
