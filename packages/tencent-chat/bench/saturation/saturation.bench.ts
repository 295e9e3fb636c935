/**
 * Saturation benchmark of `@imbridge/tencent-chat` (issue 11, sections 1 and 2; not part of
 * the tests, nothing asserted).
 *
 * A bot made with `createBot` + `createTencentChatAdapter` (the BUILT packages, run in a child
 * process on plain `node`) answers the local Tencent Chat (`createLocalTencentChat`, in this
 * process, enforcing Tencent's documented 200 calls/s per API with error 60007): N users, each
 * sending one C2C message to the robot, then the next once the streamed reply is finished, for
 * a warm-up and a measured window. An instant model answers in three deltas at once; replies
 * use the adapter's default chatbot custom-message stream. The same run is repeated with a
 * minimal hand-written bot sending the same HTTP traffic (`reference-bot.ts`): the CPU
 * reference row.
 *
 * Per run: replies completed per second; REST calls per second per API and the share of the
 * documented budget used; 60007 rejections; retries; replies lost or duplicated (from the
 * emulator's store after a drain); CPU per reply of the bot process (`process.cpuUsage`
 * deltas in the child, so the emulator's CPU is not counted); webhook posted → first REST call
 * of that reply, p50/p99, both timed in this process. A last pair of runs at light load (25
 * conversations, far below the budget) gives the same CPU and latency figures without queueing
 * for tokens.
 *
 * Run with `pnpm bench:saturation` in packages/tencent-chat; add `-- --profile` for one more
 * imbridge run at 1,000 conversations under `--cpu-prof`, printed as top self-time functions.
 * `dist/` is built first when missing or older than its sources.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDist, prepareChildren } from './build.ts';
import { printProfile } from './profile.ts';
import { DOCUMENTED_CALLS_PER_SECOND } from './protocol.ts';
import { format, printLightLoad, printScenario, wrap } from './report.ts';
import type { BotKind, ScenarioResult } from './scenario.ts';

/** Concurrent conversations of each scenario. */
const CONVERSATIONS = [100, 1_000];
/** Not measured: the bot's JIT warms up and the conversations reach their steady state. */
const WARMUP_MS = 3_000;
/** The window every rate, CPU time and latency is taken over. */
const MEASURE_MS = 15_000;
/** Longest wait for the replies still running when the window ends. */
const DRAIN_TIMEOUT_MS = 15_000;
/** The light-load run: few conversations, far below the budget, for the fixed costs. */
const LIGHT_LOAD = { conversations: 25, measureMs: 8_000 };
/** The profiled run is shorter: the profile is for shares, not rates. */
const PROFILE_MEASURE_MS = 8_000;

const BOT_ENTRIES: Record<BotKind, string> = {
  imbridge: 'adapter-bot.ts',
  reference: 'reference-bot.ts',
  'reference-ky': 'reference-bot.ts',
};

/** ky's ESM entry (a dependency of provider-utils), for the `reference-ky` run. */
const KY_ENTRY = fileURLToPath(
  new URL('../../../provider-utils/node_modules/ky/distribution/index.js', import.meta.url),
);

async function main(): Promise<void> {
  const profile = process.argv.includes('--profile');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log('# @imbridge/tencent-chat — saturation against the local Tencent Chat\n');
  console.log(
    `Node ${process.version}, ${cpu} × ${cpus().length}, ${process.platform}/${process.arch}, ${new Date().toISOString()}`,
  );
  const distNotes = ensureDist();
  const children = prepareChildren();
  console.log('');
  for (const note of [
    ...distNotes,
    `Emulator: ${DOCUMENTED_CALLS_PER_SECOND} calls/s per API (token bucket, answers 60007 above it), signed webhooks; loopback only. Bots run in child processes on plain node (no loader), imbridge on memoryState() with default bot and adapter options.`,
  ]) {
    console.log(wrap(note));
  }
  try {
    const { runScenario } = await import('./scenario.ts');
    const entry = (bot: BotKind): string => {
      const path = children.entries.get(BOT_ENTRIES[bot]);
      if (path === undefined) throw new Error(`no transpiled child for ${bot}`);
      return path;
    };
    const runAll = async (conversations: number, measureMs: number) => {
      const results = new Map<BotKind, ScenarioResult>();
      for (const bot of ['imbridge', 'reference', 'reference-ky'] as const) {
        console.log(`\n(${bot}: ${format(conversations)} conversations…)`);
        results.set(
          bot,
          await runScenario({
            bot,
            entry: entry(bot),
            conversations,
            warmupMs: WARMUP_MS,
            measureMs,
            drainTimeoutMs: DRAIN_TIMEOUT_MS,
            kyModuleUrl: bot === 'reference-ky' ? pathToFileURL(KY_ENTRY).href : undefined,
          }),
        );
      }
      const ours = results.get('imbridge');
      const reference = results.get('reference');
      const referenceKy = results.get('reference-ky');
      if (ours === undefined || reference === undefined || referenceKy === undefined) {
        throw new Error('a run is missing');
      }
      return { ours, reference, referenceKy };
    };
    for (const conversations of CONVERSATIONS) {
      const { ours, reference, referenceKy } = await runAll(conversations, MEASURE_MS);
      printScenario(ours, reference, referenceKy);
    }
    const light = await runAll(LIGHT_LOAD.conversations, LIGHT_LOAD.measureMs);
    printLightLoad(light.ours, light.reference, light.referenceKy);
    if (profile) {
      const profileDirectory = mkdtempSync(join(tmpdir(), 'imbridge-saturation-profile-'));
      console.log('\n(imbridge under --cpu-prof: 1,000 conversations…)');
      await runScenario({
        bot: 'imbridge',
        entry: entry('imbridge'),
        conversations: 1_000,
        warmupMs: WARMUP_MS,
        measureMs: PROFILE_MEASURE_MS,
        drainTimeoutMs: DRAIN_TIMEOUT_MS,
        execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`],
      });
      printProfile(profileDirectory, 'imbridge bot child, 1,000 conversations (whole run)');
      rmSync(profileDirectory, { recursive: true, force: true });
    }
  } finally {
    rmSync(children.directory, { recursive: true, force: true });
  }
}

await main();
