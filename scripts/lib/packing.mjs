// Helpers shared by scripts/check-package.mjs and scripts/check-packed.mjs: pack a package with
// pnpm (so the root .pnpmfile.cjs strips the `@imbridge/source` export condition, exactly as
// `pnpm publish` does), read the tarball, and check what a user would receive.
// Plain Node ESM, Node built-ins only.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SOURCE_CONDITION = '@imbridge/source';
export const IS_WINDOWS = process.platform === 'win32';

/** The published packages: every packages/* folder with a package.json that is not private. */
export function listPackages() {
  const packagesDirectory = join(ROOT, 'packages');
  return readdirSync(packagesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packagesDirectory, entry.name))
    .filter((directory) => existsSync(join(directory, 'package.json')))
    .map((directory) => ({
      directory,
      manifest: JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

/**
 * Runs a command; resolves with its exit code and output (stdout and stderr kept apart).
 * Never rejects for a non-zero exit; a command past `timeoutMs` is killed (`timedOut: true`).
 */
export function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      shell: IS_WINDOWS,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolvePromise({
        code: code ?? 1,
        stdout,
        stderr,
        timedOut: signal === 'SIGKILL' && code === null,
      });
    });
  });
}

/** `pnpm pack` of one package into `destination`; resolves with the tarball's path. */
export async function packWithPnpm(packageDirectory, destination) {
  const result = await run('pnpm', ['pack', '--json', '--pack-destination', destination], {
    cwd: packageDirectory,
  });
  if (result.code !== 0) {
    throw new Error(`pnpm pack failed in ${packageDirectory}:\n${result.stdout}${result.stderr}`);
  }
  const start = result.stdout.indexOf('{');
  const report = JSON.parse(result.stdout.slice(start));
  return report.filename;
}

/** The files of a .tgz made by npm or pnpm, keyed by path inside the package (no `package/`). */
export function readTarball(tarballPath) {
  const archive = gunzipSync(readFileSync(tarballPath));
  const files = new Map();
  let offset = 0;
  let longName;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) =>
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
    if (type === 'x' || type === 'g') continue; // pax headers: names here are short enough
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === '0' || type === '' || type === '\0') {
      files.set(name.replace(/^[^/]+\//, ''), body);
    }
  }
  return files;
}

/** Every string target (`./dist/x.js`) of an `exports` value. */
function exportTargets(value, targets = []) {
  if (typeof value === 'string') targets.push(value);
  else if (Array.isArray(value)) for (const entry of value) exportTargets(entry, targets);
  else if (value !== null && typeof value === 'object') {
    for (const entry of Object.values(value)) exportTargets(entry, targets);
  }
  return targets;
}

/**
 * What is wrong with a package's tarball, as sentences (empty when nothing is): the
 * `@imbridge/source` condition or a `workspace:` range left in package.json, a subpath export
 * lost, a file an export points at missing, no LICENSE (or one that differs from the root
 * LICENSE), no README.md, no dist.
 */
export function tarballProblems(files, workspaceManifest) {
  const problems = [];
  const manifestBytes = files.get('package.json');
  if (!manifestBytes) return ['the tarball has no package.json'];
  const manifestText = manifestBytes.toString('utf8');
  const manifest = JSON.parse(manifestText);
  if (manifestText.includes(SOURCE_CONDITION)) {
    problems.push(
      `package.json still contains "${SOURCE_CONDITION}" (pack with pnpm >= 10.28 so that .pnpmfile.cjs strips it)`,
    );
  }
  if (manifestText.includes('workspace:')) {
    problems.push('package.json still contains a "workspace:" range');
  }
  const packedSubpaths = new Set(Object.keys(manifest.exports ?? {}));
  for (const subpath of Object.keys(workspaceManifest.exports ?? {})) {
    if (!packedSubpaths.has(subpath)) problems.push(`the export "${subpath}" was lost in packing`);
  }
  for (const target of exportTargets(manifest.exports)) {
    if (target.includes('*')) continue;
    if (!files.has(target.replace(/^\.\//, ''))) {
      problems.push(`exports point at ${target}, which is not in the tarball`);
    }
  }
  const license = files.get('LICENSE');
  if (!license) problems.push('no LICENSE');
  else if (!license.equals(readFileSync(join(ROOT, 'LICENSE')))) {
    problems.push('LICENSE differs from the root LICENSE (copy it: cp LICENSE packages/<name>/)');
  }
  if (!files.has('README.md')) problems.push('no README.md');
  if (![...files.keys()].some((path) => path.startsWith('dist/'))) {
    problems.push('no dist/ (run the build first)');
  }
  return problems;
}
