/**
 * Figure 2: cold import. Fresh `node` processes load the built package (`dist/`) and `openai`,
 * each in the module format a user of that format gets — `import()` from an ES module (ours
 * `dist/index.js`, openai's `index.mjs`) and `require()` (ours `dist/index.cjs`, openai's
 * `index.js`) — so ESM is compared with ESM and CJS with CJS. Both are named by package, from
 * packages/llm, so both pay the same resolution. Runs are interleaved: every round starts one
 * process per row, rotated each round, and ratios are medians of per-round ratios.
 */
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageDirectory } from './build.ts';
import { format, median, medianRatio, printTable, times } from './report.ts';

/** Timed fresh processes per row (after one untimed run each). */
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);

type ModuleFormat = 'ESM' | 'CJS';

interface ColdTarget {
  name: string;
  format: ModuleFormat;
  /** What the child loads: a package name, or undefined for the empty-script baseline. */
  specifier: string | undefined;
  /** The row this one's load time is divided by (same module format), if any. */
  comparedWith?: string | undefined;
}

interface ColdRun {
  wallMs: number;
  loadMs: number;
}

/** The child's script: times the load and prints the milliseconds. */
function childArgs(target: ColdTarget): string[] {
  const load =
    target.specifier === undefined
      ? '0'
      : target.format === 'ESM'
        ? `await import(${JSON.stringify(target.specifier)})`
        : `require(${JSON.stringify(target.specifier)})`;
  const script = `const t = performance.now(); ${load}; console.log(performance.now() - t);`;
  return target.format === 'ESM' ? ['--input-type=module', '-e', script] : ['-e', script];
}

function runCold(target: ColdTarget): ColdRun {
  const start = performance.now();
  const child = spawnSync(process.execPath, childArgs(target), {
    cwd: packageDirectory,
    encoding: 'utf8',
    // No source condition, no loader: the child loads what a user installs.
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${target.name} failed: ${child.stderr}`);
  return { wallMs, loadMs: Number(child.stdout.trim()) };
}

/** The files Node picks for `@imbridge/llm` and `openai` in each format, for the notes. */
function resolvedFiles(): string {
  const script =
    "import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/'); console.log(JSON.stringify(['@imbridge/llm', 'openai'].map((name) => [name, decodeURI(new URL(import.meta.resolve(name)).pathname), require.resolve(name)])));";
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDirectory,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (child.status !== 0) return 'not resolved';
  const short = (path: string): string => basename(path);
  return (JSON.parse(child.stdout) as Array<[string, string, string]>)
    .map(([name, esm, cjs]) => `${name} → ${short(esm)} (ESM), ${short(cjs)} (CJS)`)
    .join('; ');
}

const EMPTY = 'node, empty ES module script';
const OURS_ESM = "ours: import('@imbridge/llm') (ESM)";
const OPENAI_ESM = "openai: import('openai') (ESM)";
const OURS_CJS = "ours: require('@imbridge/llm') (CJS)";
const OPENAI_CJS = "openai: require('openai') (CJS)";

/** Figure 2; returns openai's load time over ours per module format. */
export function figureColdImport(distNote: string | undefined): Record<ModuleFormat, number> {
  if (distNote === undefined) {
    console.log('\n## 2. Cold import\n\nSkipped: dist/ of @imbridge/llm could not be built.');
    return { ESM: Number.NaN, CJS: Number.NaN };
  }
  const targets: ColdTarget[] = [
    { name: EMPTY, format: 'ESM', specifier: undefined },
    { name: OURS_ESM, format: 'ESM', specifier: '@imbridge/llm' },
    { name: OPENAI_ESM, format: 'ESM', specifier: 'openai', comparedWith: OURS_ESM },
    { name: OURS_CJS, format: 'CJS', specifier: '@imbridge/llm' },
    { name: OPENAI_CJS, format: 'CJS', specifier: 'openai', comparedWith: OURS_CJS },
  ];
  const runs = new Map<string, ColdRun[]>(targets.map((target) => [target.name, []]));
  // One untimed run each warms the file system cache.
  for (const target of targets) runCold(target);
  for (let round = 0; round < COLD_RUNS; round += 1) {
    for (let offset = 0; offset < targets.length; offset += 1) {
      const target = targets[(round + offset) % targets.length] as ColdTarget;
      runs.get(target.name)?.push(runCold(target));
    }
  }
  const loads = (name: string): number[] => (runs.get(name) ?? []).map((run) => run.loadMs);
  const ratio = (target: ColdTarget): number =>
    target.comparedWith === undefined
      ? Number.NaN
      : medianRatio(loads(target.name), loads(target.comparedWith));
  const rows = targets.map((target) => [
    target.name,
    format(median(loads(target.name)), 1),
    format(median((runs.get(target.name) ?? []).map((run) => run.wallMs)), 1),
    times(ratio(target)),
  ]);
  const byFormat = {
    ESM: ratio(targets[2] as ColdTarget),
    CJS: ratio(targets[4] as ColdTarget),
  };
  printTable(
    `2. Cold import (${COLD_RUNS} fresh node processes per row, interleaved, medians)`,
    ['what', 'load ms', 'process wall ms', 'time ÷ ours'],
    rows,
    [
      `Load = the import() or require() alone, timed inside the child; process wall = spawn to exit as the parent sees it (Node's own start included: compare with the empty script). "time ÷ ours" is openai's load over ours in the same module format, the median of per-round ratios: ESM ${times(byFormat.ESM)}, CJS ${times(byFormat.CJS)}.`,
      `Resolved from packages/llm: ${resolvedFiles()}. Ours is the whole built entry (${distNote}) with @imbridge/core and @imbridge/provider-utils from their dist/; ky and eventsource-parser load on the first call, not here.`,
    ],
  );
  return byFormat;
}
