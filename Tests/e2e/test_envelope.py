"""Response envelope, malformed input, heartbeats, handshake and pipelining (contract sections 1-4)."""

from __future__ import annotations

import http.client
import json
import uuid

from kuzzle_client import UUID4, KuzzleClient, assert_error, assert_ok, uniq
from protocol import HEARTBEAT_PING, HEARTBEAT_PONG, checker


async def test_response_envelope(client) -> None:
    async with client() as c:
        resp = await c.request({"controller": "server", "action": "now", "requestId": "envelope-1"})
    assert resp["room"] == resp["requestId"] == "envelope-1"
    assert resp["status"] == 200
    assert resp["error"] is None
    assert resp["controller"] == "server" and resp["action"] == "now"
    assert resp["headers"] == {}
    assert isinstance(resp["node"], str) and resp["node"]
    assert resp["volatile"] is None


async def test_request_id_generated_as_uuid4_when_absent(client) -> None:
    async with client() as c:
        await c.send({"controller": "server", "action": "now"})
        await c.send({"controller": "server", "action": "now"})
        first = await c.wait_frame(lambda r: isinstance(r.frame, dict) and r.frame.get("action") == "now", 5)
        second = await c.wait_frame(lambda r: isinstance(r.frame, dict) and r.frame.get("action") == "now", 5,
                                    start=first.seq + 1)
    for frame in (first.frame, second.frame):
        assert UUID4.match(frame["requestId"]), frame["requestId"]
        assert frame["room"] == frame["requestId"]
        assert_ok(frame)
    assert first.frame["requestId"] != second.frame["requestId"]


async def test_volatile_echoed_on_success_and_error(client) -> None:
    volatile = {"sdkInstanceId": str(uuid.uuid4()), "sdkName": "js@7.17.1",
                "nested": {"list": [1, 2.5, None, True, "é ✓"]}}
    async with client() as c:
        ok = await c.query("server", "now", volatile=volatile)
        failed = await c.query("nope", "now", volatile=volatile)
    assert ok["volatile"] == volatile
    assert failed["volatile"] == volatile
    assert_error(failed, "api.process.controller_not_found", "nope")


async def test_index_and_collection_echoed(client) -> None:
    index, collection = uniq("env"), "c"
    async with client() as c:
        await c.ok("collection", "create", index=index, collection=collection)
        found = await c.query("document", "exists", index=index, collection=collection, _id="nope")
        missing = await c.query("document", "get", index=index, collection=collection, _id="nope")
    assert assert_ok(found) is False
    for resp in (found, missing):
        assert resp["index"] == index and resp["collection"] == collection
    assert_error(missing, "services.storage.not_found", "nope", index, collection)


async def test_unknown_top_level_keys_are_ignored(client) -> None:
    async with client() as c:
        resp = await c.query("server", "now", subscribeToSelf=True, default={"a": 1}, whatever=[1, {"x": None}])
    assert isinstance(assert_ok(resp)["now"], int)


async def test_unknown_controller(client) -> None:
    async with client() as c:
        resp = await c.query("nope", "now")
    error = assert_error(resp, "api.process.controller_not_found", "nope")
    assert error["message"] == 'API controller "nope" not found.'
    assert resp["room"] == resp["requestId"]


async def test_unknown_action(client) -> None:
    async with client() as c:
        resp = await c.query("document", "nope")
    error = assert_error(resp, "api.process.action_not_found", "document", "nope")
    assert error["message"] == 'API action "document":"nope" not found'


async def test_missing_controller(client) -> None:
    async with client() as c:
        resp = await c.request({"action": "now", "requestId": "no-controller"})
    assert resp["room"] == "no-controller"
    assert assert_error(resp, "api.assert.missing_argument", "controller")["message"] == \
        'Missing argument "controller".'


async def test_missing_action_checked_before_controller_exists(client) -> None:
    async with client() as c:
        missing = await c.request({"controller": "server", "requestId": "no-action"})
        unknown_without_action = await c.request({"controller": "nope", "requestId": "no-action-2"})
    assert_error(missing, "api.assert.missing_argument", "action")
    assert_error(unknown_without_action, "api.assert.missing_argument", "action")


async def test_invalid_json_gets_roomless_error_and_connection_survives(client) -> None:
    async with client() as c:
        for bad in ("{not json", '{"controller":"server","action":"now"'):
            start = len(c.received)
            await c.send(bad)
            got = await c.wait_frame(lambda r: isinstance(r.frame, dict) and r.frame.get("error") is not None,
                                     5, "error frame for invalid JSON", start=start)
            frame = got.frame
            assert frame.get("room") is None
            error = frame["error"]
            spec = checker().catalogue["network.websocket.unexpected_error"]
            assert (error["id"], error["status"], error["code"]) == (spec.id, 400, spec.code)
            assert error["message"].startswith("Caught an unexpected WebSocket error: ")
            assert len(error["message"]) > len("Caught an unexpected WebSocket error: ")
        assert isinstance((await c.ok("server", "now"))["now"], int)


async def test_binary_frame_request_is_accepted(client) -> None:
    async with client() as c:
        resp = await c.request({"controller": "server", "action": "now"}, binary=True)
    assert isinstance(assert_ok(resp)["now"], int)  # and the answer came as text (checked on every frame)


async def test_empty_frames_are_ignored(client) -> None:
    async with client() as c:
        await c.send("")
        await c.send(b"")
        await c.ok("server", "now")
        await c.sync()
        assert len(c.received) == 2, [r.raw for r in c.received]


async def test_pipelined_requests_all_answered(client) -> None:
    index = uniq("pipe")
    frames = []
    for i in range(300):
        kind = i % 3
        if kind == 0:
            frames.append({"controller": "server", "action": "now"})
        elif kind == 1:
            frames.append({"controller": "auth", "action": "checkToken", "body": {}})
        else:
            frames.append({"controller": "document", "action": "exists", "index": index, "collection": "c",
                           "_id": f"d{i}"})
    async with client() as c:
        answers = await c.pipeline(frames)
    for frame, answer in zip(frames, answers):
        assert answer["action"] == frame["action"]
        if frame["controller"] == "document":
            assert_error(answer, "services.storage.unknown_index", index)
        else:
            assert_ok(answer)


async def test_text_heartbeat_answered_promptly(client) -> None:
    async with client() as c:
        delays = [await c.heartbeat() for _ in range(5)]
        assert all(r.raw == HEARTBEAT_PONG for r in c.received)
    assert max(delays) < 2.0, delays


async def test_heartbeat_needs_exactly_one_key(client) -> None:
    async with client() as c:
        await c.send('{"p":1,"x":1}')
        got = await c.wait_frame(lambda r: r.raw != HEARTBEAT_PONG, 5, "error for a non-heartbeat frame")
        await c.sync()
        assert all(r.raw != HEARTBEAT_PONG for r in c.received)
    assert_error(got.frame, "api.assert.missing_argument", "controller")


async def test_control_ping_answered_promptly(client) -> None:
    async with client() as c:
        delays = [await c.ping() for _ in range(5)]
    assert max(delays) < 2.0, delays


async def test_offered_subprotocol_null_is_echoed(client) -> None:
    async with client(subprotocols=["null"]) as c:
        assert c.ws.subprotocol == "null"
        assert assert_ok(await c.query("auth", "checkToken", body={}))["valid"] is True


async def test_no_subprotocol_when_none_offered(client) -> None:
    async with client() as c:
        assert c.ws.subprotocol is None
        await c.sync()


async def test_permessage_deflate_offer_does_not_break_handshake(client) -> None:
    async with client(compression="deflate") as c:
        assert isinstance((await c.ok("server", "now"))["now"], int)


async def test_websocket_on_any_url_path(server) -> None:
    for path in ("", "ws", "some/deep/path?x=1&y=2"):
        async with KuzzleClient(server.url + path, name=f"path-{path}") as c:
            assert isinstance((await c.ok("server", "now"))["now"], int)


def test_plain_http_on_the_same_port(server) -> None:
    host, port = server.address()
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert 200 <= response.status < 500


async def test_heartbeat_frame_is_exact_text(client) -> None:
    async with client() as c:
        await c.send(HEARTBEAT_PING)
        got = await c.wait_frame(lambda r: True, 5, "heartbeat answer")
    assert got.raw == HEARTBEAT_PONG
    assert json.loads(got.raw) == {"p": 2}
