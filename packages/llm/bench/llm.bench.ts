/**
 * Benchmarks of `@imbridge/llm` (not part of the tests), against the `openai` package (a
 * devDependency, the version npm gives users on Node 20) in the same run.
 *
 * 1. Stream parsing (stream-parsing.ts): a 2,000-chunk OpenAI-style SSE body served from memory,
 *    both in 4 KiB reads and with one event per read (bodies.ts), through
 *    `createOpenAICompatible`, openai's own streaming and raw `eventsource-parser` +
 *    `JSON.parse` (the floor), plus the MiniMax and Dify adapters on their wire formats.
 * 2. Cold import (cold-import.ts): fresh `node` processes loading the built package and openai,
 *    ESM against ESM and CJS against CJS.
 *
 * Run with `pnpm bench` in packages/llm (`tsx bench/llm.bench.ts`; `BENCH_ROUNDS=60` and
 * `BENCH_COLD_RUNS=30` for steadier medians). Figure 1 runs the sources of every `@imbridge/*`
 * package (the script restarts itself with `--conditions=@imbridge/source` when it was not
 * given). Figure 2 needs `dist/` of llm and its workspace dependencies and builds them when
 * missing or older than their sources (build.ts).
 *
 * Method: warm-up rounds first; every round runs each variant once, interleaved and rotated
 * each round; tables show medians, and ratios are medians of per-round ratios, so drift during
 * the run affects both sides alike (report.ts). Absolute times depend on the machine; the ratios
 * are what to compare. Nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { VERSION as OPENAI_VERSION } from 'openai/version';
import { ensureDist } from './build.ts';
import { figureColdImport } from './cold-import.ts';
import { format, ROUNDS, times, WARMUP_ROUNDS } from './report.ts';

const SOURCE_CONDITION = '--conditions=@imbridge/source';
if (!process.execArgv.includes(SOURCE_CONDITION)) {
  // The workspace packages resolve to their TypeScript sources only under this condition (as in
  // the tests); without it `@imbridge/*` would load whatever `dist/` happens to hold.
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, SOURCE_CONDITION, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}

// Figure 1 imports the adapters' sources, which need the condition above.
const { figureStreamParsing } = await import('./stream-parsing.ts');

const cpu = cpus();
console.log('# @imbridge/llm benchmarks\n');
console.log(
  `- Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
);
console.log(`- ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);
console.log(`- ${new Date().toISOString()}`);
console.log(`- against openai@${OPENAI_VERSION}`);
console.log(`- ${WARMUP_ROUNDS} warm-up + ${ROUNDS} timed rounds in figure 1; medians`);

const started = performance.now();
const parsing = await figureStreamParsing();
const cold = figureColdImport(ensureDist());
console.log('\n## Summary (openai ÷ ours: above 1, ours is faster)\n');
console.log(`- stream parsing, 4 KiB reads: ${times(parsing.oursVsOpenAI['4 KiB reads'])}`);
console.log(
  `- stream parsing, one event per read: ${times(parsing.oursVsOpenAI['one event per read'])}`,
);
console.log(`- cold import, ESM: ${times(cold.ESM)}; CJS: ${times(cold.CJS)}`);
console.log(`\nDone in ${format((performance.now() - started) / 1000, 1)} s.`);
