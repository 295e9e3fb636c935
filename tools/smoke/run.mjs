// ESM entry: `<runtime> tools/smoke/run.mjs` on Node, Bun and Deno (see scripts/smoke-runtimes.mjs).
import { smoke } from './smoke.mjs';

/** Entry points that must resolve to the built `dist` files, never to `src` (.ts) sources. */
const ENTRY_POINTS = ['@imbridge/core', '@imbridge/core/testing', '@imbridge/trtc'];

function describeRuntime() {
  if (typeof globalThis.Deno !== 'undefined') return `deno ${globalThis.Deno.version.deno}`;
  if (typeof globalThis.Bun !== 'undefined') return `bun ${globalThis.Bun.version}`;
  return `node ${process.version}`;
}

function checkResolution() {
  for (const specifier of ENTRY_POINTS) {
    const resolved = import.meta.resolve(specifier);
    const pathname = resolved.startsWith('file:') ? new URL(resolved).pathname : resolved;
    if (!/\/dist\/[^/]+\.m?js$/.test(pathname)) {
      throw new Error(`${specifier} resolved to ${resolved}, expected a built dist/*.js file`);
    }
  }
}

const runtime = describeRuntime();
try {
  checkResolution();
  const result = await smoke();
  console.log(`smoke ok: ${runtime} ${result}`);
} catch (error) {
  console.error(`smoke FAILED: ${runtime}`);
  console.error(error);
  process.exitCode = 1;
}
