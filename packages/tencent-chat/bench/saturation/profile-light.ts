/**
 * A shorter companion of `saturation.bench.ts` for working on the bot's fixed costs (issue 11,
 * section 2): one light-load round (imbridge, the reference, the reference on ky), its table,
 * then the imbridge bot and the reference on ky once more under `--cpu-prof`, each printed as
 * top self-time functions, so both sides of the gap are profiled in the same session.
 *
 * Run with `pnpm exec tsx bench/saturation/profile-light.ts` in packages/tencent-chat; options
 * `--conversations N` (default 25) and `--measure-ms N` (default 8000); `--no-profile` skips
 * the profiled runs, `--profile-only` the table; `--keep` keeps the `.cpuprofile` files (their
 * directory is printed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDist, prepareChildren } from './build.ts';
import { printProfile } from './profile.ts';
import { printLightLoad } from './report.ts';
import type { BotKind, ScenarioResult } from './scenario.ts';

const WARMUP_MS = 3_000;
const DRAIN_TIMEOUT_MS = 15_000;
const KY_ENTRY = fileURLToPath(
  new URL('../../../provider-utils/node_modules/ky/distribution/index.js', import.meta.url),
);

function numberArgument(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

async function main(): Promise<void> {
  const conversations = numberArgument('--conversations', 25);
  const measureMs = numberArgument('--measure-ms', 8_000);
  const keep = process.argv.includes('--keep') ? true : undefined;
  for (const note of ensureDist()) console.log(note);
  const children = prepareChildren();
  try {
    const { runScenario } = await import('./scenario.ts');
    const entry = (bot: BotKind): string => {
      const file = bot === 'imbridge' ? 'adapter-bot.ts' : 'reference-bot.ts';
      const path = children.entries.get(file);
      if (path === undefined) throw new Error(`no transpiled child for ${bot}`);
      return path;
    };
    const run = (bot: BotKind, execArgv: string[] = []): Promise<ScenarioResult> =>
      runScenario({
        bot,
        entry: entry(bot),
        conversations,
        warmupMs: WARMUP_MS,
        measureMs,
        drainTimeoutMs: DRAIN_TIMEOUT_MS,
        execArgv,
        kyModuleUrl: bot === 'reference-ky' ? pathToFileURL(KY_ENTRY).href : undefined,
      });
    if (!process.argv.includes('--profile-only')) {
      const ours = await run('imbridge');
      const reference = await run('reference');
      const referenceKy = await run('reference-ky');
      printLightLoad(ours, reference, referenceKy);
    }
    if (process.argv.includes('--no-profile')) return;
    for (const bot of ['imbridge', 'reference-ky'] as const) {
      const directory = mkdtempSync(join(tmpdir(), 'imbridge-light-profile-'));
      await run(bot, ['--cpu-prof', `--cpu-prof-dir=${directory}`]);
      printProfile(directory, `${bot} bot child, ${conversations} conversations (whole run)`, 30);
      if (keep === undefined) rmSync(directory, { recursive: true, force: true });
      else console.log(`(profile kept in ${directory})`);
    }
  } finally {
    rmSync(children.directory, { recursive: true, force: true });
  }
}

await main();
