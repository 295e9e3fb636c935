/**
 * Benchmarks of `@imbridge/trtc` (not part of the tests), each figure printed next to its goal.
 *
 * 1. TC3 signatures per second: `signTc3Request` (a fresh timestamp every call within one UTC day,
 *    so the per-day derived key is reused as in real life, and a new day every call, so it is
 *    derived every time) against tencentcloud-sdk-nodejs's own signer, `Sign.sign3` in
 *    `tencentcloud/common/sign.js` (what its `HttpConnection.doRequestWithSign3` calls), on a
 *    StartAIConversation body. Both are first checked to produce the same `Authorization`.
 *    Goal: ≥ 2× the SDK's signatures per second.
 * 2. Cold import: fresh `node` processes loading the built package (`dist/`, ESM and CJS) against
 *    the SDK's TRTC client path (`tencentcloud/services/trtc`), then constructing a client and
 *    signing one request (no network). ESM is compared with ESM, CJS with CJS.
 *    Goal: ≤ ¼ of the SDK's time.
 * 3. Installed size: the files a user installs with `@imbridge/trtc` (packed tarballs of the
 *    workspace packages, npm dependencies as installed) against `tencentcloud-sdk-nodejs` and its
 *    dependency tree as resolved in node_modules. Goal: ≤ ⅛ of the SDK's bytes.
 *
 * Run with `pnpm bench` in packages/trtc (`tsx bench/trtc.bench.ts`). Figure 1 imports the
 * sources through relative paths; figures 2 and 3 need `dist/` (of this package and of its
 * workspace dependencies) and build it when it is missing or older than `src/`.
 *
 * Each speed is a median over timed rounds taken after warm-up rounds; rounds interleave the
 * variants (rotated each round) and ratios are medians of per-round ratios, so drift affects both
 * sides alike. Absolute times are indicative only: nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sha256Hex } from '../src/crypto/sha256.ts';
import { type SignTC3RequestOptions, signTc3Request, tc3Date } from '../src/signing/tc3.ts';
import {
  directorySize,
  findInstalled,
  type InstalledTree,
  installedTree,
  kB,
  largestEntries,
  percent,
  readManifest,
  sum,
} from './installed-size.ts';
import {
  format,
  goalCell,
  goalResults,
  median,
  observedCount,
  printTable,
  ROUNDS,
  runRounds,
  timed,
  times,
  type Variant,
  WARMUP_ROUNDS,
} from './report.ts';
import {
  ACTION,
  API_VERSION,
  HOST,
  REGION,
  SECRET_ID,
  SECRET_KEY,
  SERVICE,
  START_AI_CONVERSATION_PARAMS,
} from './start-ai-conversation.ts';

// ---------------------------------------------------------------------------------------------
// Settings and goals
// ---------------------------------------------------------------------------------------------

/** Fresh processes per row of figure 2. */
const COLD_RUNS = 12;

/** Figure 1: at least this many times the SDK's signatures per second. */
const SIGNING_GOAL = 2;
/** Figure 2: at most this fraction of the SDK's time. */
const COLD_GOAL = 1 / 4;
/** Figure 3: at most this fraction of the SDK's installed bytes. */
const SIZE_GOAL = 1 / 8;

/** 2026-01-01T00:00:00Z: the UTC day the "same day" variants sign in. */
const DAY_START = 1_767_225_600;
const SECONDS_PER_DAY = 86_400;

/** Tencent's published TC3 example (intl doc 1021/34193, "Signature v3"). */
const PUBLISHED = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  action: 'DescribeInstances',
  version: '2017-03-12',
  timestampSeconds: 1_551_113_065,
  contentType: 'application/json; charset=utf-8',
  /** 86 ASCII bytes, with the `\u` escapes written out. */
  body: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
  signature: '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
} as const;

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');
/** packages/: the workspace packages live here (published as packed tarballs). */
const workspaceDirectory = realpathSync(join(packageDirectory, '..'));
const require = createRequire(import.meta.url);

const SDK_NAME = 'tencentcloud-sdk-nodejs';

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

const sdkDirectory = locateSdk();
const sdkVersion = (
  JSON.parse(readFileSync(join(sdkDirectory, 'package.json'), 'utf8')) as {
    version?: string;
  }
).version;
const SDK_LABEL = `${SDK_NAME}@${sdkVersion ?? '?'}`;
/** The SDK's TRTC client path (CJS): `trtc.v20190722.Client` and nothing of other products. */
const sdkTrtcEntry = join(sdkDirectory, 'tencentcloud/services/trtc/index.js');
/** The SDK's signer, loaded by the client path (abstract_client → sign). */
const sdkSignEntry = join(sdkDirectory, 'tencentcloud/common/sign.js');

// ---------------------------------------------------------------------------------------------
// Figure 1: TC3 signatures per second
// ---------------------------------------------------------------------------------------------

/** The options `Sign.sign3` takes (tencentcloud/common/sign.d.ts). */
interface SDKSign3Options {
  method: 'POST' | 'GET';
  url: string;
  /** The params object (serialised inside with json-bigint) or the body bytes as a Buffer. */
  payload: unknown;
  timestamp: number;
  service: string;
  secretId: string;
  secretKey: string;
  multipart: boolean;
  headers: Record<string, string>;
}

type SDKSign3 = (options: SDKSign3Options) => string;

function loadSdkSigner(): SDKSign3 {
  const module = require(sdkSignEntry) as { default?: { sign3?: unknown } };
  const sign = module.default;
  if (sign === undefined || typeof sign.sign3 !== 'function') {
    throw new Error(`${SDK_LABEL}: tencentcloud/common/sign.js has no Sign.sign3`);
  }
  return sign.sign3.bind(sign) as SDKSign3;
}

/** The headers the SDK's HttpConnection hands to sign3 (only Content-Type is read). */
const SDK_HEADERS = {
  'Content-Type': 'application/json',
  Host: HOST,
  'X-TC-Action': ACTION,
  'X-TC-Region': REGION,
  'X-TC-Version': API_VERSION,
};

function sdkOptions(timestamp: number, payload: unknown): SDKSign3Options {
  return {
    method: 'POST',
    url: `https://${HOST}/`,
    payload,
    timestamp,
    service: SERVICE,
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    multipart: false,
    headers: SDK_HEADERS,
  };
}

function ourOptions(timestampSeconds: number, payload: string): SignTC3RequestOptions {
  return {
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    service: SERVICE,
    host: HOST,
    action: ACTION,
    version: API_VERSION,
    region: REGION,
    timestampSeconds,
    payload,
  };
}

/** The derived key of the node:crypto reference, kept for its UTC date. */
let nodeDerivedKey: { date: string; key: Buffer } | undefined;

/** TC3 written with node:crypto, derived key cached per day: a reference, not an anchor. */
function nodeCryptoSign(timestampSeconds: number, body: string): string {
  const date = tc3Date(timestampSeconds);
  if (nodeDerivedKey?.date !== date) {
    const secretDate = createHmac('sha256', `TC3${SECRET_KEY}`).update(date).digest();
    const secretService = createHmac('sha256', secretDate).update(SERVICE).digest();
    const key = createHmac('sha256', secretService).update('tc3_request').digest();
    nodeDerivedKey = { date, key };
  }
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const canonicalRequest = `POST\n/\n\ncontent-type:application/json\nhost:${HOST}\n\ncontent-type;host\n${payloadHash}`;
  const scope = `${date}/${SERVICE}/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestampSeconds}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', nodeDerivedKey.key).update(stringToSign).digest('hex');
  return `TC3-HMAC-SHA256 Credential=${SECRET_ID}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}

/**
 * Fails loudly unless ours, the SDK's signer (given the params object as its client does, and
 * given the body bytes) and the node:crypto reference produce the same `Authorization` for the
 * same inputs, and ours and the SDK reproduce Tencent's published example.
 */
function checkSignaturesAgree(sign3: SDKSign3, body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  const timestamps = [DAY_START + 12_345, DAY_START + SECONDS_PER_DAY - 1, 1_551_139_200];
  for (const timestamp of timestamps) {
    const ours = signTc3Request(ourOptions(timestamp, body)).authorization;
    const sdkFromParams = sign3(sdkOptions(timestamp, START_AI_CONVERSATION_PARAMS));
    const sdkFromBytes = sign3(sdkOptions(timestamp, bytes));
    const reference = nodeCryptoSign(timestamp, body);
    if (ours !== sdkFromParams || ours !== sdkFromBytes || ours !== reference) {
      throw new Error(
        `signatures disagree at timestamp ${timestamp}:\n  signTc3Request      ${ours}\n  sign3(params)       ${sdkFromParams}\n  sign3(body bytes)   ${sdkFromBytes}\n  node:crypto         ${reference}`,
      );
    }
  }
  const publishedOurs = signTc3Request({
    secretId: PUBLISHED.secretId,
    secretKey: SECRET_KEY,
    service: PUBLISHED.service,
    host: PUBLISHED.host,
    action: PUBLISHED.action,
    version: PUBLISHED.version,
    region: REGION,
    timestampSeconds: PUBLISHED.timestampSeconds,
    payload: PUBLISHED.body,
    contentType: PUBLISHED.contentType,
  }).signature;
  const publishedSdk = sign3({
    method: 'POST',
    url: `https://${PUBLISHED.host}/`,
    payload: Buffer.from(PUBLISHED.body, 'utf8'),
    timestamp: PUBLISHED.timestampSeconds,
    service: PUBLISHED.service,
    secretId: PUBLISHED.secretId,
    secretKey: SECRET_KEY,
    multipart: false,
    headers: { 'Content-Type': PUBLISHED.contentType },
  });
  if (
    PUBLISHED.body.length !== 86 ||
    publishedOurs !== PUBLISHED.signature ||
    !publishedSdk.endsWith(`Signature=${PUBLISHED.signature}`)
  ) {
    throw new Error(
      `the published TC3 example is not reproduced: ours ${publishedOurs}, SDK ${publishedSdk}, expected ${PUBLISHED.signature}`,
    );
  }
  return `signatures agree: signTc3Request, ${SDK_LABEL} Sign.sign3 (params object and body bytes) and node:crypto give the same Authorization at ${timestamps.length} timestamps on the ${format(bytes.length)}-byte StartAIConversation body; ours and the SDK reproduce Tencent's published example (Signature=${PUBLISHED.signature.slice(0, 8)}…).`;
}

/** A row of figure 1. */
interface SigningRow {
  variant: Variant;
  /** The row it is compared with (speed ratio). */
  baseline?: string;
  /** The measure's short name in the summary, for rows held to the goal. */
  goal?: string;
}

const SDK_BYTES = 'a. SDK Sign.sign3, body as bytes';
const SDK_PARAMS = 'b. SDK Sign.sign3, params object (as its client calls it)';
const OURS_SAME_DAY = 'c. signTc3Request (ours), same day';
const OURS_NEW_DAY = 'd. signTc3Request (ours), a new day every call';
const OURS_WITH_JSON = 'e. JSON.stringify + signTc3Request (ours), same day';
const NODE_REFERENCE = 'f. node:crypto, same algorithm, key cached per day';
const DIGEST_OURS = 'g. only the body’s SHA-256 hex, ours (TypeScript)';
const DIGEST_NODE = 'h. only the body’s SHA-256 hex, node:crypto';

async function figureSignatures(): Promise<void> {
  const sign3 = loadSdkSigner();
  const body = JSON.stringify(START_AI_CONVERSATION_PARAMS);
  const bytes = Buffer.from(body, 'utf8');
  console.log(`\n${checkSignaturesAgree(sign3, body)}`);

  let tick = 0;
  /** A new second of the same UTC day every call. */
  const sameDay = (): number => DAY_START + (tick++ % SECONDS_PER_DAY);
  /** A new UTC day every call: the derived key is never cached. */
  const newDay = (): number => DAY_START + SECONDS_PER_DAY * (tick++ % 50_000);
  const batch = 2_000;
  const row = (
    name: string,
    operation: () => unknown,
    extra: Omit<SigningRow, 'variant'> = {},
  ) => ({
    variant: { name, batch, run: timed(operation) },
    ...extra,
  });
  const table: SigningRow[] = [
    row(SDK_BYTES, () => sign3(sdkOptions(sameDay(), bytes))),
    row(SDK_PARAMS, () => sign3(sdkOptions(sameDay(), START_AI_CONVERSATION_PARAMS)), {
      baseline: SDK_BYTES,
    }),
    row(OURS_SAME_DAY, () => signTc3Request(ourOptions(sameDay(), body)), {
      baseline: SDK_BYTES,
      goal: 'ours same day vs SDK, body bytes (c/a)',
    }),
    row(OURS_NEW_DAY, () => signTc3Request(ourOptions(newDay(), body)), {
      baseline: SDK_BYTES,
      goal: 'ours new day vs SDK, body bytes (d/a)',
    }),
    row(
      OURS_WITH_JSON,
      () => signTc3Request(ourOptions(sameDay(), JSON.stringify(START_AI_CONVERSATION_PARAMS))),
      { baseline: SDK_PARAMS, goal: 'ours + JSON vs SDK, params (e/b)' },
    ),
    row(NODE_REFERENCE, () => nodeCryptoSign(sameDay(), body), { baseline: SDK_BYTES }),
    row(DIGEST_OURS, () => sha256Hex(body), { baseline: DIGEST_NODE }),
    row(DIGEST_NODE, () => createHash('sha256').update(body).digest('hex')),
  ];
  const results = await runRounds(table.map((entry) => entry.variant));
  const nsPerOp = (name: string): number => median(results.get(name) ?? []);
  /** Median per-round ratio of signatures per second, `name` against `baseline`. */
  const speedup = (name: string, baseline: string): number => {
    const base = results.get(baseline) ?? [];
    return median((results.get(name) ?? []).map((ns, round) => (base[round] ?? Number.NaN) / ns));
  };
  const rows = table.map(({ variant, baseline, goal }) => {
    const ratio = baseline === undefined ? Number.NaN : speedup(variant.name, baseline);
    return [
      variant.name,
      format(1e9 / nsPerOp(variant.name)),
      format(nsPerOp(variant.name) / 1000, 2),
      baseline === undefined ? '1.00×' : `${times(ratio)} (${baseline.slice(0, 1)})`,
      goal === undefined
        ? ''
        : goalCell({
            figure: '1. signatures/s',
            measure: goal,
            value: ratio,
            target: SIGNING_GOAL,
            direction: 'at-least',
            label: `${SIGNING_GOAL}×`,
          }),
    ];
  });
  printTable(
    `1. TC3 signatures per second (StartAIConversation body, ${format(bytes.length)} bytes)`,
    ['variant', 'signatures/s', 'µs/op', 'speed vs (row)', 'goal'],
    rows,
    [
      `Same inputs everywhere: POST https://${HOST}/, service ${SERVICE}, Content-Type application/json, SignedHeaders content-type;host, the same SecretId/SecretKey, and a timestamp that changes every call (${new Date(DAY_START * 1000).toISOString().slice(0, 10)} for "same day").`,
      `${SDK_LABEL}: Sign.sign3 from tencentcloud/common/sign.js, the function its HttpConnection.doRequestWithSign3 calls for every request. It parses the URL, hashes with node:crypto and derives the key chain (three HMACs) on every call. Row b passes the params object, as its client does: sign3 then serialises it with json-bigint (JSONbig.stringify) to hash it — the client serialises it a second time for the body, which no row counts. Row a hands it the body as a Buffer, which it hashes as is: the signer alone.`,
      'Ours: option checks, the canonical request, two SHA-256 and one HMAC-SHA256 in TypeScript (synchronous, no platform crypto), the derived key taken from a 16-entry cache per (secret key, UTC date, service), and the header object. Row d signs in a new UTC day every call, so the three extra HMACs of the key chain are paid every time. Row e adds the JSON.stringify our client does once per call, against row b.',
      `Rows f–h are not anchors. f: the same algorithm on node:crypto, its key cached per day too, to separate the algorithm from the SDK around it. g and h: the SHA-256 hex of the ${format(bytes.length)}-byte body alone (UTF-8 encoding included), the largest part of a signature — in this run ${percent(nsPerOp(DIGEST_OURS), nsPerOp(OURS_SAME_DAY))} of row c's time.`,
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Built packages (figures 2 and 3)
// ---------------------------------------------------------------------------------------------

/**
 * This package and the workspace packages it depends on (dependencies and peers, recursively),
 * dependencies first: the order they must be built in.
 */
function workspaceBuildOrder(): { name: string; directory: string }[] {
  const directories = new Map<string, string>();
  for (const entry of readdirSync(workspaceDirectory, { withFileTypes: true })) {
    const directory = join(workspaceDirectory, entry.name);
    if (!entry.isDirectory() || !existsSync(join(directory, 'package.json'))) continue;
    const name = readManifest(directory).name;
    if (name !== undefined) directories.set(name, directory);
  }
  const order: { name: string; directory: string }[] = [];
  const visited = new Set<string>();
  const visit = (directory: string): void => {
    if (visited.has(directory)) return;
    visited.add(directory);
    const manifest = readManifest(directory);
    const ranges = { ...manifest.peerDependencies, ...manifest.dependencies };
    for (const [name, range] of Object.entries(ranges)) {
      const dependency = directories.get(name);
      if (dependency !== undefined && range.startsWith('workspace:')) visit(dependency);
    }
    order.push({ name: manifest.name ?? basename(directory), directory });
  };
  visit(realpathSync(packageDirectory));
  return order;
}

/** Newest modification time (ms) of the non-test files under `directory`. */
function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.isFile() && !entry.name.includes('.test.')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds `dist/` of this package and of its workspace dependencies when it is missing or older
 * than the package's `src/` or package.json. Returns a note on what is measured, or undefined when
 * this package has no `dist/` to measure. A failed build (another change may be mid-edit) leaves
 * the previous `dist/` measured, and the note says so.
 */
function ensureDist(): string | undefined {
  const failed: string[] = [];
  for (const { name, directory } of workspaceBuildOrder()) {
    const entry = join(directory, 'dist/index.js');
    const sources = Math.max(
      newestSource(join(directory, 'src')),
      statSync(join(directory, 'package.json')).mtimeMs,
    );
    if (existsSync(entry) && statSync(entry).mtimeMs >= sources) continue;
    console.log(`\n(${name}: dist/ is missing or older than its sources: building it first)`);
    const build = spawnSync('pnpm', ['-F', name, 'build'], {
      cwd: packageDirectory,
      encoding: 'utf8',
    });
    if (build.status !== 0) failed.push(name);
  }
  const entry = join(packageDirectory, 'dist/index.js');
  if (!existsSync(entry) || !existsSync(join(packageDirectory, 'dist/index.cjs'))) return undefined;
  const built = `dist/ built ${statSync(entry).mtime.toISOString()}`;
  return failed.length === 0
    ? built
    : `${built}; the build of ${failed.join(', ')} failed (a change may be mid-edit), so the previous dist/ is measured`;
}

/** Bare specifiers `dist/index.js` imports statically, through its local chunks. */
function distStaticImports(): string[] {
  const specifiers = new Set<string>();
  const seen = new Set<string>();
  const read = (path: string): void => {
    if (seen.has(path) || !existsSync(path)) return;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    for (const match of source.matchAll(/(?:\bfrom|^import)\s*['"]([^'"]+)['"]/gm)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.')) read(join(dirname(path), specifier));
      else if (!specifier.startsWith('node:')) specifiers.add(specifier);
    }
  };
  read(join(packageDirectory, 'dist/index.js'));
  return [...specifiers].sort();
}

// ---------------------------------------------------------------------------------------------
// Figure 2: cold import
// ---------------------------------------------------------------------------------------------

interface ColdTarget {
  name: string;
  /** Arguments after `node`; the script prints `<load ms> <first call ms>`. */
  args: string[];
  /** Whether the row constructs a client and signs after loading. */
  firstCall: boolean;
  /** The SDK row this one is compared with (same module format), if any. */
  comparedWith?: string | undefined;
}

interface ColdRun {
  wallMs: number;
  loadMs: number;
  firstCallMs: number;
}

function runCold(target: ColdTarget): ColdRun {
  const start = performance.now();
  const child = spawnSync(process.execPath, target.args, {
    cwd: packageDirectory,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${target.name} failed: ${child.stderr}`);
  const [load, firstCall] = child.stdout.trim().split(' ').map(Number);
  return { wallMs, loadMs: load ?? Number.NaN, firstCallMs: firstCall ?? Number.NaN };
}

/** A child script timing `load`, then `first`; prints both in ms. */
function coldScript(load: string, first: string): string {
  return `const t0 = performance.now(); ${load}; const t1 = performance.now(); ${first}; const t2 = performance.now(); console.log((t1 - t0) + ' ' + (t2 - t1));`;
}

/** Whether the SDK's `es/` build loads under this Node: its URL, or why not. */
function probeSdkEsm(): { url: string } | { reason: string } {
  const entry = join(sdkDirectory, 'es/services/trtc/index.js');
  if (!existsSync(entry)) return { reason: 'it has no es/services/trtc/index.js' };
  const url = pathToFileURL(entry).href;
  const child = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { trtc } = await import('${url}'); if (typeof trtc.v20190722.Client !== 'function') throw new Error('no Client');`,
    ],
    { cwd: packageDirectory, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  if (child.status === 0) return { url };
  const error =
    child.stderr
      .split('\n')
      .find((line) => /^\w*Error/.test(line))
      ?.replaceAll(`${sdkDirectory}${sep}`, '')
      .replace(/ imported from .*$/, '') ?? 'an error';
  return {
    reason: `import() of its es/services/trtc/index.js fails under Node ${process.version}: ${error} (es/ is written for bundlers: its imports name directories and extensionless files, e.g. "./v20190722")`,
  };
}

const COLD_SDK_CJS = "SDK: require('…/tencentcloud/services/trtc') (CJS)";
const COLD_SDK_ESM = 'SDK: import es/services/trtc/index.js (ESM)';
const COLD_SDK_FROM_ESM = 'SDK: import() of the same CJS path from an ES module';
const COLD_SDK_WHOLE = `SDK: require('${SDK_NAME}') (every product)`;
const COLD_OURS_ESM = 'ours: import dist/index.js (ESM)';
const COLD_OURS_CJS = 'ours: require dist/index.cjs (CJS)';
const COLD_OURS_CALL = 'ours: import dist/index.js, then a first client.call';

async function figureColdImport(distNote: string | undefined): Promise<void> {
  const params = JSON.stringify(START_AI_CONVERSATION_PARAMS);
  const credentials = `{ secretId: '${SECRET_ID}', secretKey: '${SECRET_KEY}' }`;
  // The SDK: construct the TRTC client, then sign one request the way its HttpConnection does.
  const sdkConstructAndSign = `const params = ${params}; const client = new trtc.v20190722.Client({ credential: ${credentials}, region: '${REGION}', profile: {} }); const authorization = Sign.sign3({ method: 'POST', url: client.profile.httpProfile.protocol + client.endpoint + client.path, payload: params, timestamp: Math.floor(Date.now() / 1000), service: client.endpoint.split('.')[0], secretId: '${SECRET_ID}', secretKey: '${SECRET_KEY}', multipart: false, headers: { 'Content-Type': 'application/json' } }); if (!authorization.includes(', Signature=')) throw new Error('not signed')`;
  // Ours: construct the client, then sign one request the way its transport does.
  const oursConstructAndSign = `const params = ${params}; const client = createTrtcClient({ credentials: ${credentials}, region: '${REGION}' }); const signed = signTc3Request({ ...${credentials}, service: 'trtc', host: new URL(client.baseUrl).host, action: '${ACTION}', version: '${API_VERSION}', region: client.region, timestampSeconds: Math.floor(Date.now() / 1000), payload: JSON.stringify(params) }); if (!signed.authorization.includes(', Signature=')) throw new Error('not signed')`;
  const sdkCjs = JSON.stringify(sdkTrtcEntry);
  const sdkSign = JSON.stringify(sdkSignEntry);
  const sdkEsm = probeSdkEsm();

  const targets: ColdTarget[] = [
    { name: 'node, empty script', args: ['-e', coldScript('0', '0')], firstCall: false },
    {
      name: COLD_SDK_CJS,
      args: [
        '-e',
        coldScript(
          `const { trtc } = require(${sdkCjs}); const Sign = require(${sdkSign}).default`,
          sdkConstructAndSign,
        ),
      ],
      firstCall: true,
    },
  ];
  if ('url' in sdkEsm) {
    const signUrl = pathToFileURL(join(sdkDirectory, 'es/common/sign.js')).href;
    targets.push({
      name: COLD_SDK_ESM,
      args: [
        '--input-type=module',
        '-e',
        coldScript(
          `const { trtc } = await import('${sdkEsm.url}'); const Sign = (await import('${signUrl}')).default`,
          sdkConstructAndSign,
        ),
      ],
      firstCall: true,
    });
  }
  targets.push(
    {
      name: COLD_SDK_FROM_ESM,
      args: [
        '--input-type=module',
        '-e',
        coldScript(
          `const { trtc } = await import('${pathToFileURL(sdkTrtcEntry).href}'); const Sign = (await import('${pathToFileURL(sdkSignEntry).href}')).default.default`,
          sdkConstructAndSign,
        ),
      ],
      firstCall: true,
    },
    {
      name: COLD_SDK_WHOLE,
      args: [
        '-e',
        coldScript(
          `const { trtc } = require(${JSON.stringify(sdkDirectory)}); const Sign = require(${sdkSign}).default`,
          sdkConstructAndSign,
        ),
      ],
      firstCall: true,
    },
  );
  const breakdown = distNote === undefined ? [] : distStaticImports();
  if (distNote !== undefined) {
    const esm = pathToFileURL(join(packageDirectory, 'dist/index.js')).href;
    const cjs = JSON.stringify(join(packageDirectory, 'dist/index.cjs'));
    const answer = `async (input, init) => { const request = new Request(input, init); if (!(request.headers.get('authorization') ?? '').includes(', Signature=')) throw new Error('not signed'); return Response.json({ Response: { TaskId: 'task-1', RequestId: 'request-1' } }); }`;
    targets.push(
      {
        name: COLD_OURS_ESM,
        args: [
          '--input-type=module',
          '-e',
          coldScript(
            `const { createTrtcClient, signTc3Request } = await import('${esm}')`,
            oursConstructAndSign,
          ),
        ],
        firstCall: true,
        comparedWith: 'url' in sdkEsm ? COLD_SDK_ESM : undefined,
      },
      {
        name: COLD_OURS_CJS,
        args: [
          '-e',
          coldScript(
            `const { createTrtcClient, signTc3Request } = require(${cjs})`,
            oursConstructAndSign,
          ),
        ],
        firstCall: true,
        comparedWith: COLD_SDK_CJS,
      },
      {
        name: COLD_OURS_CALL,
        args: [
          '--input-type=module',
          '-e',
          coldScript(
            `const { createTrtcClient } = await import('${esm}')`,
            `const client = createTrtcClient({ credentials: ${credentials}, region: '${REGION}', fetch: ${answer}, retry: false }); const response = await client.call('${ACTION}', ${params}); if (response.TaskId !== 'task-1') throw new Error('no TaskId')`,
          ),
        ],
        firstCall: true,
      },
      ...breakdown.map((specifier) => ({
        name: `import('${specifier}') alone`,
        args: ['--input-type=module', '-e', coldScript(`await import('${specifier}')`, '0')],
        firstCall: false,
      })),
    );
  }

  const runs = new Map<string, ColdRun[]>(targets.map((target) => [target.name, []]));
  // One untimed run each warms the file system cache.
  for (const target of targets) runCold(target);
  for (let round = 0; round < COLD_RUNS; round += 1) {
    for (let offset = 0; offset < targets.length; offset += 1) {
      const target = targets[(round + offset) % targets.length] as ColdTarget;
      runs.get(target.name)?.push(runCold(target));
    }
  }
  const pick = (name: string, field: keyof ColdRun): number =>
    median((runs.get(name) ?? []).map((run) => run[field]));
  /** Median per-round ratio of `measure` of `name` to that of `baseline`. */
  const ratio = (name: string, baseline: string, measure: (run: ColdRun) => number): number => {
    const base = runs.get(baseline) ?? [];
    return median(
      (runs.get(name) ?? []).map((run, round) => {
        const other = base[round];
        return other === undefined ? Number.NaN : measure(run) / measure(other);
      }),
    );
  };
  const load = (run: ColdRun): number => run.loadMs;
  const total = (run: ColdRun): number => run.loadMs + run.firstCallMs;
  const rows = targets.map((target) => {
    const baseline = target.comparedWith;
    const loadRatio = baseline === undefined ? Number.NaN : ratio(target.name, baseline, load);
    const totalRatio = baseline === undefined ? Number.NaN : ratio(target.name, baseline, total);
    const moduleFormat = target.name.includes('(ESM)') ? 'ESM' : 'CJS';
    return [
      target.name,
      format(pick(target.name, 'wallMs'), 1),
      format(pick(target.name, 'loadMs'), 2),
      baseline === undefined ? '—' : times(loadRatio),
      baseline === undefined
        ? ''
        : goalCell({
            figure: '2. cold import',
            measure: `${moduleFormat} load`,
            value: loadRatio,
            target: COLD_GOAL,
            direction: 'at-most',
            label: `${COLD_GOAL}×`,
          }),
      target.firstCall ? format(pick(target.name, 'firstCallMs'), 2) : '—',
      target.firstCall
        ? format(median((runs.get(target.name) ?? []).map((run) => total(run))), 2)
        : '—',
      baseline === undefined ? '—' : times(totalRatio),
      baseline === undefined
        ? ''
        : goalCell({
            figure: '2. cold import',
            measure: `${moduleFormat} load + construct + sign`,
            value: totalRatio,
            target: COLD_GOAL,
            direction: 'at-most',
            label: `${COLD_GOAL}×`,
          }),
    ];
  });

  const notes = [
    `Wall = spawn to exit of \`${process.execPath}\` (no tsx, NODE_OPTIONS cleared); load = performance.now() around the require/import inside the child; then "construct + sign" = a TRTC client constructed and one StartAIConversation request signed right after loading (unoptimised code, cold caches, no network). One untimed run per row first; then rows interleave, their order rotated each round; ratios are medians of per-round ratios of the same row pair.`,
    `${SDK_LABEL}: the TRTC client path loads tencentcloud/common (abstract_client, sign, http_connection with node-fetch, form-data, https-proxy-agent, json-bigint, uuid) and the trtc client and models of every TRTC API. Construct + sign = new trtc.v20190722.Client({ credential, region, profile }) then Sign.sign3 with the client's URL, service and the params object, as its HttpConnection calls it (its request path has no fetch to inject, so nothing further can run without a network). ${'url' in sdkEsm ? 'Its es/ build loads under this Node, so ESM is compared with it.' : `No ESM comparison: ${sdkEsm.reason}. Node gives an ES module importing the SDK its CJS build (the package has no exports map; "module" is for bundlers), shown as the third row.`} The last SDK row is the package entry its README shows (every product's client and models): for reference, not a goal.`,
  ];
  if (distNote === undefined) {
    notes.push(
      'dist/ could not be built (another change may be mid-edit), so the package rows are missing.',
    );
  } else {
    const fromEsm =
      'url' in sdkEsm
        ? ''
        : ` From an ES module (ours ESM against the SDK's CJS path imported from an ES module, what Node gives ESM users): load ${times(ratio(COLD_OURS_ESM, COLD_SDK_FROM_ESM, load))}, load + construct + sign ${times(ratio(COLD_OURS_ESM, COLD_SDK_FROM_ESM, total))} — not a goal row.`;
    notes.push(
      `Ours load the whole built entry (${distNote}): client, webhooks and signing with everything dist/index.js imports statically — ${breakdown.join(', ') || 'nothing'} — resolved from node_modules. Construct + sign = createTrtcClient({ credentials, region }) then signTc3Request over JSON.stringify(params), as the client's transport does per attempt.${fromEsm}`,
      `The "alone" rows load one module ours imports at the top, in a fresh process each (they share @imbridge/core and the like, so they overlap and do not add up): what dominates our load. The client.call row goes through the client (option checks, serialisation, token bucket, signing, the HTTP layer loading ky on first use, response parsing) with an injected fetch that checks the Authorization header and answers at once.`,
    );
  }
  printTable(
    `2. Cold import (${COLD_RUNS} fresh node processes per row, medians)`,
    [
      'what',
      'process wall ms',
      'load ms',
      'load vs SDK',
      'goal',
      'construct + sign ms',
      'load + construct + sign ms',
      'vs SDK',
      'goal',
    ],
    rows,
    notes,
  );
}

// ---------------------------------------------------------------------------------------------
// Figure 3: installed size
// ---------------------------------------------------------------------------------------------

async function figureInstalledSize(distNote: string | undefined): Promise<void> {
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
    const largest = [...ours.packages]
      .filter((entry) => entry.packed === undefined)
      .sort((left, right) => right.bytes - left.bytes)[0];
    notes.push(
      `Ours: ${packed.map((entry) => entry.id).join(', ')} counted as the files of their \`pnpm pack\` tarballs, i.e. what npm unpacks from the registry (${distNote}): dist/ ${kB(distBytes)} kB, of which source maps ${kB(mapBytes)} kB and type declarations for ESM and CJS, plus package.json, README.md and LICENSE; ${format(sum(packed.map((entry) => entry.packed?.gzipBytes ?? 0)) / 1000, 1)} kB to download gzipped. The others as installed${largest ? `; the largest, ${largest.id}: ${largestEntries(largest, 4)}` : ''}.`,
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

// ---------------------------------------------------------------------------------------------

function printSummary(): void {
  printTable(
    'Summary against the goals',
    ['figure: measure', 'ours vs SDK', 'goal', 'result'],
    goalResults.map((result) => [
      `${result.figure}: ${result.measure}`,
      times(result.value, result.figure.startsWith('3.') ? 3 : 2),
      result.goal,
      result.met ? 'met' : 'missed',
    ]),
    [
      'Ratios are ours against the SDK: signatures per second (more is better), times and bytes (less is better). Nothing is asserted.',
    ],
  );
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log('# @imbridge/trtc benchmarks\n');
  console.log(
    `- Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
  );
  console.log(`- ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);
  console.log(`- ${new Date().toISOString()}`);
  console.log(`- against ${SDK_LABEL} (${relative(packageDirectory, sdkDirectory)})`);
  console.log(`- ${WARMUP_ROUNDS} warm-up + ${ROUNDS} timed rounds per variant; medians`);
  const started = performance.now();
  await figureSignatures();
  const distNote = ensureDist();
  await figureColdImport(distNote);
  await figureInstalledSize(distNote);
  printSummary();
  if (observedCount() === 0) console.log('(nothing observed)');
  console.log(`\nDone in ${format((performance.now() - started) / 1000, 1)} s.`);
}

await main();
