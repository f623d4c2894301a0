#!/usr/bin/env bash
# Interleaved Herald/nats-server latency pairs (issue 16, item 1): PAIRS runs of
# `herald-bench fanout --against nats` at one load, each on a fresh Herald, servers pinned to core 0
# and herald-bench to core 1. For each pair it records both servers' p50/p99 and their CPU time per
# upsert (summed over every thread's /proc/PID/task/*/schedstat during the middle of each phase),
# then prints the medians and the median ratios.
#   PAIRS=5 RATE=100 SUBSCRIBERS=10 DURATION=5 scripts/latency-pairs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release}
PORT=${PORT:-7599}
PAIRS=${PAIRS:-5}
RATE=${RATE:-100}
SUBSCRIBERS=${SUBSCRIBERS:-10}
DURATION=${DURATION:-5}
WORK=$(mktemp -d /tmp/herald-latency-pairs.XXXXXX)
herald=
trap '[ -n "$herald" ] && kill "$herald" 2>/dev/null; rm -rf "$WORK"' EXIT
command -v nats-server >/dev/null || { echo "nats-server is missing (apt-get install nats-server)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

# cpu_ns PID: nanoseconds on CPU so far, every thread of PID.
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'; }
# sample PID SECONDS: nanoseconds on CPU spent by PID over the next SECONDS.
sample() { local before after; before=$(cpu_ns "$1"); sleep "$2"; after=$(cpu_ns "$1"); echo $((after - before)); }

WINDOW=$(awk -v d="$DURATION" 'BEGIN { w = d - 2; print (w < 1 ? 1 : w) }')
cat /proc/loadavg > "$WORK/loadavg-before"
for pair in $(seq "$PAIRS"); do
  taskset -c 0 "$BIN/herald" --host 127.0.0.1 --port "$PORT" --log-level warning 2>> "$WORK/herald.log" &
  herald=$!
  for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.05; done
  taskset -c 1 "$BIN/herald-bench" fanout --subscribers "$SUBSCRIBERS" --publishers 1 --rate "$RATE" \
    --duration "$DURATION" --url "ws://127.0.0.1:$PORT" --against nats --nats-port $((PORT + 20)) \
    --nats-client-port $((PORT + 21)) --nats-cpu 0 --json "$WORK/pair-$pair.json" > "$WORK/pair-$pair.log" 2>&1 &
  bench=$!
  sleep 1.5
  herald_cpu=$(sample "$herald" "$WINDOW")
  nats=
  for _ in $(seq 200); do nats=$(pgrep -n -x nats-server || true); [ -n "$nats" ] && break; sleep 0.05; done
  sleep 1.5
  nats_cpu=$( [ -n "$nats" ] && sample "$nats" "$WINDOW" || echo 0)
  wait "$bench"
  kill "$herald"; wait "$herald" 2>/dev/null || true
  printf '%s\t%s\t%s\n' "$pair" "$herald_cpu" "$nats_cpu" >> "$WORK/cpu.tsv"
done
cat /proc/loadavg > "$WORK/loadavg-after"

python3 - "$WORK" "$RATE" "$WINDOW" "$SUBSCRIBERS" <<'PY'
import json, statistics, sys
work, rate, window, subscribers = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rows = []
for line in open(f"{work}/cpu.tsv"):
    pair, herald_cpu, nats_cpu = line.split()
    report = json.load(open(f"{work}/pair-{pair}.json"))
    h, n = report["herald"]["latency"], report["nats"]["latency"]
    per_upsert = lambda ns: float(ns) / 1000 / (rate * window)
    rows.append((h["p50"], h["p99"], n["p50"], n["p99"], per_upsert(herald_cpu), per_upsert(nats_cpu)))
    print(f"pair {pair}: Herald p50 {h['p50']} µs p99 {h['p99']} µs CPU/upsert {rows[-1][4]:.0f} µs | "
          f"nats p50 {n['p50']} µs p99 {n['p99']} µs CPU/upsert {rows[-1][5]:.0f} µs")
median = lambda i: statistics.median(r[i] for r in rows)
ratio = lambda i, j: statistics.median(r[i] / r[j] for r in rows if r[j])
print(f"load average before/after: {open(work + '/loadavg-before').read().split()[0]} / "
      f"{open(work + '/loadavg-after').read().split()[0]}")
print(f"{rate:g}/s x {subscribers} subscribers, {len(rows)} interleaved pairs, medians:")
print(f"  p50  Herald {median(0):.0f} µs  nats {median(2):.0f} µs  ratio {ratio(0, 2):.2f}")
print(f"  p99  Herald {median(1):.0f} µs  nats {median(3):.0f} µs  ratio {ratio(1, 3):.2f}")
print(f"  server CPU per upsert  Herald {median(4):.0f} µs  nats {median(5):.0f} µs  ratio {ratio(4, 5):.2f}")
PY
