"""A client that behaves like the Kuzzle SDK 7 `Http` protocol (src/protocols/Http.ts): it reads
`/_publicApi` on connect, builds its routes from it (no static fallback), and formats each
request as the SDK does (URL placeholders, query arguments, booleans as flags, body to the query
string for GET, `Authorization: Bearer` for jwt, `X-Kuzzle-Volatile`)."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from http_api import HttpApi
from kuzzle_client import uniq


class SdkHttp:
    def __init__(self, address: tuple[str, int]) -> None:
        self.api = HttpApi(address)
        self.routes: dict[str, dict[str, dict[str, str]]] = {}

    def connect(self) -> None:
        answer = self.api.call("GET", "/_publicApi")
        assert answer.error is None, "the SDK would fall back to its static routes"
        for controller, actions in answer.result.items():
            self.routes[controller] = {}
            for action, definition in actions.items():
                http = definition.get("http") or []
                if len(http) == 1:
                    self.routes[controller][action] = http[0]
                elif http and (controller, action) == ("document", "search"):
                    self.routes[controller][action] = http[0] if http[0]["verb"] == "POST" else http[1]
                elif http:
                    self.routes[controller][action] = self._correct_route(http)

    @staticmethod
    def _correct_route(routes: list[dict[str, str]]) -> dict[str, str]:
        shortest = get_route = routes[0]
        same_length = all(len(r["url"]) == len(routes[0]["url"]) for r in routes)
        for route in routes:
            if len(route["url"]) < len(shortest["url"]):
                shortest = route
            if route["verb"] == "GET":
                get_route = route
        return get_route if same_length else shortest

    def query(self, request: dict[str, Any]) -> dict[str, Any]:
        route = self.routes[request["controller"]][request["action"]]
        method = route["verb"]
        headers = {"Content-Type": "application/json"}
        body = None
        query: dict[str, Any] = {}
        for key, value in request.items():
            if key == "body":
                if method == "GET":
                    query.update(value)
                else:
                    body = json.dumps(value).encode()
            elif key == "jwt":
                headers["authorization"] = "Bearer " + value
            elif key == "volatile":
                headers["x-kuzzle-volatile"] = json.dumps(value)
            elif key in ("controller", "action", "index", "collection", "requestId", "meta"):
                continue
            elif value is not None:
                query[key] = value
        url = route["url"]
        while "/:" in url:
            start = url.index("/:") + 2
            end = url.find("/", start)
            name = url[start:] if end < 0 else url[start:end]
            assert request.get(name), f'Missing URL param "{name}"'
            url = url.replace(":" + name, urllib.parse.quote(str(request[name]), safe=""), 1)
            query.pop(name, None)
        parts = []
        for key, value in query.items():
            if isinstance(value, bool):
                if value:
                    parts.append(urllib.parse.quote(key))
            elif isinstance(value, list):
                parts.append(f"{urllib.parse.quote(key)}={urllib.parse.quote(','.join(map(str, value)))}")
            else:
                text = json.dumps(value) if isinstance(value, dict) else str(value)
                parts.append(f"{urllib.parse.quote(key)}={urllib.parse.quote(text)}")
        if parts:
            url += "?" + "&".join(parts)
        return self.api.call(method, url, raw=body, headers=headers).json


async def test_sdk_http_protocol_scenario(server) -> None:
    sdk = SdkHttp(server.address())
    sdk.connect()
    assert sdk.routes["document"]["upsert"] == {"url": "/:index/:collection/:_id/_upsert", "verb": "POST"}
    assert sdk.routes["document"]["search"]["verb"] == "POST"
    assert sdk.routes["document"]["create"]["url"] == "/:index/:collection/_create"

    def ok(**request: Any) -> Any:
        answer = sdk.query(request)
        assert answer["error"] is None, answer
        return answer.get("result")

    assert isinstance(ok(controller="server", action="now")["now"], int)
    index = uniq("sdk")
    ok(controller="index", action="create", index=index)
    ok(controller="collection", action="create", index=index, collection="c", body={})
    args = dict(index=index, collection="c")
    assert ok(controller="document", action="create", **args, _id="d1", body={"n": 1})["_id"] == "d1"
    upserted = ok(controller="document", action="upsert", **args, _id="d2",
                  body={"changes": {"n": 2}, "default": {"seeded": True}},
                  refresh="wait_for", retryOnConflict=3, silent=False, source=True,
                  volatile={"sdkName": "js@7.17.1"})
    assert upserted["created"] is True and upserted["_source"]["seeded"] is True and upserted["_source"]["n"] == 2
    updated = ok(controller="document", action="upsert", **args, _id="d2", body={"changes": {"n": 3}}, source=True)
    assert updated["created"] is False and updated["_version"] == 2 and updated["_source"]["n"] == 3
    assert ok(controller="document", action="get", **args, _id="d2")["_source"]["n"] == 3
    bulk = ok(controller="document", action="mUpsert", **args,
              body={"documents": [{"_id": "d3", "changes": {"n": 4}}, {"_id": "d1", "changes": {"n": 5}}]})
    assert len(bulk["successes"]) == 2 and bulk["errors"] == []
    found = ok(controller="document", action="search", **args, body={"query": {"range": {"n": {"gte": 4}}}}, size=10)
    assert sorted(h["_id"] for h in found["hits"]) == ["d1", "d3"]
    assert ok(controller="document", action="count", **args, body={})["count"] == 3
    assert ok(controller="document", action="delete", **args, _id="d3")["_id"] == "d3"
    missing = sdk.query(dict(controller="document", action="get", **args, _id="d3"))
    assert missing["error"]["id"] == "services.storage.not_found" and missing["status"] == 404
    existing = sdk.query(dict(controller="document", action="create", **args, _id="d1", body={}))
    assert existing["error"]["id"] == "services.storage.document_already_exists" and existing["status"] == 400
    assert ok(controller="auth", action="checkToken", body={})["valid"] is True
    sdk.api.close()
