"""Slow-consumer cuts free their memory: a client that stops reading (tiny SO_RCVBUF) and is cut
cannot take its close frame, so the server aborts the TCP connection (RST) instead of leaving a
socket in FIN-WAIT-1 holding its send buffer; and past --max-total-outbound-bytes the connections
with the largest queues are cut first.

Waits are hang guards, never latency bounds."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from raw_ws import OP_TEXT, RawClient, encode_frame

pytestmark = [pytest.mark.own_server]

HANG_GUARD_S = 30.0
PAYLOAD = "x" * (64 * 1024)


def metric(server, name: str, labels: str = "") -> float:
    with urllib.request.urlopen(f"{server.http_base()}/metrics", timeout=10) as answer:
        for line in answer.read().decode().splitlines():
            if line.startswith(name + labels + " "):
                return float(line.split()[-1])
    return 0.0


def request(client: RawClient, frame: dict) -> dict:
    client.send_text(json.dumps(frame))
    while True:
        answer = client.next_frame()
        assert answer is not None, "server closed the connection"
        body = json.loads(answer.payload)
        if body.get("requestId") == frame["requestId"]:
            return body


def subscribe_stalled(host: str, port: int, collection: str) -> RawClient:
    """A subscriber with a tiny receive window that never reads after its handshake."""
    client = RawClient(host, port, rcvbuf=4096)
    client.handshake()
    client.send(encode_frame(OP_TEXT, json.dumps({
        "controller": "realtime", "action": "subscribe", "index": "cuts", "collection": collection,
        "requestId": "s", "body": {}}).encode()))
    return client


def publish(publisher: RawClient, collection: str, count: int) -> None:
    for number in range(count):
        answer = request(publisher, {"controller": "realtime", "action": "publish", "index": "cuts",
                                     "collection": collection, "requestId": f"p-{collection}-{number}",
                                     "body": {"n": number, "pad": PAYLOAD}})
        assert answer["status"] == 200, answer


def server_sockets_to(server_port: int, client_ports: set[int]) -> list[tuple[int, str]]:
    """(client port, TCP state) of the server's sockets to these client ports, from /proc/net/tcp."""
    found = []
    with open("/proc/net/tcp") as table:
        next(table)
        for row in table:
            fields = row.split()
            local_port = int(fields[1].split(":")[1], 16)
            remote_port = int(fields[2].split(":")[1], 16)
            if local_port == server_port and remote_port in client_ports:
                found.append((remote_port, fields[3]))
    return found


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {HANG_GUARD_S} s: {what}"
        time.sleep(0.2)


def test_cut_slow_consumers_are_aborted_not_left_lingering(start_server) -> None:
    server = start_server("--max-outbound-bytes", str(256 * 1024), "--socket-send-buffer-bytes", "16384",
                          name="abortive-cuts")
    host, port = server.address()
    stalled = [subscribe_stalled(host, port, "linger") for _ in range(3)]
    client_ports = {client.sock.getsockname()[1] for client in stalled}
    publisher = RawClient(host, port)
    publisher.handshake()
    try:
        wait_until(lambda: metric(server, "herald_connections") == 4, "4 connections")
        publish(publisher, "linger", 16)
        wait_until(lambda: metric(server, "herald_disconnects_total", '{reason="slow_consumer"}') == 3,
                   "the three stalled subscribers cut")
        # Without an abortive close their sockets would sit in FIN-WAIT-1 (state 04) for minutes
        # with the send buffer full; aborted, the server holds no socket to them at all.
        wait_until(lambda: not server_sockets_to(port, client_ports),
                   f"server sockets to the cut clients: {server_sockets_to(port, client_ports)}")
        for client in stalled:
            with pytest.raises(ConnectionResetError):
                while client.sock.recv(65536):
                    pass
        assert request(publisher, {"controller": "server", "action": "now", "requestId": "alive"})["status"] == 200
    finally:
        publisher.close()
        for client in stalled:
            client.close()


def test_total_outbound_budget_cuts_the_largest_queue_first(start_server) -> None:
    budget = 3 << 20
    server = start_server("--max-total-outbound-bytes", str(budget), "--socket-send-buffer-bytes", "16384",
                          name="outbound-budget")
    host, port = server.address()
    large = subscribe_stalled(host, port, "large")
    small = subscribe_stalled(host, port, "small")
    publisher = RawClient(host, port)
    publisher.handshake()
    try:
        wait_until(lambda: metric(server, "herald_connections") == 3, "3 connections")
        # About 2.5 MiB queued for `large`, 0.25 MiB for `small`: within the 3 MiB budget.
        publish(publisher, "large", 40)
        publish(publisher, "small", 4)
        assert metric(server, "herald_disconnects_total", '{reason="slow_consumer"}') == 0
        # `small` grows until the total passes the budget: `large`, the largest queue, is cut.
        publish(publisher, "small", 12)
        wait_until(lambda: metric(server, "herald_disconnects_total", '{reason="slow_consumer"}') == 1,
                   "one connection cut by the budget")
        wait_until(lambda: metric(server, "herald_connections") == 2, "the cut connection gone")
        # The smaller queue was kept: its subscriber now reads every notification, in order.
        small.sock.settimeout(HANG_GUARD_S)
        numbers = []
        while len(numbers) < 16:
            frame = small.next_frame()
            assert frame is not None, "the small subscriber was cut"
            body = json.loads(frame.payload)
            if body.get("type") == "document" or body.get("action") == "publish":
                numbers.append(body["result"]["_source"]["n"])
        assert numbers == list(range(4)) + list(range(12))
        with pytest.raises((ConnectionResetError, BrokenPipeError)):
            while large.sock.recv(65536):
                pass
            raise ConnectionResetError("closed")  # an orderly end also means it was cut
        assert metric(server, "herald_disconnects_total", '{reason="slow_consumer"}') == 1
    finally:
        publisher.close()
        large.close()
        small.close()
