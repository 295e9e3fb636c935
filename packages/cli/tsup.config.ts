import { defineConfig } from 'tsup';
import { createTsupConfig } from '../../tsup.config.base.ts';

const library = createTsupConfig({
  packageDirectory: import.meta.dirname,
  entry: { index: 'src/index.ts' },
});

/**
 * Two builds: the library entry (`run`, dual ESM + CJS with types, Web APIs only, like every
 * package), and the `imbridge` bin — ESM only (a bin is executed, never required, and Node 20
 * runs ESM with top-level await), for Node, with its shebang. The library's clean spares the
 * bin's files, as both builds run at once.
 */
export default defineConfig([
  { ...library, clean: ['!bin.js', '!bin.js.map'] },
  {
    ...library,
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    splitting: false,
    platform: 'node',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    removeNodeProtocol: false,
  },
]);
