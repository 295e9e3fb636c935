/**
 * Figure 4 of `rongcloud.bench.ts`: installed size. The files a user installs with
 * `@imbridge/rongcloud` (packed tarballs of the workspace packages, dependencies as installed)
 * against `rongcloud-sdk` and its dependency tree as resolved in node_modules.
 *
 * @module
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
import { format, printTable, times } from './report.ts';

/** Where the measured package and its workspace siblings live. */
export interface InstalledSizeSetting {
  /** packages/rongcloud. */
  packageDirectory: string;
  /** packages/: the workspace packages live here (published as packed tarballs). */
  workspaceDirectory: string;
  /** What `dist/` was measured, or undefined when it could not be built. */
  distNote: string | undefined;
}

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
function installedTree(root: string, workspaceDirectory: string): InstalledTree {
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

/** Prints figure 4. */
export async function figureInstalledSize(setting: InstalledSizeSetting): Promise<void> {
  const { packageDirectory, workspaceDirectory, distNote } = setting;
  const officialDirectory = findInstalled('rongcloud-sdk', packageDirectory);
  const official =
    officialDirectory === undefined
      ? undefined
      : installedTree(officialDirectory, workspaceDirectory);
  const ours =
    distNote === undefined ? undefined : installedTree(packageDirectory, workspaceDirectory);
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
