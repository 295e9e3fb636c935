import type { ClientView, DemoResult, DemoSetup } from './demo.ts';
import { describeSetup } from './setup-bots.ts';

/** Colours for a terminal; plain text otherwise. */
export type Paint = (code: number, text: string) => string;

const plain: Paint = (_code, text) => text;

/** The setup section: what `setup-bots` did, and the `dify_chatflow` bot as it was stored. */
export function renderSetup(setup: DemoSetup, paint: Paint = plain): string[] {
  const body = JSON.stringify(setup.difyBotBody, null, 2)
    .split('\n')
    .map((line) => `    ${line}`);
  return [
    paint(1, 'setup-bots against the local RongCloud:'),
    ...describeSetup(setup.steps).map((line) => `  ${line}`),
    `  ${setup.steps.find((step) => step.integration === 'dify_chatflow')?.userId} as stored — the exact body of /v3/bot/create.json (API key redacted):`,
    ...body.map((line) => paint(90, line)),
  ];
}

/** One line (or two, for a user's message) per thing a client saw. */
export function renderView(view: ClientView, paint: Paint = plain): string {
  const time = paint(90, `${String(Math.max(0, view.atMs)).padStart(5)} ms`);
  if (view.from === 'user') {
    return `\n${time}  ${paint(36, view.user.padEnd(7))}  ${view.text}  ${paint(90, `[${view.user} → ${view.botUserId}]`)}`;
  }
  if (view.from === 'dify') {
    const how = view.continued
      ? 'conversation_id sent back: conversation kept'
      : `new conversation for ${view.user}`;
    return `${time}  ${paint(33, 'dify   ')}  conversation ${view.conversationId.slice(0, 8)}, turn ${view.turn}  ${paint(90, `[${how}]`)}`;
  }
  const mark = view.complete
    ? paint(32, 'bot ✓  ')
    : paint(35, view.seq === 1 ? 'bot …  ' : 'bot ↻  ');
  const tag = `RC:StreamMsg seq ${view.seq}${view.complete ? ', complete' : ''}`;
  return `${time}  ${mark}  ${view.text.trimEnd()}  ${paint(90, `[${tag}]`)}`;
}

/** Whether the demo showed what it should, and the closing line saying so. */
export function summarize(result: DemoResult): { ok: boolean; line: string } {
  const bot = result.views.filter((view) => view.from === 'bot');
  const completed = bot.filter((view) => view.complete);
  const runs = result.views.filter((view) => view.from === 'dify');
  const [aliceFirst, aliceSecond] = runs.filter((view) => view.user === 'alice');
  const bobs = runs.find((view) => view.user === 'bob');
  const kept =
    aliceSecond?.continued === true &&
    aliceSecond.turn === 2 &&
    aliceSecond.conversationId === aliceFirst?.conversationId;
  const bobOwn = bobs !== undefined && bobs.conversationId !== aliceFirst?.conversationId;
  const ok = completed.length === 3 && bot.length > completed.length && kept && bobOwn;
  const line =
    `${ok ? 'demo ok' : 'demo FAILED'}: ${completed.length} RC:StreamMsg replies completed ` +
    `(${bot.length} chunks); alice's second question ${kept ? 'continued' : 'did NOT continue'} ` +
    `her Dify conversation (turn ${aliceSecond?.turn ?? '?'}); bob ${bobOwn ? 'got' : 'did NOT get'} ` +
    'a conversation of his own.';
  return { ok, line };
}
