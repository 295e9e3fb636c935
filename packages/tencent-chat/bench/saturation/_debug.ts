import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { prepareChildren } from './build.ts';

const children = prepareChildren();
const { runScenario } = await import('./scenario.ts');
const bot = (process.argv[2] ?? 'reference') as 'reference' | 'imbridge';
const conversations = Number(process.argv[3] ?? 1000);
const entry = children.entries.get(bot === 'reference' ? 'reference-bot.ts' : 'adapter-bot.ts')!;
const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
try {
  const result = await runScenario({
    bot,
    entry,
    conversations,
    warmupMs: 2000,
    measureMs: 8000,
    drainTimeoutMs: 10000,
    execArgv: process.env.PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`]
      : [],
  });
  if (process.env.PROFILE_DIR) {
    const { printProfile } = await import('./profile.ts');
    printProfile(process.env.PROFILE_DIR, 'debug', 30);
  }
  const cpu = process.cpuUsage(cpu0);
  console.log('main cpu %', ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100);
  console.log(
    'loop delay p50/p99/max ms',
    histogram.percentile(50) / 1e6,
    histogram.percentile(99) / 1e6,
    histogram.max / 1e6,
  );
  console.log(
    'completed',
    result.completed / 8,
    'cpu/reply',
    result.cpuMicros / 1000 / result.completed,
    'failures',
    [...result.webhookFailures],
    result.store,
    result.childStats,
  );
  const lat = [...result.latenciesMs].sort((a, b) => a - b);
  console.log(
    'lat p50',
    lat[Math.floor(lat.length / 2)],
    'p99',
    lat[Math.floor(lat.length * 0.99)],
  );
} finally {
  (await import('node:fs')).rmSync(children.directory, { recursive: true, force: true });
}
