"""Protocol abuse against a running server, over raw sockets: broken handshakes, random and
truncated frames, framing and fragmentation errors, control-frame rules, invalid UTF-8, the close
handshake (the Autobahn categories), hostile JSON and wrong types in every request field.
After every case the server must still be alive and a long-lived healthy connection served."""

from __future__ import annotations

import json
import os
import random
import socket
import struct
from typing import Iterator

import pytest

from raw_ws import (OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, OP_TEXT, RawClient, close_payload,
                    encode_frame)

pytestmark = pytest.mark.own_server

MAX_MESSAGE_BYTES = 1 << 20
PROTOCOL_ERROR = 1002


@pytest.fixture(scope="module")
def target(start_server):
    return start_server("--max-message-bytes", str(MAX_MESSAGE_BYTES), name="abuse")


@pytest.fixture(scope="module")
def healthy(target) -> Iterator[RawClient]:
    """One well-behaved connection open for the whole module."""
    client = RawClient(*target.address())
    client.handshake()
    yield client
    client.close()


def connect(target) -> RawClient:
    client = RawClient(*target.address())
    client.handshake()
    return client


def request(client: RawClient, frame: dict | str, timeout: float = 5.0) -> dict:
    """Sends a request and returns the first text frame answering it (its room, or an error frame)."""
    text = frame if isinstance(frame, str) else json.dumps(frame)
    client.send_text(text)
    while True:
        got = client.next_frame(timeout)
        assert got is not None, "connection closed while waiting for an answer"
        if got.opcode == OP_TEXT:
            return json.loads(got.payload)


@pytest.fixture(autouse=True)
def _still_serving(target, healthy) -> Iterator[None]:
    yield
    answer = request(healthy, {"controller": "server", "action": "now", "requestId": "health"})
    assert answer["room"] == "health" and answer["status"] == 200
    fresh = connect(target)
    assert request(fresh, {"controller": "server", "action": "now", "requestId": "fresh"})["status"] == 200
    fresh.close()


def expect_close(client: RawClient, *codes: int | None) -> int | None:
    code, _ = client.wait_close()
    assert code in codes, f"closed with {code}, expected one of {codes}"
    client.close()
    return code


# -- handshake and raw bytes ----------------------------------------------------------------------

def test_random_bytes_instead_of_a_handshake(target) -> None:
    rng = random.Random(1)
    for _ in range(20):
        client = RawClient(*target.address())
        client.send(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096))))
        client.sock.settimeout(5)
        try:
            while client.sock.recv(65536):
                pass
        except (ConnectionResetError, socket.timeout):
            pass
        client.close()


def test_truncated_and_oversized_handshakes(target) -> None:
    host, port = target.address()
    full = RawClient.upgrade_request(host, port)
    for cut in (1, 10, len(full) // 2, len(full) - 2):
        client = RawClient(host, port)
        client.send(full[:cut])
        client.close()
    client = RawClient(host, port)
    try:
        client.send(full[:-2] + b"X-Filler: " + b"a" * 200_000 + b"\r\n\r\n")
        client.sock.settimeout(5)
        while client.sock.recv(65536):
            pass
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    client.close()
    client = RawClient(host, port)
    without_key = b"\r\n".join(line for line in full.split(b"\r\n") if not line.startswith(b"Sec-WebSocket-Key"))
    client.send(without_key)
    head = client.read_http_head()
    assert not head.startswith("HTTP/1.1 101"), head
    client.close()


def test_random_frames_after_the_handshake(target) -> None:
    rng = random.Random(2)
    for _ in range(30):
        client = connect(target)
        for _ in range(rng.randrange(1, 6)):
            try:
                client.send(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2048))))
            except (BrokenPipeError, ConnectionResetError):
                break
        client.close()


def test_truncated_frames_then_hang_up(target) -> None:
    frame = encode_frame(OP_TEXT, json.dumps({"controller": "server", "action": "now"}).encode())
    for cut in range(1, len(frame), 7):
        client = connect(target)
        client.send(frame[:cut])
        client.close()


# -- framing --------------------------------------------------------------------------------------

def test_unmasked_client_frame_is_never_served(target) -> None:
    """RFC 6455 wants 1002. libwebsockets 4.1.6 does not check the mask bit: it reads the next four
    payload bytes as the key and waits for the rest. Either way the frame must not be served."""
    client = connect(target)
    client.send(encode_frame(OP_TEXT, b'{"controller":"server","action":"now","requestId":"unmasked"}', mask=False))
    try:
        code, frames = client.wait_close(timeout=1.5)
        assert code in (PROTOCOL_ERROR, None)
    except TimeoutError:
        frames = []
    assert not any(b"unmasked" in f.payload for f in frames)
    client.close()


@pytest.mark.parametrize("rsv", [1, 2, 4, 7])
def test_reserved_bits_are_a_protocol_error(target, rsv: int) -> None:
    client = connect(target)
    client.send(encode_frame(OP_TEXT, b'{"p":1}', rsv=rsv))
    expect_close(client, PROTOCOL_ERROR, None)


@pytest.mark.parametrize("opcode", [0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF])
def test_unknown_opcodes_are_a_protocol_error(target, opcode: int) -> None:
    client = connect(target)
    client.send(encode_frame(opcode, b"x"))
    expect_close(client, PROTOCOL_ERROR, None)


def test_huge_declared_lengths_close_the_connection(target) -> None:
    for length in (MAX_MESSAGE_BYTES + 1, 1 << 32, (1 << 63) - 1):
        client = connect(target)
        client.send(encode_frame(OP_TEXT, b"{", declared_length=length))
        expect_close(client, 1009, PROTOCOL_ERROR, None)


def test_non_minimal_length_encodings_are_accepted_or_refused_cleanly(target) -> None:
    client = connect(target)
    payload = b'{"controller":"server","action":"now","requestId":"long-form"}'
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    client.send(bytes([0x81, 0x80 | 127]) + struct.pack("!Q", len(payload)) + key + masked)
    frame = client.next_frame()
    if frame is not None and frame.opcode == OP_TEXT:
        assert json.loads(frame.payload)["room"] == "long-form"
    client.close()


def test_empty_and_binary_messages(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_TEXT, b""))
    client.send(encode_frame(OP_BINARY, b'{"controller":"server","action":"now","requestId":"bin"}'))
    frame = client.next_frame()
    assert frame is not None and frame.opcode == OP_TEXT and json.loads(frame.payload)["room"] == "bin"
    client.close()


# -- fragmentation --------------------------------------------------------------------------------

def test_fragmented_message_with_a_ping_between_fragments(target) -> None:
    client = connect(target)
    text = b'{"controller":"server","action":"now","requestId":"fragments"}'
    client.send(encode_frame(OP_TEXT, text[:10], fin=False))
    client.send(encode_frame(OP_PING, b"mid"))
    client.send(encode_frame(OP_CONT, text[10:30], fin=False))
    client.send(encode_frame(OP_CONT, b"", fin=False))
    client.send(encode_frame(OP_CONT, text[30:]))
    got = [client.next_frame(), client.next_frame()]
    assert all(frame is not None for frame in got)
    assert sorted(frame.opcode for frame in got) == [OP_TEXT, OP_PONG]
    for frame in got:
        if frame.opcode == OP_PONG:
            assert frame.payload == b"mid"
        else:
            assert json.loads(frame.payload)["room"] == "fragments"
    client.close()


def test_many_tiny_fragments(target) -> None:
    client = connect(target)
    text = json.dumps({"controller": "server", "action": "now", "requestId": "tiny",
                       "volatile": {"pad": "é" * 200}}).encode()
    pieces = [text[i:i + 1] for i in range(len(text))]
    client.send(b"".join(encode_frame(OP_TEXT if i == 0 else OP_CONT, p, fin=i == len(pieces) - 1)
                         for i, p in enumerate(pieces)))
    answer = client.next_frame()
    assert answer is not None and json.loads(answer.payload)["volatile"]["pad"] == "é" * 200
    client.close()


def test_continuation_without_a_start_is_a_protocol_error(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_CONT, b'{"p":1}'))
    expect_close(client, PROTOCOL_ERROR, None)


def test_new_message_inside_a_fragmented_one_is_a_protocol_error(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_TEXT, b'{"p":', fin=False))
    client.send(encode_frame(OP_TEXT, b'1}'))
    expect_close(client, PROTOCOL_ERROR, None)


def test_fragmented_total_over_the_limit_is_1009(target) -> None:
    client = connect(target)
    chunk = b"x" * 65536
    try:
        client.send(encode_frame(OP_TEXT, b'{"a":"', fin=False))
        for _ in range(MAX_MESSAGE_BYTES // len(chunk) + 2):
            client.send(encode_frame(OP_CONT, chunk, fin=False))
    except (BrokenPipeError, ConnectionResetError):
        pass
    expect_close(client, 1009, None)


# -- control frames -------------------------------------------------------------------------------

def test_ping_payload_is_echoed(target) -> None:
    client = connect(target)
    for payload in (b"", b"ping", os.urandom(125)):
        client.send(encode_frame(OP_PING, payload))
        pong = client.next_frame()
        assert pong is not None and pong.opcode == OP_PONG and pong.payload == payload
    client.send(encode_frame(OP_PONG, b"unsolicited"))
    assert request(client, {"controller": "server", "action": "now", "requestId": "after-pong"})["room"] == "after-pong"
    client.close()


def test_oversized_control_frame_is_a_protocol_error(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_PING, b"p" * 126))
    expect_close(client, PROTOCOL_ERROR, None)


def test_fragmented_control_frame_is_a_protocol_error(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_PING, b"part", fin=False))
    expect_close(client, PROTOCOL_ERROR, None)


# -- UTF-8 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    b'{"a":"\xff"}', b'{"a":"\xc0\xaf"}', b'{"a":"\xed\xa0\x80"}', b'{"a":"\xf4\x90\x80\x80"}', b'{"a":"\xe2\x82"}',
], ids=["ff", "overlong", "surrogate", "above-max", "truncated"])
def test_invalid_utf8_text_closes_with_1007(target, payload: bytes) -> None:
    client = connect(target)
    client.send(encode_frame(OP_TEXT, payload))
    expect_close(client, 1007)


def test_invalid_utf8_split_across_fragments_closes_with_1007(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_TEXT, b'{"a":"\xe2', fin=False))
    client.send(encode_frame(OP_CONT, b'\x28\xa1"}'))
    expect_close(client, 1007)


def test_valid_utf8_split_inside_a_code_point(target) -> None:
    client = connect(target)
    text = json.dumps({"controller": "server", "action": "now", "requestId": "split", "volatile": {"s": "€𝄞"}},
                      ensure_ascii=False).encode()
    cut = text.index("€".encode()) + 1
    client.send(encode_frame(OP_TEXT, text[:cut], fin=False))
    client.send(encode_frame(OP_CONT, text[cut:]))
    answer = client.next_frame()
    assert answer is not None and json.loads(answer.payload)["volatile"]["s"] == "€𝄞"
    client.close()


# -- close handshake ------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [1000, 1001, 3000, 4999])
def test_close_is_echoed(target, code: int) -> None:
    client = connect(target)
    client.send(encode_frame(OP_CLOSE, close_payload(code, b"bye")))
    expect_close(client, code, 1000)


def test_empty_close_is_answered(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_CLOSE, b""))
    expect_close(client, 1005, 1000)


@pytest.mark.parametrize("payload", [
    b"\x03", close_payload(999), close_payload(1005), close_payload(1006), close_payload(1015), close_payload(5000),
], ids=["one-byte", "999", "1005", "1006", "1015", "5000"])
def test_invalid_close_payloads_are_protocol_errors(target, payload: bytes) -> None:
    client = connect(target)
    client.send(encode_frame(OP_CLOSE, payload))
    expect_close(client, PROTOCOL_ERROR, None)


def test_close_reason_with_invalid_utf8(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_CLOSE, close_payload(1000, b"\xff\xfe")))
    expect_close(client, 1007, PROTOCOL_ERROR, 1000, None)


def test_frames_after_close_are_ignored(target) -> None:
    client = connect(target)
    client.send(encode_frame(OP_CLOSE, close_payload(1000)) + encode_frame(OP_TEXT, b'{"p":1}'))
    code, frames = client.wait_close()
    assert code == 1000 and not frames
    client.close()


# -- hostile JSON ---------------------------------------------------------------------------------

def test_deep_json_is_an_error_frame(target) -> None:
    client = connect(target)
    for depth in (600, 100_000):
        answer = request(client, "[" * depth + "]" * depth)
        assert answer["error"]["id"] == "network.websocket.unexpected_error" and "room" not in answer
        answer = request(client, '{"controller":"server","action":"now","volatile":' + '{"a":' * depth + "1"
                         + "}" * depth + "}")
        assert answer["error"]["id"] == "network.websocket.unexpected_error" and "room" not in answer
    client.close()


def test_huge_strings_and_many_keys(target) -> None:
    client = connect(target)
    big = "x" * (MAX_MESSAGE_BYTES - 1000)
    answer = request(client, {"controller": "server", "action": "now", "requestId": "big", "volatile": {"s": big}})
    assert answer["room"] == "big" and answer["volatile"]["s"] == big
    keys = {f"k{i}": i for i in range(40_000)}
    answer = request(client, {"controller": "server", "action": "now", "requestId": "keys", "volatile": keys})
    assert answer["room"] == "keys" and len(answer["volatile"]) == 40_000
    answer = request(client, {"controller": "nope" * 10_000, "action": "x", "requestId": "long-controller"})
    assert answer["status"] == 404
    client.close()


@pytest.mark.parametrize("text", [
    "", " ", "null", "true", "1", '"s"', "[]", "[{}]", "{", '{"a":}', '{"controller":"server","action":"now"',
    '{"controller":"server","action":"now"}}', "\u0000", '{"a":1e99999}', '{"a":-0}', '{"a":"\\ud800"}',
    '{"a":"\\u0000"}', "\ufeff{}", '{"p":1,"p":1}', '{"p":2}', '{"p":1.0}',
])
def test_malformed_or_odd_json_is_answered_or_ignored(target, text: str) -> None:
    client = connect(target)
    client.send_text(text)
    client.send_text('{"controller":"server","action":"now","requestId":"after"}')
    while True:
        frame = client.next_frame()
        assert frame is not None and frame.opcode == OP_TEXT
        value = json.loads(frame.payload)
        assert "room" in value or value.get("error") or value == {"p": 2}, value
        if value.get("room") == "after":
            break
    client.close()


WRONG_VALUES = [None, True, False, 0, -1, 1.5, 1e308, "", "x", "💥", [], [1, "a"], {}, {"a": {"b": []}}]
FIELDS = ["controller", "action", "index", "collection", "_id", "body", "requestId", "volatile", "refresh",
          "retryOnConflict", "silent", "source", "strict", "scope", "users", "jwt", "from", "size"]
ACTIONS = [("document", "create"), ("document", "upsert"), ("document", "get"), ("document", "update"),
           ("document", "delete"), ("document", "mCreate"), ("realtime", "subscribe"), ("realtime", "unsubscribe"),
           ("realtime", "join"), ("realtime", "publish"), ("realtime", "count"), ("index", "create"),
           ("collection", "create"), ("auth", "checkToken"), ("server", "info")]


def test_wrong_types_in_every_field(target) -> None:
    client = connect(target)
    base = {"index": "abuse", "collection": "c", "_id": "d", "body": {"changes": {"a": 1}, "roomId": "r"}}
    request(client, {"controller": "index", "action": "create", "index": "abuse", "requestId": "setup-1"})
    request(client, {"controller": "collection", "action": "create", "index": "abuse", "collection": "c",
                     "requestId": "setup-2"})
    sent = 0
    for controller, action in ACTIONS:
        for field in FIELDS:
            for value in WRONG_VALUES:
                frame = {"controller": controller, "action": action, **base, field: value}
                if field != "requestId":
                    frame["requestId"] = f"w{sent}"
                client.send_text(json.dumps(frame))
                sent += 1
    answered = 0
    while answered < sent:
        frame = client.next_frame(10)
        assert frame is not None, f"closed after {answered} of {sent} answers"
        value = json.loads(frame.payload)
        if value.get("type") in ("document", "user"):
            continue
        assert "room" in value or value.get("error"), value
        answered += 1
    client.close()
