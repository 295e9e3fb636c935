import {
  type AdminView,
  type AgentView,
  DEMO_SAY_TEXT,
  DEMO_UTTERANCES,
  type DemoResult,
  type DemoView,
  type TurnView,
} from './demo.ts';

/** Colours for a terminal; plain text otherwise. */
export type Paint = (code: number, text: string) => string;

const plain: Paint = (_code, text) => text;

/** A TRTC task id shortened for display (they are about 80 characters long). */
export function shortTaskId(taskId: string): string {
  return taskId.length > 24 ? `${taskId.slice(0, 20)}…` : taskId;
}

function shortPath(path: string): string {
  return path.replace(/^\/agents\/([^/]+)/, (_match, id: string) => {
    return `/agents/${shortTaskId(decodeURIComponent(id))}`;
  });
}

function adminDetail(view: AdminView): string {
  const { body } = view;
  if (typeof body.error === 'string') return body.error;
  if (view.method === 'POST' && view.path === '/agents') {
    return `${String(body.status)}: task ${shortTaskId(String(body.taskId))}, session ${String(body.sessionId)}, agent user ${String(body.agentUserId)}`;
  }
  if (view.method === 'GET') return `the task is ${String(body.status)}`;
  if (view.method === 'DELETE') {
    return `${String(body.status)}: the session's key is refused from now on`;
  }
  return 'sent to TRTC';
}

/** One line (two for a user's sentence) per thing the demo shows. */
export function renderView(view: DemoView, paint: Paint = plain): string {
  const time = paint(90, `${String(Math.max(0, view.atMs)).padStart(5)} ms`);
  switch (view.from) {
    case 'admin': {
      const auth = view.withToken ? 'Authorization: Bearer ADMIN_TOKEN' : 'no Authorization header';
      return `${time}  ${paint(33, 'admin  ')}  ${view.method} ${shortPath(view.path)} → ${view.status} ${adminDetail(view)}  ${paint(90, `[${auth}]`)}`;
    }
    case 'user':
      return `\n${time}  ${paint(36, view.user.padEnd(7))}  ${view.text}  ${paint(90, '[speech recognised by TRTC]')}`;
    case 'agent':
      return `${time}  ${paint(35, 'agent …')}  ${view.text.trimEnd()}  ${paint(90, `[LLM endpoint → TRTC, delta ${view.seq}]`)}`;
    case 'turn': {
      const { turn } = view;
      if (turn.status === 'completed') {
        return `${time}  ${paint(32, 'agent ✓')}  ${turn.replyText}  ${paint(90, '[turn completed: TRTC speaks the answer]')}`;
      }
      const why = [turn.failure, turn.httpStatus].filter((part) => part !== undefined).join(' ');
      return `${time}  ${paint(31, 'trtc  ✗')}  turn ${turn.status}: ${why}  ${paint(90, '[nothing to speak]')}`;
    }
    case 'trtc':
      if (view.kind === 'spoken') {
        return `${time}  ${paint(32, 'agent ▶')}  ${view.text}  ${paint(90, '[ServerPushText: TRTC speaks it now]')}`;
      }
      if (view.kind === 'task-ended') {
        return `${time}  ${paint(31, 'trtc  ✗')}  not sent: the task has ended  ${paint(90, '[the agent left the room]')}`;
      }
      return `${time}  ${paint(33, 'trtc   ')}  the stopped task's start replayed with the same LLMConfig (the same key): task ${shortTaskId(view.text)}`;
    case 'endpoint':
      return `${time}  ${paint(31, 'server ')}  LLM request refused with ${view.status}: ${view.reason}`;
  }
}

/** Whether each answer was streamed in several deltas that add up to what TRTC received. */
function streamedWhole(result: DemoResult): boolean {
  const answers: AgentView[][] = [];
  for (const view of result.views) {
    if (view.from !== 'agent') continue;
    if (view.seq === 1) answers.push([]);
    answers.at(-1)?.push(view);
  }
  return (
    answers.length === result.turns.length &&
    answers.every(
      (deltas, index) =>
        deltas.length > 1 &&
        deltas.map((view) => view.delta).join('') === result.turns[index]?.replyText,
    )
  );
}

/** Whether the demo showed what it should, and the closing line saying so. */
export function summarize(result: DemoResult): { ok: boolean; line: string } {
  const admin = result.views.filter((view): view is AdminView => view.from === 'admin');
  const statuses = admin.map((view) => view.status).join(',');
  const adminOk = statuses === '401,201,200,200,200';
  const completed = result.turns.filter((turn) => turn.status === 'completed');
  const recall = result.turns[2]?.replyText ?? '';
  const remembered = DEMO_UTTERANCES.slice(0, 2).every((text) =>
    recall.includes(`"${text.replace(/[.!?]+$/, '')}"`),
  );
  const streamed = streamedWhole(result);
  const spoken = result.pushedTexts.at(-1) === DEMO_SAY_TEXT;
  const stopped = admin.at(-1)?.body.status === 'stopped';
  const { replayTurn } = result;
  const refused =
    result.stoppedTaskRefused &&
    replayTurn.status === 'failed' &&
    replayTurn.failure === 'http-error' &&
    replayTurn.httpStatus === 401 &&
    result.views.some((view) => view.from === 'endpoint' && view.status === 401);
  const failedTurns = result.views.filter(
    (view): view is TurnView => view.from === 'turn' && view.turn.status !== 'completed',
  ).length;
  const ok =
    adminOk &&
    completed.length === DEMO_UTTERANCES.length &&
    remembered &&
    streamed &&
    spoken &&
    stopped &&
    refused &&
    failedTurns === 1;
  const line =
    `${ok ? 'demo ok' : 'demo FAILED'}: ${completed.length} of ${DEMO_UTTERANCES.length} utterances answered ` +
    `${streamed ? 'and streamed to TRTC delta by delta' : '(NOT streamed as expected)'}; the third answer ` +
    `${remembered ? 'recalled' : 'did NOT recall'} the first two (session memory); the said text ` +
    `${spoken ? 'reached' : 'did NOT reach'} TRTC; after the stop the stopped session's key ` +
    `${refused ? 'was refused (http-error 401)' : 'was NOT refused'}; admin API answers ${statuses} ` +
    `(${adminOk ? 'the call without ADMIN_TOKEN refused' : 'NOT as expected'}).`;
  return { ok, line };
}
