"""Document and user notifications (contract sections 7, 8 and 10.1)."""

from __future__ import annotations

import uuid

from kuzzle_client import assert_ok, now_ms, uniq

OPEN = {"equals": {"status": "open"}}


def _volatile(tag: str) -> dict:
    return {"sdkInstanceId": str(uuid.uuid4()), "sdkName": "js@7.17.1", "tag": tag}


async def _setup(c) -> str:
    index = uniq("ntf")
    await c.ok("collection", "create", index=index, collection="c")
    return index


def _assert_document_notification(n: dict, *, channel: str, index: str, action: str, scope: str,
                                  request_id: str, volatile: dict | None, controller: str = "document") -> None:
    event = {"create": "write", "update": "write", "replace": "write", "delete": "delete", "publish": "publish"}
    assert n["type"] == "document" and n["status"] == 200
    assert (n["action"], n["scope"], n["event"]) == (action, scope, event[action])
    assert n["room"] == channel
    assert (n["index"], n["collection"]) == (index, "c")
    assert n["controller"] == controller
    assert n["protocol"] == "websocket"
    assert n["requestId"] == request_id
    assert n["volatile"] == volatile
    assert isinstance(n["node"], str) and n["node"]
    assert abs(n["timestamp"] - now_ms()) < 60_000


async def test_create_notification_has_every_field(client) -> None:
    async with client("sub") as sub, client("writer") as writer:
        index = await _setup(writer)
        channel = (await sub.subscribe(index, "c", {}))["channel"]
        volatile = _volatile("create")
        resp = await writer.request({"controller": "document", "action": "create", "index": index,
                                     "collection": "c", "_id": "doc-1", "body": {"foo": "bar"},
                                     "volatile": volatile, "requestId": "create-1"})
        created = assert_ok(resp)
        [n] = await sub.wait_notifications(channel, 1)
    _assert_document_notification(n, channel=channel, index=index, action="create", scope="in",
                                  request_id="create-1", volatile=volatile)
    assert n["result"] == {"_id": "doc-1", "_source": created["_source"], "_version": 1}
    assert n["result"]["_source"]["_kuzzle_info"]["author"] == "-1"


async def test_upsert_notifies_create_then_update(client) -> None:
    async with client("sub") as sub, client("writer") as writer:
        index = await _setup(writer)
        channel = (await sub.subscribe(index, "c", {}))["channel"]
        args = dict(index=index, collection="c", _id="d")
        v1, v2 = _volatile("first"), _volatile("second")
        first = await writer.request({"controller": "document", "action": "upsert", **args, "volatile": v1,
                                      "body": {"changes": {"status": "open", "counter": 1},
                                               "default": {"createdBy": "me"}}, "requestId": "ups-1"})
        second = await writer.request({"controller": "document", "action": "upsert", **args, "volatile": v2,
                                       "body": {"changes": {"status": "closed", "info": {"city": "Paris"}}},
                                       "requestId": "ups-2", "source": True})
        created, updated = await sub.wait_notifications(channel, 2)
    assert_ok(first)
    _assert_document_notification(created, channel=channel, index=index, action="create", scope="in",
                                  request_id="ups-1", volatile=v1)
    assert created["result"]["_id"] == "d" and created["result"]["_version"] == 1
    source = {k: v for k, v in created["result"]["_source"].items() if k != "_kuzzle_info"}
    assert source == {"createdBy": "me", "status": "open", "counter": 1}
    info = created["result"]["_source"]["_kuzzle_info"]
    assert info["author"] == "-1" and isinstance(info["createdAt"], int)
    _assert_document_notification(updated, channel=channel, index=index, action="update", scope="in",
                                  request_id="ups-2", volatile=v2)
    assert updated["result"]["_id"] == "d" and updated["result"]["_version"] == 2
    assert updated["result"]["_source"] == assert_ok(second)["_source"]
    fields = set(updated["result"]["_updatedFields"])
    assert {"status", "info.city"} <= fields, fields
    assert not fields & {"counter", "createdBy"}, fields
    assert all(n["action"] != "upsert" for n in sub.notifications())


async def test_update_replace_delete_notifications(client) -> None:
    async with client("sub") as sub, client("writer") as writer:
        index = await _setup(writer)
        channel = (await sub.subscribe(index, "c", {}))["channel"]
        args = dict(index=index, collection="c", _id="d")
        await writer.ok("document", "create", **args, body={"a": 1})
        await writer.ok("document", "update", **args, body={"b": 2}, requestId="upd")
        await writer.ok("document", "replace", **args, body={"c": 3}, requestId="rep")
        await writer.ok("document", "delete", **args, requestId="del")
        await writer.ok("document", "createOrReplace", **args, body={"e": 5}, requestId="cor-1")
        await writer.ok("document", "createOrReplace", **args, body={"f": 6}, requestId="cor-2")
        notes = await sub.wait_notifications(channel, 6)
    assert [(n["action"], n["scope"], n["requestId"]) for n in notes[1:]] == [
        ("update", "in", "upd"), ("replace", "in", "rep"), ("delete", "out", "del"),
        ("create", "in", "cor-1"), ("replace", "in", "cor-2")]
    update, replace, delete = notes[1], notes[2], notes[3]
    assert update["result"]["_version"] == 2 and "b" in update["result"]["_updatedFields"]
    assert {k: v for k, v in update["result"]["_source"].items() if k != "_kuzzle_info"} == {"a": 1, "b": 2}
    assert replace["result"]["_version"] == 3
    assert {k: v for k, v in replace["result"]["_source"].items() if k != "_kuzzle_info"} == {"c": 3}
    assert delete["result"]["_id"] == "d" and delete["event"] == "delete"
    assert {k: v for k, v in delete["result"]["_source"].items() if k != "_kuzzle_info"} == {"c": 3}


async def test_scope_transitions(client) -> None:
    """A write sends `in` to matching channels, `out` to channels it matched before and no longer
    does; each channel gets what its scope asks for."""
    async with client("all") as s_all, client("in") as s_in, client("out") as s_out, \
            client("none") as s_none, client("writer") as writer:
        index = await _setup(writer)
        ch = {}
        for name, sub in (("all", s_all), ("in", s_in), ("out", s_out), ("none", s_none)):
            ch[name] = (await sub.subscribe(index, "c", OPEN, scope=name))["channel"]
        args = dict(index=index, collection="c", _id="d")
        await writer.ok("document", "create", **args, body={"status": "open"}, requestId="w1")
        await writer.ok("document", "update", **args, body={"status": "closed"}, requestId="w2")
        await writer.ok("document", "update", **args, body={"status": "still-closed"}, requestId="w3")
        await writer.ok("document", "upsert", **args, body={"changes": {"status": "open"}}, requestId="w4")
        await writer.ok("document", "replace", **args, body={"status": "gone"}, requestId="w5")
        await writer.ok("document", "replace", **args, body={"status": "open"}, requestId="w6")
        await writer.ok("document", "delete", **args, requestId="w7")
        await writer.ok("document", "create", **args, body={"status": "closed"}, requestId="w8")
        await writer.ok("document", "delete", **args, requestId="w9")
        for sub in (s_all, s_in, s_out, s_none):
            await sub.sync()

    def seen(sub, name):
        return [(n["requestId"], n["action"], n["scope"]) for n in sub.notifications(ch[name])]

    everything = [("w1", "create", "in"), ("w2", "update", "out"), ("w4", "update", "in"),
                  ("w5", "replace", "out"), ("w6", "replace", "in"), ("w7", "delete", "out")]
    assert seen(s_all, "all") == everything
    assert seen(s_in, "in") == [e for e in everything if e[2] == "in"]
    assert seen(s_out, "out") == [e for e in everything if e[2] == "out"]
    assert seen(s_none, "none") == []
    out_update = s_all.notifications(ch["all"])[1]
    assert out_update["result"]["_source"]["status"] == "closed", "out carries the new content"


async def test_silent_writes_notify_nobody(client) -> None:
    async with client("sub") as sub, client("writer") as writer:
        index = await _setup(writer)
        channel = (await sub.subscribe(index, "c", {}))["channel"]
        args = dict(index=index, collection="c")
        await writer.ok("document", "create", **args, _id="a", body={"x": 1}, silent=True)
        await writer.ok("document", "upsert", **args, _id="a", body={"changes": {"x": 2}}, silent=True)
        await writer.ok("document", "update", **args, _id="a", body={"x": 3}, silent=True)
        await writer.ok("document", "replace", **args, _id="a", body={"x": 4}, silent=True)
        await writer.ok("document", "delete", **args, _id="a", silent=True)
        await writer.ok("document", "upsert", **args, _id="b", body={"changes": {"x": 1}}, silent=True)
        await writer.ok("document", "create", **args, _id="marker", body={}, requestId="marker")
        [n] = await sub.wait_notifications(channel, 1)
        await sub.sync()
        assert len(sub.notifications(channel)) == 1
    assert n["requestId"] == "marker"


async def test_writer_subscriber_gets_notification_before_response(client) -> None:
    async with client("both") as c:
        index = await _setup(c)
        channel = (await c.subscribe(index, "c", {}))["channel"]
        for i, (action, body) in enumerate([("create", {"a": 1}), ("upsert", {"changes": {"a": 2}}),
                                            ("update", {"a": 3}), ("delete", None)]):
            rid = f"self-{i}"
            frame = {"controller": "document", "action": action, "index": index, "collection": "c", "_id": "d",
                     "requestId": rid}
            if body is not None:
                frame["body"] = body
            assert_ok(await c.request(frame))
            order = [(r.frame.get("type"), r.frame.get("room")) for r in c.received
                     if isinstance(r.frame, dict) and r.frame.get("requestId") == rid]
            assert order == [("document", channel), (None, rid)], order


async def test_filters_see_kuzzle_info_and_id(client) -> None:
    async with client("sub") as sub, client("writer") as writer:
        index = await _setup(writer)
        by_author = (await sub.subscribe(index, "c", {"equals": {"_kuzzle_info.author": "-1"}}))["channel"]
        by_id = (await sub.subscribe(index, "c", {"ids": {"values": ["wanted"]}}))["channel"]
        by_id_field = (await sub.subscribe(index, "c", {"equals": {"_id": "wanted"}}))["channel"]
        await writer.ok("document", "create", index=index, collection="c", _id="other", body={})
        await writer.ok("document", "create", index=index, collection="c", _id="wanted", body={})
        await sub.sync()
    assert [n["result"]["_id"] for n in sub.notifications(by_author)] == ["other", "wanted"]
    assert [n["result"]["_id"] for n in sub.notifications(by_id)] == ["wanted"]
    assert [n["result"]["_id"] for n in sub.notifications(by_id_field)] == ["wanted"]


async def test_one_notification_per_channel(client) -> None:
    async with client("a") as a, client("b") as b, client("writer") as writer:
        index = await _setup(writer)
        ch_a = (await a.subscribe(index, "c", OPEN))["channel"]
        ch_b = (await b.subscribe(index, "c", OPEN))["channel"]
        ch_a_all = (await a.subscribe(index, "c", {}))["channel"]
        await writer.ok("document", "create", index=index, collection="c", _id="d", body={"status": "open"})
        await a.sync()
        await b.sync()
    assert ch_a == ch_b
    assert len(a.notifications(ch_a)) == 1 and len(b.notifications(ch_b)) == 1
    assert len(a.notifications(ch_a_all)) == 1
    assert len(a.notifications()) == 2


async def test_unsubscribed_connection_gets_nothing(client) -> None:
    async with client("sub") as sub, client("writer") as writer:
        index = await _setup(writer)
        result = await sub.subscribe(index, "c", {})
        await sub.ok("realtime", "unsubscribe", body={"roomId": result["roomId"]})
        await writer.ok("document", "create", index=index, collection="c", _id="d", body={})
        await sub.sync()
        assert sub.notifications() == []


async def test_publish_notification(client) -> None:
    async with client("sub") as sub, client("publisher") as pub:
        index = uniq("ntf")
        channel = (await sub.subscribe(index, "c", {"equals": {"kind": "chat"}}))["channel"]
        volatile = _volatile("publish")
        message = {"kind": "chat", "text": "hello", "n": [1, 2]}
        assert await pub.ok("realtime", "publish", index=index, collection="c", body=message, volatile=volatile,
                            requestId="pub-1") == {"published": True}
        await pub.ok("realtime", "publish", index=index, collection="c", body={"kind": "other"})
        [n] = await sub.wait_notifications(channel, 1)
        await sub.sync()
        assert len(sub.notifications(channel)) == 1
    _assert_document_notification(n, channel=channel, index=index, action="publish", scope="in",
                                  request_id="pub-1", volatile=volatile, controller="realtime")
    assert {k: n["result"]["_source"][k] for k in message} == message


async def test_notifications_only_within_index_and_collection(client) -> None:
    async with client("sub") as sub, client("writer") as writer:
        index = await _setup(writer)
        await writer.ok("collection", "create", index=index, collection="other")
        channel = (await sub.subscribe(index, "c", {}))["channel"]
        await writer.ok("document", "create", index=index, collection="other", _id="x", body={})
        await writer.ok("document", "create", index=index, collection="c", _id="y", body={})
        await sub.wait_notifications(channel, 1)
        await sub.sync()
    assert [n["result"]["_id"] for n in sub.notifications()] == ["y"]


# -- user notifications --------------------------------------------------------------------------------

def _user_notes(sub, channel: str, tag: str) -> list[dict]:
    return [n for n in sub.notifications(channel, "user") if (n.get("volatile") or {}).get("tag") == tag]


async def test_user_notifications(client) -> None:
    index = uniq("usr")
    async with client("w-all") as w_all, client("w-in") as w_in, client("w-out") as w_out, \
            client("x") as x:
        ch_all = (await w_all.subscribe(index, "c", OPEN, users="all"))["channel"]
        ch_in = (await w_in.subscribe(index, "c", OPEN, users="in"))["channel"]
        ch_out = (await w_out.subscribe(index, "c", OPEN, users="out"))["channel"]
        vx = _volatile("x")
        room = (await x.subscribe(index, "c", OPEN, volatile=vx))["roomId"]
        await x.ok("realtime", "unsubscribe", body={"roomId": room}, volatile=vx)
        for w in (w_all, w_in, w_out):
            await w.sync()

    def seen(sub, channel):
        return [(n["user"], n["result"]["count"], n["action"]) for n in _user_notes(sub, channel, "x")]

    assert seen(w_all, ch_all) == [("in", 4, "subscribe"), ("out", 3, "unsubscribe")]
    assert seen(w_in, ch_in) == [("in", 4, "subscribe")]
    assert seen(w_out, ch_out) == [("out", 3, "unsubscribe")]
    n = _user_notes(w_all, ch_all, "x")[0]
    assert n["type"] == "user" and n["status"] == 200 and n["room"] == ch_all
    assert (n["index"], n["collection"], n["controller"], n["protocol"]) == (index, "c", "realtime", "websocket")
    assert n["volatile"] == vx
    assert abs(n["timestamp"] - now_ms()) < 60_000


async def test_user_notification_on_join_and_disconnect(client) -> None:
    index = uniq("usr")
    async with client("watcher") as watcher:
        sub = await watcher.subscribe(index, "c", OPEN, users="all")
        vy = _volatile("y")
        y = client("y")
        await y.connect()
        await y.ok("realtime", "join", body={"roomId": sub["roomId"]}, volatile=vy)
        joined = await watcher.wait_notification(
            lambda n: n["type"] == "user" and (n.get("volatile") or {}).get("tag") == "y", what="user in")
        await y.close()
        y.assert_clean()
        left = await watcher.wait_notification(
            lambda n: n["type"] == "user" and n["user"] == "out", what="user out after disconnect")
    assert (joined["user"], joined["result"]["count"]) == ("in", 2)
    assert (left["result"]["count"], left["action"], left["room"]) == (1, "unsubscribe", sub["channel"])
    assert left["volatile"] == vy, "the leaving subscriber's subscribe-time volatile"


async def test_users_none_gets_no_user_notifications(client) -> None:
    index = uniq("usr")
    async with client("quiet") as quiet, client("other") as other:
        channel = (await quiet.subscribe(index, "c", OPEN))["channel"]
        room = (await other.subscribe(index, "c", OPEN))["roomId"]
        await other.ok("realtime", "unsubscribe", body={"roomId": room})
        await quiet.sync()
        assert quiet.notifications(channel) == []


async def test_user_in_goes_to_the_channels_that_existed_before_the_subscription(client) -> None:
    """Kuzzle picks the channels to notify before creating the new subscriber's channel: the first
    subscriber of a channel is not told of its own arrival; one joining an existing channel is, as are
    the others on it; a subscriber whose options make a new channel is not, the room's others are."""
    index = uniq("usr")
    async with client("a") as a, client("b") as b, client("c") as c:
        first = await a.subscribe(index, "c", OPEN, users="all", volatile=_volatile("a"))
        await a.sync()
        assert _user_notes(a, first["channel"], "a") == [], "a new channel's subscriber gets no `in` of its own"

        same = await b.subscribe(index, "c", OPEN, users="all", volatile=_volatile("b"))
        assert same["channel"] == first["channel"]
        other = await c.subscribe(index, "c", OPEN, users="all", scope="in", volatile=_volatile("c"))
        assert other["channel"] != first["channel"]
        for sub in (a, b, c):
            await sub.sync()

    def ins(sub, channel, tag):
        return [(n["user"], n["result"]["count"]) for n in _user_notes(sub, channel, tag) if n["user"] == "in"]

    assert ins(a, first["channel"], "b") == [("in", 2)]
    assert ins(b, first["channel"], "b") == [("in", 2)], "joining an existing channel: told of its own arrival"
    assert ins(a, first["channel"], "c") == [("in", 3)]
    assert ins(b, first["channel"], "c") == [("in", 3)]
    assert ins(c, other["channel"], "c") == [], "its subscription created the channel: no `in` of its own"
