#!/usr/bin/env bash
# Quick benchmark: Herald pinned to core 0, herald-bench to core 1 (when there are two cores).
#   1. upserts/s over 100 connections (window 16, unique ids);
#   2. notifications/s to 1000 subscribers of one room (one publisher, max rate).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release
PORT=${PORT:-7599}
DURATION=${DURATION:-5}
OUT=${OUT:-bench/results}
mkdir -p "$OUT"

pin() { if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

pin 0 "$BIN/herald" --host 127.0.0.1 --port "$PORT" --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
pin 1 "$BIN/herald-bench" upsert --url "ws://127.0.0.1:$PORT" --connections 100 --window 16 \
  --duration "$DURATION" --json "$OUT/quick-upsert-$stamp.json"
pin 1 "$BIN/herald-bench" fanout --url "ws://127.0.0.1:$PORT" --subscribers 1000 --publishers 1 \
  --duration "$DURATION" --json "$OUT/quick-fanout-$stamp.json"
