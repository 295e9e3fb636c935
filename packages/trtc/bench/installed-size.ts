/**
 * Installed size of a package with its production dependency tree: workspace packages counted
 * from their `pnpm pack` tarball (what npm would unpack from the registry), the others from their
 * directory as installed, each package once, found the way Node resolves it.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { format } from './report.ts';

export interface PackageManifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export function readManifest(directory: string): PackageManifest {
  return JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageManifest;
}

/** Where Node would find package `name` from `directory` (symlinks resolved). */
export function findInstalled(name: string, directory: string): string | undefined {
  for (let current = directory; ; current = dirname(current)) {
    if (basename(current) !== 'node_modules') {
      const candidate = join(current, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    if (dirname(current) === current) return undefined;
  }
}

export interface InstalledPackage {
  id: string;
  files: number;
  bytes: number;
  /** Bytes per top-level entry of the package (`dist`, `README.md`…). */
  entries: Map<string, number>;
  /** Set for workspace packages, counted from their `pnpm pack` tarball. */
  packed?: { gzipBytes: number; distBytes: number; mapBytes: number };
}

export interface InstalledTree {
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
  const destination = mkdtempSync(join(tmpdir(), 'imbridge-trtc-bench-'));
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

/**
 * A package and its production dependency tree, each package counted once (by its real
 * directory): `dependencies`, installed `optionalDependencies` and non-optional
 * `peerDependencies`, found the way Node finds them from each package's real directory.
 * Packages under `workspaceDirectory` count the files of their packed tarball; the others their
 * directory.
 */
export function installedTree(root: string, workspaceDirectory: string): InstalledTree {
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
      manifest = readManifest(directory);
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

export const kB = (bytes: number): string => format(bytes / 1000, 1);
export const percent = (part: number, whole: number): string =>
  `${format((100 * part) / whole, 1)}%`;
export const sum = (values: readonly number[]): number =>
  values.reduce((total, value) => total + value, 0);

/** The largest top-level entries of a package, as "name 12.3 kB" phrases. */
export function largestEntries(installed: InstalledPackage, count: number): string {
  return [...installed.entries]
    .sort((left, right) => right[1] - left[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kB(bytes)} kB`)
    .join(', ');
}

/** Files and bytes under `directory` (nested node_modules skipped). */
export function directorySize(directory: string): { files: number; bytes: number } {
  const size = { files: 0, bytes: 0 };
  if (existsSync(directory)) {
    addFiles(directory, (_path, bytes) => {
      size.files += 1;
      size.bytes += bytes;
    });
  }
  return size;
}
