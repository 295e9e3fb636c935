// Runs a smoke module inside workerd (Cloudflare's runtime) through miniflare.
//
// Usage: <node 22+> tools/runtimes/run-workerd.mjs <path/to/smoke.mjs>
// The module must export `async function smoke(): Promise<string>`. It is bundled with esbuild
// for a neutral (Web) platform, without the `@imbridge/source` condition, into a worker whose
// fetch handler returns the result of `smoke()`. miniflare 4 needs Node 22+, so
// scripts/smoke-runtimes.mjs starts this file with the node22 runtime from this package.
import { createRequire } from 'node:module';
import { basename, dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

const COMPATIBILITY_DATE = '2025-09-01';
/** esbuild conditions for the worker bundle: what wrangler uses, never `@imbridge/source`. */
const CONDITIONS = ['workerd', 'worker', 'browser'];
const DISPATCH_TIMEOUT_MS = 30_000;

const smokePath = process.argv[2];
if (!smokePath) {
  console.error('usage: run-workerd.mjs <path/to/smoke.mjs>');
  process.exit(2);
}
const smokeFile = resolve(smokePath);
const require = createRequire(import.meta.url);
const miniflareRequire = createRequire(require.resolve('miniflare'));
const workerdVersion = miniflareRequire('workerd/package.json').version;
const runtime = `workerd ${workerdVersion}`;

async function bundleWorker() {
  const result = await build({
    stdin: {
      contents: [
        `import { smoke } from ${JSON.stringify(`./${basename(smokeFile)}`)};`,
        'export default {',
        '  async fetch() {',
        '    try {',
        '      return new Response(await smoke());',
        '    } catch (error) {',
        '      return new Response(String(error?.stack ?? error), { status: 500 });',
        '    }',
        '  },',
        '};',
      ].join('\n'),
      resolveDir: dirname(smokeFile),
      sourcefile: 'worker.mjs',
      loader: 'js',
    },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: CONDITIONS,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const coreInputs = inputs.filter((input) => input.includes('packages/'));
  const sourceInputs = coreInputs.filter((input) => !/\/dist\/[^/]+\.m?js$/.test(input));
  if (coreInputs.length === 0 || sourceInputs.length > 0) {
    throw new Error(
      `worker bundle must use built packages/*/dist files only; inputs: ${inputs.join(', ')}`,
    );
  }
  const [output] = result.outputFiles;
  return { script: output.text, coreInputs };
}

let miniflare;
let timer;
try {
  const { script, coreInputs } = await bundleWorker();
  miniflare = new Miniflare({ modules: true, script, compatibilityDate: COMPATIBILITY_DATE });
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer from workerd within ${DISPATCH_TIMEOUT_MS} ms`)),
      DISPATCH_TIMEOUT_MS,
    );
  });
  const response = await Promise.race([miniflare.dispatchFetch('http://localhost/'), timeout]);
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`worker answered ${response.status}: ${body}`);
  }
  const bundled = coreInputs.map((input) => relative(process.cwd(), resolve(input))).join(', ');
  console.log(`smoke ok: ${runtime} ${body} (bundled ${bundled})`);
} catch (error) {
  console.error(`smoke FAILED: ${runtime}`);
  console.error(error);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  await miniflare?.dispose();
}
