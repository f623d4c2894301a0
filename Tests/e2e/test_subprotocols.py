"""WebSocket subprotocols: like Kuzzle, Herald accepts whatever a client offers in
Sec-WebSocket-Protocol and echoes the first offered value; a client offering none gets none."""

from __future__ import annotations

import json

import pytest

from raw_ws import OP_TEXT, RawClient


def handshake_protocol(server, offered: str | None) -> tuple[RawClient, str | None]:
    """Opens a raw connection offering `offered`; returns it and the echoed subprotocol (or None)."""
    host, port = server.address()
    client = RawClient(host, port)
    head = client.handshake(f"Sec-WebSocket-Protocol: {offered}\r\n" if offered is not None else "")
    echoed = [line.split(":", 1)[1].strip() for line in head.split("\r\n")[1:]
              if line.lower().startswith("sec-websocket-protocol:")]
    assert len(echoed) <= 1, head
    return client, echoed[0] if echoed else None


def answers_requests(client: RawClient) -> bool:
    client.send_text(json.dumps({"controller": "server", "action": "now", "requestId": "p"}))
    frame = client.next_frame()
    return frame is not None and frame.opcode == OP_TEXT and json.loads(frame.payload)["status"] == 200


@pytest.mark.parametrize(("offered", "echoed"), [
    ("foo", "foo"),
    ("foo, bar", "foo"),
    ("null", "null"),
    (None, None),
    ("kuzzle", "kuzzle"),
    ("bar,foo", "bar"),
    ("v1.kuzzle-json, null", "v1.kuzzle-json"),
])
def test_first_offered_subprotocol_is_echoed(server, offered: str | None, echoed: str | None) -> None:
    client, answer = handshake_protocol(server, offered)
    try:
        assert answer == echoed
        assert answers_requests(client)
    finally:
        client.close()


def test_each_handshake_gets_its_own_subprotocol(server) -> None:
    first, first_answer = handshake_protocol(server, "alpha")
    second, second_answer = handshake_protocol(server, "beta, alpha")
    try:
        assert (first_answer, second_answer) == ("alpha", "beta")
        assert answers_requests(first) and answers_requests(second)
    finally:
        first.close()
        second.close()
