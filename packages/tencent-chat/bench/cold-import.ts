/**
 * Figure 3: cold start. Fresh `node` processes load the built package (`dist/`), per entry
 * (`@imbridge/tencent-chat/user-sig` and the main entry) and per module format, against
 * `tls-sig-api-v2` loaded the same way (required from CJS; imported from an ES module, where
 * Node hands it its CJS build), then make the first call: a `genUserSig` for the official
 * package and the `/user-sig` entry, the first signed webhook handled (Request built, then
 * `parseTencentWebhook`) for the main entry. ESM rows are compared with ESM, CJS with CJS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { format, median, printTable, times } from './report.ts';
import {
  CALLBACK_TOKEN,
  EXPIRES_IN_SECONDS,
  officialPath,
  packageDirectory,
  SDK_APP_ID,
  SECRET_KEY,
  signedWebhook,
  USER_ID,
} from './settings.ts';

/** Fresh processes per row. */
const COLD_RUNS = 12;

type ModuleFormat = 'ESM' | 'CJS';

interface ColdTarget {
  name: string;
  moduleFormat?: ModuleFormat | undefined;
  /** The child script: it prints `<load ms> <first call ms>`. Built per run (fresh `Sign`). */
  script: () => string;
  /** Whether the row makes a first call after loading. */
  firstCall: boolean;
  /** The official row this one is compared with (same module format), if any. */
  comparedWith?: string | undefined;
}

interface ColdRun {
  wallMs: number;
  loadMs: number;
  firstCallMs: number;
}

/** A child script timing `load`, then `first`; prints both in ms. */
function timed(load: string, first: string): string {
  return `const t0 = performance.now(); ${load}; const t1 = performance.now(); ${first}; const t2 = performance.now(); console.log((t1 - t0) + ' ' + (t2 - t1));`;
}

function runCold(target: ColdTarget): ColdRun {
  const script = target.script();
  const args =
    target.moduleFormat === 'CJS'
      ? ['-e', `(async () => { ${script} })();`]
      : ['--input-type=module', '-e', script];
  const start = performance.now();
  const child = spawnSync(process.execPath, args, {
    cwd: packageDirectory,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${target.name} failed: ${child.stderr}`);
  const [load, firstCall] = child.stdout.trim().split(' ').map(Number);
  return { wallMs, loadMs: load ?? Number.NaN, firstCallMs: firstCall ?? Number.NaN };
}

const OFFICIAL_CJS = 'tls-sig-api-v2: require (CJS), first genUserSig';
const OFFICIAL_ESM = 'tls-sig-api-v2: import() from an ES module, first genUserSig';

/** The rows, in the order printed (each round runs them all, rotated). */
function coldTargets(distBuilt: boolean): ColdTarget[] {
  const userSigOptions = `{ sdkAppId: ${SDK_APP_ID}, secretKey: '${SECRET_KEY}', userId: '${USER_ID}', expiresInSeconds: ${EXPIRES_IN_SECONDS} }`;
  const officialCall = `new Api(${SDK_APP_ID}, '${SECRET_KEY}').genUserSig('${USER_ID}', ${EXPIRES_IN_SECONDS})`;
  const officialUrl = pathToFileURL(officialPath).href;
  const targets: ColdTarget[] = [
    { name: 'node, empty script', script: () => timed('0', '0'), firstCall: false },
    {
      name: OFFICIAL_CJS,
      moduleFormat: 'CJS',
      script: () => timed(`const { Api } = require(${JSON.stringify(officialPath)})`, officialCall),
      firstCall: true,
    },
    {
      name: OFFICIAL_ESM,
      moduleFormat: 'ESM',
      script: () => timed(`const { Api } = await import('${officialUrl}')`, officialCall),
      firstCall: true,
    },
  ];
  if (!distBuilt) return targets;

  const dist = (file: string, moduleFormat: ModuleFormat): string =>
    moduleFormat === 'ESM'
      ? `await import('${pathToFileURL(join(packageDirectory, 'dist', file)).href}')`
      : `require(${JSON.stringify(join(packageDirectory, 'dist', file))})`;
  const official = (moduleFormat: ModuleFormat): string =>
    moduleFormat === 'ESM' ? OFFICIAL_ESM : OFFICIAL_CJS;
  /** The first webhook: a fresh signed Request, parsed and checked. */
  const firstWebhook = (): string => {
    const webhook = signedWebhook();
    return `const webhook = await parseTencentWebhook(new Request(${JSON.stringify(webhook.url)}, { method: 'POST', headers: ${JSON.stringify(webhook.headers)}, body: ${JSON.stringify(webhook.body)} }), { sdkAppId: ${webhook.sdkAppId}, callbackToken: '${CALLBACK_TOKEN}' }); if (webhook.command !== 'bot.c2c-message') throw new Error('not parsed')`;
  };
  for (const moduleFormat of ['ESM', 'CJS'] as const) {
    const verb = moduleFormat === 'ESM' ? 'import' : 'require';
    targets.push(
      {
        name: `ours: ${verb} '/user-sig' (${moduleFormat}), first genUserSig`,
        moduleFormat,
        script: () =>
          timed(
            `const { genUserSig } = ${dist(`user-sig.${moduleFormat === 'ESM' ? 'js' : 'cjs'}`, moduleFormat)}`,
            `await genUserSig(${userSigOptions})`,
          ),
        firstCall: true,
        comparedWith: official(moduleFormat),
      },
      {
        name: `ours: ${verb} the main entry (${moduleFormat}), first webhook handled`,
        moduleFormat,
        script: () =>
          timed(
            `const { parseTencentWebhook } = ${dist(`index.${moduleFormat === 'ESM' ? 'js' : 'cjs'}`, moduleFormat)}`,
            firstWebhook(),
          ),
        firstCall: true,
        comparedWith: official(moduleFormat),
      },
    );
  }
  targets.push({
    name: 'ours: import the main entry (ESM), first REST call',
    moduleFormat: 'ESM',
    script: () =>
      timed(
        `const { createTencentChatClient } = ${dist('index.js', 'ESM')}`,
        `await createTencentChatClient({ sdkAppId: ${SDK_APP_ID}, secretKey: '${SECRET_KEY}', adminUserId: '${USER_ID}', baseUrl: 'http://tencent.local', fetch: async () => Response.json({ ActionStatus: 'OK', ErrorCode: 0, Robot_Account: [] }) }).listRobots()`,
      ),
    firstCall: true,
  });
  targets.push({
    name: "import('zod') alone (loaded by the first schema-checked REST answer or non-bot webhook)",
    moduleFormat: 'ESM',
    script: () => timed(`await import('zod')`, '0'),
    firstCall: false,
  });
  // ky is provider-utils' dependency, not this package's: load it from there.
  const kyEntry = join(packageDirectory, '../provider-utils/node_modules/ky/distribution/index.js');
  if (existsSync(kyEntry)) {
    targets.push({
      name: "import('ky') alone (loaded by the first REST call)",
      moduleFormat: 'ESM',
      script: () => timed(`await import('${pathToFileURL(kyEntry).href}')`, '0'),
      firstCall: false,
    });
  }
  return targets;
}

/** `distNote`: what `dist/` is measured, or undefined when it could not be built. */
export function figureColdImport(distNote: string | undefined): void {
  const targets = coldTargets(distNote !== undefined);
  const runs = new Map<string, ColdRun[]>(targets.map((target) => [target.name, []]));
  // One untimed run each warms the file system cache.
  for (const target of targets) runCold(target);
  for (let round = 0; round < COLD_RUNS; round += 1) {
    for (let offset = 0; offset < targets.length; offset += 1) {
      const target = targets[(round + offset) % targets.length] as ColdTarget;
      runs.get(target.name)?.push(runCold(target));
    }
  }
  const pick = (name: string, measure: (run: ColdRun) => number): number =>
    median((runs.get(name) ?? []).map(measure));
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
  const wall = (run: ColdRun): number => run.wallMs;
  const load = (run: ColdRun): number => run.loadMs;
  const total = (run: ColdRun): number => run.loadMs + run.firstCallMs;
  const letters = new Map(
    targets.map((target, index) => [target.name, String.fromCharCode(97 + index)]),
  );
  const letter = (name: string): string => letters.get(name) ?? '?';
  const versus = (target: ColdTarget, measure: (run: ColdRun) => number): string =>
    target.comparedWith === undefined
      ? '—'
      : `${times(ratio(target.name, target.comparedWith, measure))} (${letter(target.comparedWith)})`;
  const rows = targets.map((target) => [
    `${letter(target.name)}. ${target.name}`,
    format(pick(target.name, wall), 1),
    format(pick(target.name, load), 2),
    versus(target, load),
    target.firstCall
      ? format(
          pick(target.name, (run) => run.firstCallMs),
          2,
        )
      : '—',
    target.firstCall ? format(pick(target.name, total), 2) : '—',
    target.firstCall ? versus(target, total) : '—',
  ]);
  const notes = [
    `Wall = spawn to exit of \`${process.execPath}\` (no tsx, NODE_OPTIONS cleared); load = performance.now() around the import/require inside the child; first call = right after loading (unoptimised code, cold caches). One untimed run per row first; then ${COLD_RUNS} rounds run every row once, their order rotated each round; ratios are medians of per-round ratios of the same row pair, the row in brackets being the baseline: ESM rows against tls-sig-api-v2 imported from an ES module (row ${letter(OFFICIAL_ESM)}: it has no ESM build, so Node hands it its CJS module), CJS rows against tls-sig-api-v2 required (row ${letter(OFFICIAL_CJS)}).`,
    'tls-sig-api-v2 loads only node:crypto and node:zlib; its first call is new Api(…).genUserSig(…). Our /user-sig rows call genUserSig with the same inputs. Our main-entry rows handle a first signed Bot.OnC2CMessage webhook: a Request built from the URL, headers and body, then parseTencentWebhook with the callback token (Sign, body, JSON, and the zod schemas, which load with the first webhook, not at import). That first call is not the same work as a genUserSig: its ratio says what a cold webhook handler costs next to the official package signing one UserSig, no more.',
  ];
  if (distNote === undefined) {
    notes.push('dist/ could not be built, so the package rows are missing.');
  } else {
    notes.push(
      `Our rows load the built entries (${distNote}) with @imbridge/core and @imbridge/provider-utils from node_modules. The REST row (no ratio) is the first client call, listRobots through an injected fetch that answers at once: it pays ky's load (deferred to that call), the response schemas and the admin UserSig. The rows "alone" load one dependency in an empty process, for scale.`,
    );
  }
  printTable(
    `3. Cold start, per entry and module format (${COLD_RUNS} fresh node processes per row, medians)`,
    [
      'what',
      'process wall ms',
      'load ms',
      'load vs tls-sig-api-v2',
      'first call ms',
      'load + first call ms',
      'load + first call vs tls-sig-api-v2',
    ],
    rows,
    notes,
  );
}
