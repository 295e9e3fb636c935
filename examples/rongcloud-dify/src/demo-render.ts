import type { ClientView, DemoResult, DemoSetup, DifyView } from './demo.ts';
import { DEMO_DIFY_BOT, DEMO_WEBHOOK_BOT } from './local-services.ts';
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
    const caller = view.botUserId === DEMO_WEBHOOK_BOT ? 'the bot server' : 'RongCloud';
    const how = view.continued
      ? `conversation_id sent back by ${caller}: conversation kept`
      : `new conversation for ${view.user}, asked by ${caller}`;
    return `${time}  ${paint(33, 'dify   ')}  conversation ${view.conversationId.slice(0, 8)}, turn ${view.turn}  ${paint(90, `[${how}]`)}`;
  }
  const mark = view.complete
    ? paint(32, 'bot ✓  ')
    : paint(35, view.seq === 1 ? 'bot …  ' : 'bot ↻  ');
  const tag = `${view.botUserId} RC:StreamMsg seq ${view.seq}${view.complete ? ', complete' : ''}`;
  return `${time}  ${mark}  ${view.text.trimEnd()}  ${paint(90, `[${tag}]`)}`;
}

/** Whether alice's second question to `botUserId` continued her first one's Dify conversation. */
function keptFor(result: DemoResult, botUserId: string): boolean {
  const [first, second] = result.views.filter(
    (view): view is DifyView =>
      view.from === 'dify' && view.user === 'alice' && view.botUserId === botUserId,
  );
  return (
    second?.continued === true &&
    second.turn === 2 &&
    second.conversationId === first?.conversationId
  );
}

/** Whether the demo showed what it should, and the closing line saying so. */
export function summarize(result: DemoResult): { ok: boolean; line: string } {
  const bot = result.views.filter((view) => view.from === 'bot');
  const completed = bot.filter((view) => view.complete);
  const byRongCloud = completed.filter((view) => view.botUserId === DEMO_DIFY_BOT).length;
  const runs = result.views.filter((view) => view.from === 'dify');
  const aliceFirst = runs.find((view) => view.user === 'alice');
  const bobs = runs.find((view) => view.user === 'bob');
  const kept = keptFor(result, DEMO_WEBHOOK_BOT);
  const keptByRongCloud = keptFor(result, DEMO_DIFY_BOT);
  const bobOwn = bobs !== undefined && bobs.conversationId !== aliceFirst?.conversationId;
  const ok =
    completed.length === 5 &&
    byRongCloud === 2 &&
    bot.length > completed.length &&
    kept &&
    keptByRongCloud &&
    bobOwn;
  const line =
    `${ok ? 'demo ok' : 'demo FAILED'}: ${completed.length} RC:StreamMsg replies completed ` +
    `(${bot.length} chunks; ${byRongCloud} by RongCloud's own Dify integration); alice's second ` +
    `question ${kept ? 'continued' : 'did NOT continue'} her Dify conversation with the webhook bot ` +
    `and ${keptByRongCloud ? 'continued' : 'did NOT continue'} hers with ${DEMO_DIFY_BOT}; ` +
    `bob ${bobOwn ? 'got' : 'did NOT get'} a conversation of his own.`;
  return { ok, line };
}
