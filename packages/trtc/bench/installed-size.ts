/**
 * Installed size of a package with its production dependency tree: workspace packages counted
 * from their `pnpm pack` tarball (what npm would unpack from the registry), the others from their
 * directory as installed, each package once, found the way Node resolves it.
 *
 * Figure 3: the files a user installs with `@imbridge/trtc` (packed tarballs of the workspace
 * packages, npm dependencies as installed) against `tencentcloud-sdk-nodejs` and its dependency
 * tree as resolved in node_modules. Goal: ≤ ⅛ of the SDK's bytes.
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
import { basename, join, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  findInstalled,
  type PackageManifest,
  packageDirectory,
  readManifest,
  SDK_LABEL,
  SDK_NAME,
  sdkDirectory,
  workspaceDirectory,
} from './locations.ts';
import { format, goalCell, printTable, times } from './report.ts';

export interface InstalledPackage {
  id: string;
  files: number;
  bytes: number;
  /** Bytes per top-level entry of the package (`dist`, `README.md`…). */
  entries: Map<string, number>;
  /**
   * Set for workspace packages, counted from their `pnpm pack` tarball; `mapSourcesBytes`: the
   * sources the source maps embed (`sourcesContent`), part of `mapBytes`.
   */
  packed?: { gzipBytes: number; distBytes: number; mapBytes: number; mapSourcesBytes: number };
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

/** UTF-8 bytes of the sources a source map embeds (`sourcesContent`); 0 when it has none. */
function embeddedSourcesBytes(map: Buffer): number {
  let parsed: { sourcesContent?: unknown };
  try {
    parsed = JSON.parse(map.toString('utf8')) as { sourcesContent?: unknown };
  } catch {
    return 0;
  }
  if (!Array.isArray(parsed.sourcesContent)) return 0;
  return sum(
    parsed.sourcesContent.map((source) =>
      typeof source === 'string' ? Buffer.byteLength(source, 'utf8') : 0,
    ),
  );
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
      let mapSourcesBytes = 0;
      for (const [path, body] of tarball.files) {
        add(path, body.length);
        if (path.startsWith('dist/')) distBytes += body.length;
        if (path.endsWith('.map')) {
          mapBytes += body.length;
          mapSourcesBytes += embeddedSourcesBytes(body);
        }
      }
      manifest = JSON.parse(tarball.files.get('package.json')?.toString('utf8') ?? '{}');
      packed = { gzipBytes: tarball.gzip, distBytes, mapBytes, mapSourcesBytes };
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

// ---------------------------------------------------------------------------------------------
// Figure 3: installed size
// ---------------------------------------------------------------------------------------------

/** Figure 3: at most this fraction of the SDK's installed bytes. */
const SIZE_GOAL = 1 / 8;

export async function figureInstalledSize(distNote: string | undefined): Promise<void> {
  const sdk = installedTree(sdkDirectory, workspaceDirectory);
  const ours =
    distNote === undefined ? undefined : installedTree(packageDirectory, workspaceDirectory);
  const sdkTotal = sum(sdk.packages.map((entry) => entry.bytes));
  const rows: string[][] = [];
  const side = (label: string, tree: InstalledTree, shown: number, isOurs: boolean): void => {
    const sorted = [...tree.packages].sort((left, right) => right.bytes - left.bytes);
    const total = sum(sorted.map((entry) => entry.bytes));
    const ratio = total / sdkTotal;
    rows.push([
      `${label}: ${sorted.length} packages`,
      format(sum(sorted.map((entry) => entry.files))),
      kB(total),
      '100%',
      isOurs ? `${times(ratio, 3)} (1/${format(1 / ratio, 1)})` : '1.000×',
      isOurs
        ? goalCell({
            figure: '3. installed size',
            measure: 'total bytes',
            value: ratio,
            target: SIZE_GOAL,
            direction: 'at-most',
            label: '⅛',
          })
        : '',
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
        '',
      ]);
    }
  };
  side(`${SDK_NAME} and its production dependencies`, sdk, 6, false);
  if (ours) side('@imbridge/trtc, its dependencies and peer', ours, 9, true);

  const sdkOwn = sdk.packages[0];
  const common = directorySize(join(sdkDirectory, 'tencentcloud/common'));
  const trtcSlice = directorySize(join(sdkDirectory, 'tencentcloud/services/trtc'));
  const notes = [
    'Counted: the size in bytes of every regular file as installed (not disk blocks, not the download; 1 kB = 1,000 bytes), each package once, found from each package’s real directory the way Node resolves it (pnpm store symlinks followed): dependencies, optionalDependencies when installed and peerDependencies not marked optional; never devDependencies. The versions are those this repository’s lockfile resolved.',
    `${SDK_LABEL}: its directory as published to npm${sdkOwn ? ` (${format(sdkOwn.files)} files; largest entries: ${largestEntries(sdkOwn, 3)} — every product, CJS with .d.ts in tencentcloud/, ESM in es/)` : ''}, plus these ${sdk.packages.length - 1} packages of its tree (a fresh npm install may pick other versions within its ranges): ${sdk.packages
      .slice(1)
      .map((entry) => entry.id)
      .sort()
      .join(
        ', ',
      )}. A TRTC user runs only tencentcloud/common (${kB(common.bytes)} kB) and tencentcloud/services/trtc (${kB(trtcSlice.bytes)} kB, ${format(trtcSlice.files)} files) of it, but gets them only with the whole package: the per-product package (${SDK_NAME}-trtc) is not on the registry reachable here.`,
  ];
  if (ours) {
    const packed = ours.packages.filter((entry) => entry.packed !== undefined);
    const distBytes = sum(packed.map((entry) => entry.packed?.distBytes ?? 0));
    const mapBytes = sum(packed.map((entry) => entry.packed?.mapBytes ?? 0));
    const mapSourcesBytes = sum(packed.map((entry) => entry.packed?.mapSourcesBytes ?? 0));
    const maps =
      mapSourcesBytes === 0
        ? 'mappings only: they no longer embed the sources, docs/decisions/0013-source-maps-without-sources.md'
        : `${kB(mapSourcesBytes)} kB of it the TypeScript sources they embed`;
    const largest = [...ours.packages]
      .filter((entry) => entry.packed === undefined)
      .sort((left, right) => right.bytes - left.bytes)[0];
    notes.push(
      `Ours: ${packed.map((entry) => entry.id).join(', ')} counted as the files of their \`pnpm pack\` tarballs, i.e. what npm unpacks from the registry (${distNote}): dist/ ${kB(distBytes)} kB, of which source maps ${kB(mapBytes)} kB (${maps}) and type declarations for ESM and CJS, plus package.json, README.md and LICENSE; ${format(sum(packed.map((entry) => entry.packed?.gzipBytes ?? 0)) / 1000, 1)} kB to download gzipped. The others as installed${largest ? `; the largest, ${largest.id}: ${largestEntries(largest, 4)}` : ''}.`,
    );
  } else {
    notes.push('dist/ could not be built, so our packages could not be packed: no row for ours.');
  }
  const missing = [...sdk.missing, ...(ours?.missing ?? [])];
  if (missing.length > 0) notes.push(`Not installed, so not counted: ${missing.join(', ')}.`);
  printTable(
    '3. Installed size with dependencies',
    ['what a user installs', 'files', 'kB', 'share', 'total vs SDK', 'goal'],
    rows,
    notes,
  );
}
