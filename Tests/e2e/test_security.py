"""Security over WebSocket: first admin with reset, exact 401/403 errors, a user restricted to one
index, wrong passwords, logout, and a short token's TokenExpired (issue 13)."""

from __future__ import annotations

import asyncio
import json
import resource
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from herald_server import HOST, answers_http, free_port, port_accepts, try_connect
from http_api import HttpApi
from kuzzle_client import KuzzleClient, assert_error, assert_ok, uniq

ADMIN = {"username": "ada", "password": "correct horse battery"}


@pytest.fixture(scope="module")
def secured(start_server) -> Any:
    """A server of its own (security state is global), with a first admin created with reset."""
    return start_server("--login-attempts-per-minute", "0", name="security")


async def login(c: KuzzleClient, username: str, password: str, **fields: Any) -> dict[str, Any]:
    return await c.query("auth", "login", strategy="local", body={"username": username, "password": password},
                         **fields)


async def admin_token(server) -> str:
    async with KuzzleClient(server.url, name="admin-setup") as c:
        exists = await c.query("server", "adminExists")
        if exists.get("error") is None and not exists["result"]["exists"]:
            assert_ok(await c.query("security", "createFirstAdmin", _id="ada", reset=True,
                                    body={"content": {"name": "Ada"}, "credentials": {"local": ADMIN}}))
        return assert_ok(await login(c, ADMIN["username"], ADMIN["password"]))["jwt"]


async def test_before_an_admin_exists_anonymous_may_do_everything(start_server) -> None:
    server = start_server(name="security-fresh")
    async with KuzzleClient(server.url) as c:
        assert await c.ok("server", "adminExists") == {"exists": False}
        index = uniq("open")
        await c.ok("collection", "create", index=index, collection="c")
        doc = await c.ok("document", "upsert", index=index, collection="c", _id="d", body={"changes": {"a": 1}})
        assert doc["_id"] == "d"


async def test_first_admin_with_reset_restricts_anonymous(secured) -> None:
    jwt = await admin_token(secured)
    async with KuzzleClient(secured.url) as c:
        index = uniq("shop")
        await c.ok("collection", "create", index=index, collection="items", jwt=jwt)
        refused = await c.query("document", "upsert", index=index, collection="items", _id="d",
                                body={"changes": {"a": 1}})
        error = assert_error(refused, "security.rights.unauthorized", "document", "upsert")
        assert error["message"] == 'Unauthorized: authentication required to execute the action "document:upsert".'
        # What anonymous keeps: checkToken, getCurrentUser, getMyRights, login.
        assert (await c.ok("auth", "checkToken", body={}))["valid"] is True
        assert (await c.ok("auth", "getCurrentUser"))["_id"] == "-1"
        again = await c.query("security", "createFirstAdmin", body={"content": {}}, jwt=jwt)
        assert_error(again, "api.process.admin_exists")
        written = await c.ok("document", "upsert", index=index, collection="items", _id="d",
                             body={"changes": {"a": 1}}, jwt=jwt)
        got = await c.ok("document", "get", index=index, collection="items", _id=written["_id"], jwt=jwt)
        assert got["_source"]["_kuzzle_info"]["author"] == "ada"


async def make_reader(c: KuzzleClient, jwt: str, index: str) -> tuple[str, str]:
    """A role (get, subscribe), a profile restricting it to `index`, and a user; returns (kuid, password)."""
    role, profile, kuid = uniq("reader"), uniq("profile"), uniq("user")
    await c.ok("security", "createRole", _id=role, jwt=jwt, body={"controllers": {
        "document": {"actions": {"get": True}}, "realtime": {"actions": {"subscribe": True}},
        "auth": {"actions": {"*": True}}}})
    await c.ok("security", "createProfile", _id=profile, jwt=jwt,
               body={"policies": [{"roleId": role, "restrictedTo": [{"index": index}]}]})
    user = await c.ok("security", "createUser", _id=kuid, jwt=jwt, body={
        "content": {"profileIds": [profile], "name": "Bob"},
        "credentials": {"local": {"username": kuid, "password": "s3cret"}}})
    assert user["_id"] == kuid and user["_source"]["profileIds"] == [profile]
    assert "credentials" not in user["_source"]
    return kuid, "s3cret"


async def test_restricted_user_reads_and_subscribes_on_its_index_only(secured) -> None:
    admin = await admin_token(secured)
    index, other = uniq("shop"), uniq("other")
    async with KuzzleClient(secured.url, name="admin") as a, KuzzleClient(secured.url, name="bob") as b:
        for name in (index, other):
            await a.ok("collection", "create", index=name, collection="items", jwt=admin)
            await a.ok("document", "create", index=name, collection="items", _id="d1", body={"n": 1}, jwt=admin)
        kuid, password = await make_reader(a, admin, index)
        bob = assert_ok(await login(b, kuid, password))
        assert bob["_id"] == kuid and bob["ttl"] == 3_600_000 and bob["expiresAt"] > time.time() * 1000
        token = bob["jwt"]
        assert (await b.ok("document", "get", index=index, collection="items", _id="d1", jwt=token))["_id"] == "d1"
        sub = await b.ok("realtime", "subscribe", index=index, collection="items", body={}, jwt=token)
        refused = await b.query("document", "upsert", index=index, collection="items", _id="d1",
                                body={"changes": {"n": 2}}, jwt=token)
        error = assert_error(refused, "security.rights.forbidden", "document", "upsert", kuid)
        assert error["message"] == f'Insufficient permissions to execute the action "document:upsert" (User "{kuid}").'
        assert_error(await b.query("document", "get", index=other, collection="items", _id="d1", jwt=token),
                     "security.rights.forbidden", "document", "get", kuid)
        assert_error(await b.query("realtime", "subscribe", index=other, collection="items", body={}, jwt=token),
                     "security.rights.forbidden", "realtime", "subscribe", kuid)
        # The subscription made with the token receives the admin's write.
        await a.ok("document", "update", index=index, collection="items", _id="d1", body={"n": 3}, jwt=admin)
        notes = await b.wait_notifications(sub["channel"], 1)
        assert notes[0]["result"]["_id"] == "d1"
        rights = await b.ok("auth", "getMyRights", jwt=token)
        assert {"controller": "document", "action": "get", "index": index, "collection": "*",
                "value": "allowed"} in rights["hits"]


async def test_wrong_password_and_unknown_strategy_are_refused(secured) -> None:
    await admin_token(secured)
    async with KuzzleClient(secured.url) as c:
        wrong = await login(c, ADMIN["username"], "not it")
        assert_error(wrong, "plugin.strategy.missing_user", "wrong username or password")
        unknown = await login(c, "nobody", "x")
        assert unknown["error"] == wrong["error"]
        strategy = await c.query("auth", "login", strategy="oauth", body={})
        assert_error(strategy, "security.credentials.unknown_strategy", "oauth")


async def test_logout_revokes_the_token(secured) -> None:
    await admin_token(secured)
    async with KuzzleClient(secured.url) as c:
        jwt = assert_ok(await login(c, ADMIN["username"], ADMIN["password"]))["jwt"]
        assert (await c.ok("auth", "checkToken", body={"token": jwt}))["kuid"] == "ada"
        assert await c.ok("auth", "logout", jwt=jwt) == {"acknowledged": True}
        assert_error(await c.query("server", "now", jwt=jwt), "security.token.invalid")
        assert await c.ok("auth", "checkToken", body={"token": jwt}) == {"state": "Invalid token.", "valid": False}


@pytest.mark.async_timeout(20)
async def test_a_two_second_token_expires_and_its_subscription_stops(secured) -> None:
    admin = await admin_token(secured)
    index = uniq("expiring")
    async with KuzzleClient(secured.url, name="admin") as a, KuzzleClient(secured.url, name="short") as s:
        await a.ok("collection", "create", index=index, collection="items", jwt=admin)
        kuid, password = await make_reader(a, admin, index)
        short = assert_ok(await login(s, kuid, password, expiresIn="2s"))
        assert short["ttl"] == 2000
        sub = await s.ok("realtime", "subscribe", index=index, collection="items", body={}, jwt=short["jwt"])
        expired = await s.wait_frame(lambda r: isinstance(r.frame, dict) and r.frame.get("type") == "TokenExpired",
                                     6.0, "TokenExpired")
        assert expired.frame == {"status": 200, "info": "This is an automated server notification",
                                 "message": "Authentication Token Expired", "type": "TokenExpired",
                                 "room": "kuzzle:notification:server"}
        assert_error(await s.query("server", "now", jwt=short["jwt"]), "security.token.expired")
        await a.ok("document", "create", index=index, collection="items", _id="late", body={}, jwt=admin)
        await asyncio.sleep(0.3)
        await s.query("server", "now")  # a round trip: anything queued before it has arrived
        assert s.notifications(sub["channel"]) == []


async def test_a_login_does_not_stall_the_other_clients(start_server) -> None:
    """The password derivation runs off the event loop: a request sent right after a login, on
    another connection, is answered while the login's derivation still runs (a million PBKDF2
    rounds, about 0.4 s here); with the derivation on the loop it would wait behind it."""
    server = start_server("--password-iterations", "1000000", "--login-attempts-per-minute", "0", name="slow-hash")
    async with KuzzleClient(server.url, name="logging-in") as a, KuzzleClient(server.url, name="other") as b:
        assert_ok(await a.query("security", "createFirstAdmin", _id="ada",
                                body={"credentials": {"local": ADMIN}}))
        for transport in ("websocket", "http"):
            request_id = uniq("login")
            frame = {"controller": "auth", "action": "login", "strategy": "local", "requestId": request_id,
                     "body": ADMIN}
            if transport == "websocket":
                await a.send(frame)
                pending = asyncio.ensure_future(
                    a.wait_frame(lambda r: a._is_response_to(r, request_id), 30.0, "the login answer"))
            else:
                api = HttpApi(server.address())
                api.connection.request("POST", "/_login/local", body=json.dumps(ADMIN).encode(),
                                       headers={"Content-Type": "application/json"})
                pending = asyncio.ensure_future(asyncio.to_thread(api.connection.getresponse))
            # Two round trips: with the derivation on the loop, the login's answer would have been
            # sent before the first of them was even read.
            for _ in range(2):
                assert (await b.query("auth", "checkToken", body={}))["status"] == 200
            if transport == "websocket":
                assert not any(a._is_response_to(r, request_id) for r in a.received), \
                    "the login was answered before requests sent after it"
            else:
                assert not pending.done(), "the HTTP login was answered before requests sent after it"
            answer = await pending
            if transport == "websocket":
                assert_ok(answer.frame)["jwt"]
            else:
                assert answer.status == 200 and json.loads(answer.read())["result"]["jwt"]
                api.close()


async def test_out_of_file_descriptors_the_server_pauses_accepting_and_keeps_answering_logins(
        herald_binary: Path) -> None:
    """Out of descriptors, the listener stops watching for a second at a time (one warning each)
    instead of retrying `accept` in a busy loop; the connections already open keep being served,
    logins included, whose derivations run on threads of Herald's own; and once descriptors are
    free again, new connections are served."""
    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix="herald-logins-emfile-", suffix=".log")[1])
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(herald_binary), "--host", HOST, "--port", str(port), "--password-iterations", "210000",
             "--login-attempts-per-minute", "0"],
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40)),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    held: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while not port_accepts(port):
            assert time.monotonic() < deadline, log_path.read_text()
            await asyncio.sleep(0.05)
        clients = [KuzzleClient(f"ws://{HOST}:{port}/", name=f"logins-emfile-{n}") for n in range(8)]
        for client in clients:
            await client.__aenter__()
        try:
            assert_ok(await clients[0].query("security", "createFirstAdmin", _id="ada",
                                             body={"credentials": {"local": ADMIN}}))
            while "out of file descriptors" not in log_path.read_text():
                assert time.monotonic() < deadline, log_path.read_text()
                for _ in range(20):
                    connection = try_connect(port, timeout=5)
                    if connection is None:
                        break
                    held.append(connection)
                await asyncio.sleep(0.05)
            # Seconds of derivations at once: four per connection, the most one may have.
            answers = await asyncio.gather(*(login(client, ADMIN["username"], ADMIN["password"], timeout=60)
                                             for client in clients for _ in range(4)))
            assert all(assert_ok(answer)["jwt"] for answer in answers)
        finally:
            for client in clients:
                await client.__aexit__(None, None, None)
        for connection in held:
            connection.close()
        held.clear()
        deadline = time.monotonic() + 30
        while not answers_http(port, timeout=5):
            assert time.monotonic() < deadline, log_path.read_text()
            await asyncio.sleep(0.05)
        log = log_path.read_text()
        assert process.poll() is None, log
        assert "errno" not in log and len(log.splitlines()) < 100, log[-4000:]
    finally:
        for connection in held:
            connection.close()
        process.terminate()
        assert process.wait(30) == 0, log_path.read_text()


async def test_every_thread_besides_the_main_one_is_one_of_heralds_own(start_server, tmp_path: Path) -> None:
    """No work goes to Dispatch, whose Linux thread pool traps when it cannot open `/proc` (a
    process out of descriptors): once a durable server has logged a user in and written a
    document, its threads are Herald's named ones and those that keep the process's name (the
    main one; a sanitizer's), none of Dispatch's pool (named after its queues)."""
    server = start_server("--data-dir", str(tmp_path / "data"), "--login-attempts-per-minute", "0",
                          name="own-threads")
    async with KuzzleClient(server.url, name="own-threads") as c:
        assert_ok(await c.query("security", "createFirstAdmin", _id="ada", body={"credentials": {"local": ADMIN}}))
        jwt = assert_ok(await login(c, ADMIN["username"], ADMIN["password"]))["jwt"]
        await c.ok("collection", "create", index="threads", collection="c", jwt=jwt)
        await c.ok("document", "upsert", index="threads", collection="c", _id="d", body={"changes": {"a": 1}},
                   jwt=jwt)
    pid = server.process.pid
    names = sorted((task / "comm").read_text().strip() for task in Path(f"/proc/{pid}/task").iterdir())
    main = Path(f"/proc/{pid}/comm").read_text().strip()
    assert all(name == main or name.startswith("herald-") for name in names), names
    assert {"herald-journal", "herald-password", "herald-signals"} <= set(names), names
