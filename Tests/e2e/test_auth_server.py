"""auth:checkToken, auth:getCurrentUser, server:now, server:info (contract sections 2 and 6)."""

from __future__ import annotations

import uuid

from kuzzle_client import assert_ok, now_ms
from protocol import golden

ANONYMOUS_TOKEN = {"expiresAt": None, "kuid": "-1", "valid": True}


async def test_check_token_golden_sdk_frame(client) -> None:
    """The SDK's first request on connect gets the golden anonymous answer."""
    request = golden("checkToken-request.json")
    request["requestId"] = str(uuid.uuid4())
    expected = golden("checkToken-response.json")
    async with client() as c:
        resp = await c.request(request)
    assert resp["result"] == ANONYMOUS_TOKEN
    assert set(resp) - {"index", "collection"} == set(expected)
    for key in ("action", "controller", "error", "headers", "status", "volatile"):
        assert resp[key] == expected[key], key
    assert resp["room"] == resp["requestId"] == request["requestId"]


async def test_check_token_is_the_first_and_only_request_needed(client) -> None:
    async with client(subprotocols=["null"]) as c:
        assert assert_ok(await c.query("auth", "checkToken", body={})) == ANONYMOUS_TOKEN
        assert len(c.received) == 1  # nothing unsolicited before or with the answer


async def test_get_current_user_is_anonymous(client) -> None:
    async with client() as c:
        user = await c.ok("auth", "getCurrentUser")
    assert user["_id"] == "-1"
    assert isinstance(user["_source"], dict)
    if "profileIds" in user["_source"]:
        assert "anonymous" in user["_source"]["profileIds"]


async def test_server_now_is_epoch_milliseconds(client) -> None:
    async with client() as c:
        before = now_ms()
        result = await c.ok("server", "now")
        after = now_ms()
    assert list(result) == ["now"]
    assert isinstance(result["now"], int) and not isinstance(result["now"], bool)
    assert before - 1000 <= result["now"] <= after + 1000


async def test_server_info(client) -> None:
    async with client() as c:
        result = await c.ok("server", "info")
    assert isinstance(result, dict)
    assert isinstance(result.get("serverInfo"), dict), result
