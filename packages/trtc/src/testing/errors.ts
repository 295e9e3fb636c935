/**
 * The error the local TRTC's own methods throw (API calls answer Tencent's error envelope
 * instead).
 *
 * @module
 */
import { IMBridgeError } from '@imbridge/core';

const TASK_NOT_FOUND_BRAND = Symbol.for('imbridge.error.local-trtc-task-not-found');

/**
 * {@link LocalTRTC.simulateUtterance} was given a task that the local TRTC does not know or
 * that has stopped. Code `task-not-found`.
 *
 * @example
 * ```ts
 * await local.simulateUtterance('nope', 'hi').catch((error) => {
 *   if (LocalTRTCTaskNotFoundError.isInstance(error)) console.log(error.taskId);
 * });
 * ```
 */
export class LocalTRTCTaskNotFoundError extends IMBridgeError {
  /** The error class name (stable across builds, unlike `constructor.name`). */
  override readonly name: string = 'LocalTRTCTaskNotFoundError';
  /** Brand for {@link isInstance} across package copies. */
  readonly [TASK_NOT_FOUND_BRAND] = true;
  /** The TaskId given. */
  readonly taskId: string;

  constructor(taskId: string) {
    super({
      message: `local-trtc: the task ${taskId} does not exist or has ended`,
      code: 'task-not-found',
    });
    this.taskId = taskId;
  }

  /** True for a {@link LocalTRTCTaskNotFoundError} from any copy of the package. */
  static override isInstance(value: unknown): value is LocalTRTCTaskNotFoundError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[TASK_NOT_FOUND_BRAND] === true
    );
  }
}
