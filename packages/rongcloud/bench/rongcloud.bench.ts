/**
 * Benchmarks of `@imbridge/rongcloud` (not part of the tests).
 *
 * 1. Request signatures: `rongCloudSignature` (synchronous SHA-1 in TypeScript) against the same
 *    digest with `node:crypto` (what `rongcloud-sdk` uses) and with Web Crypto, and the whole
 *    per-request signer `signRongCloudRequest` (fresh nonce and timestamp, headers object)
 *    against the same work written with Node built-ins. When `rongcloud-sdk` is installed, its
 *    own signing routine (`lib/request.js` `init`, the only place it signs) is measured too.
 * 2. The SHA-1 digest alone on a signature-sized input and on 1 KiB, against `node:crypto`.
 * 3. Cold start (`cold-start.ts`): fresh `node` processes loading the built package (`dist/`)
 *    and `rongcloud-sdk`, ESM against ESM and CJS against CJS, then a first signature, API call
 *    or webhook handled; and whether zod is loaded by the import or by the first webhook.
 * 4. Installed size (`installed-size.ts`): the files a user installs with `@imbridge/rongcloud`
 *    (packed tarballs of the workspace packages, dependencies as installed) against
 *    `rongcloud-sdk` and its dependency tree as resolved in node_modules.
 *
 * Run with `pnpm bench` in packages/rongcloud (`tsx bench/rongcloud.bench.ts`). Figures 1 and 2
 * import the sources through relative paths; figures 3 and 4 need `dist/` (of this package and
 * of its workspace dependencies) and build it when it is missing or older than `src/`.
 *
 * Each speed is a median over timed rounds taken after warm-up rounds; rounds interleave the
 * variants (rotated each round) and ratios are medians of per-round ratios, so drift affects both
 * sides alike. Absolute times are indicative only: nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sha1 } from '../src/crypto/sha1.ts';
import { rongCloudSignature, signRongCloudRequest } from '../src/signing/signature.ts';
import { figureColdStart } from './cold-start.ts';
import { figureInstalledSize } from './installed-size.ts';
import { format, median, printTable, times } from './report.ts';

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/** Untimed rounds run first so every code path is optimised. */
const WARMUP_ROUNDS = 4;
/** Timed rounds; the tables show medians. */
const ROUNDS = 15;
/** Fresh processes per row of figure 3. */
const COLD_RUNS = 12;

const APP_KEY = 'c9kqb3rdkbb8j';
/** The App Secret of RongCloud's published signature example. */
const APP_SECRET = 'Y1W2MeFwwwRxa0';
const NONCE = '14314';
const TIMESTAMP = '1408710653000';
const PUBLISHED_SIGNATURE = '30be0bbca9c9b2e27578701e9fda2358a814c88f';

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');
/** packages/: the workspace packages live here (published as packed tarballs). */
const workspaceDirectory = realpathSync(join(packageDirectory, '..'));
const require = createRequire(import.meta.url);

/** `require.resolve`, or undefined when the module is not installed. */
function resolveOptional(specifier: string, from: NodeJS.Require = require): string | undefined {
  try {
    return from.resolve(specifier);
  } catch {
    return undefined;
  }
}

/** rongcloud-sdk's entry (`index.js`), when installed (a devDependency of this package). */
const officialEntry = resolveOptional('rongcloud-sdk');

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Results are stored here so the JIT cannot drop the measured work. */
const observed = { value: undefined as unknown, count: 0 };

function keep(value: unknown): void {
  observed.value = value;
  observed.count += 1;
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// ---------------------------------------------------------------------------------------------
// Round runner
// ---------------------------------------------------------------------------------------------

interface Variant {
  name: string;
  /** Name of the variant this one is compared with. */
  baseline: string;
  /** Operations per timed sample. */
  batch: number;
  /** Runs `batch` operations and returns the milliseconds they took (set-up excluded). */
  run: (batch: number) => Promise<number>;
}

/** ns per operation of each variant, one value per timed round. */
async function runRounds(variants: Variant[]): Promise<Map<string, number[]>> {
  const results = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    for (let offset = 0; offset < variants.length; offset += 1) {
      const variant = variants[(round + offset) % variants.length] as Variant;
      const ms = await variant.run(variant.batch);
      if (round >= WARMUP_ROUNDS) results.get(variant.name)?.push((ms * 1e6) / variant.batch);
    }
    await macrotask();
  }
  return results;
}

/** Rows: name, ops/s, µs/op, median per-round ratio of ops/s to the baseline. */
function speedRows(variants: Variant[], results: Map<string, number[]>): string[][] {
  return variants.map((variant) => {
    const own = results.get(variant.name) ?? [];
    const base = results.get(variant.baseline) ?? [];
    const nsPerOp = median(own);
    const ratio = median(own.map((value, round) => (base[round] ?? Number.NaN) / value));
    return [
      variant.name,
      format(1e9 / nsPerOp),
      format(nsPerOp / 1000, 2),
      variant.name === variant.baseline ? '1.00×' : `${format(ratio, 2)}×`,
    ];
  });
}

/** A synchronous loop as a variant's `run`. */
function timed(operation: (index: number) => unknown): (batch: number) => Promise<number> {
  return async (batch) => {
    const start = performance.now();
    for (let index = 0; index < batch; index += 1) keep(operation(index));
    return performance.now() - start;
  };
}

// ---------------------------------------------------------------------------------------------
// rongcloud-sdk (optional anchor)
// ---------------------------------------------------------------------------------------------

interface OfficialRequestModule {
  init(config: { appkey: string; secret: string }): void;
}

/**
 * `rongcloud-sdk`'s signing routine, when the package is installed: `lib/request.js` computes
 * `sha1(secret + Nonce + Timestamp)` in `init` — once per process, over a nonce and timestamp
 * drawn when the module loads — and sends those headers with every request.
 */
function loadOfficialSigner(): { init: OfficialRequestModule['init'] } | { reason: string } {
  let path: string;
  try {
    path = require.resolve('rongcloud-sdk/lib/request.js');
  } catch {
    return {
      reason:
        "rongcloud-sdk is not installed (it is a devDependency of this package: install the workspace's dependencies). Its signing is node:crypto's SHA-1 over the same string (`utils.sha1` in lib/request.js), computed once per process at `init`; the node:crypto rows are what it would cost per request if it signed each request as RongCloud requires.",
    };
  }
  try {
    const module = require(path) as Partial<OfficialRequestModule>;
    if (typeof module.init !== 'function') {
      return { reason: 'rongcloud-sdk is installed but lib/request.js has no init()' };
    }
    const init = module.init;
    return { init: (config) => init(config) };
  } catch (error) {
    return {
      reason: `rongcloud-sdk is installed but lib/request.js failed to load (${error instanceof Error ? error.name : typeof error})`,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Figure 1: request signatures
// ---------------------------------------------------------------------------------------------

function nodeSignature(appSecret: string, nonce: string, timestamp: string): string {
  return createHash('sha1').update(`${appSecret}${nonce}${timestamp}`, 'utf8').digest('hex');
}

/** Per-request signing written with Node built-ins: 18-digit nonce, ms timestamp, headers. */
function nodeSignRequest(): Record<string, string> {
  const nonce = `${randomInt(1e9)}`.padStart(9, '0') + `${randomInt(1e9)}`.padStart(9, '0');
  const timestamp = String(Date.now());
  return {
    'App-Key': APP_KEY,
    Nonce: nonce,
    Timestamp: timestamp,
    Signature: nodeSignature(APP_SECRET, nonce, timestamp),
  };
}

const hexDigits = '0123456789abcdef';
function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let text = '';
  for (const byte of bytes) text += (hexDigits[byte >> 4] ?? '') + (hexDigits[byte & 15] ?? '');
  return text;
}

async function figureSignatures(): Promise<void> {
  if (
    rongCloudSignature(APP_SECRET, NONCE, TIMESTAMP) !== PUBLISHED_SIGNATURE ||
    nodeSignature(APP_SECRET, NONCE, TIMESTAMP) !== PUBLISHED_SIGNATURE
  ) {
    throw new Error('the set-up is wrong: the published signature example does not match');
  }
  const encoder = new TextEncoder();
  const baseline = 'node:crypto createHash("sha1") + hex';
  const variants: Variant[] = [
    {
      name: baseline,
      baseline,
      batch: 5_000,
      run: timed((index) => nodeSignature(APP_SECRET, NONCE, String(1408710653000 + index))),
    },
    {
      name: 'rongCloudSignature (ours, sync)',
      baseline,
      batch: 5_000,
      run: timed((index) => rongCloudSignature(APP_SECRET, NONCE, 1408710653000 + index)),
    },
    {
      name: 'crypto.subtle.digest("SHA-1") + hex (awaited)',
      baseline,
      batch: 1_000,
      run: async (batch) => {
        const start = performance.now();
        for (let index = 0; index < batch; index += 1) {
          const input = encoder.encode(`${APP_SECRET}${NONCE}${1408710653000 + index}`);
          keep(toHex(await crypto.subtle.digest('SHA-1', input)));
        }
        return performance.now() - start;
      },
    },
    {
      name: 'Node built-ins, whole request signer',
      baseline,
      batch: 5_000,
      run: timed(() => nodeSignRequest()),
    },
    {
      name: 'signRongCloudRequest (ours, whole signer)',
      baseline,
      batch: 5_000,
      run: timed(() => signRongCloudRequest({ appKey: APP_KEY, appSecret: APP_SECRET })),
    },
  ];
  const official = loadOfficialSigner();
  const officialLabel = 'rongcloud-sdk request.init (signs once per process)';
  if ('init' in official) {
    variants.push({
      name: officialLabel,
      baseline,
      batch: 5_000,
      run: timed(() => official.init({ appkey: APP_KEY, secret: APP_SECRET })),
    });
  }
  const results = await runRounds(variants);
  // Ours against rongcloud-sdk directly: median of per-round ratios of signatures per second.
  const officialNs = results.get(officialLabel) ?? [];
  const versusOfficial = (name: string): string =>
    times(
      median(
        (results.get(name) ?? []).map(
          (nsPerOp, round) => (officialNs[round] ?? Number.NaN) / nsPerOp,
        ),
      ),
    );
  printTable(
    '1. Request signatures (hex SHA-1 of appSecret + nonce + timestamp)',
    ['variant', 'ops/s', 'µs/op', 'speed vs first row'],
    speedRows(variants, results),
    [
      `Input: RongCloud's published example (secret ${APP_SECRET.length} characters, nonce "${NONCE}", a 13-digit millisecond timestamp that changes every call); every variant checked against the published signature ${PUBLISHED_SIGNATURE}.`,
      'Ours: UTF-8 encode with TextEncoder, SHA-1 compressions in TypeScript with a reused schedule and padding block, hex by table. Web Crypto has no synchronous digest: each call pays a promise and a thread-pool round trip.',
      'Whole signer: an 18-digit random nonce (crypto.getRandomValues; node:crypto randomInt for the built-ins row), Date.now(), the signature and the four headers. The client runs it on every attempt.',
      'reason' in official
        ? `No rongcloud-sdk row: ${official.reason}`
        : `rongcloud-sdk row: its init() recomputes the one signature it then reuses for every request (Nonce and Timestamp are fixed when its module loads), so it is not a per-request signer. Signatures per second against it, in this run (median of per-round ratios): signRongCloudRequest ${versusOfficial('signRongCloudRequest (ours, whole signer)')}, rongCloudSignature ${versusOfficial('rongCloudSignature (ours, sync)')}.`,
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Figure 2: SHA-1 alone
// ---------------------------------------------------------------------------------------------

async function figureDigest(): Promise<void> {
  const small = new TextEncoder().encode(`${APP_SECRET}${NONCE}${TIMESTAMP}`);
  const large = Uint8Array.from({ length: 1024 }, (_, index) => (index * 31 + 7) & 0xff);
  const output = new Uint8Array(20);
  const rows: string[][] = [];
  for (const [label, input, batch] of [
    [`${small.length} bytes (a signature's input)`, small, 10_000],
    ['1 KiB', large, 2_000],
  ] as const) {
    const baseline = `node:crypto sha1, ${label}`;
    const variants: Variant[] = [
      {
        name: baseline,
        baseline,
        batch,
        run: timed(() => createHash('sha1').update(input).digest()),
      },
      {
        name: `sha1.ts (ours), ${label}`,
        baseline,
        batch,
        run: timed(() => sha1(input, output)),
      },
    ];
    rows.push(...speedRows(variants, await runRounds(variants)));
  }
  printTable('2. SHA-1 digest alone', ['variant', 'ops/s', 'µs/op', 'speed vs first row'], rows, [
    'Digest bytes only (no hex). Ours writes into a caller-given 20-byte output; node:crypto allocates a Hash object and a Buffer per call but hashes in native code, so it wins as inputs grow.',
  ]);
}

// ---------------------------------------------------------------------------------------------
// Built packages (figures 3 and 4)
// ---------------------------------------------------------------------------------------------

/** The workspace packages a user installs with this one, in build order (folder, name). */
const WORKSPACE_PACKAGES = [
  ['core', '@imbridge/core'],
  ['provider-utils', '@imbridge/provider-utils'],
  ['rongcloud', '@imbridge/rongcloud'],
] as const;

/** Newest modification time (ms) of the non-test files under `directory`. */
function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.isFile() && !entry.name.includes('.test.')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds `dist/` of this package and of its workspace dependencies when it is missing or older
 * than the package's `src/` or package.json; returns a note on what was measured, or undefined
 * when a build failed.
 */
function ensureDist(): string | undefined {
  for (const [folder, name] of WORKSPACE_PACKAGES) {
    const directory = join(workspaceDirectory, folder);
    const entry = join(directory, 'dist/index.js');
    const sources = Math.max(
      newestSource(join(directory, 'src')),
      statSync(join(directory, 'package.json')).mtimeMs,
    );
    if (existsSync(entry) && statSync(entry).mtimeMs >= sources) continue;
    console.log(`\n(${name}: dist/ is missing or older than its sources: building it first)`);
    const build = spawnSync('pnpm', ['-F', name, 'build'], {
      cwd: packageDirectory,
      encoding: 'utf8',
    });
    if (build.status !== 0 || !existsSync(entry)) return undefined;
  }
  return `dist/ built ${statSync(join(packageDirectory, 'dist/index.js')).mtime.toISOString()}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const cpu = cpus();
  console.log('# @imbridge/rongcloud benchmarks\n');
  console.log(
    `- Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
  );
  console.log(`- ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);
  console.log(`- ${new Date().toISOString()}`);
  console.log(`- ${WARMUP_ROUNDS} warm-up + ${ROUNDS} timed rounds per variant; medians`);
  const started = performance.now();
  await figureSignatures();
  await figureDigest();
  const distNote = ensureDist();
  await figureColdStart({
    packageDirectory,
    workspaceDirectory,
    distNote,
    officialEntry,
    runs: COLD_RUNS,
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    published: { nonce: NONCE, timestamp: TIMESTAMP, signature: PUBLISHED_SIGNATURE },
  });
  await figureInstalledSize({ packageDirectory, workspaceDirectory, distNote });
  if (observed.count === 0) console.log('(nothing observed)');
  console.log(`\nDone in ${format((performance.now() - started) / 1000, 1)} s.`);
}

await main();
