#!/usr/bin/env bash
# Where the time of an upsert -> notification goes at a light load, stage by stage, for Herald and
# nats-server in one run: syscall tracepoints (perf, every CPU) around one `herald-bench fanout
# --against nats`, servers pinned to core 0 and herald-bench to core 1. Per message it takes
#   client send -> server's epoll wait returns -> read returns -> first notification write -> tenth,
# and prints each stage's median and 90th percentile.
#   RATE=100 SUBSCRIBERS=10 DURATION=6 scripts/latency-stages.sh   (root; needs linux-perf)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release}
PORT=${PORT:-7599}
RATE=${RATE:-100}
SUBSCRIBERS=${SUBSCRIBERS:-10}
DURATION=${DURATION:-6}
WORK=$(mktemp -d /tmp/herald-latency-stages.XXXXXX)
herald=
trap '[ -n "$herald" ] && kill "$herald" 2>/dev/null; rm -rf "$WORK"' EXIT
command -v perf >/dev/null || { echo "perf is missing (apt-get install linux-perf)" >&2; exit 1; }
command -v nats-server >/dev/null || { echo "nats-server is missing (apt-get install nats-server)" >&2; exit 1; }

taskset -c 0 "$BIN/herald" --host 127.0.0.1 --port "$PORT" --log-level warning 2>> "$WORK/herald.log" &
herald=$!
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.05; done
taskset -c 1 "$BIN/herald-bench" fanout --subscribers "$SUBSCRIBERS" --publishers 1 --rate "$RATE" \
  --duration "$DURATION" --url "ws://127.0.0.1:$PORT" --against nats --nats-port $((PORT + 20)) \
  --nats-client-port $((PORT + 21)) --nats-cpu 0 > "$WORK/bench.log" 2>&1 &
bench=$!
events=syscalls:sys_enter_sendto,syscalls:sys_exit_sendto,syscalls:sys_enter_writev,syscalls:sys_exit_writev
events=$events,syscalls:sys_exit_recvfrom,syscalls:sys_exit_read,syscalls:sys_exit_epoll_wait,syscalls:sys_exit_epoll_pwait
perf record -q -a -o "$WORK/trace.data" -e "$events" -- sleep $((2 * DURATION + 6)) > /dev/null 2>&1
wait "$bench"
perf script -i "$WORK/trace.data" > "$WORK/trace.txt" 2> /dev/null
grep -E "latency p50|latency p99 " "$WORK/bench.log"

python3 - "$WORK/trace.txt" "$SUBSCRIBERS" <<'PY'
import re, statistics, sys
line_format = re.compile(r'^\s*(\S+)\s+\d+(?:/\d+)?\s+\[\d+\]\s+([\d.]+):\s+syscalls:(sys_\w+):\s*(.*)$')
events = []
for line in open(sys.argv[1]):
    match = line_format.match(line)
    if match:
        comm, seconds, name, arguments = match.groups()
        events.append((float(seconds) * 1e6, comm, name, arguments))
subscribers = int(sys.argv[2])

def returned(arguments):
    """A syscall's return value (perf prints errors such as -EAGAIN as large unsigned numbers)."""
    match = re.search(r'0x([0-9a-f]+)$', arguments.strip())
    value = int(match.group(1), 16) if match else 0
    return value - (1 << 64) if value >= 1 << 63 else value

def stages(server):
    """Per upsert: the four stage durations, from the client's last send before the server read it."""
    rows, client_sent, woke = [], None, None
    for position, (time, comm, name, arguments) in enumerate(events):
        if comm == 'herald-bench' and name == 'sys_enter_sendto':
            client_sent = time
        elif comm == server and name.startswith('sys_exit_epoll') and returned(arguments):
            woke = time
        elif comm == server and name in ('sys_exit_recvfrom', 'sys_exit_read') and returned(arguments) > 100:
            if client_sent is None or woke is None:
                continue
            writes, last = [], None
            for later, later_comm, later_name, _ in events[position + 1:]:
                if later - time > 3000 or len(writes) >= subscribers and last is not None:
                    break
                if later_comm != server:
                    continue
                if later_name in ('sys_enter_sendto', 'sys_enter_writev'):
                    writes.append(later)
                    last = None
                elif later_name in ('sys_exit_sendto', 'sys_exit_writev') and writes:
                    last = later
            if len(writes) >= subscribers and last is not None:
                rows.append((woke - client_sent, time - woke, writes[0] - time, last - writes[0]))
    return rows

labels = ['client send -> epoll wait returns', 'epoll wait -> read returns', 'read -> first notification write',
          f'first -> {subscribers}th write returns']
for server in ('herald', 'nats-server'):
    rows = stages(server)
    print(f'{server}: {len(rows)} upserts')
    for column, label in enumerate(labels):
        values = sorted(row[column] for row in rows)
        if values:
            print(f'  {label:38s} p50 {statistics.median(values):6.0f} µs   p90 {values[int(len(values) * 0.9)]:6.0f} µs')
PY
