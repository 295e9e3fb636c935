// Sums the figures of the last reliability run (tests/reliability/results/last-run.jsonl) as the
// README's reliability table: `pnpm --filter @imbridge-tests/reliability report`.
import { readFileSync } from 'node:fs';

const file = new URL('../../results/last-run.jsonl', import.meta.url);
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const total = {
  scenarios: rows.length,
  messages: 0,
  refused: 0,
  replies: 0,
  errors: 0,
  unfinished: 0,
  lost: 0,
  duplicated: 0,
};
for (const row of rows) {
  for (const key of [
    'messages',
    'refused',
    'replies',
    'errors',
    'unfinished',
    'lost',
    'duplicated',
  ])
    total[key] += row[key];
}
const line = (text) => process.stdout.write(`${text}\n`);
line(
  '| scenario | messages accepted | refused (503) | bubbles | error messages | unfinished | lost | duplicated |',
);
line('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  line(
    `| ${row.scenario} | ${row.messages} | ${row.refused} | ${row.replies} | ${row.errors} | ${row.unfinished} | ${row.lost} | ${row.duplicated} |`,
  );
}
line(
  `| **${total.scenarios} scenarios** | **${total.messages}** | **${total.refused}** | **${total.replies}** | **${total.errors}** | **${total.unfinished}** | **${total.lost}** | **${total.duplicated}** |`,
);
