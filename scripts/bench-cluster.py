#!/usr/bin/env python3
"""Cluster mode benchmark: what Redis costs, and what spreading subscribers over two nodes gives.

Starts a local redis-server (append-only file, fsync every second, as the README recommends) and
release `herald` processes on loopback, then runs `herald-bench` scenarios in interleaved rounds so
that every configuration sees the same machine load:

- fan-out at full rate (PUBLISHERS publishers with WINDOW upserts in flight each, SUBSCRIBERS subscribers
  on one room) against
  * an embedded Herald (no Redis),
  * a 2-node cluster with every subscriber on node A (node B follows the stream, serving nobody),
  * the same cluster with the subscribers spread over A and B (the publisher stays on A);
- upserts/s (100 connections, window 16, 10,000 hot ids) and upsert→notification latency at
  100 upserts/s × 10 subscribers, embedded vs 1 node on Redis (before node B starts).

While each run is in its middle it samples the CPU time of every process (`/proc/PID/task/*/schedstat`),
so the report says which process saturates. Prints each round, then the medians.

Usage: scripts/bench-cluster.py [--rounds 3] [--duration 5] [--subscribers 1000] [--publishers 2] [--window 64]
                                [--bin .build/release]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "Tests" / "e2e"))

from herald_server import HeraldServer  # noqa: E402
from test_cluster import RedisServer  # noqa: E402  (the e2e suite's own redis-server, on a free port)


def cpu_seconds(pid: int) -> float:
    """CPU time of every thread of `pid` so far."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e9


def bench(bench_binary: Path, arguments: list[str], processes: dict[str, int], *, sample_after: float,
          sample_for: float) -> tuple[dict, dict[str, float]]:
    """Runs herald-bench with `arguments`; returns its JSON report and each process's CPU share (% of
    one core) over the sampled part of the run."""
    report = Path(tempfile.mkstemp(prefix="herald-bench-", suffix=".json")[1])
    run = subprocess.Popen([str(bench_binary), *arguments, "--json", str(report)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    processes = {**processes, "herald-bench": run.pid}
    time.sleep(sample_after)
    before = {name: cpu_seconds(pid) for name, pid in processes.items()}
    time.sleep(sample_for)
    after = {name: cpu_seconds(pid) for name, pid in processes.items()}
    _, errors = run.communicate()
    if run.returncode != 0:
        raise SystemExit(f"herald-bench {' '.join(arguments)} failed:\n{errors}")
    result = json.loads(report.read_text())
    report.unlink()
    return result, {name: (after[name] - before[name]) / sample_for * 100 for name in processes}


def metric(report: dict, name: str) -> float:
    return next(m["value"] for m in report["metrics"] if m["name"] == name)


def checked(report: dict) -> None:
    """Stops the benchmark when a run had an error: its figures would not mean anything."""
    figures = {m["name"]: m["value"] for m in report["metrics"]}
    for name in ("upsert errors", "errors", "unanswered", "notifications lost", "subscribe failures",
                 "connections failed"):
        if figures.get(name):
            raise SystemExit(f"a run had {name}: {json.dumps(report)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--window", type=int, default=64, help="upserts in flight per publisher")
    parser.add_argument("--bin", type=Path, default=REPO / ".build" / "release")
    args = parser.parse_args()
    herald, bench_binary = args.bin / "herald", args.bin / "herald-bench"
    quiet = ["--log-level", "warning"]
    fanout = ["fanout", "--subscribers", str(args.subscribers), "--publishers", str(args.publishers),
              "--window", str(args.window),
              "--duration", str(args.duration), "--drain", "10"]
    latency = ["fanout", "--subscribers", "10", "--publishers", "1", "--rate", "100",
               "--duration", str(args.duration), "--drain", "2"]
    upserts = ["upsert", "--connections", "100", "--window", "16", "--hot-ids", "10000",
               "--duration", str(args.duration)]
    sample = dict(sample_after=1.5 + args.duration / 4, sample_for=args.duration / 2)

    rows: dict[str, list[tuple[dict, dict[str, float]]]] = {}

    def record(name: str, result: tuple[dict, dict[str, float]]) -> None:
        report, cpu = result
        checked(report)
        rows.setdefault(name, []).append(result)
        print(f"  {name}: {summary([result])}", flush=True)

    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}", flush=True)
        embedded = HeraldServer(herald, quiet, name="embedded")
        embedded.start()
        try:
            pids = {"herald": embedded.process.pid}
            record("upserts, embedded", bench(bench_binary, upserts + ["--url", embedded.url, "--index", "e0"],
                                              pids, **sample))
            record("fan-out, embedded", bench(bench_binary, fanout + ["--url", embedded.url, "--index", "e1"],
                                              pids, **sample))
            record("latency, embedded", bench(bench_binary, latency + ["--url", embedded.url, "--index", "e2"],
                                              pids, **sample))
        finally:
            embedded.stop()
        redis = RedisServer()
        redis.start()
        nodes = [HeraldServer(herald, quiet + ["--redis-url", redis.url, "--node-id", name], name=name)
                 for name in ("a", "b")]
        try:
            a, b = nodes
            a.start()
            pids = {"node a": a.process.pid, "redis": redis.process.pid}
            record("upserts, 1 node on Redis", bench(bench_binary, upserts + ["--url", a.url, "--index", "c0"],
                                                     pids, **sample))
            record("latency, 1 node on Redis", bench(bench_binary, latency + ["--url", a.url, "--index", "c3"],
                                                     pids, **sample))
            b.start()
            pids["node b"] = b.process.pid
            record("fan-out, 2 nodes, subscribers on A", bench(
                bench_binary, fanout + ["--url", a.url, "--index", "c1"], pids, **sample))
            record("fan-out, 2 nodes, subscribers on A and B", bench(
                bench_binary, fanout + ["--url", a.url, "--subscriber-url", a.url, "--subscriber-url", b.url,
                                        "--index", "c2"], pids, **sample))
        finally:
            for node in nodes:
                node.stop()
            redis.cleanup()

    print(f"\nmedians over {args.rounds} rounds (fan-out: {args.subscribers} subscribers, {args.publishers} "
          f"publishers, window {args.window}):")
    for name, results in rows.items():
        print(f"  {name}: {summary(results)}")
    ratios = [("upserts/s, 1 node on Redis / embedded", "upserts, 1 node on Redis", "upserts, embedded", "rate"),
              ("latency p50, 1 node on Redis / embedded", "latency, 1 node on Redis", "latency, embedded", "p50"),
              ("latency p99, 1 node on Redis / embedded", "latency, 1 node on Redis", "latency, embedded", "p99"),
              ("fan-out deliveries/s, spread over A and B / all on A", "fan-out, 2 nodes, subscribers on A and B",
               "fan-out, 2 nodes, subscribers on A", "rate")]
    for label, top, bottom, figure in ratios:
        print(f"  {label}: {median_of(rows[top], figure) / median_of(rows[bottom], figure):.2f}")


def rate(report: dict) -> float:
    """The scenario's headline rate: requests/s for upserts, deliveries/s for fan-out."""
    if report["scenario"] == "upsert":
        return metric(report, "requests/s")
    return metric(report, "deliveries/s")


def median_of(results: list[tuple[dict, dict[str, float]]], figure: str) -> float:
    if figure == "rate":
        return statistics.median(rate(report) for report, _ in results)
    return statistics.median(report["latency"][figure] for report, _ in results)


def summary(results: list[tuple[dict, dict[str, float]]]) -> str:
    """Medians of `results`: the rate, p50/p99 and each process's CPU share."""
    unit = "requests/s" if results[0][0]["scenario"] == "upsert" else "deliveries/s"
    cpu = ", ".join(f"{process} {statistics.median(c[process] for _, c in results):.0f} %"
                    for process in results[0][1])
    return (f"{median_of(results, 'rate'):,.0f} {unit}, p50 {median_of(results, 'p50'):.0f} µs, "
            f"p99 {median_of(results, 'p99'):.0f} µs; CPU: {cpu}")


if __name__ == "__main__":
    main()
