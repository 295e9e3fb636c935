/**
 * A companion of `saturation.bench.ts` for the 60007 goal of issue 11 §1: runs one bot at N
 * conversations a few times and prints, per run, when its calls were rejected (in 500 ms bins
 * from the measured window's start; warm-up bins are negative) next to its event-loop delay.
 *
 * Run with `pnpm exec tsx bench/saturation/probe-rejections.ts` in packages/tencent-chat;
 * options `--bot imbridge|reference|reference-ky` (default imbridge), `--conversations N`
 * (default 1000), `--runs N` (default 3), `--measure-ms N` (default 15000).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDist, prepareChildren } from './build.ts';
import type { BotKind } from './scenario.ts';

const WARMUP_MS = 3_000;
const DRAIN_TIMEOUT_MS = 15_000;
const BIN_MS = 500;
const KY_ENTRY = fileURLToPath(
  new URL('../../../provider-utils/node_modules/ky/distribution/index.js', import.meta.url),
);

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

function numberArgument(name: string, fallback: number): number {
  const value = Number(argument(name));
  return Number.isFinite(value) && argument(name) !== undefined ? value : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const bot = (argument('--bot') ?? 'imbridge') as BotKind;
  const conversations = numberArgument('--conversations', 1_000);
  const runs = numberArgument('--runs', 3);
  const measureMs = numberArgument('--measure-ms', 15_000);
  for (const note of ensureDist()) console.log(note);
  const children = prepareChildren();
  try {
    const { runScenario } = await import('./scenario.ts');
    const entry = children.entries.get(bot === 'imbridge' ? 'adapter-bot.ts' : 'reference-bot.ts');
    if (entry === undefined) throw new Error(`no transpiled child for ${bot}`);
    for (let run = 1; run <= runs; run += 1) {
      const result = await runScenario({
        bot,
        entry,
        conversations,
        warmupMs: WARMUP_MS,
        measureMs,
        drainTimeoutMs: DRAIN_TIMEOUT_MS,
        kyModuleUrl: bot === 'reference-ky' ? pathToFileURL(KY_ENTRY).href : undefined,
      });
      let calls = 0;
      let rejected = 0;
      for (const figures of result.apis.values()) {
        calls += figures.calls;
        rejected += figures.rateLimited;
      }
      const bins = new Map<number, number>();
      const rejections = result.timeline.filter((call) => call.rejected);
      for (const { atMs } of rejections) {
        const bin = Math.floor(atMs / BIN_MS) * BIN_MS;
        bins.set(bin, (bins.get(bin) ?? 0) + 1);
      }
      const timeline = [...bins.entries()]
        .sort(([a], [b]) => a - b)
        .map(([bin, count]) => `${(bin / 1000).toFixed(1)}s:${count}`)
        .join(' ');
      const stats = result.childStats;
      console.log(
        `${bot} run ${run}: ${result.completed} replies, rejected ${rejected}/${calls} in window ` +
          `(${((100 * rejected) / Math.max(1, calls)).toFixed(2)} %), loop delay p99 ` +
          `${stats['loop-delay.p99-ms']} ms max ${stats['loop-delay.max-ms']} ms, load ` +
          `${result.loadAverage.map((value) => value.toFixed(1)).join('→')}, webhook → first call p50 ` +
          `${median(result.latenciesMs).toFixed(2)} ms`,
      );
      console.log(`  rejections by time: ${timeline || 'none'}`);
      const first = rejections[0];
      if (first !== undefined && process.argv.includes('--detail')) {
        // Arrivals of the first rejected API per 50 ms, from 1.5 s before its first rejection.
        const fromMs = first.atMs - 1_500;
        const counts: number[] = Array.from({ length: 50 }, () => 0);
        const rejectedCounts: number[] = Array.from({ length: 50 }, () => 0);
        for (const call of result.timeline) {
          if (call.api !== first.api) continue;
          const index = Math.floor((call.atMs - fromMs) / 50);
          if (index < 0 || index >= counts.length) continue;
          counts[index] = (counts[index] ?? 0) + 1;
          if (call.rejected) rejectedCounts[index] = (rejectedCounts[index] ?? 0) + 1;
        }
        const retries = rejections.filter((call) => call.retry).length;
        console.log(
          `  ${first.api} arrivals per 50 ms from ${(fromMs / 1000).toFixed(2)} s (rejected in brackets; ${retries} of the rejected were retries):`,
        );
        console.log(
          `  ${counts.map((count, index) => (rejectedCounts[index] ? `${count}[${rejectedCounts[index]}]` : `${count}`)).join(' ')}`,
        );
      }
    }
  } finally {
    const { rmSync } = await import('node:fs');
    rmSync(children.directory, { recursive: true, force: true });
  }
}

await main();
