#!/usr/bin/env bash
# The whole test suite, from a fresh clone: lint, type check, unit and end-to-end tests, build,
# package checks (publint --strict and attw on the pnpm-packed tarballs), the packed packages
# installed into an empty project (README quick starts type-checked, every entry loaded) and
# the smoke test of the built packages on Node 20/22/24, Bun, Deno and workerd.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TURBO_TELEMETRY_DISABLED=1

# Servers and browsers some tests use for real (never mocked), from Debian's packages when
# missing: redis-server for @imbridge/redis and the multi-instance scenarios (each test run
# starts its own on a free loopback port and stops it), and Chromium for the playground's
# browser test (`imbridge dev`, driven headless with playwright-core).
need_debian_package() { # <command> <package>
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "test: installing $2 with apt-get (needed by the tests)"
  local sudo=''
  [ "$(id -u)" -ne 0 ] && sudo='sudo'
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need_debian_package redis-server redis-server
need_debian_package chromium chromium

step() { printf '\n== %s\n' "$1"; }

step 'lint (biome ci)'
pnpm exec biome ci --colors=off .
pnpm exec changeset status >/dev/null  # every changeset parses
for package in packages/*/; do  # npm packs the package folder's LICENSE: keep each a copy of ours
  if ! cmp -s LICENSE "${package}LICENSE"; then
    echo "${package}LICENSE is missing or differs from LICENSE: cp LICENSE ${package}" >&2
    exit 1
  fi
done

step 'type check'
pnpm exec turbo run typecheck --output-logs=errors-only

step 'unit and end-to-end tests (vitest)'
report=$(mktemp)
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
summary=$(node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  if (r.numTotalTests === 0) { console.error("no tests ran"); process.exit(1); }
' "$report")
echo "$summary"
[ "$status" -eq 0 ] || exit "$status"
echo 'delivery promise under faults (tests/reliability, decision 0011):'
node tests/reliability/src/harness/report.mjs | tail -n 1

step 'the Next.js recipe (examples/mount-nextjs: a real next build and next start, run alone)'
pnpm exec vitest run --root examples/mount-nextjs --reporter=dot

step 'build'
pnpm exec turbo run build --output-logs=errors-only

step 'package checks (pnpm pack; publint --strict and attw on the tarball)'
pnpm exec turbo run check:package --output-logs=errors-only

step 'the packed packages as a new user gets them (npm install, README quick starts, require/import)'
node scripts/check-packed.mjs

step 'API reference (typedoc; every export documented, links valid)'
pnpm exec typedoc --logLevel Warn

step 'smoke test of the built packages on every runtime'
pnpm smoke

echo
echo 'all checks passed'
echo "$summary"
