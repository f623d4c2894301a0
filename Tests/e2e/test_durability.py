"""--data-dir: every acknowledged write survives SIGKILL and SIGTERM, a disk that refuses writes
gives storage errors and rolled-back state, a second Herald on the same directory is refused,
and `herald backup` makes a copy a new directory starts from."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from herald_server import HeraldServer
from kuzzle_client import KuzzleClient, assert_error, assert_ok

pytestmark = pytest.mark.own_server

CONNECTIONS = 20
WINDOW = 16
IDS_PER_CONNECTION = 8


@pytest.fixture
def data_dir() -> Any:
    path = Path(tempfile.mkdtemp(prefix="herald-data-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def start(binary: Path, data_dir: Path, *extra: str, name: str) -> HeraldServer:
    server = HeraldServer(binary, ["--data-dir", str(data_dir), *extra], name=name)
    server.start()
    return server


def sigkill(server: HeraldServer) -> None:
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)


async def setup_collection(url: str) -> None:
    async with KuzzleClient(url) as c:
        await c.ok("index", "create", index="shop")
        await c.ok("collection", "create", index="shop", collection="items",
                   body={"dynamic": "strict", "properties": {"n": {"type": "integer"}}})


async def pipelined_upserts(url: str, connection: int, acknowledged: dict[str, int], stop: asyncio.Event) -> None:
    """Keeps WINDOW upserts in flight until the server dies; records each acknowledged _version."""
    try:
        async with connect(url, max_size=None, ping_interval=None, proxy=None) as ws:
            sent = 0
            in_flight = 0
            while True:
                while in_flight < WINDOW and not stop.is_set():
                    doc_id = f"c{connection}-{sent % IDS_PER_CONNECTION}"
                    await ws.send(json.dumps({
                        "controller": "document", "action": "upsert", "index": "shop", "collection": "items",
                        "_id": doc_id, "requestId": f"{connection}-{sent}", "body": {"changes": {"n": sent}}}))
                    sent += 1
                    in_flight += 1
                if in_flight == 0:
                    return
                answer = json.loads(await ws.recv())
                if answer.get("room", "").startswith(f"{connection}-"):
                    in_flight -= 1
                    assert answer["status"] == 200, answer
                    result = answer["result"]
                    acknowledged[result["_id"]] = max(acknowledged.get(result["_id"], 0), result["_version"])
    except (ConnectionClosed, OSError):
        return


async def stored_versions(url: str, ids: list[str]) -> dict[str, int]:
    async with KuzzleClient(url) as c:
        result = await c.ok("document", "mGet", index="shop", collection="items", body={"ids": ids})
        return {hit["_id"]: hit["_version"] for hit in result["successes"]}


def test_sigkill_keeps_every_acknowledged_write(herald_binary, data_dir) -> None:
    server = start(herald_binary, data_dir, name="durable-kill")
    try:
        asyncio.run(setup_collection(server.url))
        acknowledged: dict[str, int] = {}

        async def load_then_kill() -> None:
            stop = asyncio.Event()
            tasks = [asyncio.create_task(pipelined_upserts(server.url, i, acknowledged, stop))
                     for i in range(CONNECTIONS)]
            deadline = time.monotonic() + 30
            while sum(acknowledged.values()) < 2_000 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            sigkill(server)
            await asyncio.wait_for(asyncio.gather(*tasks), 20)

        asyncio.run(load_then_kill())
        assert len(acknowledged) == CONNECTIONS * IDS_PER_CONNECTION
    finally:
        server.stop()
    restarted = start(herald_binary, data_dir, name="durable-kill-restart")
    try:
        async def check() -> None:
            stored = await stored_versions(restarted.url, sorted(acknowledged))
            for doc_id, version in acknowledged.items():
                assert stored.get(doc_id, 0) >= version, (doc_id, version, stored.get(doc_id))
            async with KuzzleClient(restarted.url) as c:
                assert await c.ok("index", "list") == {"indexes": ["shop"]}
                mapping = await c.ok("collection", "getMapping", index="shop", collection="items")
                assert mapping["dynamic"] == "strict" and mapping["properties"]["n"] == {"type": "integer"}
                doc_id = sorted(acknowledged)[0]
                upserted = await c.ok("document", "upsert", index="shop", collection="items", _id=doc_id,
                                      body={"changes": {"n": -1}})
                assert upserted["_version"] == stored[doc_id] + 1

        asyncio.run(check())
    finally:
        restarted.stop()


def test_sigterm_restart_keeps_everything(herald_binary, data_dir) -> None:
    for fsync in ["always", "interval"]:
        shutil.rmtree(data_dir, ignore_errors=True)
        server = start(herald_binary, data_dir, "--fsync", fsync, name=f"durable-term-{fsync}")
        try:
            async def write() -> dict[str, Any]:
                await setup_collection(server.url)
                async with KuzzleClient(server.url) as c:
                    await c.ok("index", "create", index="empty")
                    for i in range(50):
                        await c.ok("document", "create", index="shop", collection="items", _id=f"d{i}", body={"n": i})
                    await c.ok("document", "update", index="shop", collection="items", _id="d1", body={"n": 100})
                    await c.ok("document", "delete", index="shop", collection="items", _id="d2")
                    return await c.ok("document", "get", index="shop", collection="items", _id="d1")

            before = asyncio.run(write())
        finally:
            server.stop()
        assert server.process.returncode == 0
        restarted = start(herald_binary, data_dir, "--fsync", fsync, name=f"durable-term-{fsync}-restart")
        try:
            async def check() -> None:
                async with KuzzleClient(restarted.url) as c:
                    assert await c.ok("index", "list") == {"indexes": ["empty", "shop"]}
                    after = await c.ok("document", "get", index="shop", collection="items", _id="d1")
                    assert after == before and after["_version"] == 2
                    assert after["_source"]["_kuzzle_info"]["updatedAt"] is not None
                    assert (await c.ok("document", "count", index="shop", collection="items"))["count"] == 49
                    assert_error(await c.query("document", "get", index="shop", collection="items", _id="d2"),
                                 "services.storage.not_found")

            asyncio.run(check())
        finally:
            restarted.stop()


def test_second_herald_on_the_same_directory_is_refused(herald_binary, data_dir) -> None:
    server = start(herald_binary, data_dir, name="durable-lock")
    try:
        second = subprocess.run([str(herald_binary), "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data_dir)],
                                capture_output=True, text=True, timeout=20)
        assert second.returncode != 0
        assert "in use by another running Herald" in second.stdout + second.stderr
        assert server.alive()
    finally:
        server.stop()


def test_disk_refusing_writes_gives_storage_errors_and_rolls_back(herald_binary, data_dir) -> None:
    """A soft RLIMIT_FSIZE of 1 byte on the running server makes every file write fail (EFBIG), as a full disk."""
    server = start(herald_binary, data_dir, name="durable-disk")
    try:
        async def scenario() -> None:
            await setup_collection(server.url)
            async with KuzzleClient(server.url, name="writer") as c, KuzzleClient(server.url, name="watcher") as w:
                await c.ok("document", "create", index="shop", collection="items", _id="a", body={"n": 1})
                room = (await w.subscribe("shop", "items", {}))["channel"]
                subprocess.run(["prlimit", f"--pid={server.process.pid}", "--fsize=1:"], check=True)
                failed = await c.query("document", "update", index="shop", collection="items", _id="a", body={"n": 2})
                assert_error(failed, "services.storage.unexpected_error")
                assert failed["status"] == 500
                created = await c.query("document", "create", index="shop", collection="items", _id="b", body={})
                assert_error(created, "services.storage.unexpected_error")
                # Reads go on, and see only what is durable.
                assert (await c.ok("document", "get", index="shop", collection="items", _id="a"))["_version"] == 1
                assert_error(await c.query("document", "get", index="shop", collection="items", _id="b"),
                             "services.storage.not_found")
                await w.sync()
                assert w.notifications(room) == []
                subprocess.run(["prlimit", f"--pid={server.process.pid}", "--fsize=unlimited:"], check=True)
                recovered = await c.ok("document", "update", index="shop", collection="items", _id="a", body={"n": 3})
                assert recovered["_version"] == 2
                await w.wait_notifications(room, 1)

        asyncio.run(scenario())
        assert server.alive()
    finally:
        server.stop()
    restarted = start(herald_binary, data_dir, name="durable-disk-restart")
    try:
        async def check() -> None:
            async with KuzzleClient(restarted.url) as c:
                doc = await c.ok("document", "get", index="shop", collection="items", _id="a")
                assert doc["_version"] == 2 and doc["_source"]["n"] == 3

        asyncio.run(check())
    finally:
        restarted.stop()


def test_backup_while_running_then_restore(herald_binary, data_dir) -> None:
    server = start(herald_binary, data_dir, name="durable-backup")
    backup = data_dir.parent / f"herald-backup-{uuid.uuid4().hex}.sqlite"
    restored_dir = Path(tempfile.mkdtemp(prefix="herald-restored-"))
    try:
        async def write() -> None:
            await setup_collection(server.url)
            async with KuzzleClient(server.url) as c:
                for i in range(20):
                    await c.ok("document", "create", index="shop", collection="items", _id=f"d{i}", body={"n": i})

        asyncio.run(write())
        done = subprocess.run([str(herald_binary), "backup", "--data-dir", str(data_dir), "--to", str(backup)],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        again = subprocess.run([str(herald_binary), "backup", "--data-dir", str(data_dir), "--to", str(backup)],
                               capture_output=True, text=True, timeout=30)
        assert again.returncode != 0 and "already exists" in again.stderr
    finally:
        server.stop()
    shutil.copy(backup, restored_dir / "herald.sqlite")
    restored = start(herald_binary, restored_dir, name="durable-restored")
    try:
        async def check() -> None:
            async with KuzzleClient(restored.url) as c:
                assert (await c.ok("document", "count", index="shop", collection="items"))["count"] == 20
                assert (await c.ok("document", "get", index="shop", collection="items", _id="d7"))["_source"]["n"] == 7

        asyncio.run(check())
    finally:
        restored.stop()
        backup.unlink(missing_ok=True)
        shutil.rmtree(restored_dir, ignore_errors=True)


def test_security_objects_and_tokens_survive_a_restart(herald_binary, data_dir) -> None:
    """Users, credentials and the restricted anonymous role are documents of the internal index:
    they persist like any document; the JWT secret is kept in the data directory."""
    admin = {"username": "ada", "password": "correct horse battery"}
    server = start(herald_binary, data_dir, name="durable-security")
    try:
        async def secure() -> str:
            async with KuzzleClient(server.url) as c:
                await c.ok("security", "createFirstAdmin", _id="ada", reset=True,
                           body={"content": {"name": "Ada"}, "credentials": {"local": admin}})
                return (await c.ok("auth", "login", strategy="local", body=admin))["jwt"]

        jwt = asyncio.run(secure())
    finally:
        server.stop()
    restarted = start(herald_binary, data_dir, name="durable-security-restart")
    try:
        async def check() -> None:
            async with KuzzleClient(restarted.url) as c:
                assert_error(await c.query("index", "create", index="nope"), "security.rights.unauthorized")
                assert (await c.ok("auth", "checkToken", body={"token": jwt}))["valid"] is True
                fresh = (await c.ok("auth", "login", strategy="local", body=admin))["jwt"]
                assert await c.ok("server", "adminExists", jwt=fresh) == {"exists": True}
                await c.ok("index", "create", index="allowed", jwt=fresh)

        asyncio.run(check())
    finally:
        restarted.stop()


SPECIFICATION = {"fields": {"n": {"type": "integer", "mandatory": True, "typeOptions": {"range": {"min": 0}}}}}


def test_validation_specifications_survive_sigterm_and_sigkill(herald_binary, data_dir) -> None:
    """Specifications are documents of the internal index: journaled like any document, curated
    again at start, and enforced on the restarted server."""

    async def specify(url: str, action: str, **fields: Any) -> Any:
        async with KuzzleClient(url) as c:
            return await c.ok("collection", action, index="shop", collection="items", **fields)

    async def refusal(url: str, body: dict[str, Any]) -> str | None:
        async with KuzzleClient(url) as c:
            response = await c.query("document", "create", index="shop", collection="items", body=body)
            return None if response["status"] == 200 else response["error"]["id"]

    server = start(herald_binary, data_dir, name="durable-specs")
    try:
        asyncio.run(setup_collection(server.url))
        asyncio.run(specify(server.url, "updateSpecifications", body=SPECIFICATION))
    finally:
        server.stop()
    assert server.process.returncode == 0
    restarted = start(herald_binary, data_dir, name="durable-specs-term")
    try:
        got = asyncio.run(specify(restarted.url, "getSpecifications"))
        assert got == {"collection": "items", "index": "shop", "validation": SPECIFICATION}
        assert asyncio.run(refusal(restarted.url, {})) == "validation.check.failed_field"
        assert asyncio.run(refusal(restarted.url, {"n": -1})) == "validation.check.failed_field"
        assert asyncio.run(refusal(restarted.url, {"n": 1})) is None
        # A replacement acknowledged just before a SIGKILL is the one in force after it.
        relaxed = {"fields": {"n": {"type": "integer", "typeOptions": {"range": {"min": -10}}}}}
        asyncio.run(specify(restarted.url, "updateSpecifications", body=relaxed))
        sigkill(restarted)
    finally:
        restarted.stop()
    killed = start(herald_binary, data_dir, name="durable-specs-kill")
    try:
        assert asyncio.run(specify(killed.url, "getSpecifications"))["validation"] == relaxed
        assert asyncio.run(refusal(killed.url, {"n": -1})) is None
        assert asyncio.run(refusal(killed.url, {"n": -11})) == "validation.check.failed_field"
        asyncio.run(specify(killed.url, "deleteSpecifications"))
        sigkill(killed)
    finally:
        killed.stop()
    cleared = start(herald_binary, data_dir, name="durable-specs-cleared")
    try:
        assert asyncio.run(refusal(cleared.url, {"n": -11})) is None

        async def gone() -> None:
            async with KuzzleClient(cleared.url) as c:
                assert_error(await c.query("collection", "getSpecifications", index="shop", collection="items"),
                             "validation.assert.not_found")
                assert await c.ok("index", "list") == {"indexes": ["shop"]}

        asyncio.run(gone())
    finally:
        cleared.stop()
