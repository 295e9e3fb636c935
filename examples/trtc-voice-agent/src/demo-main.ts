import { runVoiceAgentDemo } from './demo.ts';
import { renderView, summarize } from './demo-render.ts';

const useColor = process.stdout.isTTY === true;
const paint = (code: number, text: string): string =>
  useColor ? `\u001b[${code}m${text}\u001b[0m` : text;

console.log(
  '\nimbridge TRTC voice agent demo: the example server against a local TRTC on 127.0.0.1',
);
console.log(
  "(the TRTC API, speech turned into text and TRTC's calls to the agent's LLM endpoint emulated; the offline scripted model; no cloud account needed)\n",
);
const result = await runVoiceAgentDemo({
  onView: (view) => console.log(renderView(view, paint)),
});
const { ok, line } = summarize(result);
console.log(`\n${line}`);
process.exitCode = ok ? 0 : 1;
