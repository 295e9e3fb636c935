import {
  consoleLogger,
  type LanguageModel,
  type LogEntry,
  type Logger,
  type LoggerOption,
  type LogLevel,
} from '@imbridge/core';
import {
  LocalTRTCTaskNotFoundError,
  type LocalTRTCTurn,
  type LocalTRTCWebhookRecord,
} from '@imbridge/trtc/testing';
import type { StartedAgentBody } from './admin-api.ts';
import { startLocalServices } from './local-services.ts';
import { createOfflineModel } from './offline-model.ts';
import { startAgentServer } from './server.ts';

/** The room of the demo call (a numeric room). */
export const DEMO_ROOM_ID = 8001;
/** The user the agent listens and answers to. */
export const DEMO_USER = 'alice';
/** The `sessionId` the demo starts the call with. */
export const DEMO_SESSION_ID = 'demo-call-1';
/** What alice says, in order: a greeting, a request, and a question about the call so far. */
export const DEMO_UTTERANCES = [
  'Hi, can you hear me?',
  'Book a table for two at seven tonight.',
  'What did I say before?',
] as const;
/** What the agent is made to say through the admin API. */
export const DEMO_SAY_TEXT = 'Your table for two is booked for seven. Goodbye!';
/** What alice says once the agent has been stopped. */
export const DEMO_LATE_UTTERANCE = 'Are you still there?';

/** A call to the admin API and its answer. */
export interface AdminView {
  from: 'admin';
  method: string;
  path: string;
  /** Whether `Authorization: Bearer <ADMIN_TOKEN>` was sent. */
  withToken: boolean;
  status: number;
  body: Record<string, unknown>;
  /** Milliseconds since the demo started. */
  atMs: number;
}

/** A sentence the user said, as TRTC's speech recognition hands it to the agent. */
export interface UserView {
  from: 'user';
  user: string;
  text: string;
  atMs: number;
}

/** One delta of the agent's answer, as the LLM endpoint streamed it to TRTC. */
export interface AgentView {
  from: 'agent';
  /** 1-based number of the delta in its answer. */
  seq: number;
  delta: string;
  /** The answer so far. */
  text: string;
  atMs: number;
}

/** How TRTC ended a turn: the whole answer it speaks, or why it got none. */
export interface TurnView {
  from: 'turn';
  turn: LocalTRTCTurn;
  atMs: number;
}

/** Something TRTC did on its own side: a text spoken on request, an utterance not sent. */
export interface TRTCView {
  from: 'trtc';
  kind: 'spoken' | 'task-ended' | 'replayed';
  text: string;
  atMs: number;
}

/** A request the agent's LLM endpoint refused, with the reason it logged. */
export interface EndpointView {
  from: 'endpoint';
  status: number;
  /** Why, as the endpoint logged it (e.g. `… the session was stopped`). */
  reason: string;
  atMs: number;
}

/** One thing the demo shows, in the order it happened. */
export type DemoView = AdminView | UserView | AgentView | TurnView | TRTCView | EndpointView;

/** What {@link runVoiceAgentDemo} returns. */
export interface DemoResult {
  views: DemoView[];
  /** The session `POST /agents` answered. */
  session: StartedAgentBody;
  /** The turns of {@link DEMO_UTTERANCES}, as TRTC ended them. */
  turns: LocalTRTCTurn[];
  /** The texts TRTC was asked to speak (`ServerPushText`), as it received them. */
  pushedTexts: string[];
  /** True when TRTC no longer took an utterance into the stopped task. */
  stoppedTaskRefused: boolean;
  /** The turn of a task started again with the stopped session's `LLMConfig` (its key). */
  replayTurn: LocalTRTCTurn;
  /** Every webhook the local TRTC posted (only with `callbackUrl`). */
  webhooks: LocalTRTCWebhookRecord[];
}

/** The model, reporting each delta it streams (and keeping nothing). */
function tapDeltas(model: LanguageModel, onDelta: (text: string) => void): LanguageModel {
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    async *stream(request) {
      for await (const event of model.stream(request)) {
        if (event.type === 'text-delta') onDelta(event.text);
        yield event;
      }
    },
  };
}

/** A logger passing everything on to `target`, and reporting the endpoint's refusals. */
function watchRefusals(
  target: LoggerOption,
  onRefused: (status: number, reason: string) => void,
): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, entry: LogEntry): void => {
      if (entry.event === 'webhook-rejected' && entry.platform !== 'admin-api') {
        onRefused(entry.statusCode, entry.error.message ?? entry.reason);
      }
      if (target !== undefined && target !== false) target[level](message, entry);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * The offline demo: a local TRTC on 127.0.0.1, the example's server with the offline model, and
 * alice in room 8001. Through the admin API it starts an agent for alice; alice says three
 * sentences (the third asks what she said before: the server's session memory answers); the
 * agent is made to say a text; the agent is stopped. Then alice speaks again (TRTC has no task
 * any more), and the stopped task's start is replayed at TRTC with the same `LLMConfig`: its
 * turn fails with 401, since the session's key died with the session. Reports each step as it
 * happens.
 */
export async function runVoiceAgentDemo(
  options: {
    onView?: (view: DemoView) => void;
    /** Pause before each delta of the offline model. @default 40 */
    chunkDelayMs?: number;
    /** Where the local TRTC posts its webhooks (each tried once). */
    callbackUrl?: string;
    /**
     * Where the server logs. @default errors to the console (the demo shows the endpoint's
     * refusals itself)
     */
    logger?: LoggerOption;
  } = {},
): Promise<DemoResult> {
  const started = Date.now();
  const views: DemoView[] = [];
  const emit = (view: DemoView): void => {
    views.push(view);
    options.onView?.(view);
  };
  const since = (): number => Date.now() - started;
  let answer = { seq: 0, text: '' };
  const model = tapDeltas(
    createOfflineModel({ chunkDelayMs: options.chunkDelayMs ?? 40 }),
    (delta) => {
      answer = { seq: answer.seq + 1, text: answer.text + delta };
      emit({ from: 'agent', seq: answer.seq, delta, text: answer.text, atMs: since() });
    },
  );
  const target = options.logger === undefined ? consoleLogger({ level: 'error' }) : options.logger;
  const logger = watchRefusals(target, (status, reason) =>
    emit({ from: 'endpoint', status, reason, atMs: since() }),
  );
  const local = await startLocalServices({ callbackUrl: options.callbackUrl });
  const server = await startAgentServer({ config: local.config, model, logger }).catch(
    async (error: unknown) => {
      await local.close();
      throw error;
    },
  );
  const trtc = local.trtc;

  const admin = async (
    method: string,
    path: string,
    body?: unknown,
    withToken = true,
  ): Promise<AdminView> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(withToken ? { authorization: `Bearer ${local.config.adminToken}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answered = (await response.json()) as Record<string, unknown>;
    const view: AdminView = {
      from: 'admin',
      method,
      path,
      withToken,
      status: response.status,
      body: answered,
      atMs: since(),
    };
    emit(view);
    return view;
  };
  const speak = async (taskId: string, text: string, announce = true): Promise<LocalTRTCTurn> => {
    if (announce) emit({ from: 'user', user: DEMO_USER, text, atMs: since() });
    answer = { seq: 0, text: '' };
    const turn = await trtc.simulateUtterance(taskId, text);
    emit({ from: 'turn', turn, atMs: since() });
    return turn;
  };

  try {
    // 1. The admin API: refused without the token, then an agent for alice.
    const start = { roomId: DEMO_ROOM_ID, targetUserId: DEMO_USER, sessionId: DEMO_SESSION_ID };
    await admin('POST', '/agents', start, false);
    const startView = await admin('POST', '/agents', start);
    const session = startView.body as unknown as StartedAgentBody;
    const taskId = session.taskId;
    if (startView.status !== 201 || taskId === undefined) {
      throw new Error(`POST /agents answered ${startView.status}: ${JSON.stringify(session)}`);
    }
    const taskPath = `/agents/${encodeURIComponent(taskId)}`;
    await admin('GET', taskPath);

    // 2. alice speaks; TRTC calls the agent's endpoint with each sentence.
    const turns: LocalTRTCTurn[] = [];
    for (const text of DEMO_UTTERANCES) turns.push(await speak(taskId, text));

    // 3. The agent says something on request, then is stopped.
    await admin('POST', `${taskPath}/say`, { text: DEMO_SAY_TEXT });
    const pushedTexts = trtc.pushedTexts.map((pushed) => pushed.text ?? '');
    emit({ from: 'trtc', kind: 'spoken', text: pushedTexts.at(-1) ?? '', atMs: since() });
    await admin('DELETE', taskPath);

    // 4. After the stop: TRTC has no task to send to, and the stopped session's key is refused.
    emit({ from: 'user', user: DEMO_USER, text: DEMO_LATE_UTTERANCE, atMs: since() });
    let stoppedTaskRefused = false;
    try {
      await trtc.simulateUtterance(taskId, DEMO_LATE_UTTERANCE);
    } catch (error) {
      if (!LocalTRTCTaskNotFoundError.isInstance(error)) throw error;
      stoppedTaskRefused = true;
      emit({ from: 'trtc', kind: 'task-ended', text: DEMO_LATE_UTTERANCE, atMs: since() });
    }
    const original = trtc.requests.find(
      (request) => request.action === 'StartAIConversation' && request.errorCode === undefined,
    );
    if (original === undefined) throw new Error('the local TRTC recorded no StartAIConversation');
    const replayed = await server.trtc.call('StartAIConversation', {
      ...(JSON.parse(original.bodyText) as Record<string, unknown>),
      SessionId: `${DEMO_SESSION_ID}-replayed`,
    });
    const replayTaskId = String(replayed.TaskId);
    emit({ from: 'trtc', kind: 'replayed', text: replayTaskId, atMs: since() });
    const replayTurn = await speak(replayTaskId, DEMO_LATE_UTTERANCE, false);
    await server.trtc.stopAIConversation({ taskId: replayTaskId });

    await trtc.flushWebhooks();
    return {
      views,
      session,
      turns,
      pushedTexts,
      stoppedTaskRefused,
      replayTurn,
      webhooks: [...trtc.webhooks],
    };
  } finally {
    await server.close();
    await local.close();
  }
}
