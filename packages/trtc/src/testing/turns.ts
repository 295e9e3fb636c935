/**
 * The turns of the local TRTC: one user utterance (or one `InvokeLLM` command) makes one LLM
 * call with the task's current `LLMConfig` and history, raises the turn's webhooks (904 and 903
 * for the user, 903 and 905 for the bot's reply, 908 for an LLM error), and is recorded. Running
 * turns can be aborted one by one (a signal), per task (Stop, an interrupting command) or all
 * at once (close).
 *
 * @module
 */
import { callLLM } from './llm-call.ts';
import {
  addHistoryRound,
  chatCompletionBody,
  chatCompletionHeaders,
  chatMessages,
} from './llm-request.ts';
import type { StoredTask } from './task-store.ts';
import type { LocalTRTCTurn } from './types.ts';
import type { WebhookSender } from './webhook-delivery.ts';

/** What the turns need from the local TRTC. */
export interface TurnContext {
  readonly sdkAppId: number;
  readonly now: () => number;
  readonly webhooks: WebhookSender;
}

/** Options of one turn. */
export interface TurnOptions {
  /** A turn of `ControlAIConversation` `InvokeLLM`: `X-Invoke-LLM: 1`, no user webhooks. */
  readonly invokeLLM: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** Runs and records turns. */
export interface TurnRunner {
  /** Runs one turn of `task` with `userText`; resolves when it has ended (never rejects). */
  run(task: StoredTask, userText: string, options: TurnOptions): Promise<LocalTRTCTurn>;
  /** Aborts the running turns of a task. */
  abortTask(taskId: string): void;
  /** The turns that have ended, oldest first (copies). */
  records(): LocalTRTCTurn[];
  /** Resolves once every turn started so far has ended. */
  flush(): Promise<void>;
  /** Aborts every running turn and waits for them to end. */
  close(): Promise<void>;
}

/** Creates a {@link TurnRunner}. */
export function createTurnRunner(context: TurnContext): TurnRunner {
  const records: LocalTRTCTurn[] = [];
  const running = new Map<string, Set<AbortController>>();
  const pending = new Set<Promise<LocalTRTCTurn>>();

  const execute = async (
    task: StoredTask,
    userText: string,
    options: TurnOptions,
    controller: AbortController,
  ): Promise<LocalTRTCTurn> => {
    const roundId = crypto.randomUUID();
    const requestId = crypto.randomUUID();
    const base = {
      taskId: task.taskId,
      roundId,
      requestId,
      userText,
      invokeLLM: options.invokeLLM,
    };
    if (controller.signal.aborted) {
      const turn: LocalTRTCTurn = {
        ...base,
        replyText: '',
        status: 'aborted',
        failure: undefined,
        httpStatus: undefined,
        error: undefined,
      };
      return turn;
    }
    const send = (eventType: number, payload: Record<string, unknown>) =>
      context.webhooks.send(eventType, task, payload);
    if (!options.invokeLLM) {
      const atMs = context.now();
      send(904, { UserId: task.targetUserId, RoundId: roundId });
      send(903, {
        UserId: task.targetUserId,
        Text: userText,
        StartTimeMs: atMs,
        EndTimeMs: atMs,
        RoundId: roundId,
      });
    }
    // A snapshot: an Update during the call changes only later turns.
    const settings = task.llm;
    const startedAtMs = context.now();
    const result = await callLLM({
      url: settings.apiUrl,
      headers: chatCompletionHeaders(settings, {
        taskId: task.taskId,
        requestId,
        sdkAppId: context.sdkAppId,
        userId: task.targetUserId,
        roomId: task.roomId,
        roomIdType: task.roomIdType,
        invokeLLM: options.invokeLLM,
      }),
      body: JSON.stringify(
        chatCompletionBody(settings, chatMessages(settings, task.history, userText)),
      ),
      timeoutMs: settings.timeoutMs,
      signal: controller.signal,
      secrets: [settings.apiKey],
    });
    const turn: LocalTRTCTurn = {
      ...base,
      replyText: result.text,
      status: result.outcome,
      failure: result.outcome === 'failed' ? result.failure : undefined,
      httpStatus: result.httpStatus,
      error: result.outcome === 'failed' ? result.message : undefined,
    };
    if (result.outcome === 'completed') {
      addHistoryRound(task.history, [
        { role: 'user', content: userText },
        { role: 'assistant', content: result.text },
      ]);
      send(903, {
        UserId: task.botUserId,
        Text: result.text,
        StartTimeMs: startedAtMs,
        EndTimeMs: context.now(),
        RoundId: roundId,
      });
      send(905, { UserId: task.botUserId, RoundId: roundId, Text: result.text });
    } else if (result.outcome === 'failed') {
      send(908, {
        Metric: 'llm_error',
        Tag: { RoundId: roundId, Code: result.code, Message: result.message },
      });
    }
    return turn;
  };

  return {
    run: (task, userText, options) => {
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted === true) controller.abort();
      const ofTask = running.get(task.taskId) ?? new Set<AbortController>();
      running.set(task.taskId, ofTask);
      ofTask.add(controller);
      const turn = execute(task, userText, options, controller).then((ended) => {
        records.push(ended);
        return { ...ended };
      });
      pending.add(turn);
      void turn.finally(() => {
        pending.delete(turn);
        ofTask.delete(controller);
        if (ofTask.size === 0 && running.get(task.taskId) === ofTask) running.delete(task.taskId);
        options.signal?.removeEventListener('abort', onAbort);
      });
      return turn;
    },
    abortTask: (taskId) => {
      for (const controller of running.get(taskId) ?? []) controller.abort();
    },
    records: () => records.map((turn) => ({ ...turn })),
    flush: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close: async () => {
      for (const ofTask of running.values()) for (const controller of ofTask) controller.abort();
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
