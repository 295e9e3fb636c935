/**
 * What the saturation bench runs: `dist/` of this package and of the workspace packages it
 * depends on (built first when missing or older than their sources, then copied aside so a
 * concurrent rebuild cannot change it mid-run), and the bot children, transpiled to plain ESM
 * that imports that copy, so the bots run on plain `node` with no loader in the measured process.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const benchDirectory = dirname(fileURLToPath(import.meta.url));
/** packages/tencent-chat. */
export const packageDirectory = join(benchDirectory, '../..');
const workspaceDirectory = join(packageDirectory, '..');

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readManifest(directory: string): Manifest {
  return JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Manifest;
}

/** This package and its workspace dependencies (recursively), dependencies first. */
function buildOrder(): { name: string; directory: string }[] {
  const byName = new Map<string, string>();
  for (const entry of readdirSync(workspaceDirectory, { withFileTypes: true })) {
    const directory = join(workspaceDirectory, entry.name);
    if (!entry.isDirectory() || !existsSync(join(directory, 'package.json'))) continue;
    const name = readManifest(directory).name;
    if (name !== undefined) byName.set(name, directory);
  }
  const order: { name: string; directory: string }[] = [];
  const visit = (directory: string): void => {
    if (order.some((item) => item.directory === directory)) return;
    const manifest = readManifest(directory);
    const ranges = { ...manifest.peerDependencies, ...manifest.dependencies };
    for (const [name, range] of Object.entries(ranges)) {
      const dependency = byName.get(name);
      if (dependency !== undefined && range.startsWith('workspace:')) visit(dependency);
    }
    order.push({ name: manifest.name ?? directory, directory });
  };
  visit(packageDirectory);
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
 * Builds `dist/` of each package whose `dist/index.js` is missing or older than its `src/` or
 * package.json. Returns one line per package on what is measured. A failed build (another
 * change may be mid-edit) leaves the previous `dist/` measured, and the line says so.
 * @throws {Error} when a package has no `dist/` at all.
 */
export function ensureDist(): string[] {
  const notes: string[] = [];
  for (const { name, directory } of buildOrder()) {
    const entry = join(directory, 'dist/index.js');
    const sourcesMs = Math.max(
      newestSource(join(directory, 'src')),
      statSync(join(directory, 'package.json')).mtimeMs,
    );
    let note = '';
    if (!existsSync(entry) || statSync(entry).mtimeMs < sourcesMs) {
      console.log(`(${name}: dist/ is missing or older than src/: building it first)`);
      const build = spawnSync('pnpm', ['-F', name, 'build'], { cwd: directory, encoding: 'utf8' });
      if (build.status !== 0)
        note = ' — the build failed (a change may be mid-edit): previous dist/';
    }
    if (!existsSync(entry)) throw new Error(`${name}: dist/ is missing and could not be built`);
    notes.push(`${name}: dist/ built ${statSync(entry).mtime.toISOString()}${note}`);
  }
  return notes;
}

/** Where Node would find package `name` from `directory` (symlinks resolved). */
function findInstalled(name: string, directory: string): string {
  for (let current = directory; dirname(current) !== current; current = dirname(current)) {
    const candidate = join(current, 'node_modules', name);
    if (basename(current) !== 'node_modules' && existsSync(join(candidate, 'package.json'))) {
      return realpathSync(candidate);
    }
  }
  throw new Error(`saturation bench: ${name} is not installed (from ${directory})`);
}

/** The files a built entry imports through its local chunks, all present. */
function complete(entry: string, seen = new Set<string>()): boolean {
  if (seen.has(entry)) return true;
  seen.add(entry);
  if (!existsSync(entry)) return false;
  const source = readFileSync(entry, 'utf8');
  for (const match of source.matchAll(/(?:\bfrom|^import)\s*['"](\.[^'"]+)['"]/gm)) {
    if (!complete(join(dirname(entry), match[1] ?? ''), seen)) return false;
  }
  return true;
}

/**
 * Copies `dist/` and package.json of each package into `directory`/node_modules (external
 * dependencies linked to the installed ones), so every bot child of the run loads the same
 * build even if a concurrent change rebuilds `dist/` meanwhile. Returns the file URL of the
 * ESM entry of each specifier the children import.
 */
function snapshotPackages(directory: string): Map<string, string> {
  const modules = join(directory, 'node_modules');
  const entries = new Map<string, string>();
  for (const { name, directory: source } of buildOrder()) {
    const target = join(modules, name);
    const manifest = readManifest(source) as Manifest & {
      exports?: Record<string, { import?: { default?: string } } | string>;
    };
    for (let attempt = 1; ; attempt += 1) {
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target, { recursive: true });
      cpSync(join(source, 'dist'), join(target, 'dist'), { recursive: true });
      copyFileSync(join(source, 'package.json'), join(target, 'package.json'));
      const files = Object.entries(manifest.exports ?? {}).flatMap(([subpath, conditions]) => {
        const file = typeof conditions === 'string' ? undefined : conditions.import?.default;
        return file === undefined ? [] : [[`${name}${subpath.slice(1)}`, join(target, file)]];
      });
      if (files.every(([, file]) => complete(file ?? ''))) {
        for (const [specifier = '', file = ''] of files) {
          entries.set(specifier, pathToFileURL(file).href);
        }
        break;
      }
      // A concurrent build is rewriting dist/: wait for it.
      if (attempt === 10) throw new Error(`${name}: dist/ stayed incomplete while copying it`);
      spawnSync('sleep', ['3']);
    }
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      const link = join(modules, dependency);
      if (dependency.startsWith('@imbridge/') || existsSync(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(findInstalled(dependency, source), link, 'dir');
    }
  }
  return entries;
}

/** The bot children (their relative `./x.ts` imports are followed). */
const CHILD_ENTRIES = ['adapter-bot.ts', 'reference-bot.ts'];

/**
 * Prepares a run in a new temporary directory: a snapshot of the built packages (see
 * {@link snapshotPackages}) and the bot children transpiled to `.mjs` — types stripped,
 * `./x.ts` imports renamed `./x.mjs`, `@imbridge/*` imports pointed at the snapshot's ESM
 * entries. Returns the directory (remove it when done) and each child's `.mjs`.
 */
export function prepareChildren(): { directory: string; entries: Map<string, string> } {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-saturation-'));
  const resolved = snapshotPackages(directory);
  const done = new Set<string>();
  const pending = [...CHILD_ENTRIES];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(join(benchDirectory, file), 'utf8');
    const output = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: file,
    }).outputText;
    const rewritten = output.replace(/from '([^']+)'/g, (whole, specifier: string) => {
      if (specifier.startsWith('./') && specifier.endsWith('.ts')) {
        pending.push(specifier.slice(2));
        return `from '${specifier.slice(0, -3)}.mjs'`;
      }
      const url = resolved.get(specifier);
      if (specifier.startsWith('@imbridge/') && url === undefined) {
        throw new Error(`saturation bench: ${specifier} is not an export of the snapshot`);
      }
      return url === undefined ? whole : `from '${url}'`;
    });
    writeFileSync(join(directory, file.replace(/\.ts$/, '.mjs')), rewritten);
  }
  const entries = new Map(
    CHILD_ENTRIES.map((file) => [file, join(directory, file.replace(/\.ts$/, '.mjs'))]),
  );
  return { directory, entries };
}
