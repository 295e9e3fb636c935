#!/usr/bin/env bash
# The whole test suite, from a fresh clone: lint, type check, unit and end-to-end tests, build,
# package checks (publint --strict, attw --pack) and the smoke test of the built packages on
# Node 20/22/24, Bun, Deno and workerd.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TURBO_TELEMETRY_DISABLED=1

step() { printf '\n== %s\n' "$1"; }

step 'lint (biome ci)'
pnpm exec biome ci --colors=off .
pnpm exec changeset status >/dev/null  # every changeset parses

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

step 'build'
pnpm exec turbo run build --output-logs=errors-only

step 'package checks (publint --strict, attw --pack)'
pnpm exec turbo run check:package --output-logs=errors-only

step 'API reference (typedoc; every export documented, links valid)'
pnpm exec typedoc --logLevel Warn

step 'smoke test of the built packages on every runtime'
pnpm smoke

echo
echo 'all checks passed'
echo "$summary"
