"""realtime controller: subscribe, unsubscribe, count, list, join, publish and their errors
(contract section 7), plus filter validation errors (section 9)."""

from __future__ import annotations

import asyncio
import re

import pytest

from kuzzle_client import ANY, assert_error, assert_ok, uniq

OPEN = {"equals": {"status": "open"}}


def _channel_of(room_id: str) -> re.Pattern[str]:
    return re.compile(re.escape(room_id) + r"-[0-9]+")


async def _count(c, room_id: str) -> int:
    return (await c.ok("realtime", "count", body={"roomId": room_id}))["count"]


async def _wait_count(c, room_id: str, expected: int, timeout: float = 20.0) -> None:
    """Poll realtime:count until it reaches `expected` (disconnects are processed asynchronously)."""
    deadline = asyncio.get_running_loop().time() + timeout
    count = await _count(c, room_id)
    while count != expected and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
        count = await _count(c, room_id)
    assert count == expected


async def test_subscribe_result(client) -> None:
    index = uniq("rt")
    async with client() as c:
        result = await c.subscribe(index, "c", OPEN)
    assert set(result) == {"roomId", "channel"}
    assert _channel_of(result["roomId"]).fullmatch(result["channel"]), result


async def test_collection_need_not_exist(client) -> None:
    async with client() as c:
        result = await c.subscribe(uniq("rt-nowhere"), "nothing-here", {})
    assert result["roomId"]


async def test_equivalent_filters_share_a_room(client) -> None:
    index = uniq("rt")
    async with client("a") as a, client("b") as b:
        plain = await a.subscribe(index, "c", OPEN)
        same = await b.subscribe(index, "c", {"equals": {"status": "open"}})
        wrapped = await b.subscribe(index, "c", {"and": [OPEN]})
        range_a = await a.subscribe(index, "c", {"range": {"age": {"gte": 1, "lt": 5}}})
        range_b = await b.subscribe(index, "c", {"range": {"age": {"lt": 5, "gte": 1}}})
        other_value = await a.subscribe(index, "c", {"equals": {"status": "closed"}})
        other_collection = await a.subscribe(index, "c2", OPEN)
        other_index = await a.subscribe(index + "-2", "c", OPEN)
    assert plain["roomId"] == same["roomId"] == wrapped["roomId"]
    assert plain["channel"] == same["channel"], "same filter, same options: same channel"
    assert range_a["roomId"] == range_b["roomId"]
    rooms = {plain["roomId"], range_a["roomId"], other_value["roomId"], other_collection["roomId"],
             other_index["roomId"]}
    assert len(rooms) == 5


async def test_options_give_distinct_channels_of_one_room(client) -> None:
    index = uniq("rt")
    async with client() as c:
        results = [await c.subscribe(index, "c", OPEN, scope=scope, users=users)
                   for scope, users in [("all", "none"), ("in", "none"), ("out", "none"), ("none", "none"),
                                        ("all", "all"), ("all", "in"), ("all", "out")]]
        default = await c.subscribe(index, "c", OPEN)
    assert len({r["roomId"] for r in results}) == 1
    assert len({r["channel"] for r in results}) == len(results)
    assert default["channel"] == results[0]["channel"], "defaults are scope all, users none"
    for r in results:
        assert _channel_of(r["roomId"]).fullmatch(r["channel"])


async def test_count_and_unsubscribe(client) -> None:
    index = uniq("rt")
    async with client("a") as a, client("b") as b:
        room = (await a.subscribe(index, "c", OPEN))["roomId"]
        assert await _count(a, room) == 1
        await b.subscribe(index, "c", OPEN)
        assert await _count(a, room) == 2
        assert await b.ok("realtime", "unsubscribe", body={"roomId": room}) == {"roomId": room}
        assert await _count(a, room) == 1
        assert await a.ok("realtime", "unsubscribe", body={"roomId": room}) == {"roomId": room}
        assert await _count(a, room) == 0


async def test_count_of_unknown_room_is_zero(client) -> None:
    async with client() as c:
        assert await _count(c, "no-such-room-" + uniq("r")) == 0


async def test_unsubscribe_errors(client) -> None:
    index = uniq("rt")
    async with client("a") as a, client("b") as b:
        room = (await a.subscribe(index, "c", OPEN))["roomId"]
        not_member = await b.query("realtime", "unsubscribe", body={"roomId": room})
        unknown = await b.query("realtime", "unsubscribe", body={"roomId": "no-such-room"})
        await a.ok("realtime", "unsubscribe", body={"roomId": room})
        twice = await a.query("realtime", "unsubscribe", body={"roomId": room})
    assert_error(not_member, "core.realtime.not_subscribed", ANY, room)
    assert_error(unknown, "core.realtime.not_subscribed", ANY, "no-such-room")
    assert_error(twice, "core.realtime.not_subscribed", ANY, room)


async def test_disconnect_unsubscribes(client) -> None:
    index = uniq("rt")
    async with client("watcher") as watcher:
        room = (await watcher.subscribe(index, "c", OPEN))["roomId"]
        leavers = [client(f"leaver-{i}") for i in range(3)]
        for leaver in leavers:
            await leaver.connect()
            await leaver.subscribe(index, "c", OPEN)
        assert await _count(watcher, room) == 4
        for leaver in leavers:
            await leaver.close()
            leaver.assert_clean()
        await _wait_count(watcher, room, 1)


async def test_list(client) -> None:
    index = uniq("rt")
    async with client("a") as a, client("b") as b:
        r1 = (await a.subscribe(index, "c1", OPEN))["roomId"]
        await b.subscribe(index, "c1", OPEN)
        r2 = (await a.subscribe(index, "c1", {"exists": "x"}))["roomId"]
        r3 = (await b.subscribe(index, "c2", {}))["roomId"]
        listed = await a.ok("realtime", "list")
    assert listed[index] == {"c1": {r1: 2, r2: 1}, "c2": {r3: 1}}


async def test_join(client) -> None:
    index = uniq("rt")
    async with client("a") as a, client("b") as b:
        sub = await a.subscribe(index, "c", OPEN)
        joined = await b.ok("realtime", "join", body={"roomId": sub["roomId"]})
        assert set(joined) == {"roomId", "channel"}
        assert joined["roomId"] == sub["roomId"]
        assert joined["channel"] == sub["channel"], "join with default options: the default channel"
        assert await _count(a, sub["roomId"]) == 2
        unknown = await b.query("realtime", "join", body={"roomId": "no-such-room"})
    error = assert_error(unknown, "core.realtime.room_not_found", "no-such-room")
    assert error["message"] == 'The room "no-such-room" doesn\'t exist'


async def test_publish_result_and_nothing_stored(client) -> None:
    index = uniq("rt")
    async with client() as c:
        await c.ok("collection", "create", index=index, collection="c")
        result = await c.ok("realtime", "publish", index=index, collection="c", _id="p1", body={"a": 1})
        stored = await c.ok("document", "exists", index=index, collection="c", _id="p1")
    assert result == {"published": True}
    assert stored is False


@pytest.mark.parametrize("option", ["scope", "users"])
async def test_invalid_scope_or_users(client, option: str) -> None:
    async with client() as c:
        resp = await c.query("realtime", "subscribe", index=uniq("rt"), collection="c", body={},
                             **{option: "sometimes"})
    error = assert_error(resp, f"core.realtime.invalid_{option}")
    assert error["message"] == (f'Invalid value for the "{option}" parameter '
                                '(allowed: "all", "in", "out", "none").')


async def test_subscribe_missing_arguments(client) -> None:
    async with client() as c:
        no_index = await c.query("realtime", "subscribe", collection="c", body={})
        no_collection = await c.query("realtime", "subscribe", index=uniq("rt"), body={})
    assert_error(no_index, "api.assert.missing_argument", "index")
    assert_error(no_collection, "api.assert.missing_argument", "collection")


BAD_FILTERS = [
    ({"equals": {"a": 1}, "exists": "b"}, "Invalid filter syntax. Filters must have one keyword only"),
    ({"foo": {"a": 1}}, '"foo": unknown keyword'),
    ({"in": {"status": []}}, None),
    ({"range": {"age": {"gt": 10, "lt": 5}}}, None),
    ({"equals": {"a": {"nested": 1}}}, None),
    ({"equals": {"a": 1, "b": 2}}, None),
    ({"bool": {"filter": [{"equals": {"a": 1}}]}}, None),
    ({"and": []}, None),
    ({"exists": 42}, None),
    ({"ids": {"values": [1, 2]}}, None),
]


@pytest.mark.parametrize("filters,message", BAD_FILTERS, ids=[str(i) for i in range(len(BAD_FILTERS))])
async def test_bad_filter(client, filters: dict, message: str | None) -> None:
    async with client() as c:
        resp = await c.query("realtime", "subscribe", index=uniq("rt"), collection="c", body=filters)
    error = assert_error(resp, "api.assert.koncorde_dsl_error")
    if message is not None:
        assert error["message"] == message


async def test_subscriptions_survive_unrelated_errors(client) -> None:
    index = uniq("rt")
    async with client() as c:
        sub = await c.subscribe(index, "c", {})
        assert_error(await c.query("realtime", "subscribe", index=index, collection="c", body={"nope": 1}),
                     "api.assert.koncorde_dsl_error")
        assert assert_ok(await c.query("realtime", "count", body={"roomId": sub["roomId"]})) == {"count": 1}
