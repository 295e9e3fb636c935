/**
 * What the AI-conversation actions of the local TRTC share: the context they run in, the shape
 * of a handler, and the task lookup and stop that several actions make.
 *
 * @module
 */
import { taskNotExist } from './parameters.ts';
import type { StoredTask, TaskStore } from './task-store.ts';
import type { LocalTRTCPushedText } from './types.ts';

/** What the actions need from the local TRTC. */
export interface ConversationContext {
  readonly sdkAppId: number;
  readonly tasks: TaskStore;
  readonly now: () => number;
  /** Called after a task started (901) or stopped (902). */
  readonly onTaskEvent: (eventType: 901 | 902, task: StoredTask) => void;
  /** Starts an `InvokeLLM` turn of `task` in the background. */
  readonly invokeLLM: (task: StoredTask, content: string) => void;
  /** Aborts the running turns of a task. */
  readonly abortTurns: (taskId: string) => void;
  /** Where `ServerPushText` commands are recorded. */
  readonly pushedTexts: LocalTRTCPushedText[];
}

/** An action handler: the parsed JSON body in, the `Response` fields (without `RequestId`) out. */
export type ActionHandler = (body: unknown) => Record<string, unknown>;

/**
 * The running task `taskId`.
 *
 * @throws {LocalAPIError} `FailedOperation.TaskNotExist` when it is unknown or stopped.
 */
export function runningTask(context: ConversationContext, taskId: string): StoredTask {
  const task = context.tasks.runningById(taskId);
  if (task === undefined) throw taskNotExist();
  return task;
}

/** Stops a running task: its turns are aborted, it is marked stopped, and 902 is raised. */
export function stopTask(context: ConversationContext, task: StoredTask): void {
  context.abortTurns(task.taskId);
  context.tasks.stop(task, context.now());
  context.onTaskEvent(902, task);
}
