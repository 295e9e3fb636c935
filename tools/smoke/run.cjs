// CommonJS entry: `node tools/smoke/run.cjs` checks the `require` side of the exports map.
const core = require('@imbridge/core');
const testing = require('@imbridge/core/testing');
const tencent = require('@imbridge/tencent-chat');
const llm = require('@imbridge/llm');
const trtc = require('@imbridge/trtc');

const runtime = `node ${process.version}`;
try {
  for (const specifier of [
    '@imbridge/core',
    '@imbridge/core/testing',
    '@imbridge/tencent-chat',
    '@imbridge/llm',
    '@imbridge/trtc',
  ]) {
    const resolved = require.resolve(specifier);
    if (!/[/\\]dist[/\\][^/\\]+\.cjs$/.test(resolved)) {
      throw new Error(`${specifier} resolved to ${resolved}, expected a built dist/*.cjs file`);
    }
  }
  if (typeof core.VERSION !== 'string' || core.VERSION.length === 0) {
    throw new Error(`require('@imbridge/core').VERSION is not a non-empty string: ${core.VERSION}`);
  }
  if (Object.keys(testing).length === 0) {
    throw new Error("require('@imbridge/core/testing') has no exports");
  }
  // The same bot round trip as the ESM smoke, driven by the CJS builds.
  import('./smoke.mjs')
    .then(
      async ({ botRoundTrip, tencentChecks, trtcChecks, llmChecks }) =>
        `${await botRoundTrip(core, testing)}, ${await tencentChecks(tencent)}, ${await trtcChecks(trtc)}, ${await llmChecks(llm, testing)}`,
    )
    .then(
      (summary) => console.log(`smoke ok: ${runtime} (cjs) core ${core.VERSION}, ${summary}`),
      fail,
    );
} catch (error) {
  fail(error);
}

function fail(error) {
  console.error(`smoke FAILED: ${runtime} (cjs)`);
  console.error(error);
  process.exitCode = 1;
}
