/**
 * The built packages figure 2 loads: `dist/` of `@imbridge/llm` and of the workspace packages it
 * imports at run time, built first when missing or older than their sources.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/llm. */
export const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');

/** This package and the workspace packages its `dist/` imports, dependencies first. */
const BUILT_PACKAGES = ['core', 'provider-utils', 'llm'];

/** Newest modification time (ms) of the non-test files under `directory`. */
function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && !entry.name.includes('.test.')) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** True when a package's `dist/index.js` is missing or older than its `src/` or package.json. */
function isStale(packageFolder: string): boolean {
  const entry = join(packageFolder, 'dist/index.js');
  if (!existsSync(entry)) return true;
  const sources = Math.max(
    newestSource(join(packageFolder, 'src')),
    statSync(join(packageFolder, 'package.json')).mtimeMs,
  );
  return statSync(entry).mtimeMs < sources;
}

/**
 * Builds `dist/` of the packages that are stale (`pnpm --filter @imbridge/llm... build`, which
 * builds dependencies first). Returns a note on what is measured, or undefined when this package
 * has no `dist/` to load. A failed build (another change may be mid-edit) leaves the previous
 * `dist/` measured, and the note says so.
 */
export function ensureDist(): string | undefined {
  const packagesFolder = join(packageDirectory, '..');
  const stale = BUILT_PACKAGES.filter((name) => isStale(join(packagesFolder, name)));
  let failed = false;
  if (stale.length > 0) {
    console.log(`\n(dist/ of ${stale.join(', ')} is missing or older than its sources: building)`);
    const build = spawnSync('pnpm', ['--filter', '@imbridge/llm...', 'run', 'build'], {
      cwd: packageDirectory,
      encoding: 'utf8',
    });
    failed = build.status !== 0;
  }
  const entry = join(packageDirectory, 'dist/index.js');
  if (!existsSync(entry) || !existsSync(join(packageDirectory, 'dist/index.cjs'))) return undefined;
  const built = `dist/ built ${statSync(entry).mtime.toISOString()}`;
  return failed
    ? `${built}; the build failed (a change may be mid-edit), so the previous dist/ is measured`
    : built;
}
