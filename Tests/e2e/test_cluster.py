"""Cluster mode: several herald nodes on one Redis act as one server (issue 15).

Each test module run starts its own redis-server on a free loopback port (append-only file in a
temporary folder, so a Redis killed and restarted keeps its data) and three herald nodes on it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

from herald_server import HeraldServer, free_port, port_accepts
from kuzzle_client import KuzzleClient, assert_error, assert_ok, uniq

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")

OPEN = {"equals": {"status": "open"}}


class RedisServer:
    """One redis-server of this module's own, on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="herald-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--dir", str(self.folder)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while not port_accepts(self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def pause(self, paused: bool) -> None:
        """SIGSTOP / SIGCONT: a Redis that keeps its connections open and never answers."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP if paused else signal.SIGCONT)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="module")
def nodes(redis: RedisServer, herald_binary: Path) -> Iterator[list[HeraldServer]]:
    started = []
    for name in ("a", "b", "c"):
        node = HeraldServer(herald_binary, ["--redis-url", redis.url, "--node-id", f"node-{name}"],
                            name=f"cluster-{name}")
        node.start()
        started.append(node)
    yield started
    for node in started:
        node.stop()


async def _eventually_ok(client: KuzzleClient, frame: dict, seconds: float = 10) -> dict:
    """Repeats the request until it succeeds (a node catching up, Redis coming back)."""
    deadline = time.monotonic() + seconds
    while True:
        response = await client.request(frame)
        if response.get("status") == 200 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.2)


async def _collection(writer: KuzzleClient, readers: list[KuzzleClient]) -> str:
    """A collection created on the writer's node, once every reader's node has it."""
    index = uniq("cluster")
    await writer.ok("collection", "create", index=index, collection="c")
    for reader in readers:
        assert_ok(await _eventually_ok(reader, {"controller": "collection", "action": "exists", "index": index,
                                                "collection": "c"}))
        deadline = time.monotonic() + 10
        while not await reader.ok("collection", "exists", index=index, collection="c"):
            assert time.monotonic() < deadline, "the collection never reached the other node"
            await asyncio.sleep(0.1)
    return index


async def _version_reached(client: KuzzleClient, index: str, id: str, version: int) -> None:
    """Waits until the client's node has that version of the document (it may not have it at all yet)."""
    deadline = time.monotonic() + 10
    while True:
        response = await client.request({"controller": "document", "action": "get", "index": index,
                                         "collection": "c", "_id": id})
        if response.get("status") == 200 and response["result"]["_version"] == version:
            return
        assert time.monotonic() < deadline, f"{client.name} never saw version {version} of {id}: {response}"
        await asyncio.sleep(0.05)


async def test_notifications_cross_nodes_with_scope_and_silent(nodes) -> None:
    a, b, c = nodes
    async with KuzzleClient(a.url, name="writer-a") as writer, KuzzleClient(b.url, name="sub-b") as sub, \
            KuzzleClient(c.url, name="writer-c") as other:
        index = await _collection(writer, [sub, other])
        channel = (await sub.subscribe(index, "c", OPEN))["channel"]
        doc = dict(controller="document", index=index, collection="c", _id="d1")
        created = assert_ok(await writer.request({**doc, "action": "create", "body": {"status": "open"},
                                                  "requestId": "cross-1", "volatile": {"tag": "v"}}))
        [n1] = await sub.wait_notifications(channel, 1)
        assert (n1["action"], n1["scope"], n1["requestId"]) == ("create", "in", "cross-1")
        assert n1["volatile"] == {"tag": "v"}
        assert n1["result"]["_source"] == created["_source"] and n1["result"]["_version"] == 1
        # Silent: stored everywhere, nobody notified.
        assert_ok(await writer.request({**doc, "action": "update", "body": {"n": 1}, "silent": True}))
        # A write from the third node (once its replica has the silent one), then one that takes the
        # document out of the filter.
        await _version_reached(other, index, "d1", 2)
        assert_ok(await other.request({**doc, "action": "update", "body": {"n": 2}}))
        # Node A's replica follows the stream asynchronously: its next write must be based on version 3
        # (a write based on an older replica is refused, see the next test).
        await _version_reached(writer, index, "d1", 3)
        assert_ok(await writer.request({**doc, "action": "update", "body": {"status": "closed"}}))
        _, n2, n3 = await sub.wait_notifications(channel, 3)
        assert (n2["action"], n2["scope"], n2["result"]["_version"]) == ("update", "in", 3)
        assert n2["result"]["_updatedFields"] == ["n"]
        assert (n3["action"], n3["scope"], n3["result"]["_version"]) == ("update", "out", 4)
        await sub.sync()
        assert len(sub.notifications(channel)) == 3
        for client in (writer, sub, other):
            await _version_reached(client, index, "d1", 4)


async def test_900_concurrent_upserts_from_3_nodes_on_10_ids_lose_nothing(nodes) -> None:
    async with KuzzleClient(nodes[0].url, name="a") as on_a, KuzzleClient(nodes[1].url, name="b") as on_b, \
            KuzzleClient(nodes[2].url, name="c") as on_c:
        clients = [on_a, on_b, on_c]
        index = await _collection(on_a, [on_b, on_c])
        ids = [f"id-{i}" for i in range(10)]

        def frames(node: int) -> list[dict]:
            return [{"controller": "document", "action": "upsert", "index": index, "collection": "c",
                     "_id": ids[i % 10], "body": {"changes": {f"from{node}": i}}} for i in range(300)]

        batches = await asyncio.gather(*(client.pipeline(frames(n)) for n, client in enumerate(clients)))
        accepted = {id: 0 for id in ids}
        for batch in batches:
            for response in batch:
                if response.get("status") == 200:
                    accepted[response["result"]["_id"]] += 1
                else:
                    # Refused (another node changed the document first, or a write it was sent behind
                    # was refused), never stored.
                    assert response["error"]["id"] in ("services.storage.too_many_changes",
                                                       "services.storage.unexpected_error"), response
        assert sum(accepted.values()) > 0
        # Every acknowledged upsert is in the version, on every node, and nothing else is.
        for client in clients:
            for id in ids:
                await _version_reached(client, index, id, accepted[id])


async def test_writes_fail_clearly_while_redis_is_down_and_resume(nodes, redis: RedisServer) -> None:
    a, b, _ = nodes
    async with KuzzleClient(a.url, name="a") as writer, KuzzleClient(b.url, name="b") as sub:
        index = await _collection(writer, [sub])
        channel = (await sub.subscribe(index, "c", {}))["channel"]
        redis.kill()
        try:
            started = time.monotonic()
            response = await writer.request({"controller": "document", "action": "create", "index": index,
                                             "collection": "c", "_id": "while-down", "body": {}})
            assert time.monotonic() - started < 10
            assert_error(response, "core.fatal.service_unavailable")
            # The refused write is not in the replica either.
            gone = await writer.request({"controller": "document", "action": "get", "index": index,
                                         "collection": "c", "_id": "while-down"})
            assert gone["status"] == 404
        finally:
            redis.start()
        resumed = await _eventually_ok(writer, {"controller": "document", "action": "create", "index": index,
                                                "collection": "c", "_id": "after", "body": {"back": True}})
        assert_ok(resumed)
        [n] = await sub.wait_notifications(channel, 1, timeout=15)
        assert n["result"]["_id"] == "after"


async def test_writes_fail_when_redis_stops_answering_and_resume(nodes, redis: RedisServer) -> None:
    a = nodes[0]
    async with KuzzleClient(a.url, name="a") as writer:
        index = await _collection(writer, [])
        redis.pause(True)
        try:
            started = time.monotonic()
            response = await writer.request({"controller": "document", "action": "create", "index": index,
                                             "collection": "c", "_id": "hung", "body": {}}, timeout=20)
            assert time.monotonic() - started < 15
            assert_error(response, "core.fatal.service_unavailable")
            # Reads are served from the replica meanwhile.
            assert await writer.ok("collection", "exists", index=index, collection="c")
        finally:
            redis.pause(False)
        assert_ok(await _eventually_ok(writer, {"controller": "document", "action": "create", "index": index,
                                                "collection": "c", "_id": "after-hang", "body": {}}))


def test_an_invalid_redis_url_is_refused_at_start(herald_binary: Path) -> None:
    for given in (["--redis-url", "http://127.0.0.1:1"], []):
        env = {**os.environ, "HERALD_REDIS_URL": "redis://127.0.0.1:99999"} if not given else None
        done = subprocess.run([str(herald_binary), "--host", "127.0.0.1", "--port", "0", *given],
                              capture_output=True, timeout=30, env=env)
        assert done.returncode != 0
        assert b"redis" in (done.stdout + done.stderr).lower()


async def test_a_new_node_loads_the_state_and_a_killed_node_leaves_the_others_serving(
        nodes, redis: RedisServer, herald_binary: Path) -> None:
    a, b, _ = nodes
    async with KuzzleClient(a.url, name="a") as writer, KuzzleClient(b.url, name="b") as on_b:
        index = await _collection(writer, [on_b])
        doc = dict(controller="document", index=index, collection="c", _id="kept")
        assert_ok(await writer.request({**doc, "action": "create", "body": {"n": 1}}))
        assert_ok(await writer.request({**doc, "action": "update", "body": {"n": 2}}))
        late = HeraldServer(herald_binary, ["--redis-url", redis.url, "--node-id", "node-late"], name="cluster-late")
        late.start()
        try:
            async with KuzzleClient(late.url, name="late") as on_late:
                # Loaded from Redis: the collection, its documents and their versions.
                assert_ok(await _eventually_ok(on_late, {**doc, "action": "get"}))
                got = await on_late.ok("document", "get", index=index, collection="c", _id="kept")
                assert got["_version"] == 2 and got["_source"]["n"] == 2
                # ... then follows the stream.
                channel = (await on_late.subscribe(index, "c", {}))["channel"]
                assert_ok(await writer.request({**doc, "action": "update", "body": {"n": 3}}))
                [n] = await on_late.wait_notifications(channel, 1)
                assert n["result"]["_version"] == 3
            late.process.kill()
            late.process.wait(10)
        finally:
            late.stop()
        # The others keep serving, and still share their writes.
        channel = (await on_b.subscribe(index, "c", {}))["channel"]
        await _version_reached(writer, index, "kept", 3)
        assert_ok(await writer.request({**doc, "action": "update", "body": {"n": 4}}))
        [n] = await on_b.wait_notifications(channel, 1)
        assert n["result"]["_version"] == 4


SPECIFICATION = {"fields": {"name": {"type": "string", "mandatory": True}}}


async def _specification_on(client: KuzzleClient, index: str, present: bool) -> None:
    """Waits until the client's node has (or no longer has) the collection's specification."""
    deadline = time.monotonic() + 10
    while True:
        response = await client.request({"controller": "collection", "action": "getSpecifications", "index": index,
                                         "collection": "c"})
        if (response.get("status") == 200) == present:
            return
        assert time.monotonic() < deadline, f"{client.name} never saw the specification {'set' if present else 'gone'}"
        await asyncio.sleep(0.1)


async def _unnamed_create(client: KuzzleClient, index: str) -> dict:
    return await client.request({"controller": "document", "action": "create", "index": index, "collection": "c",
                                 "body": {"n": 1}})


async def test_a_specification_set_on_one_node_validates_writes_on_the_others_and_a_late_node(
        nodes, redis: RedisServer, herald_binary: Path) -> None:
    a, b, _ = nodes
    async with KuzzleClient(a.url, name="a") as on_a, KuzzleClient(b.url, name="b") as on_b:
        index = await _collection(on_a, [on_b])
        await on_a.ok("collection", "updateSpecifications", index=index, collection="c", body=SPECIFICATION)
        await _specification_on(on_b, index, True)
        assert_error(await _unnamed_create(on_b, index), "validation.check.failed_field")
        assert_ok(await on_b.request({"controller": "document", "action": "create", "index": index,
                                      "collection": "c", "body": {"name": "from b"}}))
        late = HeraldServer(herald_binary, ["--redis-url", redis.url, "--node-id", "node-late-specs"],
                            name="cluster-late-specs")
        late.start()
        try:
            async with KuzzleClient(late.url, name="late") as on_late:
                await _specification_on(on_late, index, True)
                got = await on_late.ok("collection", "getSpecifications", index=index, collection="c")
                assert got == {"collection": "c", "index": index, "validation": SPECIFICATION}
                assert_error(await _unnamed_create(on_late, index), "validation.check.failed_field")
                # The internal index stays hidden on every node.
                assert index in (await on_late.ok("index", "list"))["indexes"]
                assert all(not name.startswith("%") for name in (await on_late.ok("index", "list"))["indexes"])
        finally:
            late.stop()
        await on_a.ok("collection", "deleteSpecifications", index=index, collection="c")
        await _specification_on(on_b, index, False)
        assert_ok(await _unnamed_create(on_b, index))


async def test_a_specification_redis_refuses_is_undone_on_its_node(nodes, redis: RedisServer) -> None:
    a = nodes[0]
    async with KuzzleClient(a.url, name="a") as on_a:
        index = await _collection(on_a, [])
        redis.kill()
        try:
            response = await on_a.request({"controller": "collection", "action": "updateSpecifications",
                                           "index": index, "collection": "c", "body": SPECIFICATION})
            assert_error(response, "core.fatal.service_unavailable")
            assert_error(await on_a.request({"controller": "collection", "action": "getSpecifications",
                                             "index": index, "collection": "c"}), "validation.assert.not_found")
        finally:
            redis.start()
        assert_ok(await _eventually_ok(on_a, {"controller": "document", "action": "create", "index": index,
                                              "collection": "c", "body": {"n": 1}}))


async def test_a_publication_reaches_every_node_once(nodes) -> None:
    a, b, _ = nodes
    async with KuzzleClient(a.url, name="pub-a") as on_a, KuzzleClient(b.url, name="sub-b") as on_b:
        index = await _collection(on_a, [on_b])
        here = (await on_a.subscribe(index, "c", OPEN))["channel"]
        there = (await on_b.subscribe(index, "c", OPEN))["channel"]
        assert_ok(await on_a.request({"controller": "realtime", "action": "publish", "index": index,
                                      "collection": "c", "_id": "m1", "body": {"status": "open", "n": 1},
                                      "requestId": "pub-1", "volatile": {"tag": "p"}}))
        # Not matching: nobody is told.
        assert_ok(await on_a.request({"controller": "realtime", "action": "publish", "index": index,
                                      "collection": "c", "body": {"status": "closed"}}))
        assert_ok(await on_b.request({"controller": "realtime", "action": "publish", "index": index,
                                      "collection": "c", "body": {"status": "open", "n": 2}}))
        for client, channel in ((on_a, here), (on_b, there)):
            first, second = await client.wait_notifications(channel, 2)
            assert (first["action"], first["scope"], first["requestId"]) == ("publish", "in", "pub-1")
            assert first["volatile"] == {"tag": "p"} and first["result"] == {"_id": "m1",
                                                                          "_source": {"status": "open", "n": 1}}
            assert second["result"]["_source"]["n"] == 2
        # Each node told its subscriber once: a write behind the publications, seen by both, closes the count.
        assert_ok(await on_b.request({"controller": "document", "action": "create", "index": index,
                                      "collection": "c", "body": {"status": "open"}}))
        for client, channel in ((on_a, here), (on_b, there)):
            await client.wait_notifications(channel, 3)
            await client.sync()
            assert [n["action"] for n in client.notifications(channel)] == ["publish", "publish", "create"]


async def test_users_entering_and_leaving_a_room_on_another_node_are_announced(nodes) -> None:
    a, b, _ = nodes
    async with KuzzleClient(a.url, name="watch-a") as on_a, KuzzleClient(b.url, name="join-b") as on_b:
        index = await _collection(on_a, [on_b])
        watching = (await on_a.subscribe(index, "c", OPEN, users="all"))["channel"]
        joined = await on_b.ok("realtime", "subscribe", index=index, collection="c", body=OPEN,
                               volatile={"who": "b"})
        [entered] = await on_a.wait_notifications(watching, 1, type="user")
        assert (entered["user"], entered["action"], entered["volatile"]) == ("in", "subscribe", {"who": "b"})
        assert (entered["index"], entered["collection"]) == (index, "c")
        await on_b.ok("realtime", "unsubscribe", body={"roomId": joined["roomId"]})
        _, left = await on_a.wait_notifications(watching, 2, type="user")
        assert (left["user"], left["action"]) == ("out", "unsubscribe")
        # A connection that goes away leaves its rooms on every node.
        async with KuzzleClient(b.url, name="gone-b") as gone:
            await gone.subscribe(index, "c", OPEN)
            await on_a.wait_notifications(watching, 3, type="user")
        *_, closed = await on_a.wait_notifications(watching, 4, type="user")
        assert closed["user"] == "out"


async def test_a_publication_fails_clearly_while_redis_is_down(nodes, redis: RedisServer) -> None:
    async with KuzzleClient(nodes[0].url, name="a") as on_a:
        index = await _collection(on_a, [])
        channel = (await on_a.subscribe(index, "c", {}))["channel"]
        redis.kill()
        try:
            response = await on_a.request({"controller": "realtime", "action": "publish", "index": index,
                                           "collection": "c", "body": {"lost": True}})
            assert_error(response, "core.fatal.service_unavailable")
            # Subscriptions stay, and work on the node itself.
            await on_a.subscribe(index, "c", {"equals": {"x": 1}}, users="all")
        finally:
            redis.start()
        assert_ok(await _eventually_ok(on_a, {"controller": "realtime", "action": "publish", "index": index,
                                              "collection": "c", "body": {"back": True}}))
        [n] = await on_a.wait_notifications(channel, 1)
        assert n["result"]["_source"] == {"back": True}


def test_users_and_tokens_of_one_node_work_on_a_node_started_later(herald_binary: Path) -> None:
    """The internal index (users, profiles, roles, credentials) is loaded from Redis like user documents,
    and every node signs with the secret the cluster keeps in Redis. Own Redis: anonymous loses its rights."""
    store = RedisServer()
    store.start()
    first = HeraldServer(herald_binary, ["--redis-url", store.url, "--node-id", "node-first"], name="cluster-first")
    late = HeraldServer(herald_binary, ["--redis-url", store.url, "--node-id", "node-later"], name="cluster-later")
    admin = {"username": "ada", "password": "correct horse battery"}
    user = {"username": "bob", "password": "another horse battery"}
    try:
        first.start()

        async def secure() -> str:
            async with KuzzleClient(first.url, name="first") as c:
                await c.ok("security", "createFirstAdmin", _id="ada", reset=True,
                           body={"content": {"name": "Ada"}, "credentials": {"local": admin}})
                jwt = (await c.ok("auth", "login", strategy="local", body=admin))["jwt"]
                await c.ok("security", "createUser", _id="bob", jwt=jwt,
                           body={"content": {"profileIds": ["default"]}, "credentials": {"local": user}})
                return jwt

        jwt = asyncio.run(secure())
        late.start()

        async def check() -> None:
            async with KuzzleClient(late.url, name="later") as c:
                assert_error(await c.query("index", "create", index="nope"), "security.rights.unauthorized")
                assert (await c.ok("auth", "checkToken", body={"token": jwt}))["valid"] is True
                await c.ok("index", "create", index="made-later", jwt=jwt)
                bob = (await c.ok("auth", "login", strategy="local", body=user))["jwt"]
                assert (await c.ok("auth", "getCurrentUser", jwt=bob))["_id"] == "bob"
                assert_error(await c.query("auth", "login", strategy="local",
                                           body={"username": "bob", "password": "wrong"}),
                             "plugin.strategy.missing_user")
            async with KuzzleClient(first.url, name="first-again") as c:
                # ... and a token the later node issued verifies on the first one.
                later_token = (await c.ok("auth", "login", strategy="local", body=admin))["jwt"]
                assert (await c.ok("auth", "checkToken", body={"token": later_token}))["valid"] is True

        asyncio.run(check())
    finally:
        late.stop()
        first.stop()
        store.cleanup()


def test_cluster_mode_without_a_secret_needs_redis_at_start(herald_binary: Path) -> None:
    port = free_port()
    done = subprocess.run([str(herald_binary), "--host", "127.0.0.1", "--port", "0", "--redis-url",
                           f"redis://127.0.0.1:{port}"], capture_output=True, timeout=60)
    assert done.returncode != 0
    assert b"shared token secret" in done.stdout + done.stderr


async def _count_reaches(client: KuzzleClient, room_id: str, expected: int) -> None:
    """Waits until the client's node counts `expected` connections in the room (heartbeats are periodic)."""
    deadline = time.monotonic() + 15
    while True:
        count = (await client.ok("realtime", "count", body={"roomId": room_id}))["count"]
        if count == expected:
            return
        assert time.monotonic() < deadline, f"{client.name} counts {count} in {room_id}, not {expected}"
        await asyncio.sleep(0.2)


async def test_counts_and_lists_add_up_every_node_and_a_dead_node_leaves_them(
        nodes, redis: RedisServer, herald_binary: Path) -> None:
    a, b, c = nodes
    async with KuzzleClient(a.url, name="a") as on_a, KuzzleClient(b.url, name="b1") as b1, \
            KuzzleClient(b.url, name="b2") as b2, KuzzleClient(c.url, name="c") as on_c:
        index = await _collection(on_a, [b1, on_c])
        room_id = (await on_a.subscribe(index, "c", OPEN))["roomId"]
        await b1.subscribe(index, "c", OPEN)
        await b2.subscribe(index, "c", OPEN, scope="out")
        for client in (on_a, b1, on_c):
            await _count_reaches(client, room_id, 3)
        listed = await on_c.ok("realtime", "list")
        assert listed[index] == {"c": {room_id: 3}}
        await b2.ok("realtime", "unsubscribe", body={"roomId": room_id})
        await _count_reaches(on_a, room_id, 2)

        late = HeraldServer(herald_binary, ["--redis-url", redis.url, "--node-id", "node-counted"],
                            name="cluster-counted")
        late.start()
        try:
            async with KuzzleClient(late.url, name="late1") as l1, KuzzleClient(late.url, name="late2") as l2:
                await l1.subscribe(index, "c", OPEN)
                await l2.subscribe(index, "c", OPEN)
                await _count_reaches(on_a, room_id, 4)
                await _count_reaches(l1, room_id, 4)
                # SIGKILL: nobody says goodbye; its rooms expire from the counts.
                late.process.kill()
                late.process.wait(10)
                await _count_reaches(on_a, room_id, 2)
                await _count_reaches(on_c, room_id, 2)
        finally:
            late.stop()


async def test_writes_with_retry_on_conflict_from_3_nodes_all_succeed(nodes) -> None:
    clients = [KuzzleClient(node.url, name=f"retry-{n}") for n, node in enumerate(nodes)]
    for client in clients:
        await client.connect()
    try:
        index = await _collection(clients[0], clients[1:])
        ids = ["hot-0", "hot-1"]

        def frames(node: int) -> list[dict]:
            return [{"controller": "document", "action": "upsert", "index": index, "collection": "c",
                     "_id": ids[i % 2], "body": {"changes": {f"from{node}": i}}, "retryOnConflict": 100}
                    for i in range(100)]

        batches = await asyncio.gather(*(client.pipeline(frames(n)) for n, client in enumerate(clients)))
        for batch in batches:
            for response in batch:
                assert_ok(response)
        for client in clients:
            for id in ids:
                await _version_reached(client, index, id, 150)
    finally:
        for client in clients:
            await client.close()


def _redis_cli(redis: RedisServer, *arguments: str) -> str:
    return subprocess.run(["redis-cli", "-p", str(redis.port), *arguments], capture_output=True, check=True,
                          timeout=10, text=True).stdout.strip()


async def test_retries_that_keep_conflicting_answer_too_many_changes(nodes, redis: RedisServer) -> None:
    async with KuzzleClient(nodes[0].url, name="a") as on_a:
        index = await _collection(on_a, [])
        doc = dict(controller="document", index=index, collection="c", _id="stuck")
        assert_ok(await on_a.request({**doc, "action": "create", "body": {"n": 1}}))
        # A version no stream record ever brings to the replica: every attempt conflicts.
        _redis_cli(redis, "HSET", f"herald:v:{len(index)}:{index}:c", "stuck", "99")
        for retries in (0, 2):
            refused = await on_a.request({**doc, "action": "update", "body": {"n": 2}, "retryOnConflict": retries},
                                         timeout=30)
            assert_error(refused, "services.storage.too_many_changes", "stuck")
        got = await on_a.ok("document", "get", index=index, collection="c", _id="stuck")
        assert got["_version"] == 1 and got["_source"]["n"] == 1


async def test_counts_fall_back_to_the_node_while_redis_is_down_and_add_up_again(nodes, redis: RedisServer) -> None:
    a, b, _ = nodes
    async with KuzzleClient(a.url, name="a") as on_a, KuzzleClient(b.url, name="b") as on_b:
        index = await _collection(on_a, [on_b])
        room_id = (await on_a.subscribe(index, "c", OPEN))["roomId"]
        await on_b.subscribe(index, "c", OPEN)
        await _count_reaches(on_a, room_id, 2)
        redis.kill()
        try:
            await _count_reaches(on_a, room_id, 1)
        finally:
            redis.start()
        await _count_reaches(on_a, room_id, 2)
