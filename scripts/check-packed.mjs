#!/usr/bin/env node
// "Try it as a new user": the packed packages, installed from their tarballs into an empty
// project outside the workspace. Run after the build (scripts/test.sh does):
//
//   pnpm build && node scripts/check-packed.mjs
//
// 1. `pnpm pack` of every packages/* package (as `pnpm publish` packs it: the root
//    .pnpmfile.cjs strips the `@imbridge/source` export condition), and checks of each tarball:
//    no source condition or `workspace:` range in package.json, LICENSE (equal to the root one),
//    README.md and dist present, every file the exports point at present.
// 2. An empty project (in the OS temp folder) that `npm install`s the tarballs; third-party
//    dependencies and @types/node come from the npm registry (or npm's cache).
// 3. The README code blocks marked ```ts quickstart (and ```ts quickstart continued, which is
//    checked together with the quick start before it) are type-checked there with the
//    workspace's TypeScript, in a fresh strict tsconfig with `module: nodenext`, as a user
//    would compile them. Errors name the README file and line.
// 4. Every export of every package (`@imbridge/core/testing`, `@imbridge/tencent-chat/user-sig`…)
//    is loaded with `require()` and with `import`; both must succeed, expose the same names, and
//    report the package's version.
// 5. Every bin a package declares (`imbridge`) runs from node_modules/.bin as npm linked it:
//    `--version` prints the package's version, `--help` exits 0, and the bin's `checks` (below)
//    pass, with no settings but the ones given.
// Temp folders are removed at the end (kept, and named, with `--keep`, to look at the
// project). Plain Node ESM: Node built-ins only.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  listPackages,
  packWithPnpm,
  ROOT,
  readTarball,
  run,
  tarballProblems,
} from './lib/packing.mjs';

/** The marker in a fence's info string: ```ts quickstart */
const QUICKSTART_MARKER = 'quickstart';
/** Added after the marker for a block that continues the quick start before it. */
const CONTINUED_MARKER = 'continued';
const NPM_INSTALL_TIMEOUT_MS = 90_000;
const TSC_TIMEOUT_MS = 60_000;
const LOAD_TIMEOUT_MS = 30_000;

/** Commands each bin must run as installed: arguments, extra environment, expected exit code. */
const BIN_CHECKS = {
  imbridge: [
    { args: ['--help'], env: {}, code: 0 },
    {
      args: ['usersig', 'generate', 'alice', '--json'],
      env: { TENCENT_IM_SDK_APP_ID: '1400000000', TENCENT_IM_SECRET_KEY: 'check-packed-secret' },
      code: 0,
      mustNotPrint: 'check-packed-secret',
    },
    // No settings at all: exit code 3 (configuration missing), not a crash.
    { args: ['usersig', 'generate', 'alice'], env: {}, code: 3 },
  ],
};

const startedAt = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const failures = [];
const fail = (title, details) => failures.push({ title, details });

// Children run without NODE_OPTIONS (which could add `--conditions=@imbridge/source`) and
// without the variables `pnpm run` sets for its scripts.
const CHILD_ENVIRONMENT = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) =>
      name !== 'NODE_OPTIONS' &&
      !/^npm_(package_|lifecycle_|config_user_agent$|execpath$|node_execpath$|command$)/.test(name),
  ),
);

/** Markdown files whose marked blocks are checked. */
function markdownFiles() {
  const files = [join(ROOT, 'README.md')];
  for (const { directory } of listPackages()) files.push(join(directory, 'README.md'));
  const docs = join(ROOT, 'docs');
  for (const name of readdirSync(docs)) if (name.endsWith('.md')) files.push(join(docs, name));
  return files.filter((file) => existsSync(file));
}

/**
 * The quick starts of one Markdown file: each ```ts quickstart block, with the
 * ```ts quickstart continued blocks after it appended. Each line keeps its place in the file.
 */
function quickStarts(file) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const groups = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/.exec(lines[index] ?? '');
    if (!open) continue;
    const fence = open[1] ?? '```';
    const words = (open[2] ?? '').trim().split(/\s+/);
    const body = [];
    let end = index + 1;
    const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
    while (end < lines.length && !close.test(lines[end] ?? '')) {
      body.push({ text: lines[end] ?? '', line: end + 1 });
      end += 1;
    }
    const marked =
      ['ts', 'typescript'].includes(words[0] ?? '') && words.includes(QUICKSTART_MARKER);
    if (marked) {
      if (words.includes(CONTINUED_MARKER)) {
        const previous = groups.at(-1);
        if (!previous) {
          fail(
            `${relative(ROOT, file)}:${index + 1}: a "quickstart ${CONTINUED_MARKER}" block without a quick start before it`,
            '',
          );
        } else previous.lines.push(...body);
      } else groups.push({ line: index + 1, lines: body });
    }
    index = end;
  }
  return groups;
}

/** Writes every quick start as a module of the project; returns where each line came from. */
function writeQuickStarts(projectDirectory) {
  const directory = join(projectDirectory, 'quickstart');
  mkdirSync(directory);
  const origins = new Map();
  let count = 0;
  for (const file of markdownFiles()) {
    const relativeFile = relative(ROOT, file).split('\\').join('/');
    for (const group of quickStarts(file)) {
      const name = `${relativeFile.replace(/[^A-Za-z0-9]+/g, '-')}-L${group.line}.ts`;
      writeFileSync(join(directory, name), `${group.lines.map((line) => line.text).join('\n')}\n`);
      origins.set(`quickstart/${name}`, { file: relativeFile, lines: group.lines });
      count += 1;
    }
  }
  return { origins, count };
}

/** tsc's diagnostics, with positions in generated files mapped back to README lines. */
function mapDiagnostics(output, origins) {
  return output
    .split(/\r?\n/)
    .map((text) => {
      const match = /^(quickstart\/[^(]+)\((\d+),(\d+)\): (.*)$/.exec(text);
      const origin = match && origins.get(match[1]);
      if (!match || !origin) return text;
      const line = origin.lines[Number(match[2]) - 1];
      if (!line) return `${origin.file}: ${match[4]}`;
      return `${origin.file}:${line.line}:${match[3]}: ${match[4]}\n    > ${line.text.trim()}`;
    })
    .join('\n');
}

/** Every subpath of a package's exports that is code (not `./package.json`), as a specifier. */
function specifiersOf(manifest) {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((subpath) => !subpath.endsWith('.json') && !subpath.includes('*'))
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

const LOAD_CJS = `const results = {};
for (const specifier of process.argv.slice(2)) {
  try {
    const loaded = require(specifier);
    results[specifier] = { names: Object.keys(loaded).sort(), version: loaded.VERSION };
  } catch (error) {
    results[specifier] = { error: String(error && error.stack || error) };
  }
}
console.log(JSON.stringify(results));
`;

const LOAD_MJS = `const results = {};
for (const specifier of process.argv.slice(2)) {
  try {
    const loaded = await import(specifier);
    const names = Object.keys(loaded).filter((name) => name !== 'default').sort();
    results[specifier] = { names, version: loaded.VERSION };
  } catch (error) {
    results[specifier] = { error: String(error?.stack ?? error) };
  }
}
console.log(JSON.stringify(results));
`;

async function loadAll(projectDirectory, file, specifiers) {
  const result = await run(process.execPath, [file, ...specifiers], {
    cwd: projectDirectory,
    env: CHILD_ENVIRONMENT,
    timeoutMs: LOAD_TIMEOUT_MS,
  });
  if (result.code !== 0) {
    fail(`node ${file} failed${result.timedOut ? ' (timed out)' : ''}`, result.stderr);
    return {};
  }
  return JSON.parse(result.stdout);
}

/** Runs every declared bin from node_modules/.bin; returns the number of commands run. */
async function checkBins(projectDirectory, packages) {
  // The environment of a new user's shell: none of this workspace's vendor settings.
  const environment = Object.fromEntries(
    Object.entries(CHILD_ENVIRONMENT).filter(
      ([name]) => !/^(TENCENT|RONGCLOUD|TRTC|LLM|DIFY|MINIMAX)/.test(name),
    ),
  );
  let commands = 0;
  for (const { manifest } of packages) {
    const bins =
      typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : manifest.bin;
    for (const name of Object.keys(bins ?? {})) {
      const file = join(projectDirectory, 'node_modules', '.bin', name);
      if (!existsSync(file)) {
        fail(`${manifest.name}: bin "${name}" is not linked in node_modules/.bin`, '');
        continue;
      }
      const checks = [
        { args: ['--version'], env: {}, code: 0, stdout: manifest.version },
        ...(BIN_CHECKS[name] ?? []),
      ];
      for (const check of checks) {
        commands += 1;
        const result = await run(file, check.args, {
          cwd: projectDirectory,
          env: { ...environment, ...check.env },
          timeoutMs: LOAD_TIMEOUT_MS,
        });
        const printed = `${result.stdout}${result.stderr}`;
        const command = `${name} ${check.args.join(' ')}`;
        if (result.code !== check.code) {
          fail(`\`${command}\` exited ${result.code}, expected ${check.code}`, printed);
        } else if (check.stdout !== undefined && !result.stdout.includes(check.stdout)) {
          fail(`\`${command}\` did not print ${check.stdout}`, printed);
        } else if (check.mustNotPrint !== undefined && printed.includes(check.mustNotPrint)) {
          fail(`\`${command}\` printed a secret`, '');
        }
      }
    }
  }
  return commands;
}

async function main() {
  const packages = listPackages();
  const temporaryDirectory = mkdtempSync(join(tmpdir(), 'imbridge-check-packed-'));
  const cleanUp = () => {
    if (process.argv.includes('--keep')) console.log(`kept ${temporaryDirectory}`);
    else rmSync(temporaryDirectory, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  try {
    // 1. Pack and inspect.
    let phase = performance.now();
    const tarballDirectory = join(temporaryDirectory, 'tarballs');
    mkdirSync(tarballDirectory);
    const tarballs = await Promise.all(
      packages.map(({ directory }) => packWithPnpm(directory, tarballDirectory)),
    );
    packages.forEach(({ manifest }, index) => {
      const problems = tarballProblems(readTarball(tarballs[index]), manifest);
      if (problems.length > 0) fail(`${manifest.name}: the packed tarball is wrong`, problems);
    });
    console.log(`packed ${packages.length} packages (${seconds(phase)})`);

    // 2. A new project installs the tarballs.
    phase = performance.now();
    const projectDirectory = join(temporaryDirectory, 'project');
    mkdirSync(projectDirectory);
    writeFileSync(
      join(projectDirectory, 'package.json'),
      `${JSON.stringify({ name: 'imbridge-new-user', private: true, type: 'module' }, null, 2)}\n`,
    );
    const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const typesNode = `@types/node@${rootManifest.devDependencies['@types/node']}`;
    const install = await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        ...tarballs,
        typesNode,
      ],
      { cwd: projectDirectory, env: CHILD_ENVIRONMENT, timeoutMs: NPM_INSTALL_TIMEOUT_MS },
    );
    if (install.code !== 0) {
      fail(
        `npm install of the tarballs failed${install.timedOut ? ' (timed out)' : ''}`,
        `${install.stdout}${install.stderr}`,
      );
      return;
    }
    console.log(`installed the tarballs in an empty project with npm (${seconds(phase)})`);

    // 3 and 4 run side by side.
    phase = performance.now();
    const { origins, count } = writeQuickStarts(projectDirectory);
    writeFileSync(
      join(projectDirectory, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: 'es2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            moduleDetection: 'force',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          include: ['quickstart'],
        },
        null,
        2,
      )}\n`,
    );
    const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
    writeFileSync(join(projectDirectory, 'load.cjs'), LOAD_CJS);
    writeFileSync(join(projectDirectory, 'load.mjs'), LOAD_MJS);
    const specifiers = packages.flatMap(({ manifest }) => specifiersOf(manifest));
    const [typeCheck, fromRequire, fromImport] = await Promise.all([
      count === 0
        ? Promise.resolve({ code: 0, stdout: '', stderr: '' })
        : run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
            cwd: projectDirectory,
            env: CHILD_ENVIRONMENT,
            timeoutMs: TSC_TIMEOUT_MS,
          }),
      loadAll(projectDirectory, 'load.cjs', specifiers),
      loadAll(projectDirectory, 'load.mjs', specifiers),
    ]);

    if (count === 0) {
      fail(`no \`\`\`ts ${QUICKSTART_MARKER} block found in the READMEs`, '');
    } else if (typeCheck.code !== 0) {
      fail(
        `README quick starts do not compile (tsc, strict, module nodenext)${typeCheck.timedOut ? ' (timed out)' : ''}`,
        mapDiagnostics(`${typeCheck.stdout}${typeCheck.stderr}`.trim(), origins),
      );
    }
    const version = new Map(
      packages.flatMap(({ manifest }) =>
        specifiersOf(manifest).map((specifier) => [specifier, manifest.version]),
      ),
    );
    for (const specifier of specifiers) {
      const cjs = fromRequire[specifier];
      const esm = fromImport[specifier];
      if (!cjs || !esm) continue; // the loader itself failed (reported above)
      if (cjs.error) fail(`require('${specifier}') failed`, cjs.error);
      if (esm.error) fail(`import('${specifier}') failed`, esm.error);
      if (cjs.error || esm.error) continue;
      if (esm.names.length === 0) fail(`import('${specifier}') exports nothing`, '');
      if (cjs.names.join() !== esm.names.join()) {
        const onlyCjs = cjs.names.filter((name) => !esm.names.includes(name));
        const onlyEsm = esm.names.filter((name) => !cjs.names.includes(name));
        fail(`'${specifier}' exports different names from CJS and ESM`, [
          `only in require(): ${onlyCjs.join(', ') || '-'}`,
          `only in import: ${onlyEsm.join(', ') || '-'}`,
        ]);
      }
      for (const [how, loaded] of [
        ['require()', cjs],
        ['import', esm],
      ]) {
        if (loaded.version !== undefined && loaded.version !== version.get(specifier)) {
          fail(
            `'${specifier}' via ${how} reports VERSION ${JSON.stringify(loaded.version)}, not ${version.get(specifier)}`,
            '',
          );
        }
      }
    }
    console.log(
      `type-checked ${count} README quick starts; loaded ${specifiers.length} entries with require() and import (${seconds(phase)})`,
    );

    // 5. The bins, as npm linked them.
    phase = performance.now();
    const bins = await checkBins(projectDirectory, packages);
    console.log(`ran ${bins} installed bin commands (${seconds(phase)})`);
  } finally {
    cleanUp();
  }
}

try {
  await main();
} catch (error) {
  fail('check-packed crashed', String(error?.stack ?? error));
}
if (failures.length > 0) {
  console.error(`\ncheck-packed: ${failures.length} problem(s) (${seconds(startedAt)})`);
  for (const { title, details } of failures) {
    console.error(`\n✗ ${title}`);
    const text = Array.isArray(details) ? details.map((line) => `- ${line}`).join('\n') : details;
    if (text) console.error(text.replace(/^/gm, '  '));
  }
  process.exitCode = 1;
} else {
  console.log(`check-packed: all good (${seconds(startedAt)})`);
}
