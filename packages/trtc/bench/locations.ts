/**
 * Where the benchmarks find things: this package, the workspace packages it is published with,
 * and the tencentcloud-sdk-nodejs every figure compares with (a devDependency of this package),
 * packages being found the way Node resolves them.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** packages/trtc. */
export const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');
/** packages/: the workspace packages live here (published as packed tarballs). */
export const workspaceDirectory = realpathSync(join(packageDirectory, '..'));

export const SDK_NAME = 'tencentcloud-sdk-nodejs';

/** The SDK's directory (a devDependency of this package): every figure compares with it. */
function locateSdk(): string {
  const directory = findInstalled(SDK_NAME, packageDirectory);
  if (directory === undefined) {
    throw new Error(
      `${SDK_NAME} is not installed: it is a devDependency of @imbridge/trtc (install the workspace's dependencies)`,
    );
  }
  return directory;
}

export const sdkDirectory = locateSdk();
export const SDK_LABEL = `${SDK_NAME}@${readManifest(sdkDirectory).version ?? '?'}`;
/** The SDK's TRTC client path (CJS): `trtc.v20190722.Client` and nothing of other products. */
export const sdkTrtcEntry = join(sdkDirectory, 'tencentcloud/services/trtc/index.js');
/** The SDK's signer, loaded by the client path (abstract_client → sign). */
export const sdkSignEntry = join(sdkDirectory, 'tencentcloud/common/sign.js');
