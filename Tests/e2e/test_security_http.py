"""Security over HTTP (issue 13): the Done-when scenarios of the WebSocket tests, with the token in
`Authorization: Bearer`, and an HTTP write or subscription refused exactly as over WebSocket."""

from __future__ import annotations

from typing import Any

import pytest

from http_api import Answer, HttpApi
from kuzzle_client import KuzzleClient, assert_error, uniq

ADMIN = {"username": "hal", "password": "open the pod bay doors"}


@pytest.fixture(scope="module")
def secured(start_server) -> Any:
    return start_server("--login-attempts-per-minute", "0", name="security-http")


@pytest.fixture
def http(secured) -> Any:
    api = HttpApi(secured.address())
    yield api
    api.close()


def bearer(jwt: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt}"}


def ok(answer: Answer) -> Any:
    assert answer.status == 200 and answer.json["error"] is None, answer
    return answer.result


def refused(answer: Answer, error_id: str, status: int) -> dict[str, Any]:
    assert answer.status == status and answer.error["id"] == error_id, answer
    return answer.error


def admin_token(http: HttpApi) -> str:
    # After the reset anonymous may not ask: an error means the admin exists.
    exists = http.call("GET", "/_adminExists")
    if exists.status == 200 and not exists.result["exists"]:
        ok(http.call("POST", "/_createFirstAdmin/hal?reset", {"content": {}, "credentials": {"local": ADMIN}}))
    return ok(http.call("POST", "/_login/local", ADMIN))["jwt"]


def test_first_admin_with_reset_then_anonymous_writes_are_refused(http) -> None:
    jwt = admin_token(http)
    index = uniq("http-shop")
    ok(http.call("PUT", f"/{index}/items", {}, headers=bearer(jwt)))
    error = refused(http.call("POST", f"/{index}/items/d/_upsert", {"changes": {"a": 1}}), "security.rights.unauthorized", 401)
    assert error["message"] == 'Unauthorized: authentication required to execute the action "document:upsert".'
    again = http.call("POST", "/_createFirstAdmin", {"content": {}}, headers=bearer(jwt))
    refused(again, "api.process.admin_exists", 412)
    written = ok(http.call("POST", f"/{index}/items/d/_upsert", {"changes": {"a": 1}}, headers=bearer(jwt)))
    got = ok(http.call("GET", f"/{index}/items/{written['_id']}", headers=bearer(jwt)))
    assert got["_source"]["_kuzzle_info"]["author"] == "hal"
    assert ok(http.call("GET", "/_me", headers=bearer(jwt)))["_id"] == "hal"


async def test_a_restricted_user_over_http_and_its_subscription_over_websocket(secured, http) -> None:
    jwt = admin_token(http)
    index, other = uniq("http-allowed"), uniq("http-other")
    for name in (index, other):
        ok(http.call("PUT", f"/{name}/items", {}, headers=bearer(jwt)))
        ok(http.call("POST", f"/{name}/items/d/_create", {"v": 1}, headers=bearer(jwt)))
    role, profile, kuid = uniq("role"), uniq("profile"), uniq("user")
    ok(http.call("POST", f"/roles/{role}/_create", {"controllers": {
        "document": {"actions": {"get": True}}, "realtime": {"actions": {"subscribe": True}},
        "auth": {"actions": {"*": True}}}}, headers=bearer(jwt)))
    ok(http.call("POST", f"/profiles/{profile}/_create",
                 {"policies": [{"roleId": role, "restrictedTo": [{"index": index}]}]}, headers=bearer(jwt)))
    ok(http.call("POST", f"/users/{kuid}/_create", {"content": {"profileIds": [profile]},
                                                   "credentials": {"local": {"username": kuid, "password": "pw"}}},
                 headers=bearer(jwt)))
    refused(http.call("POST", "/_login/local", {"username": kuid, "password": "wrong"}), "plugin.strategy.missing_user", 401)
    token = ok(http.call("POST", "/_login/local", {"username": kuid, "password": "pw"}))["jwt"]
    assert ok(http.call("GET", f"/{index}/items/d", headers=bearer(token)))["_source"]["v"] == 1
    error = refused(http.call("POST", f"/{index}/items/d/_upsert", {"changes": {"v": 2}}, headers=bearer(token)),
                    "security.rights.forbidden", 403)
    assert error["message"] == f'Insufficient permissions to execute the action "document:upsert" (User "{kuid}").'
    refused(http.call("GET", f"/{other}/items/d", headers=bearer(token)), "security.rights.forbidden", 403)
    # The same token subscribes over WebSocket where its profile allows it, and an admin's HTTP
    # write notifies it.
    async with KuzzleClient(secured.url) as c:
        sub = await c.ok("realtime", "subscribe", index=index, collection="items", body={}, jwt=token)
        assert_error(await c.query("realtime", "subscribe", index=other, collection="items", body={}, jwt=token),
                     "security.rights.forbidden")
        ok(http.call("POST", f"/{index}/items/d/_upsert", {"changes": {"v": 3}}, headers=bearer(jwt)))
        notification = (await c.wait_notifications(sub["channel"], 1))[0]
        assert notification["result"]["_source"]["v"] == 3 and notification["protocol"] == "http"
    ok(http.call("POST", "/_logout", headers=bearer(token)))
    refused(http.call("GET", f"/{index}/items/d", headers=bearer(token)), "security.token.invalid", 401)
    assert ok(http.call("POST", "/_checkToken", {"token": token})) == {"state": "Invalid token.", "valid": False}


def test_bad_and_malformed_tokens(http) -> None:
    admin_token(http)
    refused(http.call("GET", "/_me/_rights", headers=bearer("not-a-token")), "security.token.invalid", 401)
    # A bad token on a login is ignored, as on WebSocket: a client with a stale token can log in again.
    assert ok(http.call("POST", "/_login/local", ADMIN, headers=bearer("stale")))["jwt"]
    refused(http.call("POST", "/_login/oauth", ADMIN), "security.credentials.unknown_strategy", 400)
