/**
 * The built packages figures 2 and 3 measure: `dist/` of this package and of the workspace
 * packages it depends on, built first when missing or older than their sources.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { packageDirectory, readManifest, workspaceDirectory } from './locations.ts';

/**
 * This package and the workspace packages it depends on (dependencies and peers, recursively),
 * dependencies first: the order they must be built in.
 */
function workspaceBuildOrder(): { name: string; directory: string }[] {
  const directories = new Map<string, string>();
  for (const entry of readdirSync(workspaceDirectory, { withFileTypes: true })) {
    const directory = join(workspaceDirectory, entry.name);
    if (!entry.isDirectory() || !existsSync(join(directory, 'package.json'))) continue;
    const name = readManifest(directory).name;
    if (name !== undefined) directories.set(name, directory);
  }
  const order: { name: string; directory: string }[] = [];
  const visited = new Set<string>();
  const visit = (directory: string): void => {
    if (visited.has(directory)) return;
    visited.add(directory);
    const manifest = readManifest(directory);
    const ranges = { ...manifest.peerDependencies, ...manifest.dependencies };
    for (const [name, range] of Object.entries(ranges)) {
      const dependency = directories.get(name);
      if (dependency !== undefined && range.startsWith('workspace:')) visit(dependency);
    }
    order.push({ name: manifest.name ?? basename(directory), directory });
  };
  visit(realpathSync(packageDirectory));
  return order;
}

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
 * than the package's `src/` or package.json. Returns a note on what is measured, or undefined when
 * this package has no `dist/` to measure. A failed build (another change may be mid-edit) leaves
 * the previous `dist/` measured, and the note says so.
 */
export function ensureDist(): string | undefined {
  const failed: string[] = [];
  for (const { name, directory } of workspaceBuildOrder()) {
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
    if (build.status !== 0) failed.push(name);
  }
  const entry = join(packageDirectory, 'dist/index.js');
  if (!existsSync(entry) || !existsSync(join(packageDirectory, 'dist/index.cjs'))) return undefined;
  const built = `dist/ built ${statSync(entry).mtime.toISOString()}`;
  return failed.length === 0
    ? built
    : `${built}; the build of ${failed.join(', ')} failed (a change may be mid-edit), so the previous dist/ is measured`;
}

/** Bare specifiers `dist/index.js` imports statically, through its local chunks. */
export function distStaticImports(): string[] {
  const specifiers = new Set<string>();
  const seen = new Set<string>();
  const read = (path: string): void => {
    if (seen.has(path) || !existsSync(path)) return;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    for (const match of source.matchAll(/(?:\bfrom|^import)\s*['"]([^'"]+)['"]/gm)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.')) read(join(dirname(path), specifier));
      else if (!specifier.startsWith('node:')) specifiers.add(specifier);
    }
  };
  read(join(packageDirectory, 'dist/index.js'));
  return [...specifiers].sort();
}
