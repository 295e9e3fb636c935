/**
 * Printing the saturation figures: one markdown table per number of conversations, imbridge
 * next to the hand-written reference, each figure with its goal from issue 11 and whether it
 * is met (nothing is asserted), then what the bot children counted.
 */
import { DOCUMENTED_CALLS_PER_SECOND } from './protocol.ts';
import type { ApiFigures, ScenarioResult } from './scenario.ts';

export function format(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A difference with its sign: `+1.23` or `−1.23`. */
function signed(value: number, digits: number): string {
  return `${value < 0 ? '−' : '+'}${format(Math.abs(value), digits)}`;
}

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** Wraps a note as a markdown bullet of at most `width` columns. */
export function wrap(note: string, width = 96): string {
  const lines: string[] = [];
  let line = '-';
  for (const word of note.split(' ')) {
    if (line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Prints a markdown table (first column left-aligned, the others right-aligned). */
export function printTable(title: string, headers: string[], rows: string[][], notes: string[]) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    `| ${cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join(' | ')} |`;
  const rule = `|${widths
    .map((width, column) =>
      column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`,
    )
    .join('|')}|`;
  console.log(`\n## ${title}\n`);
  console.log(line(headers));
  console.log(rule);
  for (const row of rows) console.log(line(row));
  if (notes.length > 0) console.log('');
  for (const note of notes) console.log(wrap(note));
}

/** The figures of one run the table shows. */
interface Figures {
  seconds: number;
  repliesPerSecond: number;
  calls: number;
  rateLimited: number;
  retries: number;
  /** Accepted calls per second of the busiest API, as a share of the documented budget. */
  budgetShare: number;
  busiestApi: string;
  cpuMsPerReply: number;
  p50Ms: number;
  p99Ms: number;
  ackP50Ms: number;
  ackP99Ms: number;
}

function figuresOf(result: ScenarioResult): Figures {
  const seconds = result.settings.measureMs / 1000;
  let calls = 0;
  let rateLimited = 0;
  let retries = 0;
  let busiest: [string, ApiFigures] | undefined;
  for (const entry of result.apis) {
    calls += entry[1].calls;
    rateLimited += entry[1].rateLimited;
    retries += entry[1].retries;
    if (busiest === undefined || entry[1].accepted > busiest[1].accepted) busiest = entry;
  }
  return {
    seconds,
    repliesPerSecond: result.completed / seconds,
    calls,
    rateLimited,
    retries,
    budgetShare: (busiest?.[1].accepted ?? 0) / seconds / DOCUMENTED_CALLS_PER_SECOND,
    busiestApi: busiest?.[0].replace(/^openim\//, '') ?? '—',
    cpuMsPerReply: result.cpuMicros / 1000 / result.completed,
    p50Ms: percentile(result.latenciesMs, 0.5),
    p99Ms: percentile(result.latenciesMs, 0.99),
    ackP50Ms: percentile(result.acknowledgementsMs, 0.5),
    ackP99Ms: percentile(result.acknowledgementsMs, 0.99),
  };
}

const verdict = (met: boolean): string => (met ? 'met' : 'missed');

/** Webhook → first REST call (with its goal) and webhook → the bot's 200 answer. */
function latencyRows(a: Figures, b: Figures, marker: string): string[][] {
  return [
    [
      `webhook → 1st REST call p50${marker}`,
      `${format(a.p50Ms, 2)} ms (${signed(a.p50Ms - b.p50Ms, 2)})`,
      `${format(b.p50Ms, 2)} ms`,
      '≤ ref + 0.3 ms',
      verdict(a.p50Ms <= b.p50Ms + 0.3),
    ],
    [
      `webhook → 1st REST call p99${marker}`,
      `${format(a.p99Ms, 2)} ms`,
      `${format(b.p99Ms, 2)} ms`,
      '',
      '',
    ],
    [
      'webhook → 200 answer p50 / p99',
      `${format(a.ackP50Ms, 2)} / ${format(a.ackP99Ms, 1)} ms`,
      `${format(b.ackP50Ms, 2)} / ${format(b.ackP99Ms, 1)} ms`,
      '',
      '',
    ],
  ];
}

/** Rows of the REST calls per API: calls/s (accepted/s, share of the budget). */
function apiRows(ours: ScenarioResult, reference: ScenarioResult): string[][] {
  const apis = [...new Set([...ours.apis.keys(), ...reference.apis.keys()])].sort();
  const cell = (result: ScenarioResult, api: string): string => {
    const figures = result.apis.get(api);
    if (figures === undefined) return '—';
    const seconds = result.settings.measureMs / 1000;
    const share = figures.accepted / seconds / DOCUMENTED_CALLS_PER_SECOND;
    return `${format(figures.calls / seconds, 1)} (${format(figures.accepted / seconds, 1)} ok, ${format(share * 100, 1)} %)`;
  };
  return apis.map((api) => [
    `${api} calls/s (ok/s, budget)`,
    cell(ours, api),
    cell(reference, api),
    '',
    '',
  ]);
}

/** Prints the table of one number of conversations. */
export function printScenario(
  ours: ScenarioResult,
  reference: ScenarioResult,
  referenceKy: ScenarioResult,
): void {
  const a = figuresOf(ours);
  const b = figuresOf(reference);
  const rejected = (figures: Figures): number => figures.rateLimited / figures.calls;
  const lostCell = (result: ScenarioResult): string =>
    `${result.store.lost} / ${result.store.duplicated} of ${format(result.store.questions)}`;
  const cpuRatio = a.cpuMsPerReply / b.cpuMsPerReply;
  const rows: string[][] = [
    ['replies completed /s', format(a.repliesPerSecond, 1), format(b.repliesPerSecond, 1), '', ''],
    ...apiRows(ours, reference),
    [
      'REST calls per reply',
      format(a.calls / ours.completed, 2),
      format(b.calls / reference.completed, 2),
      '',
      '',
    ],
    [
      'budget used (busiest API)',
      `${format(a.budgetShare * 100, 1)} % (${a.busiestApi})`,
      `${format(b.budgetShare * 100, 1)} % (${b.busiestApi})`,
      '≥ 95 %',
      verdict(a.budgetShare >= 0.95),
    ],
    [
      'vendor rejections (60007)',
      `${format(rejected(a) * 100, 2)} % (${a.rateLimited})`,
      `${format(rejected(b) * 100, 2)} % (${b.rateLimited})`,
      '< 0.5 %',
      verdict(rejected(a) < 0.005),
    ],
    ['retries (same call repeated)', format(a.retries), format(b.retries), '', ''],
    [
      'lost / duplicated (whole run)',
      lostCell(ours),
      lostCell(reference),
      '0 / 0',
      verdict(ours.store.lost === 0 && ours.store.duplicated === 0),
    ],
    [
      'CPU per reply, bot process',
      `${format(a.cpuMsPerReply, 3)} ms (${format(cpuRatio, 2)}×)`,
      `${format(b.cpuMsPerReply, 3)} ms`,
      '≤ 1.25× ref',
      verdict(cpuRatio <= 1.25),
    ],
    ...kyRows(b, figuresOf(referenceKy)),
    ...latencyRows(a, b, ' *'),
  ];
  const notes = [
    `Window: ${format(a.seconds)} s after a ${format(ours.settings.warmupMs / 1000)} s warm-up; replies counted when the call that finished them was answered; lost/duplicated from the emulator's store after a drain of at most ${format(ours.settings.drainTimeoutMs / 1000)} s.`,
    "Budget = accepted calls per second of an API over the documented 200/s; it can pass 100 % by the emulator's burst (its bucket holds 200 tokens, refilled whenever demand dips).",
    '* At saturation the first call of a reply waits for a sendmsg token, so this is mostly queueing; the light-load table below measures the path itself.',
    KY_NOTE,
    loadNote(ours, reference, referenceKy),
    ...anomalies('imbridge', ours),
    ...anomalies('reference', reference),
    `imbridge counted (whole run): ${describeStats(ours.childStats, replies(ours))}.`,
    `reference counted (whole run): ${describeStats(reference.childStats, replies(reference))}.`,
  ];
  printTable(
    `${format(ours.settings.conversations)} concurrent conversations`,
    ['figure', 'imbridge', 'reference', 'goal', 'imbridge'],
    rows,
    notes,
  );
}

const KY_NOTE =
  "‡ The reference bot again, sending each call with ky (`ky.post`, `retry: 0`, no hooks) instead of `fetch`: what the HTTP library imbridge is built on (issue 7, decision 0015) costs per reply by itself, before imbridge's hooks, retries and classification.";

/**
 * The reference sending with ky: its CPU per reply and its webhook → first REST call, and how
 * much ky alone adds to the reference.
 */
function kyRows(reference: Figures, onKy: Figures): string[][] {
  return [
    [
      'CPU per reply, reference sending with ky ‡',
      '',
      `${format(onKy.cpuMsPerReply, 3)} ms (${format(onKy.cpuMsPerReply / reference.cpuMsPerReply, 2)}× ref)`,
      '',
      '',
    ],
    [
      'webhook → 1st REST call p50, reference with ky ‡',
      '',
      `${format(onKy.p50Ms, 2)} ms (${signed(onKy.p50Ms - reference.p50Ms, 2)})`,
      '',
      '',
    ],
  ];
}

/** The machine's load during the runs (other processes skew CPU and latency figures). */
function loadNote(...results: ScenarioResult[]): string {
  const ranges = results.map(
    (result) =>
      `${result.settings.bot} ${format(result.loadAverage[0], 2)} → ${format(result.loadAverage[1], 2)}`,
  );
  return `Machine 1-min load average (start → end of each run; the bench itself adds about 1.5): ${ranges.join(', ')}.`;
}

/** Prints the light-load table: the fixed costs of one reply, without queueing. */
export function printLightLoad(
  ours: ScenarioResult,
  reference: ScenarioResult,
  referenceKy: ScenarioResult,
): void {
  const a = figuresOf(ours);
  const b = figuresOf(reference);
  const cpuRatio = a.cpuMsPerReply / b.cpuMsPerReply;
  const rows: string[][] = [
    ['replies completed /s', format(a.repliesPerSecond, 1), format(b.repliesPerSecond, 1), '', ''],
    [
      'REST calls per reply',
      format(a.calls / ours.completed, 2),
      format(b.calls / reference.completed, 2),
      '',
      '',
    ],
    [
      'lost / duplicated (whole run)',
      `${ours.store.lost} / ${ours.store.duplicated} of ${format(ours.store.questions)}`,
      `${reference.store.lost} / ${reference.store.duplicated} of ${format(reference.store.questions)}`,
      '0 / 0',
      verdict(ours.store.lost === 0 && ours.store.duplicated === 0),
    ],
    [
      'CPU per reply, bot process',
      `${format(a.cpuMsPerReply, 3)} ms (${format(cpuRatio, 2)}×)`,
      `${format(b.cpuMsPerReply, 3)} ms`,
      '≤ 1.25× ref',
      verdict(cpuRatio <= 1.25),
    ],
    ...kyRows(b, figuresOf(referenceKy)),
    ...latencyRows(a, b, ''),
  ];
  printTable(
    `Light load: ${format(ours.settings.conversations)} conversations (far below the budget)`,
    ['figure', 'imbridge', 'reference', 'goal', 'imbridge'],
    rows,
    [
      `Window ${format(a.seconds)} s after a ${format(ours.settings.warmupMs / 1000)} s warm-up; ${format(ours.latenciesMs.length)} and ${format(reference.latenciesMs.length)} latency samples. No token is ever waited for, so webhook → first REST call is the bot's own path (plus loopback HTTP on both ends).`,
      KY_NOTE,
      loadNote(ours, reference, referenceKy),
      ...anomalies('imbridge', ours),
      ...anomalies('reference', reference),
    ],
  );
}

/** Replies finished over the whole run (from the store). */
function replies(result: ScenarioResult): number {
  return result.store.questions - result.store.lost;
}

function anomalies(name: string, result: ScenarioResult): string[] {
  const { store } = result;
  const otherErrors = [...result.apis.values()].reduce((sum, api) => sum + api.otherErrors, 0);
  const parts = [
    result.unanswered > 0
      ? `${result.unanswered} questions unanswered at the end of the drain`
      : '',
    result.webhookFailures.size > 0
      ? `webhooks not answered 200: ${[...result.webhookFailures].map(([reason, count]) => `${count} × ${reason}`).join(', ')}`
      : '',
    otherErrors > 0 ? `${otherErrors} REST calls answered an error other than 60007` : '',
    result.callCounts.observed !== result.callCounts.logged
      ? `the observer saw ${result.callCounts.observed} REST calls, the emulator logged ${result.callCounts.logged}`
      : '',
    store.wrongText > 0 ? `${store.wrongText} finished replies with a wrong text` : '',
    store.other > 0 ? `${store.other} robot messages that are no reply (error messages?)` : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? [] : [`${name}: ${parts.join('; ')}.`];
}

/**
 * Counters of a child over the whole run: the tokens each bucket gave (and the tokens per
 * finished reply, per kind of bucket), then everything else (log events, failures by code).
 */
function describeStats(stats: Record<string, number>, replies: number): string {
  const entries = Object.entries(stats).sort(([left], [right]) => left.localeCompare(right));
  const buckets = new Map<string, string[]>();
  const spentByKind = new Map<string, number>();
  const parts: string[] = [];
  for (const [name, value] of entries) {
    const bucket = /^bucket\.(([^.#]+)#\d+)\.(.+)$/.exec(name);
    if (bucket === null) {
      parts.push(`${name.replace(/^log\./, '')} ${format(value)}`);
      continue;
    }
    const [, label = '', kind = '', what = ''] = bucket;
    buckets.set(label, [...(buckets.get(label) ?? []), `${what} ${format(value)}`]);
    const sign = what === 'given-back' ? -1 : what === 'try-skipped' ? 0 : 1;
    spentByKind.set(kind, (spentByKind.get(kind) ?? 0) + sign * value);
  }
  const bucketParts = [...buckets].map(([label, list]) => `${label} ${list.join(', ')}`);
  const perReply = [...spentByKind].map(
    ([kind, spent]) => `${kind} buckets ${format(spent / replies, 2)} tokens per reply`,
  );
  return [...bucketParts, ...perReply, ...parts].join('; ');
}
