/**
 * Benchmarks of `@imbridge/tencent-chat` (not part of the tests).
 *
 * 1. UserSig (user-sig.ts): `genUserSig` against the official `tls-sig-api-v2` package (same
 *    SDKAppID, key, UserID and validity), and `verifyUserSig` against a plain Node check built
 *    from `node:zlib` + `node:crypto`.
 * 2. Webhooks (webhooks.ts): `parseTencentWebhook` end to end on a signed `Bot.OnC2CMessage`
 *    request, building the `Request` included, against a hand-written parse of the same webhook
 *    with `node:crypto` and `JSON.parse` (the reference row).
 * 3. Cold start (cold-import.ts): fresh `node` processes loading the built package (`dist/`), per
 *    entry (`/user-sig`, main) and module format, then making a first call (a UserSig; the first
 *    webhook handled), against `tls-sig-api-v2` loaded the same way: ESM against ESM, CJS
 *    against CJS.
 *
 * Run with `pnpm bench` in packages/tencent-chat (`tsx bench/tencent-chat.bench.ts`). Figures 1
 * and 2 import the sources through relative paths; figure 3 needs `dist/` (of this package and
 * of its workspace dependencies) and builds it when it is missing or older than `src/`.
 * The saturation bench against the local Tencent Chat is separate: `pnpm bench:saturation`.
 *
 * Each speed is a median over timed rounds taken after warm-up rounds; rounds interleave the
 * variants (rotated each round) and ratios are medians of per-round ratios, so drift affects both
 * sides alike (report.ts). Absolute times are indicative only: nothing is asserted.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { figureColdImport } from './cold-import.ts';
import { figureHeapPerReply } from './heap.ts';
import { format, observedCount, ROUNDS, WARMUP_ROUNDS } from './report.ts';
import { ensureDist } from './saturation/build.ts';
import { figureUserSig } from './user-sig.ts';
import { figureWebhooks } from './webhooks.ts';

/** Builds `dist/` when missing or stale; returns what is measured, or undefined without one. */
function distNote(): string | undefined {
  try {
    return ensureDist().join('; ');
  } catch (error) {
    console.log(`\n(${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log('# @imbridge/tencent-chat benchmarks\n');
  console.log(
    `- Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
  );
  console.log(`- ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);
  console.log(`- ${new Date().toISOString()}`);
  console.log(`- ${WARMUP_ROUNDS} warm-up + ${ROUNDS} timed rounds per variant; medians`);
  const started = performance.now();
  await figureUserSig();
  await figureWebhooks();
  figureColdImport(distNote());
  await figureHeapPerReply();
  if (observedCount() === 0) console.log('(nothing observed)');
  console.log(`\nDone in ${format((performance.now() - started) / 1000, 1)} s.`);
}

await main();
