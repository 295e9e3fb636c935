#!/usr/bin/env bash
# The main job: the demo bots answering chat messages end to end, on local defaults (no cloud
# account), printed as a client sees them: first the Tencent Cloud Chat robot (a streamed reply,
# an interrupted reply, an error reply, a group @-mention), then the RongCloud bots with Dify (the
# dify_chatflow bot as stored, and RC:StreamMsg replies keeping each user's Dify conversation),
# then the TRTC voice agent (started, driven and stopped through its admin API against a local
# TRTC: each sentence answered and streamed, the call's conversation remembered, and the stopped
# session's key refused).
#
# `bash scripts/demo.sh playground [--open] [--port N]` runs `imbridge dev` instead: the local
# vendors and a chat page on 127.0.0.1 where you talk to the example bot (or yours, with
# --bot-url) in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${1:-}" = playground ]; then
  shift
  exec pnpm --silent playground "$@"
fi
pnpm --silent demo
