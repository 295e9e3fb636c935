#!/usr/bin/env bash
# The main job: the demo bots answering chat messages end to end, on local defaults (no cloud
# account), printed as a client sees them: first the Tencent Cloud Chat robot (a streamed reply,
# an interrupted reply, an error reply, a group @-mention), then the RongCloud bots with Dify (the
# dify_chatflow bot as stored, and RC:StreamMsg replies keeping each user's Dify conversation),
# then the TRTC voice agent (started, driven and stopped through its admin API against a local
# TRTC: each sentence answered and streamed, the call's conversation remembered, and the stopped
# session's key refused).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm --silent demo
