import { type ClientView, runTencentDemo } from './demo.ts';

const useColor = process.stdout.isTTY === true;
const paint = (code: number, text: string): string =>
  useColor ? `\u001b[${code}m${text}\u001b[0m` : text;

function render(item: ClientView): string {
  const time = paint(90, `${String(item.atMs).padStart(5)} ms`);
  if (item.from === 'user') {
    const who = item.conversation.startsWith('group') ? 'bob   ' : 'alice ';
    return item.kind === 'interrupt'
      ? `${time}  ${paint(33, `${who}⏹`)}  ${item.text}`
      : `\n${time}  ${paint(36, `${who} `)}  ${item.text}  ${paint(90, `[${item.conversation}]`)}`;
  }
  if (item.kind === 'error')
    return `${time}  ${paint(31, 'robot ⚠')}  ${item.text}  ${paint(90, '[src 23 error message]')}`;
  const mark = item.finished
    ? paint(32, 'robot ✓')
    : paint(35, item.version === 1 ? 'robot …' : 'robot ↻');
  const tag =
    item.kind === 'stream'
      ? `src 2 v${item.version}${item.finished ? ', isFinished 1' : ''}`
      : item.kind;
  // Line breaks shown as ⏎, so each version stays on one line.
  const text = item.text.replaceAll('\n', paint(90, '⏎'));
  return `${time}  ${mark}  ${text}  ${paint(90, `[${tag}]`)}`;
}

console.log(
  'imbridge Tencent Cloud Chat demo: the example bot server against a local Tencent Chat on 127.0.0.1',
);
console.log(
  '(REST API and signed webhooks emulated; offline scripted model; no cloud account needed)',
);
const views = await runTencentDemo({ onView: (item) => console.log(render(item)) });

const finals = views.filter(
  (item) => item.from === 'robot' && item.kind === 'stream' && item.finished,
);
const errors = views.filter((item) => item.kind === 'error');
const updates = views.filter(
  (item) => item.from === 'robot' && item.kind === 'stream' && !item.finished,
);
const ok = finals.length === 6 && errors.length === 1 && updates.length > 4;
console.log(
  `\n${ok ? 'demo ok' : 'demo FAILED'}: ${finals.length} replies finished (streamed, interrupted, failed, group, command, tool), ` +
    `${errors.length} error message, ${updates.length} intermediate updates.`,
);
process.exitCode = ok ? 0 : 1;
