/**
 * Benchmarks of `@imbridge/rongcloud` (not part of the tests).
 *
 * 1. Request signatures: `rongCloudSignature` (synchronous SHA-1 in TypeScript) against the same
 *    digest with `node:crypto` (what `rongcloud-sdk` uses) and with Web Crypto, and the whole
 *    per-request signer `signRongCloudRequest` (fresh nonce and timestamp, headers object)
 *    against the same work written with Node built-ins. When `rongcloud-sdk` is installed, its
 *    own signing routine (`lib/request.js` `init`, the only place it signs) is measured too.
 * 2. The SHA-1 digest alone on a signature-sized input and on 1 KiB, against `node:crypto`.
 * 3. Cold start: fresh `node` processes loading the built package (`dist/`) against
 *    `require('rongcloud-sdk')`, and the first call after loading.
 * 4. Installed size: the files a user installs with `@imbridge/rongcloud` (packed tarballs of the
 *    workspace packages, dependencies as installed) against `rongcloud-sdk` and its dependency
 *    tree as resolved in node_modules.
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
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { sha1 } from '../src/crypto/sha1.ts';
import { rongCloudSignature, signRongCloudRequest } from '../src/signing/signature.ts';

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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function format(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A ratio as "1.23×", or "—" when there is nothing to compare with. */
function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${format(ratio, 2)}×` : '—';
}

/** Wraps a note as a markdown bullet of at most `width` columns. */
function wrap(note: string, width = 96): string {
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
function printTable(title: string, headers: string[], rows: string[][], notes: string[] = []) {
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
// Figure 3: cold start
// ---------------------------------------------------------------------------------------------

interface ColdTarget {
  name: string;
  /** Arguments after `node`; the script prints `<load ms> <first call ms>`. */
  args: string[];
  /** Whether the row has a first call (rows marked "alone" and the empty script have none). */
  firstCall: boolean;
}

interface ColdRun {
  wallMs: number;
  loadMs: number;
  firstCallMs: number;
}

function runCold(target: ColdTarget): ColdRun {
  const start = performance.now();
  const child = spawnSync(process.execPath, target.args, {
    cwd: packageDirectory,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${target.name} failed: ${child.stderr}`);
  const [load, firstCall] = child.stdout.trim().split(' ').map(Number);
  return { wallMs, loadMs: load ?? Number.NaN, firstCallMs: firstCall ?? Number.NaN };
}

const OFFICIAL_COLD = "require('rongcloud-sdk'), then its init (signs once)";

async function figureColdStart(distNote: string | undefined): Promise<void> {
  const timed = (load: string, first: string): string =>
    `const t0 = performance.now(); ${load}; const t1 = performance.now(); ${first}; const t2 = performance.now(); console.log((t1 - t0) + ' ' + (t2 - t1));`;
  const sign = `const signed = signRongCloudRequest({ appKey: '${APP_KEY}', appSecret: '${APP_SECRET}' }); if (signed.headers.Signature.length !== 40) throw new Error('not signed')`;
  const targets: ColdTarget[] = [
    { name: 'node, empty script', args: ['-e', timed('0', '0')], firstCall: false },
  ];
  if (officialEntry !== undefined) {
    const superagentEntry = resolveOptional('superagent', createRequire(officialEntry));
    targets.push({
      name: OFFICIAL_COLD,
      args: [
        '-e',
        timed(
          `const RongSDK = require(${JSON.stringify(officialEntry)})`,
          `const sdk = RongSDK({ appkey: '${APP_KEY}', secret: '${APP_SECRET}' }); if (typeof sdk.User.register !== 'function') throw new Error('no User API')`,
        ),
      ],
      firstCall: true,
    });
    if (superagentEntry !== undefined) {
      targets.push({
        name: "require('superagent') alone (rongcloud-sdk's HTTP client)",
        args: ['-e', timed(`require(${JSON.stringify(superagentEntry)})`, '0')],
        firstCall: false,
      });
    }
  }
  if (distNote !== undefined) {
    const esm = pathToFileURL(join(packageDirectory, 'dist/index.js')).href;
    const cjs = join(packageDirectory, 'dist/index.cjs');
    // ky is provider-utils' dependency, not this package's: load it from there.
    const kyEntry = pathToFileURL(
      join(workspaceDirectory, 'provider-utils/node_modules/ky/distribution/index.js'),
    ).href;
    const answer = `async (input, init) => { if (!new Request(input, init).headers.get('Signature')) throw new Error('not signed'); return Response.json({ code: 200, userId: 'u', token: 't' }); }`;
    targets.push(
      {
        name: "import('zod') alone (our dependency)",
        args: ['--input-type=module', '-e', timed(`await import('zod')`, '0')],
        firstCall: false,
      },
      {
        name: 'import dist/index.js (ESM), then signRongCloudRequest',
        args: [
          '--input-type=module',
          '-e',
          timed(`const { signRongCloudRequest } = await import('${esm}')`, sign),
        ],
        firstCall: true,
      },
      {
        name: 'import dist/index.js (ESM), then rongCloudSignature',
        args: [
          '--input-type=module',
          '-e',
          timed(
            `const { rongCloudSignature } = await import('${esm}')`,
            `if (rongCloudSignature('${APP_SECRET}', '${NONCE}', '${TIMESTAMP}') !== '${PUBLISHED_SIGNATURE}') throw new Error('wrong signature')`,
          ),
        ],
        firstCall: true,
      },
      {
        name: 'require dist/index.cjs (CJS), then signRongCloudRequest',
        args: [
          '-e',
          timed(`const { signRongCloudRequest } = require(${JSON.stringify(cjs)})`, sign),
        ],
        firstCall: true,
      },
      {
        name: "import('ky') alone (loaded on the first API call)",
        args: ['--input-type=module', '-e', timed(`await import('${kyEntry}')`, '0')],
        firstCall: false,
      },
      {
        name: 'import dist/index.js, then a first registerUser',
        args: [
          '--input-type=module',
          '-e',
          timed(
            `const { createRongCloudClient } = await import('${esm}')`,
            `const user = await createRongCloudClient({ appKey: '${APP_KEY}', appSecret: '${APP_SECRET}', baseUrl: 'http://rongcloud.local', fetch: ${answer} }).registerUser({ userId: 'u', name: 'n' }); if (user.token !== 't') throw new Error('no token')`,
          ),
        ],
        firstCall: true,
      },
    );
  }

  const runs = new Map<string, ColdRun[]>(targets.map((target) => [target.name, []]));
  // One untimed run each warms the file system cache.
  for (const target of targets) runCold(target);
  for (let round = 0; round < COLD_RUNS; round += 1) {
    for (let offset = 0; offset < targets.length; offset += 1) {
      const target = targets[(round + offset) % targets.length] as ColdTarget;
      runs.get(target.name)?.push(runCold(target));
    }
  }
  const pick = (name: string, field: keyof ColdRun): number =>
    median((runs.get(name) ?? []).map((run) => run[field]));
  const officialRuns = runs.get(OFFICIAL_COLD) ?? [];
  const rows = targets.map((target, index) => {
    const own = runs.get(target.name) ?? [];
    const ratio = median(
      own.map((run, round) => run.loadMs / (officialRuns[round]?.loadMs ?? Number.NaN)),
    );
    return [
      target.name,
      format(pick(target.name, 'wallMs'), 1),
      format(pick(target.name, 'loadMs'), 2),
      index === 0 ? '—' : times(ratio),
      target.firstCall ? format(pick(target.name, 'firstCallMs'), 2) : '—',
    ];
  });
  printTable(
    `3. Cold start (${COLD_RUNS} fresh node processes per row, medians)`,
    ['what', 'process wall ms', 'load ms', 'load vs rongcloud-sdk', 'first call ms'],
    rows,
    [
      `Wall = spawn to exit of \`${process.execPath}\` (no tsx, NODE_OPTIONS cleared); load = performance.now() around the require/import inside the child; first call = the first call right after loading (unoptimised code, cold caches). One untimed run per row first; then rows interleave, their order rotated each round; the load ratio is the median of per-round ratios.`,
      officialEntry === undefined
        ? 'rongcloud-sdk is not installed (a devDependency of this package), so its rows and the load ratios are missing.'
        : "rongcloud-sdk: the require loads all seven API modules with their JSON tables, superagent and underscore. Its first call is the exported factory, require('rongcloud-sdk')({ appkey, secret }): its request.init computes the one SHA-1 signature (nonce and timestamp drawn when the module loaded) that it sends with every request. Its API builds a request only inside methods that send it at once (superagent's then), so no request is built or sent here; our signing rows build the headers only too.",
      distNote === undefined
        ? 'dist/ could not be built (another change may be mid-edit), so the package rows are missing.'
        : `Ours load the whole built entry (${distNote}): client, webhooks, adapter and signing, plus @imbridge/core, @imbridge/provider-utils and zod from node_modules; there is no signing-only subpath, so signing alone pays for zod. signRongCloudRequest draws an 18-digit nonce with crypto.getRandomValues, whose first use makes Node load its Web Crypto module (rongCloudSignature, given RongCloud's published nonce and timestamp, shows the digest without it), and builds the four headers. ky is loaded by the first API call, not at import: the last row is registerUser through an injected fetch that checks the Signature header and answers at once (ky's load, input validation, signing, form body, response parse).`,
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Figure 4: installed size
// ---------------------------------------------------------------------------------------------

interface PackageManifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface InstalledPackage {
  id: string;
  files: number;
  bytes: number;
  /** Bytes per top-level entry of the package (`dist`, `README.md`…). */
  entries: Map<string, number>;
  /** Set for workspace packages, counted from their `pnpm pack` tarball. */
  packed?: { gzipBytes: number; distBytes: number; mapBytes: number };
}

interface InstalledTree {
  packages: InstalledPackage[];
  /** Required dependencies that could not be found. */
  missing: string[];
}

/** Adds the regular files under `directory` (nested node_modules and symlinks skipped). */
function addFiles(
  directory: string,
  add: (path: string, bytes: number) => void,
  prefix = '',
): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') addFiles(path, add, `${prefix}${entry.name}/`);
    } else if (entry.isFile()) {
      add(`${prefix}${entry.name}`, statSync(path).size);
    }
  }
}

/** The regular files of a `.tgz` made by npm or pnpm, keyed by path inside the package. */
function readTarball(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number): string =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const body = archive.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x' || type === 'g') continue;
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === '0' || type === '') files.set(name.replace(/^[^/]+\//, ''), body);
  }
  return files;
}

/** `pnpm pack` of a workspace package (as `pnpm publish` would pack it), read back. */
function packWorkspacePackage(directory: string): { files: Map<string, Buffer>; gzip: number } {
  const destination = mkdtempSync(join(tmpdir(), 'imbridge-rongcloud-bench-'));
  try {
    const pack = spawnSync('pnpm', ['pack', '--json', '--pack-destination', destination], {
      cwd: directory,
      encoding: 'utf8',
    });
    if (pack.status !== 0) throw new Error(`pnpm pack failed in ${directory}: ${pack.stderr}`);
    const report = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('{'))) as { filename: string };
    const archive = readFileSync(report.filename);
    return { files: readTarball(gunzipSync(archive)), gzip: archive.length };
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
}

/** Where Node would find package `name` from `directory` (symlinks resolved). */
function findInstalled(name: string, directory: string): string | undefined {
  for (let current = directory; ; current = dirname(current)) {
    if (basename(current) !== 'node_modules') {
      const candidate = join(current, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    if (dirname(current) === current) return undefined;
  }
}

/**
 * A package and its production dependency tree, each package counted once (by its real
 * directory): `dependencies`, installed `optionalDependencies` and non-optional
 * `peerDependencies`, found the way Node finds them from each package's real directory.
 * Workspace packages count the files of their packed tarball; the others their directory.
 */
function installedTree(root: string): InstalledTree {
  const packages = new Map<string, InstalledPackage>();
  const missing: string[] = [];
  const queue = [realpathSync(root)];
  for (let directory = queue.shift(); directory !== undefined; directory = queue.shift()) {
    if (packages.has(directory)) continue;
    const entries = new Map<string, number>();
    let files = 0;
    let bytes = 0;
    const add = (path: string, size: number): void => {
      const top = path.split('/')[0] ?? path;
      entries.set(top, (entries.get(top) ?? 0) + size);
      files += 1;
      bytes += size;
    };
    let manifest: PackageManifest;
    let packed: InstalledPackage['packed'];
    if (directory.startsWith(`${workspaceDirectory}${sep}`)) {
      const tarball = packWorkspacePackage(directory);
      let distBytes = 0;
      let mapBytes = 0;
      for (const [path, body] of tarball.files) {
        add(path, body.length);
        if (path.startsWith('dist/')) distBytes += body.length;
        if (path.endsWith('.map')) mapBytes += body.length;
      }
      manifest = JSON.parse(tarball.files.get('package.json')?.toString('utf8') ?? '{}');
      packed = { gzipBytes: tarball.gzip, distBytes, mapBytes };
    } else {
      addFiles(directory, add);
      manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    }
    const id = `${manifest.name ?? basename(directory)}@${manifest.version ?? '?'}`;
    packages.set(directory, { id, files, bytes, entries, ...(packed ? { packed } : {}) });
    const optionalPeers = manifest.peerDependenciesMeta ?? {};
    const required = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}).filter(
        (name) => optionalPeers[name]?.optional !== true,
      ),
    ];
    for (const name of [...required, ...Object.keys(manifest.optionalDependencies ?? {})]) {
      const found = findInstalled(name, directory);
      if (found !== undefined) queue.push(found);
      else if (required.includes(name)) missing.push(`${name} (required by ${id})`);
    }
  }
  return { packages: [...packages.values()], missing };
}

const kB = (bytes: number): string => format(bytes / 1000, 1);
const percent = (part: number, whole: number): string => `${format((100 * part) / whole, 1)}%`;
const sum = (values: readonly number[]): number =>
  values.reduce((total, value) => total + value, 0);

/** The largest top-level entries of a package, as "name 12.3 kB" phrases. */
function largestEntries(installed: InstalledPackage, count: number): string {
  return [...installed.entries]
    .sort((left, right) => right[1] - left[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kB(bytes)} kB`)
    .join(', ');
}

async function figureInstalledSize(distNote: string | undefined): Promise<void> {
  const officialDirectory = findInstalled('rongcloud-sdk', packageDirectory);
  const official = officialDirectory === undefined ? undefined : installedTree(officialDirectory);
  const ours = distNote === undefined ? undefined : installedTree(packageDirectory);
  const officialTotal = official ? sum(official.packages.map((entry) => entry.bytes)) : Number.NaN;
  const rows: string[][] = [];
  const side = (label: string, tree: InstalledTree, shown: number): void => {
    const sorted = [...tree.packages].sort((left, right) => right.bytes - left.bytes);
    const total = sum(sorted.map((entry) => entry.bytes));
    rows.push([
      `${label}: ${sorted.length} packages`,
      format(sum(sorted.map((entry) => entry.files))),
      kB(total),
      '100%',
      times(total / officialTotal),
    ]);
    const visible = sorted.length <= shown + 1 ? sorted : sorted.slice(0, shown);
    for (const entry of visible) {
      const name = entry.packed ? `${entry.id} (packed)` : entry.id;
      rows.push([
        `↳ ${name}`,
        format(entry.files),
        kB(entry.bytes),
        percent(entry.bytes, total),
        '',
      ]);
    }
    const rest = sorted.slice(visible.length);
    if (rest.length > 0) {
      const restBytes = sum(rest.map((entry) => entry.bytes));
      rows.push([
        `↳ ${rest.length} more packages`,
        format(sum(rest.map((entry) => entry.files))),
        kB(restBytes),
        percent(restBytes, total),
        '',
      ]);
    }
  };
  if (official) side('rongcloud-sdk and its production dependencies', official, 6);
  if (ours) side('@imbridge/rongcloud, its dependencies and peer', ours, 6);

  const notes = [
    'Counted: the size in bytes of every regular file as installed (not disk blocks, not the download; 1 kB = 1,000 bytes), each package once, found from each package’s real directory the way Node resolves it (pnpm store symlinks followed): dependencies, optionalDependencies when installed and peerDependencies not marked optional; never devDependencies. The versions are those this repository’s lockfile resolved.',
  ];
  if (official) {
    const own = official.packages[0];
    notes.push(
      `rongcloud-sdk: its directory as published to npm${own ? ` (largest entries: ${largestEntries(own, 4)})` : ''}, plus these ${official.packages.length - 1} packages of its tree (a fresh npm install may pick other versions within its ranges): ${official.packages
        .slice(1)
        .map((entry) => entry.id)
        .sort()
        .join(', ')}.`,
    );
  } else {
    notes.push('rongcloud-sdk is not installed (a devDependency of this package): no comparison.');
  }
  if (ours) {
    const packed = ours.packages.filter((entry) => entry.packed !== undefined);
    const distBytes = sum(packed.map((entry) => entry.packed?.distBytes ?? 0));
    const mapBytes = sum(packed.map((entry) => entry.packed?.mapBytes ?? 0));
    const largest = [...ours.packages].sort((left, right) => right.bytes - left.bytes)[0];
    notes.push(
      `Ours: ${packed.map((entry) => entry.id).join(', ')} counted as the files of their \`pnpm pack\` tarballs, i.e. what npm unpacks from the registry (${distNote}): dist/ ${kB(distBytes)} kB, of which source maps ${kB(mapBytes)} kB, plus package.json, README.md and LICENSE; ${format(sum(packed.map((entry) => entry.packed?.gzipBytes ?? 0)) / 1000, 1)} kB to download gzipped. The others as installed.${largest && largest.packed === undefined ? ` The largest, ${largest.id}: ${largestEntries(largest, 4)}.` : ''}`,
    );
  } else {
    notes.push('dist/ could not be built, so our packages could not be packed: no row for ours.');
  }
  const missing = [...(official?.missing ?? []), ...(ours?.missing ?? [])];
  if (missing.length > 0) notes.push(`Not installed, so not counted: ${missing.join(', ')}.`);
  printTable(
    '4. Installed size',
    ['what a user installs', 'files', 'kB', 'share', 'total vs rongcloud-sdk'],
    rows,
    notes,
  );
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
  await figureColdStart(distNote);
  await figureInstalledSize(distNote);
  if (observed.count === 0) console.log('(nothing observed)');
  console.log(`\nDone in ${format((performance.now() - started) / 1000, 1)} s.`);
}

await main();
