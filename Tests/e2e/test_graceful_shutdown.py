"""SIGTERM: the server stops accepting, answers what it has read, writes every queued
notification, closes each client with 1001 and exits 0 within --shutdown-timeout."""

from __future__ import annotations

import json
import signal
import threading
import time

import pytest

from herald_server import HeraldServer
from raw_ws import OP_CLOSE, OP_TEXT, RawClient, encode_frame

pytestmark = pytest.mark.own_server

SHUTDOWN_TIMEOUT_S = 10
PAD = "x" * 400


def _request(client: RawClient, frame: dict) -> dict:
    client.send_text(json.dumps(frame))
    while True:
        got = client.next_frame()
        assert got is not None
        value = json.loads(got.payload)
        if value.get("room") == frame["requestId"]:
            return value


def _create(index: str, i: int, prefix: str) -> bytes:
    return encode_frame(OP_TEXT, json.dumps({
        "controller": "document", "action": "create", "index": index, "collection": "c", "_id": f"{prefix}{i}",
        "requestId": f"{prefix}{i}", "body": {"n": i, "pad": PAD}}).encode())


def _read_until_close(client: RawClient, timeout: float) -> tuple[list[dict], int | None]:
    frames: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        frame = client.next_frame(max(0.1, deadline - time.monotonic()))
        if frame is None:
            return frames, None
        if frame.opcode == OP_CLOSE:
            return frames, frame.close_code
        if frame.opcode == OP_TEXT:
            frames.append(json.loads(frame.payload))


def test_sigterm_delivers_every_acknowledged_write_then_closes_1001(herald_binary) -> None:
    server = HeraldServer(herald_binary, ["--shutdown-timeout", str(SHUTDOWN_TIMEOUT_S),
                                          "--socket-send-buffer-bytes", "8192", "--log-level", "info"],
                          name="graceful")
    server.start()
    try:
        host, port = server.address()
        writer = RawClient(host, port, timeout=30)
        writer.handshake()
        _request(writer, {"controller": "index", "action": "create", "index": "g", "requestId": "i"})
        _request(writer, {"controller": "collection", "action": "create", "index": "g", "collection": "c",
                          "requestId": "c"})
        # The subscriber reads nothing until the shutdown starts: its notifications pile up in
        # the server's queue.
        subscriber = RawClient(host, port, rcvbuf=8192, timeout=30)
        subscriber.handshake()
        subscribed = _request(subscriber, {"controller": "realtime", "action": "subscribe", "index": "g",
                                           "collection": "c", "requestId": "s", "body": {}})
        channel = subscribed["result"]["channel"]

        first = 2000
        sender = threading.Thread(target=writer.send, args=(b"".join(_create("g", i, "a") for i in range(first)),))
        sender.start()
        acked: set[str] = set()
        while len(acked) < first:
            frame = writer.next_frame(30)
            assert frame is not None
            acked.add(json.loads(frame.payload)["room"])
        sender.join()
        # More writes in flight as the signal arrives.
        writer.send(b"".join(_create("g", i, "b") for i in range(300)))
        server.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()

        # Once the event loop logs that it is shutting down (not after a fixed delay, which a
        # loaded machine can outlast), no new handshake may succeed.
        deadline = time.monotonic() + 20
        while "] shutting down" not in server.log_since(0):
            assert time.monotonic() < deadline, "the server never logged its shutdown"
            time.sleep(0.02)
        late = RawClient(host, port) if _port_open(host, port) else None
        if late is not None:
            try:
                late.handshake()
                pytest.fail("a handshake succeeded during the shutdown")
            except (ConnectionError, OSError):
                pass
            late.close()

        writer_frames, writer_code = _read_until_close(writer, SHUTDOWN_TIMEOUT_S + 5)
        acked |= {f["room"] for f in writer_frames if f.get("status") == 201 or f.get("status") == 200}
        frames, code = _read_until_close(subscriber, SHUTDOWN_TIMEOUT_S + 5)
        notified = {f["result"]["_id"] for f in frames if f.get("room") == channel}
        assert code == 1001 and writer_code == 1001
        missing = acked - notified
        assert not missing, f"{len(missing)} acknowledged writes never notified, e.g. {sorted(missing)[:5]}"
        assert len(acked) >= first
        assert server.process.wait(SHUTDOWN_TIMEOUT_S + 15) == 0
        # Exited by itself: the deadline is a bound, only a hang would take this long.
        assert time.monotonic() - signalled < SHUTDOWN_TIMEOUT_S + 15
        writer.close()
        subscriber.close()
    finally:
        server.stop()


def _port_open(host: str, port: int) -> bool:
    import socket
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def test_shutdown_gives_up_on_a_client_that_never_reads(herald_binary) -> None:
    """A subscriber that never reads cannot hold the process past the deadline."""
    server = HeraldServer(herald_binary, ["--shutdown-timeout", "2", "--socket-send-buffer-bytes", "8192"],
                          name="graceful-deadline")
    server.start()
    try:
        host, port = server.address()
        stuck = RawClient(host, port, rcvbuf=4096)
        stuck.handshake()
        _request(stuck, {"controller": "realtime", "action": "subscribe", "index": "g", "collection": "c",
                         "requestId": "s", "body": {}})
        writer = RawClient(host, port)
        writer.handshake()
        writer.send(b"".join(encode_frame(OP_TEXT, json.dumps({
            "controller": "realtime", "action": "publish", "index": "g", "collection": "c", "requestId": f"p{i}",
            "body": {"pad": PAD}}).encode()) for i in range(3000)))
        time.sleep(1)
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        # Without the 2 s deadline the stuck subscriber would hold the process forever; with it the
        # process exits soon after 2 s (the margin is for a loaded machine, not a measurement).
        assert server.process.wait(30) == 0
        assert time.monotonic() - started < 20
        stuck.close()
        writer.close()
    finally:
        server.stop()
