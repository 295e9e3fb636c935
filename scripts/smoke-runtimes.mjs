#!/usr/bin/env node
// Cross-runtime smoke test of the BUILT packages (packages/*/dist).
//
//   pnpm -F @imbridge/core build && pnpm smoke
//
// Runs tools/smoke/run.mjs on this Node, Node 22, Node 24, Bun and Deno, tools/smoke/run.cjs on
// the three Nodes, and tools/smoke/smoke.mjs bundled into a worker on workerd (miniflare), all
// runtimes coming from the npm registry through tools/runtimes. Also fails when a dist file
// imports a Node built-in, or looks one up with process.getBuiltinModule other than those in
// ALLOWED_LOOKUPS. Prints a table and exits non-zero when anything failed.
// Plain Node ESM: only Node built-ins here; miniflare and esbuild run in a node22 child.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNTIMES_MODULES = join(ROOT, 'tools', 'runtimes', 'node_modules');
const SMOKE_DIR = join(ROOT, 'tools', 'smoke');
const PACKAGES_DIR = join(ROOT, 'packages');
const CHILD_TIMEOUT_MS = 60_000;
const TOTAL_TIMEOUT_MS = 5 * 60_000;
const CONCURRENCY = 3;

const HOST_NODE = `node${process.versions.node.split('.')[0]}`;
const IS_WINDOWS = process.platform === 'win32';

/** Where each runtime's binary lands once its npm package's install script has run. */
const RUNTIME_BINARIES = {
  [HOST_NODE]: process.execPath,
  node22: join(RUNTIMES_MODULES, 'node22', 'bin', IS_WINDOWS ? 'node.exe' : 'node'),
  node24: join(RUNTIMES_MODULES, 'node24', 'bin', IS_WINDOWS ? 'node.exe' : 'node'),
  // The `bun` package's postinstall replaces this placeholder with the real binary.
  bun: join(RUNTIMES_MODULES, 'bun', 'bin', 'bun.exe'),
  // The `deno` package's postinstall puts the binary beside its bin.cjs wrapper.
  deno: join(RUNTIMES_MODULES, 'deno', IS_WINDOWS ? 'deno.exe' : 'deno'),
};

const RUN_ESM = join(SMOKE_DIR, 'run.mjs');
const RUN_CJS = join(SMOKE_DIR, 'run.cjs');
const SMOKE_MODULE = join(SMOKE_DIR, 'smoke.mjs');
const RUN_WORKERD = join(ROOT, 'tools', 'runtimes', 'run-workerd.mjs');
// Deno resolves bare specifiers through package.json + node_modules (no deno.json needed);
// it only needs read access, env access for the packages, and no lockfile writes.
const DENO_RUN = ['run', '--allow-read', '--allow-env', '--no-prompt', '--no-lock'];

const CHECKS = [
  { name: `${HOST_NODE} esm`, runtime: HOST_NODE, args: [RUN_ESM] },
  { name: `${HOST_NODE} cjs`, runtime: HOST_NODE, args: [RUN_CJS] },
  { name: 'node22 esm', runtime: 'node22', args: [RUN_ESM] },
  { name: 'node22 cjs', runtime: 'node22', args: [RUN_CJS] },
  { name: 'node24 esm', runtime: 'node24', args: [RUN_ESM] },
  { name: 'node24 cjs', runtime: 'node24', args: [RUN_CJS] },
  { name: 'bun esm', runtime: 'bun', args: [RUN_ESM] },
  { name: 'deno esm', runtime: 'deno', args: [...DENO_RUN, RUN_ESM] },
  // miniflare 4 requires Node 22+, so the worker is bundled and dispatched from node22.
  { name: 'workerd (miniflare)', runtime: 'node22', args: [RUN_WORKERD, SMOKE_MODULE] },
];

// Children get the environment without NODE_OPTIONS (which could add `--conditions`).
const CHILD_ENVIRONMENT = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
delete CHILD_ENVIRONMENT.NODE_OPTIONS;

const activeChildren = new Set();

function killTree(child) {
  try {
    if (IS_WINDOWS) child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function runChild(command, args) {
  return new Promise((resolvePromise) => {
    const startedAt = performance.now();
    let output = '';
    let timedOut = false;
    let settled = false;
    // Own process group, so a timeout also ends grandchildren (workerd under miniflare).
    const child = spawn(command, args, {
      cwd: ROOT,
      env: CHILD_ENVIRONMENT,
      detached: !IS_WINDOWS,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    activeChildren.add(child);
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
    }, CHILD_TIMEOUT_MS);
    const settle = (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      activeChildren.delete(child);
      if (timedOut) output += `\ntimed out after ${CHILD_TIMEOUT_MS} ms`;
      resolvePromise({
        ok: code === 0 && !timedOut,
        output: output.trim(),
        detail: signal ? `signal ${signal}` : `exit ${code}`,
        durationMs: performance.now() - startedAt,
      });
    };
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => {
      output += `\n${error.message}`;
      settle(null, null);
    });
    // Leftover grandchildren would hold the pipes open: end the group when the child exits.
    child.on('exit', () => killTree(child));
    child.on('close', settle);
  });
}

async function runCheck(check) {
  const binary = RUNTIME_BINARIES[check.runtime];
  if (!existsSync(binary)) {
    return {
      ok: false,
      output: `${binary} is missing: run \`pnpm install\` (its install script must run: see onlyBuiltDependencies in pnpm-workspace.yaml)`,
      detail: 'no binary',
      durationMs: 0,
    };
  }
  const result = await runChild(binary, check.args);
  // Every entry prints `smoke ok: <runtime> <version> …` or `smoke FAILED: <runtime> <version>`.
  const match = /smoke (?:ok|FAILED): \S+ (\S+)/.exec(result.output);
  return { ...result, version: match?.[1] };
}

// ---- dist scan: runtime entry points must use Web APIs only, no Node built-ins. ----

const NODE_BUILTINS = new Set(builtinModules);
const SPECIFIER_PATTERN =
  /\b(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s*)(['"`])([^'"`\n]+)\1/g;
/** `process.getBuiltinModule('node:…')`: a lookup at run time, not an import (no bundler sees it). */
const LOOKUP_PATTERN = /\bgetBuiltinModule\s*\(\s*(['"`])([^'"`\n]+)\1/g;
/**
 * The built-ins a runtime entry may look up with `process.getBuiltinModule`, each with the decision
 * that allows it. The code must fall back to Web APIs when the runtime has no such function (the
 * workerd row runs that fallback). Any other lookup fails the scan.
 */
const ALLOWED_LOOKUPS = new Map([
  ['node:crypto', 'decision 0012: TC3 hashing, the portable SHA-256 where it is missing'],
]);

function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier);
}

/**
 * The files a package's runtime entry (its "." export, import and require sides) reaches through
 * relative imports. Test-only subpaths such as "./testing" may use Node built-ins (a local HTTP
 * emulator) and are not followed unless the runtime entry imports them.
 */
function runtimeFiles(packageDirectory) {
  const manifestPath = join(packageDirectory, 'package.json');
  if (!existsSync(manifestPath)) return [];
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const root = manifest.exports?.['.'];
  const entries = [root?.import?.default, root?.require?.default].filter(Boolean);
  const seen = new Set();
  const queue = entries.map((entry) => join(packageDirectory, entry));
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER_PATTERN)) {
      if (match[2].startsWith('./') || match[2].startsWith('../')) {
        queue.push(join(file, '..', match[2]));
      }
    }
  }
  return [...seen];
}

function scanDist() {
  const startedAt = performance.now();
  const files = readdirSync(PACKAGES_DIR)
    .map((name) => join(PACKAGES_DIR, name))
    .filter(
      (directory) =>
        existsSync(join(directory, 'dist')) && statSync(join(directory, 'dist')).isDirectory(),
    )
    .flatMap(runtimeFiles)
    .filter((file) => /\.[cm]?js$/.test(file));
  const offenders = [];
  const lookups = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      const where = `${relative(ROOT, file)}:${index + 1}`;
      for (const match of line.matchAll(SPECIFIER_PATTERN)) {
        if (isNodeBuiltin(match[2])) offenders.push(`${where} imports '${match[2]}'`);
      }
      for (const match of line.matchAll(LOOKUP_PATTERN)) {
        if (!isNodeBuiltin(match[2])) continue;
        const allowed = ALLOWED_LOOKUPS.get(match[2]);
        if (allowed === undefined) {
          offenders.push(
            `${where} looks up '${match[2]}' with getBuiltinModule (not in ALLOWED_LOOKUPS)`,
          );
        } else {
          lookups.push(`${where} '${match[2]}' (${allowed})`);
        }
      }
    });
  }
  const durationMs = performance.now() - startedAt;
  if (files.length === 0) {
    return { ok: false, output: 'no runtime entry files found in packages/*/dist', durationMs };
  }
  const lookupNote =
    lookups.length === 0
      ? ''
      : `; allowed process.getBuiltinModule lookups:\n  ${lookups.join('\n  ')}`;
  return {
    ok: offenders.length === 0,
    output:
      offenders.length === 0
        ? `smoke ok: ${files.length} runtime entry files (and their chunks) import no Node built-in${lookupNote}`
        : `Node built-ins imported by runtime entry files:\n${offenders.join('\n')}`,
    version: `${files.length} files`,
    durationMs,
  };
}

// ---- main ----

async function runAll(checks) {
  const results = new Array(checks.length);
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const index = next++;
      results[index] = await runCheck(checks[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, checks.length) }, worker));
  return results;
}

function stopChildren() {
  for (const child of activeChildren) killTree(child);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopChildren();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  console.error(`smoke: gave up after ${TOTAL_TIMEOUT_MS} ms`);
  stopChildren();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

if (!existsSync(join(PACKAGES_DIR, 'core', 'dist', 'index.js'))) {
  console.error('smoke: packages/core/dist is missing: run `pnpm -F @imbridge/core build` first');
  process.exit(1);
}

const startedAt = performance.now();
const childResults = await runAll(CHECKS);
const rows = [
  ...CHECKS.map((check, index) => ({ name: check.name, ...childResults[index] })),
  { name: 'dist: no node: imports', ...scanDist() },
];

const nameWidth = Math.max(...rows.map((row) => row.name.length));
const versionWidth = Math.max(7, ...rows.map((row) => (row.version ?? '?').length));
console.log(`${'runtime'.padEnd(nameWidth)}  result  ${'version'.padEnd(versionWidth)}  time`);
for (const row of rows) {
  const seconds = `${(row.durationMs / 1000).toFixed(1)}s`;
  const result = row.ok ? 'ok' : 'FAIL';
  const version = (row.version ?? '?').padEnd(versionWidth);
  console.log(`${row.name.padEnd(nameWidth)}  ${result.padEnd(6)}  ${version}  ${seconds}`);
}

const failures = rows.filter((row) => !row.ok);
console.log('');
for (const row of rows.filter((candidate) => candidate.ok)) console.log(row.output);
for (const row of failures) {
  console.log(`\n--- ${row.name} FAILED${row.detail ? ` (${row.detail})` : ''}\n${row.output}`);
}
const totalSeconds = ((performance.now() - startedAt) / 1000).toFixed(1);
console.log(`\nsmoke: ${rows.length - failures.length} passed, ${failures.length} failed`);
console.log(`smoke: finished in ${totalSeconds}s`);
process.exitCode = failures.length > 0 ? 1 : 0;
