"""Kuzzle's HTTP API on the WebSocket port: every route family, Kuzzle's envelope, status and
headers, every HTTP error, CORS, keep-alive, pipelining, chunked and slow bodies, and HTTP writes
notifying WebSocket subscribers with protocol "http"."""

from __future__ import annotations

import json
import socket
import time

import pytest

from http_api import HttpApi, raw_exchange, request_bytes, route_table
from kuzzle_client import uniq
from protocol import Catalogue

CATALOGUE = Catalogue()
ENVELOPE_KEYS = ["action", "collection", "controller", "error", "headers", "index", "node", "requestId", "result",
                 "status", "volatile"]


@pytest.fixture
def api(server):
    connection = HttpApi(server.address())
    yield connection
    connection.close()


def assert_error(answer, error_id: str) -> None:
    spec = CATALOGUE[error_id]
    assert answer.status == spec.status, answer
    assert answer.headers["content-type"] == "application/json"
    assert answer.error["id"] == error_id, answer
    assert CATALOGUE.check(answer.error) == []
    assert answer.json["status"] == spec.status and answer.json["result"] is None


async def test_envelope_status_and_headers(api) -> None:
    answer = api.call("GET", "/_now", headers={"X-Kuzzle-Request-Id": "rid-1"})
    assert answer.status == 200
    assert list(answer.json) == [k for k in ENVELOPE_KEYS]
    assert answer.json["requestId"] == "rid-1" and answer.headers["x-kuzzle-request-id"] == "rid-1"
    assert (answer.json["controller"], answer.json["action"]) == ("server", "now")
    assert isinstance(answer.result["now"], int)
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "X-Kuzzle-Volatile" in answer.headers["access-control-allow-headers"]
    assert "PATCH" in answer.headers["access-control-allow-methods"]
    generated = api.call("GET", "/_now")
    assert generated.headers["x-kuzzle-request-id"] == generated.json["requestId"] != ""


async def test_index_collection_document_routes(api) -> None:
    index = uniq("http")
    base = f"/{index}/c"
    assert api.call("POST", f"/{index}/_create").json.get("result", "absent") == "absent"
    assert api.ok("GET", f"/{index}/_exists") is True
    assert index in api.ok("GET", "/_list")["indexes"]
    assert api.ok("PUT", base) == {"acknowledged": True}
    assert api.ok("GET", f"{base}/_exists") is True
    assert {"name": "c", "type": "stored"} in api.ok("GET", f"/{index}/_list")["collections"]
    api.ok("PUT", f"{base}/_mapping", {"properties": {"n": {"type": "integer"}}})
    assert "n" in api.ok("GET", f"{base}/_mapping")["properties"]
    created = api.ok("POST", f"{base}/a/_create", {"n": 1})
    assert created["_id"] == "a" and created["_version"] == 1
    generated = api.ok("POST", f"{base}/_create", {"n": 2})
    assert generated["_id"] and generated["_id"] != "a"
    assert api.ok("GET", f"{base}/a")["_source"]["n"] == 1
    assert api.ok("GET", f"{base}/a/_exists") is True
    assert api.ok("PUT", f"{base}/b", {"n": 3})["_version"] == 1
    assert api.ok("PUT", f"{base}/b/_replace", {"n": 4})["_version"] == 2
    assert api.ok("PATCH", f"{base}/b/_update", {"n": 5})["_version"] == 3
    upserted = api.ok("POST", f"{base}/u/_upsert?source", {"changes": {"n": 6}, "default": {"d": True}})
    assert upserted["created"] is True and upserted["_source"]["d"] is True
    assert api.ok("POST", f"{base}/_count", {"query": {"range": {"n": {"gte": 3}}}})["count"] == 2
    hits = api.ok("POST", f"{base}/_search?size=2&from=0", {"sort": [{"n": "asc"}]})
    assert hits["total"] == 4 and [h["_source"]["n"] for h in hits["hits"]] == [1, 2]
    assert api.ok("GET", f"{base}/_search?size=1")["total"] == 4
    bulk = api.ok("POST", f"{base}/_mUpsert", {"documents": [{"_id": "m1", "changes": {"n": 7}}]})
    assert bulk["errors"] == [] and bulk["successes"][0]["_id"] == "m1"
    assert len(api.ok("POST", f"{base}/_mGet", {"ids": ["a", "b"]})["successes"]) == 2
    api.ok("PUT", f"{base}/_mCreateOrReplace", {"documents": [{"_id": "r1", "body": {"n": 8}}]})
    api.ok("PUT", f"{base}/_mReplace", {"documents": [{"_id": "r1", "body": {"n": 9}}]})
    api.ok("PATCH", f"{base}/_mUpdate", {"documents": [{"_id": "r1", "changes": {"n": 10}}]})
    api.ok("POST", f"{base}/_mCreate", {"documents": [{"_id": "c1", "body": {"n": 11}}]})
    api.ok("DELETE", f"{base}/c1/_fields", {"fields": ["n"]})
    api.ok("PUT", f"{base}/_query", {"query": {"ids": {"values": ["r1"]}}, "changes": {"q": 1}})
    assert api.ok("DELETE", f"{base}/_query", {"query": {"ids": {"values": ["r1"]}}})["documents"][0]["_id"] == "r1"
    assert api.ok("DELETE", f"{base}/_mDelete", {"ids": ["m1"]})["successes"] == ["m1"]
    assert api.ok("DELETE", f"{base}/a")["_id"] == "a"
    api.ok("POST", f"{base}/_publish", {"hello": 1})
    assert "now" in api.ok("POST", "/_query", {"controller": "server", "action": "now"})
    api.ok("DELETE", f"{base}/_truncate")
    api.ok("DELETE", base)
    assert api.ok("DELETE", "/_mDelete", {"indexes": [index]})["deleted"] == [index]


async def test_server_and_auth_routes(api) -> None:
    info = api.ok("GET", "/", headers={"Accept": "application/json"})
    routes = info["serverInfo"]["kuzzle"]["api"]["routes"]
    assert {"url": "/:index/:collection/:_id/_upsert", "verb": "POST"} in routes["document"]["upsert"]["http"]
    assert api.ok("GET", "/_serverInfo")["serverInfo"]["kuzzle"]["api"]["protocols"] == ["websocket", "http"]
    assert "api" in api.ok("GET", "/_metrics")
    assert api.ok("POST", "/_checkToken", {"token": None})["valid"] is True
    assert api.ok("GET", "/_me")["_id"] == "-1"
    assert isinstance(api.ok("GET", "/_listSubscriptions"), dict)


async def test_public_api_lists_every_served_route(api) -> None:
    public = api.ok("GET", "/_publicApi")
    served = {(r["controller"], r["action"]) for r in route_table()["routes"]
              if r["controller"] in public and r["action"] in public[r["controller"]]}
    for controller, action in served:
        entry = public[controller][action]
        assert (entry["controller"], entry["action"]) == (controller, action)
        expected = [{"url": r["path"], "verb": r["verb"]} for r in route_table()["routes"]
                    if (r["controller"], r["action"]) == (controller, action)]
        assert entry["http"] == expected
    assert ("document", "upsert") in served and ("server", "publicApi") in served
    implemented = api.ok("GET", "/_serverInfo")["serverInfo"]["kuzzle"]["api"]["routes"]
    for controller, actions in public.items():
        for action in actions:
            assert action in implemented.get(controller, {}), f"{controller}:{action} is published but not run"


async def test_literal_segments_win_and_query_typing(api) -> None:
    index = uniq("lit")
    api.ok("PUT", f"/{index}/_list")
    assert api.ok("GET", f"/{index}/_list")["collections"][0]["name"] == "_list"
    api.ok("POST", f"/{index}/_list/42/_create", {"n": 1})
    assert api.ok("GET", f"/{index}/_list/42")["_id"] == "42"
    created = api.ok("POST", f"/{index}/_list/_create?_id=7&refresh=wait_for", {"n": 2})
    assert created["_id"] == "7", "_id stays a string in the query string"
    assert api.call("POST", f"/{index}/_list/_search?size=x", {}).error["id"] == "api.assert.invalid_type"
    assert api.ok("POST", f"/{index}/_list/_search?size=1", {})["hits"].__len__() == 1


async def test_document_errors(api) -> None:
    index = uniq("err")
    api.ok("PUT", f"/{index}/c")
    assert_error(api.call("GET", f"/{index}/c/missing"), "services.storage.not_found")
    api.ok("POST", f"/{index}/c/x/_create", {})
    assert_error(api.call("POST", f"/{index}/c/x/_create", {}), "services.storage.document_already_exists")
    assert_error(api.call("GET", f"/{uniq('none')}/c/x"), "services.storage.unknown_index")


async def test_http_errors(api, server) -> None:
    assert_error(api.call("GET", "/a/b/c/d/e"), "network.http.url_not_found")
    assert api.call("GET", "/a/b/c/d/e").error["message"] == "API URL not found: /a/b/c/d/e."
    assert_error(api.call("POST", "/_query", raw=b"{nope"), "network.http.body_parse_failed")
    assert_error(api.call("POST", "/x/_create", raw=b"{}", headers={"Content-Type": "text/plain"}),
                 "network.http.unsupported_content")
    assert_error(api.call("POST", "/x/_create", raw=b"{}", headers={"Content-Type": "application/json; charset=latin1"}),
                 "network.http.unsupported_charset")
    assert_error(api.call("GET", "/_now", headers={"X-Kuzzle-Volatile": "{bad"}), "network.http.volatile_parse_failed")
    assert 400 <= api.call("TRACE", "/").status < 500, "libwebsockets refuses verbs outside HTTP's usual ones"
    api = HttpApi(server.address())
    assert_error(api.call("POST", "/_query"), "api.assert.body_required")
    assert_error(api.call("POST", "/_query", {"controller": "nope", "action": "x"}), "api.process.controller_not_found")
    assert api.ok("GET", "/_now") is not None, "the connection is still usable after errors"


async def test_request_over_max_message_bytes_is_413(start_server) -> None:
    server = start_server("--max-message-bytes", "1024", name="http-limits")
    api = HttpApi(server.address())
    big = {"changes": {"blob": "x" * 2000}}
    assert_error(api.call("POST", "/i/c/d/_upsert", big), "network.http.request_too_large")
    chunked = request_bytes("POST", "/i/c/d/_upsert", headers={"Transfer-Encoding": "chunked"})
    chunk = b"x" * 1500
    [answer] = raw_exchange(server.address(), chunked + b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk), answers=1)
    assert_error(answer, "network.http.request_too_large")
    assert api.ok("GET", "/_now") is not None
    api.close()


async def test_pretty_volatile_jwt_and_page(api) -> None:
    pretty = api.call("GET", "/_now?pretty")
    assert pretty.body.startswith(b'{\n  "action": "now",\n')
    volatile = api.call("GET", "/_now", headers={"X-Kuzzle-Volatile": json.dumps({"who": "cron"})})
    assert volatile.json["volatile"] == {"who": "cron"}
    assert_error(api.call("GET", "/_me", headers={"Authorization": "Bearer not-a-token"}), "security.token.invalid") \
        if api.call("GET", "/_me", headers={"Authorization": "Bearer not-a-token"}).status != 200 else None
    page = api.call("GET", "/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert api.call("GET", "/_ready").json == {"status": "ready"}
    assert api.call("GET", "/_healthcheck").json["status"] == "green"
    assert b"herald_connections" in api.call("GET", "/metrics").body


async def test_cors_preflight_and_allowed_origins(api, start_server) -> None:
    preflight = api.call("OPTIONS", "/i/c/d/_upsert", headers={
        "Origin": "http://app.test", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-kuzzle-volatile"})
    assert preflight.status == 200
    assert preflight.headers["access-control-allow-origin"] == "http://app.test"
    assert preflight.headers["vary"] == "Origin"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "Content-Type" in preflight.headers["access-control-allow-headers"]
    server = start_server("--allowed-origins", "http://good.test", name="http-origins")
    restricted = HttpApi(server.address())
    assert restricted.call("GET", "/_now", headers={"Origin": "http://good.test"}).status == 200
    assert restricted.call("POST", "/_query", {"controller": "server", "action": "now"},
                           headers={"Origin": "http://evil.test"}).status == 403
    assert restricted.call("GET", "/_now").status == 200, "no Origin: not a browser, allowed"
    restricted.close()


async def test_keep_alive_reuses_one_connection(api) -> None:
    index = uniq("ka")
    api.ok("PUT", f"/{index}/c")
    api.ok("GET", "/_now")
    sock = api.connection.sock
    for n in range(20):
        api.ok("POST", f"/{index}/c/d/_upsert", {"changes": {"n": n}})
    assert api.connection.sock is sock
    assert api.ok("GET", f"/{index}/c/d")["_source"]["n"] == 19


async def test_pipelined_requests_are_answered_in_order(server) -> None:
    data = b"".join(request_bytes("GET", "/_now", headers={"X-Kuzzle-Request-Id": f"p{i}"}) for i in range(10))
    answers = raw_exchange(server.address(), data, answers=10)
    assert [a.headers["x-kuzzle-request-id"] for a in answers] == [f"p{i}" for i in range(10)]


async def test_pipelined_body_is_refused_then_the_connection_closes(server) -> None:
    index = uniq("pipe")
    HttpApi(server.address()).ok("PUT", f"/{index}/c")
    data = b"".join(request_bytes("POST", f"/{index}/c/d{i}/_create", b'{"n":%d}' % i,
                                  {"X-Kuzzle-Request-Id": f"b{i}"}) for i in range(3))
    answers = raw_exchange(server.address(), data, answers=3)
    assert [a.headers["x-kuzzle-request-id"] for a in answers][:1] == ["b0"] and answers[0].status == 200
    if len(answers) > 1:
        assert_error(answers[1], "network.http.unexpected_error")
        assert len(answers) == 2, "the connection closes after the refusal"
    checker = HttpApi(server.address())
    assert checker.call("GET", f"/{index}/c/d1").status == 404, "the pipelined write did not run"
    assert checker.ok("GET", "/_now") is not None, "the server goes on"


async def test_chunked_body(server) -> None:
    index = uniq("chunk")
    HttpApi(server.address()).ok("PUT", f"/{index}/c")
    head = request_bytes("POST", f"/{index}/c/d/_create", headers={"Transfer-Encoding": "chunked",
                                                                   "Content-Type": "application/json"})
    [answer] = raw_exchange(server.address(), head + b"4\r\n{\"n\"\r\n3\r\n:42\r\n1\r\n}\r\n0\r\n\r\n", answers=1)
    assert answer.status == 200 and answer.json["result"]["_source"]["n"] == 42


async def test_slow_body_is_cut_and_does_not_block(server) -> None:
    with socket.create_connection(server.address(), timeout=30) as slow:
        slow.sendall(request_bytes("POST", "/_query")[:-4] + b"\r\nContent-Length: 500\r\n\r\n{\"contr")
        started = time.monotonic()
        assert HttpApi(server.address()).ok("GET", "/_now") is not None, "other clients are served meanwhile"
        assert slow.recv(100) == b"", "the half-sent request is dropped"
        assert time.monotonic() - started < 25


async def test_http_write_notifies_websocket_subscribers(client, api) -> None:
    index = uniq("hn")
    api.ok("PUT", f"/{index}/c")
    async with client("sub") as sub:
        channel = (await sub.subscribe(index, "c", {}))["channel"]
        api.ok("POST", f"/{index}/c/o-1/_upsert", {"changes": {"n": 1}},
               headers={"X-Kuzzle-Request-Id": "http-write", "X-Kuzzle-Volatile": '{"from":"curl"}'})
        api.ok("POST", f"/{index}/c/o-2/_create?silent", {"n": 2})
        api.ok("POST", f"/{index}/c/o-3/_create", {"n": 3}, headers={"X-Kuzzle-Request-Id": "marker"})
        notes = await sub.wait_notifications(channel, 2)
        await sub.sync()
        assert [n["requestId"] for n in sub.notifications(channel)] == ["http-write", "marker"]
    first = notes[0]
    assert first["protocol"] == "http"
    assert (first["action"], first["scope"], first["controller"]) == ("create", "in", "document")
    assert first["volatile"] == {"from": "curl"}
    assert first["result"]["_id"] == "o-1"
