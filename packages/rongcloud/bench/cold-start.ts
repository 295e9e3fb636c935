/**
 * Figure 3 of `rongcloud.bench.ts`: cold start. Fresh `node` processes load the built package
 * (`dist/`) and `rongcloud-sdk`, each in both module formats, then make a first call: a
 * signature, an API call, or a first webhook handled. Ratios compare ESM with ESM and CJS with
 * CJS, round by round; rows interleave, their order rotated each round. A last check tells
 * whether zod is loaded by the import or only by the first webhook.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { rongCloudSignature } from '../src/signing/signature.ts';
import { privateTextMessage } from '../src/webhooks/__fixtures__/webhooks.ts';
import { format, median, printTable, times } from './report.ts';

/** What figure 3 measures and with what. */
export interface ColdStartSetting {
  /** packages/rongcloud (the children run there). */
  packageDirectory: string;
  /** packages/ (ky is loaded from provider-utils, whose dependency it is). */
  workspaceDirectory: string;
  /** What `dist/` was measured, or undefined when it could not be built. */
  distNote: string | undefined;
  /** rongcloud-sdk's entry, when installed. */
  officialEntry: string | undefined;
  /** Fresh processes per row. */
  runs: number;
  appKey: string;
  appSecret: string;
  /** RongCloud's published signature example: nonce, timestamp and signature. */
  published: { nonce: string; timestamp: string; signature: string };
}

type ModuleFormat = 'ESM' | 'CJS';

interface ColdTarget {
  name: string;
  format: ModuleFormat;
  /** Arguments after `node`; the script prints `<load ms> <first call ms>`. */
  args: string[];
  /** Whether the row has a first call (rows marked "alone" and the empty scripts have none). */
  firstCall: boolean;
  /** The rongcloud-sdk row (same format) the load is compared with. */
  loadAnchor?: string;
  /** The rongcloud-sdk row (same format) whose load + first call this row's is compared with. */
  firstCallAnchor?: string;
}

interface ColdRun {
  wallMs: number;
  loadMs: number;
  firstCallMs: number;
}

/**
 * A child script that times `load` then `first` (both may `await`) and prints both durations.
 * CJS runs them in an async function (a CJS script has no top-level await).
 */
function childArgs(moduleFormat: ModuleFormat, load: string, first: string): string[] {
  const body = `const t0 = performance.now(); ${load}; const t1 = performance.now(); ${first}; const t2 = performance.now(); console.log((t1 - t0) + ' ' + (t2 - t1));`;
  return moduleFormat === 'ESM'
    ? ['--input-type=module', '-e', body]
    : [
        '-e',
        `(async () => { ${body} })().catch((error) => { console.error(error); process.exitCode = 1; });`,
      ];
}

/** `const { names } = <the module>` in the format's own way of loading it. */
function loadModule(moduleFormat: ModuleFormat, names: string, path: string): string {
  return moduleFormat === 'ESM'
    ? `const { ${names} } = await import(${JSON.stringify(pathToFileURL(path).href)})`
    : `const { ${names} } = require(${JSON.stringify(path)})`;
}

function runCold(target: ColdTarget, cwd: string): ColdRun {
  const start = performance.now();
  const child = spawnSync(process.execPath, target.args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${target.name} failed: ${child.stderr}`);
  const [load, firstCall] = child.stdout.trim().split(' ').map(Number);
  return { wallMs, loadMs: load ?? Number.NaN, firstCallMs: firstCall ?? Number.NaN };
}

/** A signed `message:private` webhook, as the children build it: the `Request` and its checks. */
function webhookScripts(setting: ColdStartSetting, nowMs: number) {
  const nonce = '83682';
  const timestamp = String(nowMs);
  const signature = rongCloudSignature(setting.appSecret, nonce, timestamp);
  const query = new URLSearchParams({ nonce, signTimestamp: timestamp, signature });
  const body = JSON.stringify(privateTextMessage);
  const text = (JSON.parse(privateTextMessage.data.content) as { content: string }).content;
  const request = `const request = new Request(${JSON.stringify(`https://bot.example.com/rongcloud/webhook?${query}`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(body)} })`;
  const ours = `${request}; const webhook = await parseRongCloudWebhook(request, { appSecret: '${setting.appSecret}', nowMs: ${nowMs} }); if (webhook.kind !== 'private-message' || webhook.text !== ${JSON.stringify(text)}) throw new Error('not parsed'); if (webhookAcknowledgement().status !== 200) throw new Error('not acknowledged')`;
  // What a rongcloud-sdk user writes (the SDK has no webhook support): the signature check with
  // node:crypto, the freshness window, JSON.parse of the body and of data.content, the answer.
  const byHand = [
    request,
    'const query = new URL(request.url).searchParams',
    "const nonce = query.get('nonce'), timestamp = query.get('signTimestamp'), signature = query.get('signature') ?? ''",
    `if (!nonce || !timestamp || !/^[0-9a-f]{40}$/.test(signature) || Math.abs(${nowMs} - Number(timestamp)) > 300000) throw new Error('bad signature parameters')`,
    `const expected = createHash('sha1').update('${setting.appSecret}' + nonce + timestamp).digest('hex')`,
    "if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) throw new Error('mismatch')",
    'const event = JSON.parse(await request.text())',
    "if (event.type !== 'message:private' || typeof event.data?.content !== 'string') throw new Error('not a private message')",
    `if (JSON.parse(event.data.content).content !== ${JSON.stringify(text)}) throw new Error('no text')`,
    "const response = new Response(JSON.stringify({ code: 200 }), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } })",
    "if (response.status !== 200) throw new Error('not acknowledged')",
  ].join('; ');
  return { ours, byHand };
}

const sdkName = (moduleFormat: ModuleFormat): string =>
  `rongcloud-sdk: ${moduleFormat === 'ESM' ? 'import()' : 'require'}, then its init (signs once)`;
const sdkWebhookName = (moduleFormat: ModuleFormat): string =>
  `rongcloud-sdk: ${moduleFormat === 'ESM' ? 'import()' : 'require'}, then a first webhook checked by hand`;

function officialTargets(setting: ColdStartSetting, nowMs: number): ColdTarget[] {
  const entry = setting.officialEntry;
  if (entry === undefined) return [];
  const { byHand } = webhookScripts(setting, nowMs);
  const targets: ColdTarget[] = [];
  for (const moduleFormat of ['ESM', 'CJS'] as const) {
    const sdk =
      moduleFormat === 'ESM'
        ? `const { default: RongSDK } = await import(${JSON.stringify(pathToFileURL(entry).href)})`
        : `const RongSDK = require(${JSON.stringify(entry)})`;
    const crypto =
      moduleFormat === 'ESM'
        ? "const { createHash, timingSafeEqual } = await import('node:crypto')"
        : "const { createHash, timingSafeEqual } = require('node:crypto')";
    targets.push(
      {
        name: sdkName(moduleFormat),
        format: moduleFormat,
        args: childArgs(
          moduleFormat,
          sdk,
          `const sdk = RongSDK({ appkey: '${setting.appKey}', secret: '${setting.appSecret}' }); if (typeof sdk.User.register !== 'function') throw new Error('no User API')`,
        ),
        firstCall: true,
        loadAnchor: sdkName(moduleFormat),
        firstCallAnchor: sdkName(moduleFormat),
      },
      {
        name: sdkWebhookName(moduleFormat),
        format: moduleFormat,
        args: childArgs(moduleFormat, `${sdk}; ${crypto}`, byHand),
        firstCall: true,
        loadAnchor: sdkWebhookName(moduleFormat),
        firstCallAnchor: sdkWebhookName(moduleFormat),
      },
    );
  }
  const superagent = (() => {
    try {
      return createRequire(entry).resolve('superagent');
    } catch {
      return undefined;
    }
  })();
  if (superagent !== undefined) {
    targets.push({
      name: "require('superagent') alone (rongcloud-sdk's HTTP client)",
      format: 'CJS',
      args: childArgs('CJS', `require(${JSON.stringify(superagent)})`, '0'),
      firstCall: false,
    });
  }
  return targets;
}

function ownTargets(setting: ColdStartSetting, nowMs: number): ColdTarget[] {
  const dist = join(setting.packageDirectory, 'dist');
  const entry = (moduleFormat: ModuleFormat): string =>
    join(dist, moduleFormat === 'ESM' ? 'index.js' : 'index.cjs');
  const { appKey, appSecret, published } = setting;
  const sign = `const signed = signRongCloudRequest({ appKey: '${appKey}', appSecret: '${appSecret}' }); if (signed.headers.Signature.length !== 40) throw new Error('not signed')`;
  const { ours } = webhookScripts(setting, nowMs);
  // ky is provider-utils' dependency, not this package's: load it from there.
  const ky = join(
    setting.workspaceDirectory,
    'provider-utils/node_modules/ky/distribution/index.js',
  );
  const answer = `async (input, init) => { if (!new Request(input, init).headers.get('Signature')) throw new Error('not signed'); return Response.json({ code: 200, userId: 'u', token: 't' }); }`;
  const targets: ColdTarget[] = [
    {
      name: "import('zod') alone (our dependency)",
      format: 'ESM',
      args: childArgs('ESM', `await import('zod')`, '0'),
      firstCall: false,
    },
    {
      name: "require('zod') alone (our dependency)",
      format: 'CJS',
      args: childArgs('CJS', `require('zod')`, '0'),
      firstCall: false,
    },
    {
      name: "import('ky') alone (loaded on the first API call)",
      format: 'ESM',
      args: childArgs('ESM', `await import(${JSON.stringify(pathToFileURL(ky).href)})`, '0'),
      firstCall: false,
    },
  ];
  for (const moduleFormat of ['ESM', 'CJS'] as const) {
    const verb = moduleFormat === 'ESM' ? 'import dist/index.js' : 'require dist/index.cjs';
    targets.push(
      {
        name: `${verb}, then signRongCloudRequest`,
        format: moduleFormat,
        args: childArgs(
          moduleFormat,
          loadModule(moduleFormat, 'signRongCloudRequest', entry(moduleFormat)),
          sign,
        ),
        firstCall: true,
        loadAnchor: sdkName(moduleFormat),
        firstCallAnchor: sdkName(moduleFormat),
      },
      {
        name: `${verb}, then a first webhook (parse + acknowledge)`,
        format: moduleFormat,
        args: childArgs(
          moduleFormat,
          loadModule(
            moduleFormat,
            'parseRongCloudWebhook, webhookAcknowledgement',
            entry(moduleFormat),
          ),
          ours,
        ),
        firstCall: true,
        loadAnchor: sdkWebhookName(moduleFormat),
        firstCallAnchor: sdkWebhookName(moduleFormat),
      },
    );
  }
  targets.push(
    {
      name: 'import dist/index.js, then rongCloudSignature',
      format: 'ESM',
      args: childArgs(
        'ESM',
        loadModule('ESM', 'rongCloudSignature', entry('ESM')),
        `if (rongCloudSignature('${appSecret}', '${published.nonce}', '${published.timestamp}') !== '${published.signature}') throw new Error('wrong signature')`,
      ),
      firstCall: true,
      loadAnchor: sdkName('ESM'),
    },
    {
      name: 'import dist/index.js, then a first registerUser',
      format: 'ESM',
      args: childArgs(
        'ESM',
        loadModule('ESM', 'createRongCloudClient', entry('ESM')),
        `const user = await createRongCloudClient({ appKey: '${appKey}', appSecret: '${appSecret}', baseUrl: 'http://rongcloud.local', fetch: ${answer} }).registerUser({ userId: 'u', name: 'n' }); if (user.token !== 't') throw new Error('no token')`,
      ),
      firstCall: true,
      loadAnchor: sdkName('ESM'),
    },
  );
  return targets;
}

/**
 * Whether zod is loaded by importing the entry, and by the first webhook after it. ESM: a
 * resolve hook refuses zod, so the import fails if zod is in its static import closure; CJS:
 * `require.cache` after the require, and after the first webhook.
 */
function zodLoads(setting: ColdStartSetting, nowMs: number): string[][] {
  const refuseZod = `export async function resolve(specifier, context, next) { const resolved = await next(specifier, context); if (/[\\\\/]zod[\\\\/]/.test(resolved.url)) throw new Error('zod refused: ' + specifier); return resolved; }`;
  const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(refuseZod)}));`;
  const { ours } = webhookScripts(setting, nowMs);
  const refused = "String(error?.message).includes('zod refused')";
  const esm = pathToFileURL(join(setting.packageDirectory, 'dist/index.js')).href;
  const cjs = join(setting.packageDirectory, 'dist/index.cjs');
  const esmScript = `let entry; try { entry = await import('${esm}'); } catch (error) { if (!(${refused})) throw error; console.log('yes n/a'); process.exit(0); } const { parseRongCloudWebhook, webhookAcknowledgement } = entry; try { ${ours}; console.log('no no'); } catch (error) { if (!(${refused})) throw error; console.log('no yes'); }`;
  const cjsScript = `(async () => { const zod = () => Object.keys(require.cache).some((path) => /[\\\\/]zod[\\\\/]/.test(path)); const { parseRongCloudWebhook, webhookAcknowledgement } = require(${JSON.stringify(cjs)}); const atImport = zod(); ${ours}; console.log((atImport ? 'yes' : 'no') + ' ' + (zod() ? 'yes' : 'no')); })().catch((error) => { console.error(error); process.exitCode = 1; });`;
  const rows: string[][] = [];
  for (const [name, args] of [
    [
      'import dist/index.js (ESM; a resolve hook refuses zod)',
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(register)}`,
        '--input-type=module',
        '-e',
        esmScript,
      ],
    ],
    ['require dist/index.cjs (CJS; require.cache read)', ['-e', cjsScript]],
  ] as const) {
    const child = spawnSync(process.execPath, args, {
      cwd: setting.packageDirectory,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
    const [atImport = '?', atWebhook = '?'] = child.stdout.trim().split(' ');
    rows.push([name, atImport, atWebhook]);
  }
  return rows;
}

/** Prints figure 3. */
export async function figureColdStart(setting: ColdStartSetting): Promise<void> {
  // One time for every signed webhook of the figure: the children check freshness against it.
  const nowMs = Date.now();
  const targets: ColdTarget[] = [
    {
      name: 'node, empty script',
      format: 'CJS',
      args: childArgs('CJS', '0', '0'),
      firstCall: false,
    },
    {
      name: 'node, empty script',
      format: 'ESM',
      args: childArgs('ESM', '0', '0'),
      firstCall: false,
    },
    ...officialTargets(setting, nowMs),
    ...(setting.distNote === undefined ? [] : ownTargets(setting, nowMs)),
  ];
  const key = (target: ColdTarget): string => `${target.format} ${target.name}`;
  const runs = new Map<string, ColdRun[]>(targets.map((target) => [key(target), []]));
  // One untimed run each warms the file system cache.
  for (const target of targets) runCold(target, setting.packageDirectory);
  for (let round = 0; round < setting.runs; round += 1) {
    for (let offset = 0; offset < targets.length; offset += 1) {
      const target = targets[(round + offset) % targets.length] as ColdTarget;
      runs.get(key(target))?.push(runCold(target, setting.packageDirectory));
    }
  }
  const runsOf = (target: ColdTarget, anchor?: string): ColdRun[] =>
    runs.get(anchor === undefined ? key(target) : `${target.format} ${anchor}`) ?? [];
  const pick = (target: ColdTarget, field: keyof ColdRun): number =>
    median(runsOf(target).map((run) => run[field]));
  const ratio = (
    target: ColdTarget,
    anchor: string | undefined,
    value: (run: ColdRun) => number,
  ) => {
    if (anchor === undefined || setting.officialEntry === undefined) return '—';
    const base = runsOf(target, anchor);
    const ratios = runsOf(target).map((run, round) => {
      const other = base[round];
      return other === undefined ? Number.NaN : value(run) / value(other);
    });
    return times(median(ratios));
  };
  const rows = targets.map((target) => [
    target.name,
    target.format,
    format(pick(target, 'wallMs'), 1),
    format(pick(target, 'loadMs'), 2),
    target.firstCall ? format(pick(target, 'firstCallMs'), 2) : '—',
    ratio(target, target.loadAnchor, (run) => run.loadMs),
    ratio(target, target.firstCallAnchor, (run) => run.loadMs + run.firstCallMs),
  ]);
  printTable(
    `3. Cold start (${setting.runs} fresh node processes per row, medians)`,
    [
      'what',
      'format',
      'process wall ms',
      'load ms',
      'first call ms',
      'load vs rongcloud-sdk',
      'load + first call vs rongcloud-sdk',
    ],
    rows,
    [
      `Wall = spawn to exit of \`${process.execPath}\` (no tsx, NODE_OPTIONS cleared); load = performance.now() around the import()/require inside the child; first call = the first call right after loading (unoptimised code, cold caches). One untimed run per row first; then rows interleave, their order rotated each round. Ratios compare ESM with ESM (rongcloud-sdk through import(), which wraps its CommonJS) and CJS with CJS (require), as medians of per-round ratios, against the rongcloud-sdk row named in the note below.`,
      setting.officialEntry === undefined
        ? 'rongcloud-sdk is not installed (a devDependency of this package), so its rows and the ratios are missing.'
        : "rongcloud-sdk: loading it loads all seven API modules with their JSON tables, superagent and underscore. Its first call is the exported factory, require('rongcloud-sdk')({ appkey, secret }), whose request.init computes the one SHA-1 signature (nonce and timestamp drawn when the module loaded) it sends with every request; our signing rows are compared with it. It has no webhook support: its webhook rows load it, then handle one signed message:private webhook the way its users would write it (build the Request, read the three query parameters, the freshness window, node:crypto SHA-1 and timingSafeEqual, JSON.parse of the body and of data.content, a 200 answer); our webhook rows are compared with those.",
      setting.distNote === undefined
        ? 'dist/ could not be built (another change may be mid-edit), so the package rows are missing.'
        : `Ours load the whole built entry (${setting.distNote}): client, webhooks, adapter and signing, plus @imbridge/core and @imbridge/provider-utils. zod is loaded by the first call that validates (a webhook's body, an API call's input), ky by the first API call. Our first webhook builds the same Request, then parseRongCloudWebhook (signature, body read with a size cap, depth-bounded JSON, the event's schema, data.content) and webhookAcknowledgement. signRongCloudRequest draws an 18-digit nonce with crypto.getRandomValues, whose first use makes Node load its Web Crypto module (rongCloudSignature, given RongCloud's published nonce and timestamp, shows the digest without it), and builds the four headers. The registerUser row goes through an injected fetch that checks the Signature header and answers at once (ky's and zod's loads, input validation, signing, form body, answer check).`,
    ],
  );
  if (setting.distNote !== undefined) {
    printTable(
      '3b. Is zod loaded?',
      ['entry', 'by the import', 'by the first webhook'],
      zodLoads(setting, nowMs),
      [
        'ESM: a module resolve hook throws for any URL under zod/, so an import that needs zod fails; CJS: whether require.cache holds a file under zod/ after the require, then after the first webhook.',
      ],
    );
  }
}
