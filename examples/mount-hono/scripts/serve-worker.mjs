// Serves src/worker.ts on workerd (Cloudflare's runtime) through miniflare, on 127.0.0.1.
//
// Usage: <node 22+> scripts/serve-worker.mjs   (bindings as JSON in WORKER_BINDINGS)
// Prints `worker listening: <url>` once ready; stops on SIGTERM. miniflare 4 needs Node 22+,
// so the test starts this with the node22 runtime of tools/runtimes, whose esbuild and
// miniflare it also uses. Inside the imbridge repository the bundle takes the workspace's
// @imbridge/* sources (the `@imbridge/source` condition); wrangler does the same with the
// published packages' builds.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const runtimes = createRequire(
  fileURLToPath(new URL('../../../tools/runtimes/package.json', import.meta.url)),
);
const { build } = await import(runtimes.resolve('esbuild'));
const { Miniflare } = await import(runtimes.resolve('miniflare'));

const result = await build({
  entryPoints: [fileURLToPath(new URL('../src/worker.ts', import.meta.url))],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['@imbridge/source', 'workerd', 'worker', 'browser'],
  logLevel: 'silent',
});
const miniflare = new Miniflare({
  modules: true,
  script: result.outputFiles[0].text,
  compatibilityDate: '2025-09-01',
  bindings: JSON.parse(process.env.WORKER_BINDINGS ?? '{}'),
  host: '127.0.0.1',
  port: 0,
});
const url = await miniflare.ready;
console.log(`worker listening: ${url.href}`);
process.once('SIGTERM', () => {
  void miniflare.dispose().then(() => process.exit(0));
});
