#!/usr/bin/env bash
# Set-up shared by scripts/demo.sh and scripts/test.sh: on a machine with only Node (>= 20.19)
# and npm, install pnpm 10 and the workspace's dependencies (runtimes for the smoke test come
# from the npm registry as devDependencies of tools/runtimes).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
  echo "setup: installing pnpm@${PNPM_VERSION} with npm"
  npm install --global --no-fund --no-audit "pnpm@${PNPM_VERSION}" >/dev/null
fi
export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile --reporter=append-only | tail -n 3
