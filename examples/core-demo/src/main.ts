import { type ClientEvent, runDemo } from './demo.ts';

const useColor = process.stdout.isTTY === true;
const paint = (code: number, text: string): string =>
  useColor ? `\u001b[${code}m${text}\u001b[0m` : text;

function render(event: ClientEvent): string {
  const time = paint(90, `${String(event.atMs).padStart(5)} ms`);
  if (event.from === 'user') {
    return event.type === 'interrupt'
      ? `${time}  ${paint(33, 'alice ⏹')}  ${event.text}`
      : `\n${time}  ${paint(36, 'alice  ')}  ${event.text}`;
  }
  if (event.kind === 'error')
    return `${time}  ${paint(31, 'bot  ⚠ ')}  ${event.text}  ${paint(90, '[error message]')}`;
  const label =
    event.type === 'finished'
      ? paint(32, `bot  ✓ `)
      : event.type === 'created'
        ? paint(35, 'bot  … ')
        : paint(35, 'bot  ↻ ');
  const suffix =
    event.type === 'finished'
      ? paint(90, `[finished: ${event.finishReason ?? 'complete'}]`)
      : paint(90, `[${event.type}]`);
  return `${time}  ${label}  ${event.text}  ${suffix}`;
}

console.log('imbridge core demo: a bot answering over real HTTP (in-memory chat, scripted model)');
const events = await runDemo({ onEvent: (event) => console.log(render(event)) });

const finished = events.filter((event) => event.type === 'finished');
const reasons = finished.map((event) => event.finishReason);
const errorMessages = events.filter((event) => event.kind === 'error');
const ok =
  reasons.join(',') === 'complete,interrupted,error' &&
  errorMessages.length === 1 &&
  events.filter((event) => event.type === 'updated').length > 2;
console.log(
  `\n${ok ? 'demo ok' : 'demo FAILED'}: replies finished as ${reasons.join(', ')}; ${errorMessages.length} error message.`,
);
process.exitCode = ok ? 0 : 1;
