"""Server limits beyond message size and idle time: connection count, browser origins, request
rate, rooms, JSON depth, and pausing the reads of a client that does not read its answers."""

from __future__ import annotations

import json
import threading
import time

import pytest

from raw_ws import OP_TEXT, RawClient, encode_frame

pytestmark = pytest.mark.own_server

NOW = json.dumps({"controller": "server", "action": "now", "requestId": "now"})


def served(client: RawClient, request_id: str = "now") -> bool:
    client.send_text(NOW.replace('"now"}', f'"{request_id}"}}'))
    frame = client.next_frame()
    return frame is not None and json.loads(frame.payload).get("room") == request_id


def refused_status(server, headers: str = "") -> int | None:
    """The HTTP status a handshake gets (101 when accepted)."""
    client = RawClient(*server.address())
    client.send(RawClient.upgrade_request(*server.address(), headers))
    head = client.read_http_head()
    client.close()
    return int(head.split()[1]) if head else None


def test_max_connections_refuses_with_503_and_serves_the_rest(start_server) -> None:
    server = start_server("--max-connections", "3", name="max-connections")
    clients = [RawClient(*server.address()) for _ in range(3)]
    for client in clients:
        client.handshake()
    for _ in range(5):
        assert refused_status(server) == 503
    assert all(served(c) for c in clients)
    clients.pop().close()
    deadline = time.monotonic() + 30
    while refused_status(server) != 101:
        assert time.monotonic() < deadline, "a freed slot was never reused"
        time.sleep(0.05)
    assert all(served(c) for c in clients)
    for client in clients:
        client.close()


def test_origin_allow_list(start_server) -> None:
    server = start_server("--allowed-origins", "https://app.example.com, http://localhost:8080", name="origins")
    assert refused_status(server, "Origin: https://evil.example.com\r\n") == 403
    assert refused_status(server, "Origin: null\r\n") == 403
    assert refused_status(server, "Origin: https://app.example.com\r\n") == 101
    assert refused_status(server, "Origin: http://LOCALHOST:8080\r\n") == 101
    assert refused_status(server, "") == 101, "clients that send no Origin (SDKs, servers) are not browsers"


def test_rate_limit_answers_429_without_room(start_server) -> None:
    server = start_server("--max-requests-per-second", "20", name="rate-limit")
    client = RawClient(*server.address())
    client.handshake()
    other = RawClient(*server.address())
    other.handshake()
    # The limit counts per wall-clock second: the burst starts right after a second boundary so
    # that it falls in one window. A machine too loaded to read 50 frames within that second can
    # split it over two; the burst is then sent again (a broken limit never answers 20 of 50).
    for attempt in range(3):
        time.sleep(1 - time.time() % 1 + 0.02)
        burst = b"".join(encode_frame(OP_TEXT, NOW.replace('"now"}', f'"r{i}"}}').encode()) for i in range(50))
        client.send(burst + encode_frame(OP_TEXT, b'{"p":1}'))
        frames = [json.loads(client.next_frame(30).payload) for _ in range(51)]
        answered = [f for f in frames if f.get("room")]
        limited = [f for f in frames if f.get("error", {}) and f["error"]["id"] == "network.websocket.ratelimit_exceeded"]
        if len(answered) == 20:
            break
    assert len(answered) == 20 and [f["room"] for f in answered] == [f"r{i}" for i in range(20)]
    assert len(limited) == 30
    assert all("room" not in f and f["status"] == 429 and f["error"]["code"] == 50528258
               and f["error"]["message"] == "Rejected: too many requests received from that socket" for f in limited)
    assert {"p": 2} in frames, "heartbeats are not rate limited"
    assert served(other), "the limit is per socket"
    time.sleep(1.05)
    assert served(client), "the count restarts every second"
    client.close()
    other.close()


def test_room_limits(start_server) -> None:
    server = start_server("--max-rooms", "4", "--max-subscriptions-per-connection", "2", name="room-limits")
    a, b, c = (RawClient(*server.address()) for _ in range(3))
    for client in (a, b, c):
        client.handshake()

    def subscribe(client: RawClient, value: int) -> dict:
        client.send_text(json.dumps({"controller": "realtime", "action": "subscribe", "index": "i", "collection": "c",
                                     "requestId": f"s{value}", "body": {"equals": {"v": value}}}))
        return json.loads(client.next_frame().payload)

    assert subscribe(a, 1)["status"] == 200
    assert subscribe(a, 2)["status"] == 200
    refused = subscribe(a, 3)
    assert refused["status"] == 413 and refused["error"]["id"] == "core.realtime.too_many_rooms"
    assert refused["room"] == "s3"
    assert subscribe(b, 3)["status"] == 200
    assert subscribe(b, 4)["status"] == 200
    assert subscribe(c, 5)["error"]["id"] == "core.realtime.too_many_rooms", "4 rooms exist"
    assert subscribe(c, 1)["status"] == 200, "joining an existing room creates none"
    b.close()
    deadline = time.monotonic() + 30
    while subscribe(c, 5)["status"] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    a.close()
    c.close()


def test_json_depth_flag(start_server) -> None:
    server = start_server("--max-json-depth", "8", name="json-depth")
    client = RawClient(*server.address())
    client.handshake()
    nested = lambda depth: '{"controller":"server","action":"now","requestId":"d","volatile":' + '{"a":' * depth \
        + "1" + "}" * depth + "}"
    client.send_text(nested(7))
    assert json.loads(client.next_frame().payload)["room"] == "d"
    client.send_text(nested(8))
    error = json.loads(client.next_frame().payload)
    assert error["error"]["id"] == "network.websocket.unexpected_error" and "room" not in error
    client.close()


def _pipeline_without_reading(server, count: int) -> tuple[int, int | None]:
    """Sends `count` requests from a client that reads nothing for 2 s, then reads; returns the
    answers received and the close code (None if still open)."""
    client = RawClient(*server.address(), rcvbuf=16384, timeout=30)
    client.handshake()
    payload = b"".join(encode_frame(OP_TEXT, json.dumps({"controller": "server", "action": "now", "requestId": f"p{i}",
                                                         "volatile": {"pad": "x" * 200}}).encode())
                       for i in range(count))
    writer = threading.Thread(target=lambda: _send_quietly(client, payload), daemon=True)
    writer.start()
    time.sleep(2)
    answers, code = 0, None
    while answers < count:
        try:
            frame = client.next_frame(10)
        except TimeoutError:
            break
        if frame is None:
            break
        if frame.opcode == OP_TEXT:
            answers += 1
        elif frame.opcode == 0x8:
            code = frame.close_code
            break
    writer.join(5)
    client.close()
    return answers, code


def _send_quietly(client: RawClient, payload: bytes) -> None:
    try:
        client.send(payload)
    except OSError:
        pass


@pytest.mark.parametrize("pause", [True, False], ids=["paused-reads", "control-without-pausing"])
def test_reads_pause_while_answers_pile_up(start_server, pause: bool) -> None:
    """With pausing, a client that pipelines far more than it reads is throttled, not dropped;
    without it (control), its queue passes --max-outbound-bytes and it is closed with 1011."""
    server = start_server("--max-outbound-bytes", str(512 * 1024), "--socket-send-buffer-bytes", "16384",
                          "--pause-reading-above-bytes", str(64 * 1024 if pause else 0),
                          name="pause-reads" if pause else "no-pause")
    count = 20_000
    answers, code = _pipeline_without_reading(server, count)
    if pause:
        assert (answers, code) == (count, None)
    else:
        assert code == 1011 and answers < count
    bystander = RawClient(*server.address())
    bystander.handshake()
    assert served(bystander)
    bystander.close()
