#!/usr/bin/env bash
# Standard benchmark suite (bounded: a few minutes). Herald (release build) and a local nats-server are
# pinned to core 0, herald-bench to core 1 when the machine has two cores. Each scenario gets a fresh
# Herald. Writes bench/results/<date>.json, <date>-latency.svg and latest.md.
#   DURATION=5 PORT=7599 OUT=bench/results scripts/bench-suite.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release}
PORT=${PORT:-7599}
NATS_PORT=${NATS_PORT:-7622}
DURATION=${DURATION:-5}
OUT=${OUT:-bench/results}
RATES=${RATES:-"30 100 300 1000"}
CONNECTIONS=${CONNECTIONS:-10000}
STAMP=$(date -u +%Y-%m-%d)
WORK=$(mktemp -d /tmp/herald-bench-suite.XXXXXX)
mkdir -p "$OUT"

if ! command -v nats-server >/dev/null; then
  echo "Installing nats-server"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server
fi
# 10k client sockets plus the servers' own: lift the soft limit (children inherit it).
ulimit -n "$(ulimit -Hn)"

if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  SERVER_PIN=(taskset -c 0); CLIENT_PIN=(taskset -c 1); NATS_CPU=(--nats-cpu 0)
else
  SERVER_PIN=(); CLIENT_PIN=(); NATS_CPU=()
fi

SERVER=
stop_herald() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi
}
start_herald() {
  stop_herald
  "${SERVER_PIN[@]}" "$BIN/herald" --host 127.0.0.1 --port "$PORT" --log-level warning &
  SERVER=$!
  for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && return 0; sleep 0.05; done
  echo "herald did not start on port $PORT" >&2; return 1
}
trap 'stop_herald; rm -rf "$WORK"' EXIT

# run NAME ARGS...: herald-bench on a fresh Herald, its JSON kept as $WORK/NAME.json, the command logged.
run() {
  local name=$1; shift
  start_herald
  local args=("$@" --url "ws://127.0.0.1:$PORT" --json "$WORK/$name.json")
  echo "== $name: herald-bench ${args[*]}"
  printf '%s\t%s\n' "$name" "herald-bench ${args[*]}" >> "$WORK/commands.tsv"
  "${CLIENT_PIN[@]}" "$BIN/herald-bench" "${args[@]}"
}

cat /proc/loadavg > "$WORK/loadavg-before"
NATS=(--against nats --nats-port "$NATS_PORT" "${NATS_CPU[@]}")
run upsert-w16 upsert --connections 100 --window 16 --duration "$DURATION"
run upsert-w1 upsert --connections 100 --window 1 --duration "$DURATION"
run upsert-w2 upsert --connections 100 --window 2 --duration "$DURATION"
# Window 64: with 16 upserts in flight one publisher is bound by its round trip, not by the server.
run fanout-max fanout --subscribers 1000 --publishers 1 --window 64 --duration "$DURATION" "${NATS[@]}"
for rate in $RATES; do
  run "fanout-rate-$rate" fanout --subscribers 1000 --publishers 1 --rate "$rate" --duration "$DURATION" "${NATS[@]}"
done
run light fanout --subscribers 10 --publishers 1 --rate 100 --duration "$DURATION" "${NATS[@]}"
start_herald
echo "== connections"
args=(connections --connections "$CONNECTIONS" --duration 3 --url "ws://127.0.0.1:$PORT" --server-pid "$SERVER"
      "${NATS[@]}" --json "$WORK/connections.json")
printf '%s\t%s\n' connections "herald-bench ${args[*]}" >> "$WORK/commands.tsv"
"${CLIENT_PIN[@]}" "$BIN/herald-bench" "${args[@]}"
stop_herald
cat /proc/loadavg > "$WORK/loadavg-after"

python3 scripts/bench-report.py --work "$WORK" --out "$OUT" --stamp "$STAMP" \
  --herald-commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --nats-version "$(nats-server --version 2>&1 | head -1)" --pinned "$([ ${#SERVER_PIN[@]} -gt 0 ] && echo yes || echo no)"
