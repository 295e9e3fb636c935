import { runRongCloudDemo } from './demo.ts';
import { renderSetup, renderView, summarize } from './demo-render.ts';

const useColor = process.stdout.isTTY === true;
const paint = (code: number, text: string): string =>
  useColor ? `\u001b[${code}m${text}\u001b[0m` : text;

console.log(
  '\nimbridge RongCloud + Dify demo: the example bot server against a local RongCloud and a local Dify on 127.0.0.1',
);
console.log(
  "(Server API, signed bot webhooks, RongCloud's own Dify integration and a Dify Chatflow app emulated; no cloud account needed)\n",
);
const result = await runRongCloudDemo({
  onSetup: (setup) => {
    for (const line of renderSetup(setup, paint)) console.log(line);
    console.log(
      paint(
        90,
        "  (the local RongCloud calls Dify for the dify_chatflow bot itself, as RongCloud's own integration does)",
      ),
    );
  },
  onView: (view) => console.log(renderView(view, paint)),
});
const { ok, line } = summarize(result);
console.log(`\n${line}`);
process.exitCode = ok ? 0 : 1;
