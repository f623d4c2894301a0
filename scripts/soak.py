#!/usr/bin/env python3
"""Soak test: herald under fan-out at a quarter of its measured capacity for SOAK_SECONDS (default 600)
while connections churn at 1 % per second; the server's RSS and open file descriptors must come
back to their baseline and nothing may fail.

1. Start the release herald; measure fan-out capacity with `herald-bench fanout` (max rate).
2. Record the idle baseline (RSS, fds) once the capacity run's clients are gone.
3. Run `herald-bench fanout` at a quarter of that rate for SOAK_SECONDS (the capacity is measured
   in 5 s on a shared machine: the margin keeps a neighbour's load from turning the soak into an
   overload test); meanwhile a churn pool closes and reopens 1 % of all connections every second
   (each reopened one subscribes to its own filter, creating and dropping rooms, and sends a
   request).
4. Every 5 s sample RSS, fds and the open connection count (written to .build-soak/soak.csv).
5. Checks: no upsert error, no lost notification, no failed churn request, no error or warning
   in the server log; RSS under load does not trend up; idle RSS and fds return to the baseline;
   SIGTERM exits 0.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))

from herald_server import HeraldServer  # noqa: E402
from raw_ws import OP_TEXT, RawClient, encode_frame  # noqa: E402

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
SUBSCRIBERS = int(os.environ.get("SOAK_SUBSCRIBERS", "1000"))
CHURN_POOL = int(os.environ.get("SOAK_CHURN_POOL", "200"))
SAMPLE_EVERY_S = 5.0
OUT = ROOT / ".build-soak"
BIN = ROOT / ".build" / "release"


def bench(url: str, *args: str) -> dict:
    report = Path(tempfile.mkstemp(suffix=".json", dir=OUT)[1])
    subprocess.run([str(BIN / "herald-bench"), "fanout", "--url", url, "--subscribers", str(SUBSCRIBERS),
                    "--json", str(report), *args], check=True, stdout=subprocess.DEVNULL)
    result = json.loads(report.read_text())
    return {m["name"]: m["value"] for m in result["metrics"]}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def connections(server: HeraldServer) -> int:
    host, port = server.address()
    with urllib.request.urlopen(f"http://{host}:{port}/_healthcheck", timeout=30) as response:
        return json.loads(response.read())["connections"]


class Churn:
    """A pool of connections of which 1 % of all server connections are replaced every second."""

    def __init__(self, server: HeraldServer, per_second: int) -> None:
        self.server = server
        self.per_second = per_second
        self.pool: list[RawClient] = []
        self.opened = 0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.rng = random.Random(7)

    def open_one(self) -> RawClient:
        client = RawClient(*self.server.address(), timeout=30)
        client.handshake()
        number = self.opened
        self.opened += 1
        frames = [
            {"controller": "realtime", "action": "subscribe", "index": "herald-bench", "collection": "bench",
             "requestId": "s", "body": {"equals": {"churn": number}}},
            {"controller": "server", "action": "now", "requestId": "n"},
        ]
        client.send(b"".join(encode_frame(OP_TEXT, json.dumps(f).encode()) for f in frames))
        for _ in frames:
            frame = client.next_frame(10)
            answer = json.loads(frame.payload) if frame is not None else {"status": "closed"}
            if answer.get("status") != 200:
                self.failures.append(str(answer)[:300])
        return client

    def run(self) -> None:
        try:
            self.pool = [self.open_one() for _ in range(CHURN_POOL)]
            next_tick = time.monotonic()
            while not self.stop.is_set():
                for _ in range(self.per_second):
                    victim = self.pool.pop(self.rng.randrange(len(self.pool)))
                    victim.close()
                    self.pool.append(self.open_one())
                next_tick += 1
                self.stop.wait(max(0.0, next_tick - time.monotonic()))
        except Exception as exc:  # noqa: BLE001 - reported as a soak failure
            self.failures.append(f"churn stopped: {exc!r}")
        finally:
            for client in self.pool:
                client.close()


def main() -> int:
    OUT.mkdir(exist_ok=True)
    # herald-bench subscribers send nothing once subscribed: keep the idle timeout out of the way.
    idle_timeout = str(min(65535, int(SOAK_SECONDS) + 300))
    server = HeraldServer(BIN / "herald", ["--log-level", "notice", "--idle-timeout", idle_timeout], name="soak")
    server.start()
    pid = server.process.pid
    url = server.url.rstrip("/")
    problems: list[str] = []
    try:
        capacity = bench(url, "--duration", "5")["deliveries/s"]
        rate = capacity / 4 / SUBSCRIBERS
        time.sleep(2)
        base_rss, base_fds = rss_mb(pid), fds(pid)
        print(f"soak: capacity {capacity:,.0f} deliveries/s -> {rate:,.1f} upserts/s x {SUBSCRIBERS} subscribers "
              f"for {SOAK_SECONDS:.0f} s; idle baseline RSS {base_rss:.1f} MB, {base_fds} fds", flush=True)

        churn = Churn(server, per_second=max(1, (SUBSCRIBERS + CHURN_POOL) // 100))
        churner = threading.Thread(target=churn.run, daemon=True)
        churner.start()
        report_path = OUT / "soak-fanout.json"
        load = subprocess.Popen([str(BIN / "herald-bench"), "fanout", "--url", url, "--subscribers", str(SUBSCRIBERS),
                                 "--rate", f"{rate:.2f}", "--duration", str(SOAK_SECONDS), "--json", str(report_path)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples: list[tuple[float, float, int, int]] = []
        started = time.monotonic()
        with (OUT / "soak.csv").open("w") as csv:
            csv.write("seconds,rss_mb,fds,connections\n")
            while load.poll() is None:
                sample = (time.monotonic() - started, rss_mb(pid), fds(pid), connections(server))
                samples.append(sample)
                csv.write("%.0f,%.1f,%d,%d\n" % sample)
                csv.flush()
                if len(samples) % 6 == 1:
                    print("soak: t=%4.0fs  RSS %6.1f MB  fds %5d  connections %5d" % sample, flush=True)
                time.sleep(SAMPLE_EVERY_S)
        churn.stop.set()
        churner.join(30)
        if load.returncode != 0:
            problems.append(f"herald-bench exited with {load.returncode}")
        metrics = json.loads(report_path.read_text())["metrics"]
        figures = {m["name"]: m["value"] for m in metrics}
        for name in ("upsert errors", "notifications lost", "unexpected frames", "subscribe failures",
                     "connections failed"):
            if figures.get(name, 0) != 0:
                problems.append(f"{name}: {figures[name]:.0f}")
        problems += [f"churn: {f}" for f in churn.failures[:5]]

        population = SUBSCRIBERS + CHURN_POOL
        fewest = min((s[3] for s in samples if 10 < s[0] < SOAK_SECONDS - 5), default=population)
        if fewest < population * 0.95:
            problems.append(f"connections dropped during the run: {fewest} of {population} open")

        time.sleep(3)
        end_rss, end_fds = rss_mb(pid), fds(pid)
        loaded = [s[1] for s in samples if s[0] > 10]
        quarter = max(1, len(loaded) // 4)
        early, late = sum(loaded[quarter:2 * quarter]) / quarter, sum(loaded[-quarter:]) / quarter
        peak = max(loaded, default=base_rss)
        print(f"soak: {figures.get('deliveries/s', 0):,.0f} deliveries/s, latency p99 "
              f"{json.loads(report_path.read_text()).get('latency', {}).get('p99', 0) / 1000:.1f} ms, "
              f"{churn.opened} churned connections; RSS early {early:.1f} / late {late:.1f} / peak {peak:.1f} MB; "
              f"idle after: RSS {end_rss:.1f} MB (baseline {base_rss:.1f}), fds {end_fds} (baseline {base_fds})",
              flush=True)
        if late > early * 1.10 + 8:
            problems.append(f"RSS grew under steady load: {early:.1f} -> {late:.1f} MB")
        if end_rss > base_rss * 1.15 + 8:
            problems.append(f"idle RSS did not come back: {base_rss:.1f} -> {end_rss:.1f} MB")
        if end_fds != base_fds:
            problems.append(f"open fds did not come back: {base_fds} -> {end_fds}")
        log = server.log_since(0)
        bad = [line for line in log.splitlines() if any(f" {level} " in line for level in ("warning", "error", "critical"))]
        if bad:
            problems.append(f"{len(bad)} warning/error lines in the server log, e.g. {bad[0]}")
    finally:
        if server.process is not None and server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
            code = server.process.wait(15)
            if code != 0:
                problems.append(f"herald exited with {code} on SIGTERM")
    if problems:
        print("soak: FAILED\n  " + "\n  ".join(problems))
        return 1
    print("soak: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
