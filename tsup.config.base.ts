import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from 'tsup';

/**
 * Shared tsup settings for every `@imbridge/*` package: dual ESM + CJS with types for each,
 * targeting Node 20 and edge runtimes, with `__PACKAGE_VERSION__` replaced at build time.
 */
export function createTsupConfig(options: {
  /** Package folder (use `import.meta.dirname`). */
  packageDirectory: string;
  /** Entry points, keyed by output name (e.g. `{ index: 'src/index.ts' }`). */
  entry: Record<string, string>;
}): Options {
  const manifest = JSON.parse(
    readFileSync(join(options.packageDirectory, 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  return {
    entry: options.entry,
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
    // Maps without the sources embedded (decision 0013): stack traces still point at src/ files
    // and lines, and the tarballs lose the copy of sources they do not ship.
    sourcemap: true,
    esbuildOptions(esbuild) {
      esbuild.sourcesContent = false;
    },
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: true,
    treeshake: true,
    outDir: 'dist',
    define: { __PACKAGE_VERSION__: JSON.stringify(manifest.version) },
  };
}
