"""Slow consumers: many subscribers receive a steady stream while 1 % of them stop reading. The
stalled ones must be closed (1011) within 10 s, the others' delivery rate and latency must not
suffer, and the server's memory must stay bounded.

Sizes come from the environment so that CI stays short: SLOW_SUBSCRIBERS (1000),
SLOW_RATE (publications per second, 100), SLOW_PHASE_S (seconds per phase, 6). SLOW_P99_SLACK_MS
(10) is the latency tolerance added to the 20 %: the probes are timed by this Python process, whose
own scheduling puts their p99 floor near 8 ms on the 2-core CI box (the server's own light-load p99 is
under 1 ms, see herald-bench), and it varies by several ms between phases. Sanitizer builds run with a
larger slack, their timings being noisier still."""

from __future__ import annotations

import json
import os
import selectors
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import pytest

from raw_ws import OP_TEXT, FrameReader, RawClient, encode_frame

pytestmark = [pytest.mark.own_server, pytest.mark.async_timeout(180)]

SUBSCRIBERS = int(os.environ.get("SLOW_SUBSCRIBERS", "1000"))
RATE = int(os.environ.get("SLOW_RATE", "100"))
PHASE_S = float(os.environ.get("SLOW_PHASE_S", "6"))
STALLED = max(1, SUBSCRIBERS // 100)
PROBES = 10
MAX_OUTBOUND = 64 * 1024
CLOSE_WITHIN_S = 10.0
P99_SLACK_MS = float(os.environ.get("SLOW_P99_SLACK_MS", "10"))


@dataclass
class Phase:
    started: float = 0.0
    healthy_bytes: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def rate(self, ended: float) -> float:
        return self.healthy_bytes / max(ended - self.started, 1e-9)

    def p99(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[int(len(ordered) * 0.99)] if ordered else float("nan")


class Fleet:
    """Subscribers drained by one selector thread; probes also decode frames to time them."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.clients: list[RawClient] = []
        self.stalled: list[RawClient] = []
        self.probes: dict[int, FrameReader] = {}
        self.selector = selectors.DefaultSelector()
        self.phase = Phase()
        self.running = True
        self.lock = threading.Lock()

    def connect(self) -> None:
        subscribe = encode_frame(OP_TEXT, json.dumps({"controller": "realtime", "action": "subscribe", "index": "slow",
                                                      "collection": "c", "requestId": "s", "body": {}}).encode())
        for number in range(SUBSCRIBERS):
            stalled = number % (SUBSCRIBERS // STALLED) == 0 and len(self.stalled) < STALLED
            client = RawClient(self.host, self.port, rcvbuf=4096 if stalled else None, timeout=20)
            client.handshake()
            client.send(subscribe)
            assert json.loads(client.next_frame(20).payload)["status"] == 200
            client.sock.setblocking(False)
            (self.stalled if stalled else self.clients).append(client)
            self.selector.register(client.sock, selectors.EVENT_READ, client)
        for client in self.clients[:PROBES]:
            self.probes[client.sock.fileno()] = FrameReader()

    def stop_reading_stalled(self) -> None:
        with self.lock:
            for client in self.stalled:
                self.selector.unregister(client.sock)

    def new_phase(self) -> Phase:
        with self.lock:
            finished, self.phase = self.phase, Phase(started=time.monotonic())
        return finished

    def drain(self) -> None:
        stalled = {c.sock.fileno() for c in self.stalled}
        while self.running:
            with self.lock:
                events = self.selector.select(0.05)
                for key, _ in events:
                    sock: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = sock.recv(1 << 18)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if not data:
                        self.selector.unregister(sock)
                        continue
                    if sock.fileno() not in stalled:
                        self.phase.healthy_bytes += len(data)
                    reader = self.probes.get(sock.fileno())
                    if reader is not None:
                        now = time.monotonic_ns()
                        for frame in reader.feed(data):
                            if frame.opcode == OP_TEXT and b'"t":' in frame.payload:
                                sent = json.loads(frame.payload)["result"]["_source"]["t"]
                                self.phase.latencies_ms.append((now - sent) / 1e6)


def _publisher(host: str, port: int, stop: threading.Event) -> None:
    client = RawClient(host, port)
    client.handshake()
    client.sock.setblocking(False)
    interval = 0.01
    per_tick = max(1, round(RATE * interval))
    next_tick = time.monotonic()
    while not stop.is_set():
        frames = b"".join(encode_frame(OP_TEXT, json.dumps({
            "controller": "realtime", "action": "publish", "index": "slow", "collection": "c",
            "body": {"t": time.monotonic_ns(), "pad": "x" * 200}}).encode()) for _ in range(per_tick))
        client.sock.setblocking(True)
        client.sock.sendall(frames)
        client.sock.setblocking(False)
        try:
            while client.sock.recv(1 << 18):
                pass
        except BlockingIOError:
            pass
        next_tick += interval
        time.sleep(max(0.0, next_tick - time.monotonic()))
    client.close()


def _connections(server) -> int:
    host, port = server.address()
    with urllib.request.urlopen(f"http://{host}:{port}/_healthcheck", timeout=5) as response:
        return json.loads(response.read())["connections"]


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def test_stalled_subscribers_are_dropped_without_hurting_the_others(start_server) -> None:
    server = start_server("--max-outbound-bytes", str(MAX_OUTBOUND), "--socket-send-buffer-bytes", "16384",
                          name="slow-consumers")
    host, port = server.address()
    fleet = Fleet(host, port)
    fleet.connect()
    assert _connections(server) == SUBSCRIBERS
    drainer = threading.Thread(target=fleet.drain, daemon=True)
    drainer.start()
    stop = threading.Event()
    publisher = threading.Thread(target=_publisher, args=(host, port, stop), daemon=True)
    publisher.start()
    try:
        time.sleep(1.5)  # warm-up
        fleet.new_phase()
        time.sleep(PHASE_S)
        rss_before = _rss_mb(server.process.pid)
        baseline = fleet.new_phase()
        baseline_end = time.monotonic()
        fleet.stop_reading_stalled()
        stalled_at = time.monotonic()
        closed_after = None
        rss_peak = rss_before
        while time.monotonic() - stalled_at < max(PHASE_S, CLOSE_WITHIN_S):
            rss_peak = max(rss_peak, _rss_mb(server.process.pid))
            if closed_after is None and _connections(server) <= SUBSCRIBERS - STALLED + 1:  # + the publisher
                closed_after = time.monotonic() - stalled_at
            time.sleep(0.25)
        stalled_phase = fleet.new_phase()
        stalled_end = time.monotonic()
    finally:
        stop.set()
        publisher.join(5)
        fleet.running = False
        drainer.join(5)

    base_rate, stall_rate = baseline.rate(baseline_end), stalled_phase.rate(stalled_end)
    base_p99, stall_p99 = baseline.p99(), stalled_phase.p99()
    report = (f"{SUBSCRIBERS} subscribers, {STALLED} stalled, {RATE} publications/s: stalled closed after "
              f"{closed_after}s; healthy {base_rate / 1e6:.1f} -> {stall_rate / 1e6:.1f} MB/s; probe p99 "
              f"{base_p99:.1f} -> {stall_p99:.1f} ms; RSS {rss_before:.0f} -> peak {rss_peak:.0f} MB")
    print(report)
    assert closed_after is not None and closed_after <= CLOSE_WITHIN_S, report
    assert stall_rate >= 0.8 * base_rate, report
    # p99 on a shared 2-core box: within 20 %, or within the slack for small baselines.
    assert stall_p99 <= max(1.2 * base_p99, base_p99 + P99_SLACK_MS), report
    assert rss_peak - rss_before <= 64 + STALLED * MAX_OUTBOUND / 2**20, report
    for client in fleet.stalled:
        client.sock.setblocking(True)
        code, _ = client.wait_close(10)
        assert code in (1011, None), report
    for client in fleet.clients + fleet.stalled:
        client.close()
