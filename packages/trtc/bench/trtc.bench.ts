/**
 * Benchmarks of `@imbridge/trtc` (not part of the tests), each figure printed next to its goal.
 *
 * 1. TC3 signatures per second (signing.ts): `signTc3Request` against tencentcloud-sdk-nodejs's
 *    own signer, `Sign.sign3`, on a StartAIConversation body, both first checked to produce the
 *    same `Authorization`. Goal: ≥ 2× the SDK's signatures per second, signing within one UTC day
 *    as real traffic does; signing in a new day every call is shown as a diagnostic.
 * 2. Cold import (cold-import.ts): fresh `node` processes loading the built package (`dist/`, ESM
 *    and CJS) against the SDK's TRTC client path (`tencentcloud/services/trtc`), then constructing
 *    a client and signing one request (no network). Goal: a load in ≤ ¼ of the SDK's time, ours
 *    ESM against the SDK imported from an ES module, ours CJS against the SDK required.
 * 3. Installed size (installed-size.ts): the files a user installs with `@imbridge/trtc` (packed
 *    tarballs of the workspace packages, npm dependencies as installed) against
 *    `tencentcloud-sdk-nodejs` and its dependency tree as resolved in node_modules. Goal: ≤ ⅛ of
 *    the SDK's bytes.
 *
 * Run with `pnpm bench` in packages/trtc (`tsx bench/trtc.bench.ts`). Figure 1 imports the
 * sources through relative paths; figures 2 and 3 need `dist/` (of this package and of its
 * workspace dependencies) and build it when it is missing or older than `src/` (build.ts).
 *
 * Each speed is a median over timed rounds taken after warm-up rounds; rounds interleave the
 * variants (rotated each round) and ratios are medians of per-round ratios, so drift affects both
 * sides alike (report.ts). Absolute times are indicative only: nothing is asserted.
 */
import { cpus } from 'node:os';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureDist } from './build.ts';
import { figureColdImport } from './cold-import.ts';
import { figureInstalledSize } from './installed-size.ts';
import { packageDirectory, SDK_LABEL, sdkDirectory } from './locations.ts';
import {
  format,
  goalResults,
  observedCount,
  printTable,
  ROUNDS,
  times,
  WARMUP_ROUNDS,
} from './report.ts';
import { figureSignatures } from './signing.ts';

function printSummary(): void {
  printTable(
    'Summary against the goals',
    ['figure: measure', 'ours vs SDK', 'goal', 'result'],
    goalResults.map((result) => [
      `${result.figure}: ${result.measure}`,
      times(result.value, result.figure.startsWith('3.') ? 3 : 2),
      result.goal,
      result.met ? 'met' : 'missed',
    ]),
    [
      'Ratios are ours against the SDK: signatures per second (more is better), times and bytes (less is better). Nothing is asserted. Diagnostics and ratios shown without a goal in the tables above are not listed.',
    ],
  );
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log('# @imbridge/trtc benchmarks\n');
  console.log(
    `- Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
  );
  console.log(`- ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);
  console.log(`- ${new Date().toISOString()}`);
  console.log(`- against ${SDK_LABEL} (${relative(packageDirectory, sdkDirectory)})`);
  console.log(`- ${WARMUP_ROUNDS} warm-up + ${ROUNDS} timed rounds per variant; medians`);
  const started = performance.now();
  await figureSignatures();
  const distNote = ensureDist();
  await figureColdImport(distNote);
  await figureInstalledSize(distNote);
  printSummary();
  if (observedCount() === 0) console.log('(nothing observed)');
  console.log(`\nDone in ${format((performance.now() - started) / 1000, 1)} s.`);
}

await main();
