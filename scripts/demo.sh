#!/usr/bin/env bash
# The main job: the demo bot answering a chat message end to end, on local defaults (no cloud
# account): a streamed reply, an interrupted reply and an error reply, printed as a client sees them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm --silent demo
