/**
 * A run of the app (`/chat-messages`, `/completion-messages`, `/workflows/run`): Dify's checks in
 * Dify's order, the conversation, then the answer streamed as SSE or sent as one blocking body.
 *
 * @module
 */
import { answerDeltas, defaultAnswer } from './answer.ts';
import { createTurnEvents, PING_FRAME, type RunOutcome, type TurnEvents } from './events.ts';
import type { Fault } from './faults.ts';
import type { LoopbackReply } from './http-server.ts';
import { createConversation, type LocalDifyState } from './store.ts';
import type {
  LocalDifyAnswer,
  LocalDifyAnswerRequest,
  LocalDifyConversation,
  LocalDifyRequestRecord,
  LocalDifyRoute,
} from './types.ts';
import {
  checkRunPayload,
  DIFY_ERRORS,
  type DifyErrorBody,
  errorText,
  isErrorBody,
  pythonJson,
  type RunKind,
} from './wire.ts';

/** A request that passed the API key, fault, JSON and `user` checks. */
export interface CheckedRequest {
  state: LocalDifyState;
  record: LocalDifyRequestRecord;
  reply: LoopbackReply;
  route: LocalDifyRoute;
  body: Readonly<Record<string, unknown>>;
  user: string;
}

/** Answers a Dify error body and records it. */
export function answerError(
  record: LocalDifyRequestRecord,
  reply: LoopbackReply,
  error: DifyErrorBody,
): void {
  record.status = error.status;
  record.errorCode = error.code;
  reply.send(error.status, 'application/json', errorText(error));
}

/** The error Dify answers when the app's mode does not serve this kind of route, if any. */
export function wrongModeError(state: LocalDifyState, kind: RunKind): DifyErrorBody | undefined {
  const { mode } = state.config;
  if (kind === 'chat') {
    return mode === 'chat' || mode === 'agent-chat' || mode === 'advanced-chat'
      ? undefined
      : DIFY_ERRORS.notChatApp;
  }
  if (kind === 'completion') return mode === 'completion' ? undefined : DIFY_ERRORS.appUnavailable;
  return mode === 'workflow' ? undefined : DIFY_ERRORS.notWorkflowApp;
}

/** The conversation a chat run continues, or the error Dify answers for it. */
function findConversation(
  state: LocalDifyState,
  id: string,
  user: string,
): LocalDifyConversation | DifyErrorBody {
  const conversation = state.conversations.get(id);
  // Dify looks conversations up by app, user and id: another user's is "not found" too.
  if (
    conversation === undefined ||
    conversation.user !== user ||
    conversation.status === 'deleted'
  ) {
    return DIFY_ERRORS.conversationNotFound;
  }
  return conversation.status === 'completed' ? DIFY_ERRORS.conversationCompleted : conversation;
}

/** The text of a text generator or workflow run (`inputs.query`), or Dify's error. */
function inputQuery(inputs: Readonly<Record<string, unknown>>): string | DifyErrorBody {
  const value = inputs.query;
  if (value === undefined || value === null) return DIFY_ERRORS.queryInputRequired;
  return typeof value === 'string' ? value : DIFY_ERRORS.queryInputNotString;
}

/** What the answer loop produced. */
interface Produced {
  text: string;
  failure: DifyErrorBody | undefined;
}

/** Runs the answer's deltas through `onDelta`, applying a mid-stream fault. */
async function produce(
  answer: LocalDifyAnswer,
  state: LocalDifyState,
  signal: AbortSignal,
  fault: Fault | undefined,
  onDelta: (text: string, soFar: string) => void,
): Promise<Produced> {
  const failAfter = fault?.type === 'mid-stream' ? fault : undefined;
  const failure = failAfter && {
    status: failAfter.status,
    code: failAfter.code,
    message: failAfter.message,
  };
  let text = '';
  let count = 0;
  if (failAfter?.afterChunks === 0) return { text, failure };
  try {
    for await (const delta of answerDeltas(answer, state.config.chunkDelayMs, signal)) {
      text += delta;
      count += 1;
      onDelta(delta, text);
      if (failAfter !== undefined && count >= failAfter.afterChunks) break;
    }
  } catch {
    return { text, failure: DIFY_ERRORS.internal };
  }
  // A mid-stream fault strikes after `afterChunks` deltas, or after the last one.
  return { text, failure: signal.aborted ? undefined : failure };
}

interface RunParts {
  checked: CheckedRequest;
  events: TurnEvents;
  answer: LocalDifyAnswer;
  signal: AbortSignal;
  isStopped: () => boolean;
}

async function streamRun(parts: RunParts): Promise<void> {
  const { checked, events, answer, signal } = parts;
  const { state, record, reply, route } = checked;
  reply.startEventStream();
  record.status = 200;
  const pinger = setInterval(() => reply.write(PING_FRAME), state.config.pingIntervalMs);
  pinger.unref();
  try {
    for (const frame of events.opening()) reply.write(frame);
    const fault = state.faults.take(route, (item) => item.type === 'mid-stream');
    const { text, failure } = await produce(answer, state, signal, fault, (delta, soFar) => {
      reply.write(events.delta(delta));
      record.answer = soFar;
    });
    record.answer = text;
    record.stopped = signal.aborted;
    if (reply.signal.aborted) return; // the client went away: nobody to tell
    const outcome: RunOutcome =
      failure === undefined
        ? { type: 'answered', stopped: parts.isStopped() }
        : { type: 'failed', error: failure };
    record.errorCode = failure?.code;
    for (const frame of events.closing(text, outcome, state.config.now())) reply.write(frame);
    reply.end();
  } finally {
    clearInterval(pinger);
  }
}

async function blockingRun(parts: RunParts): Promise<void> {
  const { checked, events, answer, signal } = parts;
  const { state, record, reply, route } = checked;
  const fault = state.faults.take(route, (item) => item.type === 'mid-stream');
  const { text, failure } = await produce(answer, state, signal, fault, (_delta, soFar) => {
    record.answer = soFar;
  });
  record.answer = text;
  record.stopped = signal.aborted;
  if (reply.signal.aborted) return;
  // A failed chat or completion run is an HTTP error; a failed workflow run is a 200 body.
  if (failure !== undefined && state.config.mode !== 'workflow') {
    answerError(record, reply, failure);
    return;
  }
  const outcome: RunOutcome =
    failure === undefined
      ? { type: 'answered', stopped: parts.isStopped() }
      : { type: 'failed', error: failure };
  record.status = 200;
  record.errorCode = failure?.code;
  const body = events.blockingBody(text, outcome, state.config.now());
  reply.send(200, 'application/json', pythonJson(body));
}

/**
 * Handles a run: mode, payload, agent blocking, `query`, conversation and `inputs.query` checks
 * (in Dify's order), then the answer, streamed or blocking. The run can be stopped by its task id.
 */
export async function handleRun(checked: CheckedRequest, kind: RunKind): Promise<void> {
  const { state, record, reply, body, user } = checked;
  const { mode } = state.config;
  const fail = (error: DifyErrorBody): void => answerError(record, reply, error);

  const modeError = wrongModeError(state, kind);
  if (modeError !== undefined) return fail(modeError);
  const payload = checkRunPayload(kind, body);
  if (isErrorBody(payload)) return fail(payload);
  record.conversationId = payload.conversationId;
  if (mode === 'agent-chat' && payload.responseMode === 'blocking') {
    return fail(DIFY_ERRORS.agentBlocking);
  }
  let conversation: LocalDifyConversation | undefined;
  let query = payload.query;
  if (kind === 'chat') {
    if (query.length === 0) return fail(DIFY_ERRORS.queryRequired);
    if (payload.conversationId !== undefined) {
      const found = findConversation(state, payload.conversationId, user);
      if (isErrorBody(found)) return fail(found);
      conversation = found;
    }
  } else {
    const text = inputQuery(payload.inputs);
    if (isErrorBody(text)) return fail(text);
    query = text;
  }

  // The message is created when the run starts: it counts even if it fails or is stopped.
  if (kind === 'chat') {
    conversation ??= createConversation(state, user, payload.inputs);
    conversation.messageCount += 1;
    record.conversationId = conversation.id;
  }
  const taskId = crypto.randomUUID();
  record.taskId = taskId;
  const stopController = new AbortController();
  state.tasks.set(taskId, {
    id: taskId,
    user,
    kind,
    stop: () => stopController.abort(),
  });
  const signal = AbortSignal.any([stopController.signal, reply.signal]);
  const request: LocalDifyAnswerRequest = {
    mode,
    query,
    inputs: conversation?.inputs ?? payload.inputs,
    user,
    conversationId: conversation?.id,
    turn: conversation?.messageCount ?? 1,
    responseMode: payload.responseMode,
    signal,
  };
  try {
    let answer: LocalDifyAnswer;
    try {
      answer = await (state.config.answer ?? defaultAnswer)(request);
    } catch {
      return fail(DIFY_ERRORS.internal);
    }
    const isWorkflowApp = mode === 'advanced-chat' || mode === 'workflow';
    if (isWorkflowApp) state.workflowRuns += 1;
    const events = createTurnEvents({
      mode,
      taskId,
      messageId: crypto.randomUUID(),
      conversationId: conversation?.id,
      workflowRunId: crypto.randomUUID(),
      workflowId: state.workflowId,
      sequenceNumber: state.workflowRuns,
      query,
      inputs: request.inputs,
      user,
      startedAtMs: state.config.now(),
    });
    const parts: RunParts = {
      checked,
      events,
      answer,
      signal,
      isStopped: () => stopController.signal.aborted,
    };
    await (payload.responseMode === 'streaming' ? streamRun(parts) : blockingRun(parts));
  } finally {
    state.tasks.delete(taskId);
  }
}
