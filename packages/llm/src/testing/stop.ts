/**
 * The stop routes (`/chat-messages/:task_id/stop`, `/completion-messages/:task_id/stop`,
 * `/workflows/tasks/:task_id/stop`): always `{"result": "success"}`, as Dify answers; the running
 * task ends only when it is of this kind and (except for workflows) of the same `user`.
 *
 * @module
 */
import { answerError, type CheckedRequest, wrongModeError } from './run.ts';
import { pythonJson, type RunKind } from './wire.ts';

/** Handles a stop call for `taskId`. */
export function handleStop(checked: CheckedRequest, kind: RunKind, taskId: string): void {
  const { state, record, reply, user } = checked;
  record.taskId = taskId;
  const modeError = wrongModeError(state, kind);
  if (modeError !== undefined) {
    answerError(record, reply, modeError);
    return;
  }
  const task = state.tasks.get(taskId);
  // Dify sets a stop flag for (task, user): another user's stop silently does nothing. Workflow
  // stops do not check the user.
  if (task !== undefined && task.kind === kind && (kind === 'workflow' || task.user === user)) {
    task.stop();
  }
  record.status = 200;
  reply.send(200, 'application/json', pythonJson({ result: 'success' }));
}
