#!/usr/bin/env node
// The `check:package` script of every published package (run in the package's folder):
//
//   node ../../scripts/check-package.mjs
//
// Packs the package with pnpm, as `pnpm publish` will (the root .pnpmfile.cjs strips the
// `@imbridge/source` export condition from the packed package.json; `npm pack`, which
// `attw --pack` and `publint`'s npm mode use, would not), then checks that tarball: no source
// condition or `workspace:` range left, LICENSE (equal to the root one), README.md and dist
// present, then `publint --strict` and `attw` (are the types wrong) on the tarball itself.
// Plain Node ESM: only Node built-ins and the workspace's publint and attw.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IS_WINDOWS,
  packWithPnpm,
  ROOT,
  readTarball,
  run,
  tarballProblems,
} from './lib/packing.mjs';

const packageDirectory = process.cwd();
const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8'));
const bin = (name) => join(ROOT, 'node_modules', '.bin', IS_WINDOWS ? `${name}.cmd` : name);

const temporaryDirectory = mkdtempSync(join(tmpdir(), 'imbridge-check-package-'));
let failed = false;
try {
  const tarball = await packWithPnpm(packageDirectory, temporaryDirectory);
  const problems = tarballProblems(readTarball(tarball), manifest);
  if (problems.length > 0) {
    failed = true;
    console.error(`${manifest.name}: the packed tarball is wrong:`);
    for (const problem of problems) console.error(`  - ${problem}`);
  } else {
    console.log(`${manifest.name}: tarball OK (no source condition; LICENSE, README.md, dist)`);
  }
  for (const [name, args] of [
    ['publint', ['run', tarball, '--strict']],
    ['attw', [tarball]],
  ]) {
    const result = await run(bin(name), args, { cwd: packageDirectory });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (result.code !== 0) {
      failed = true;
      console.error(`${manifest.name}: ${name} failed (exit code ${result.code})`);
    }
  }
} finally {
  rmSync(temporaryDirectory, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
