/**
 * The AI-conversation tasks of the local TRTC: created by Start, found by TaskId or SessionId
 * while they run, and kept (as `Stopped`) after Stop for the test to inspect.
 *
 * @module
 */
import type { LocalTRTCTask, LocalTRTCTaskStatus } from './types.ts';

/** A stored task; the store changes `status` and `stoppedAtMs`. */
export interface StoredTask {
  readonly taskId: string;
  readonly sessionId: string | undefined;
  readonly roomId: string;
  readonly roomIdType: number;
  readonly botUserId: string;
  readonly targetUserId: string;
  readonly llmConfig: string;
  readonly ttsConfig: string;
  readonly startedAtMs: number;
  status: LocalTRTCTaskStatus;
  stoppedAtMs: number | undefined;
}

/** The tasks of one local TRTC. */
export interface TaskStore {
  /** Stores a new task. */
  add(task: StoredTask): void;
  /** The running task with this TaskId, if any. */
  runningById(taskId: string): StoredTask | undefined;
  /** The running task with this SessionId, if any. */
  runningBySession(sessionId: string): StoredTask | undefined;
  /** Marks a task stopped at `atMs`. */
  stop(task: StoredTask, atMs: number): void;
  /** Copies of every task, oldest first. */
  list(): LocalTRTCTask[];
}

/** Creates an empty {@link TaskStore}. */
export function createTaskStore(): TaskStore {
  const tasks: StoredTask[] = [];
  const isRunning = (task: StoredTask) => task.status !== 'Stopped';
  return {
    add: (task) => {
      tasks.push(task);
    },
    runningById: (taskId) => tasks.find((task) => task.taskId === taskId && isRunning(task)),
    runningBySession: (sessionId) =>
      tasks.find((task) => task.sessionId === sessionId && isRunning(task)),
    stop: (task, atMs) => {
      task.status = 'Stopped';
      task.stoppedAtMs = atMs;
    },
    list: () => tasks.map((task) => ({ ...task })),
  };
}

/** The characters of a task id's random part (URL-safe, as in Tencent's `v2_…` ids). */
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new TaskId shaped like Tencent's: `v2_<yyyymmdd>_<16 characters>_<48 characters>`, e.g.
 * `v2_20250224_udqgoOzzpAFOoiXR_sHbeVCwys3hy0PLs1uRLvS7wY9mjZMEIQuDPhT`.
 */
export function newTaskId(atMs: number): string {
  const date = new Date(atMs).toISOString().slice(0, 10).replaceAll('-', '');
  const random = (length: number) => {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    let text = '';
    for (const byte of bytes) text += ID_ALPHABET[byte % ID_ALPHABET.length];
    return text;
  };
  return `v2_${date}_${random(16)}_${random(48)}`;
}
