/**
 * The AI-conversation tasks of the local TRTC: created by Start, found by TaskId or SessionId
 * while they run, changed by Update, and kept (as `Stopped`) after Stop for the test to inspect.
 * A task also holds its read `LLMConfig` (with the API key, never listed) and its LLM history.
 *
 * @module
 */
import type { HistoryRound, LLMSettings } from './llm-request.ts';
import type { LocalTRTCTask, LocalTRTCTaskStatus } from './types.ts';

/** A stored task; the store and the actions change its mutable fields. */
export interface StoredTask {
  readonly taskId: string;
  readonly sessionId: string | undefined;
  readonly roomId: string;
  readonly roomIdType: number;
  readonly botUserId: string;
  readonly targetUserId: string;
  readonly startedAtMs: number;
  llmConfig: string;
  ttsConfig: string;
  welcomeMessage: string | undefined;
  interruptMode: number;
  interruptSpeechDurationMs: number;
  /** The `LLMConfig` later turns use (Update replaces it). Holds the API key. */
  llm: LLMSettings;
  /** The completed rounds, oldest first (at most 50). */
  readonly history: HistoryRound[];
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
  /** The public view of every task, oldest first (without the LLM key or history). */
  list(): LocalTRTCTask[];
}

/** The public view of a task. */
function publicTask(task: StoredTask): LocalTRTCTask {
  return {
    taskId: task.taskId,
    sessionId: task.sessionId,
    roomId: task.roomId,
    roomIdType: task.roomIdType,
    botUserId: task.botUserId,
    targetUserId: task.targetUserId,
    llmConfig: task.llmConfig,
    ttsConfig: task.ttsConfig,
    welcomeMessage: task.welcomeMessage,
    interruptMode: task.interruptMode,
    interruptSpeechDurationMs: task.interruptSpeechDurationMs,
    status: task.status,
    startedAtMs: task.startedAtMs,
    stoppedAtMs: task.stoppedAtMs,
  };
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
    list: () => tasks.map(publicTask),
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
