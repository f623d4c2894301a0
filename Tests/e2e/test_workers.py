"""`herald --workers N`: a supervisor and N cluster-node workers sharing one port (issue 15, item 5).

The module starts its own redis-server on a free loopback port (test_cluster's RedisServer).
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

from herald_server import HOST, HeraldServer, answers_http, free_port, port_accepts, try_connect
from kuzzle_client import KuzzleClient, assert_ok
from test_cluster import RedisServer, _collection, redis  # noqa: F401 (redis: a fixture)
from test_tls import certificate  # noqa: F401 (a fixture)

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")

WORKER_NODES = {"sup-w1", "sup-w2"}
# Hang guards, not timing expectations.
GUARD = 30.0


class Supervisor(HeraldServer):
    """`herald --workers 2 --redis-url ... --node-id sup`: the supervisor process and its workers."""

    def __init__(self, binary: Path, redis: RedisServer, *extra: str, name: str) -> None:
        super().__init__(binary, ["--workers", "2", "--redis-url", redis.url, "--node-id", "sup", *extra], name=name)

    def worker_pids(self) -> set[int]:
        assert self.process is not None
        pid = self.process.pid
        try:
            return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
        except FileNotFoundError:
            return set()

    def wait_for_workers(self, count: int, *, without: set[int] = frozenset()) -> set[int]:
        deadline = time.monotonic() + GUARD
        while True:
            pids = self.worker_pids()
            if len(pids) == count and not pids & without:
                return pids
            assert time.monotonic() < deadline, f"workers {pids}, expected {count} new ones\n{self.log_since(0)}"
            time.sleep(0.05)


def _gone(pid: int) -> bool:
    """No such process, or only its zombie (an orphan's new parent may not reap it at once)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def _wait_gone(pids: set[int]) -> None:
    deadline = time.monotonic() + GUARD
    while not all(_gone(pid) for pid in pids):
        assert time.monotonic() < deadline, f"worker processes left: {[p for p in pids if not _gone(p)]}"
        time.sleep(0.05)



@pytest.fixture
def supervisor(redis: RedisServer, herald_binary: Path) -> Iterator[Supervisor]:
    started = Supervisor(herald_binary, redis, name="workers")
    started.start()
    started.wait_for_workers(2)
    yield started
    started.stop()


async def _node_of(client: KuzzleClient) -> str:
    return (await client.query("server", "now"))["node"]


async def _one_client_per_worker(url: str) -> dict[str, KuzzleClient]:
    """Connects until it holds one connection on each worker (the others are closed)."""
    found: dict[str, KuzzleClient] = {}
    deadline = time.monotonic() + GUARD
    while set(found) != WORKER_NODES:
        assert time.monotonic() < deadline, f"connections only reached {sorted(found)}"
        client = KuzzleClient(url, name=f"probe-{len(found)}")
        await client.connect()
        node = await _node_of(client)
        assert node in WORKER_NODES
        if node in found:
            await client.close()
        else:
            found[node] = client
    return found


async def _close_all(clients: list[KuzzleClient]) -> None:
    for client in clients:
        await client.close()
        client.assert_clean()


@pytest.mark.parametrize("extra, message", [
    (["--workers", "2"], "--workers 2 needs --redis-url"),
    (["--workers", "2", "--redis-url", "redis://127.0.0.1:1", "--data-dir", "/tmp/herald-workers-unused"],
     "--workers and --data-dir cannot be combined"),
    (["--workers", "3", "--redis-url", "redis://127.0.0.1:1", "--port", "0"], "--workers needs a fixed --port"),
    (["--workers", "-1", "--redis-url", "redis://127.0.0.1:1"], "must be between 0 and 1024"),
])
def test_settings_that_do_not_go_with_workers_are_refused(herald_binary: Path, extra: list[str],
                                                          message: str) -> None:
    done = subprocess.run([str(herald_binary), "--host", HOST, "--port", str(free_port()), *extra],
                          capture_output=True, text=True, timeout=GUARD)
    assert done.returncode != 0
    assert message in done.stderr


async def test_connections_land_on_every_worker(supervisor: Supervisor) -> None:
    pinned = await _one_client_per_worker(supervisor.url)
    many = [KuzzleClient(supervisor.url, name=f"many-{n}") for n in range(40)]
    for client in many:
        await client.connect()
    nodes = [await _node_of(client) for client in many]
    assert set(nodes) == WORKER_NODES
    await _close_all([*pinned.values(), *many])


async def test_a_write_on_one_worker_notifies_a_subscriber_on_the_other(supervisor: Supervisor) -> None:
    clients = await _one_client_per_worker(supervisor.url)
    writer, subscriber = clients["sup-w1"], clients["sup-w2"]
    index = await _collection(writer, [subscriber])
    channel = (await subscriber.subscribe(index, "c", {"equals": {"status": "open"}}))["channel"]
    created = assert_ok(await writer.request({"controller": "document", "action": "create", "index": index,
                                              "collection": "c", "_id": "d1", "body": {"status": "open"},
                                              "requestId": "through-w1"}))
    [notification] = await subscriber.wait_notifications(channel, 1)
    assert (notification["action"], notification["scope"], notification["requestId"]) == ("create", "in", "through-w1")
    assert notification["result"]["_source"] == created["_source"]
    await _close_all([writer, subscriber])


async def test_a_killed_worker_is_replaced_and_the_port_keeps_serving(supervisor: Supervisor) -> None:
    before = supervisor.worker_pids()
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    survivor = before - {victim}
    after = supervisor.wait_for_workers(2, without={victim})
    assert survivor <= after
    assert "restarting worker" in supervisor.log_since(0)
    clients = await _one_client_per_worker(supervisor.url)
    await _close_all(list(clients.values()))
    assert supervisor.alive()


def test_sigterm_on_the_supervisor_stops_every_worker(supervisor: Supervisor) -> None:
    workers = supervisor.worker_pids()
    assert supervisor.process is not None
    supervisor.process.send_signal(signal.SIGTERM)
    assert supervisor.process.wait(GUARD) == 0
    _wait_gone(workers)
    log = supervisor.log_since(0)
    assert log.count("herald stopped") == 2


def test_workers_stop_when_the_supervisor_is_killed(supervisor: Supervisor) -> None:
    workers = supervisor.worker_pids()
    assert supervisor.process is not None
    supervisor.process.kill()
    supervisor.process.wait(GUARD)
    _wait_gone(workers)
    assert "supervisor gone" in supervisor.log_since(0)


def test_a_worker_that_keeps_failing_at_start_makes_the_supervisor_fail(herald_binary: Path,
                                                                        redis: RedisServer) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([str(herald_binary), "--host", HOST, "--port", str(port), "--workers", "2",
                               "--redis-url", redis.url], capture_output=True, text=True, timeout=GUARD * 2)
    assert done.returncode == 1
    assert "worker keeps failing at start" in done.stderr
    assert "cannot listen" in done.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")
async def test_workers_serve_tls_on_the_shared_port(redis: RedisServer, herald_binary: Path, certificate,
                                                    monkeypatch) -> None:
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    supervisor = Supervisor(herald_binary, redis, "--tls-cert", str(cert), "--tls-key", str(key), name="workers-tls")
    supervisor.start()
    try:
        supervisor.wait_for_workers(2)
        clients = await _one_client_per_worker(supervisor.url.replace("ws://", "wss://"))
        await _close_all(list(clients.values()))
    finally:
        supervisor.stop()


def test_a_worker_out_of_descriptors_pauses_accepting_then_serves_again(redis: RedisServer,
                                                                         herald_binary: Path) -> None:
    def few_descriptors() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))

    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix="herald-workers-emfile-", suffix=".log")[1])
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(herald_binary), "--host", HOST, "--port", str(port), "--workers", "2",
                                    "--redis-url", redis.url], preexec_fn=few_descriptors, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + GUARD
        while not port_accepts(port):
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.05)
        while "out of file descriptors" not in log_path.read_text():
            assert time.monotonic() < deadline, log_path.read_text()
            held = [connection for connection in (try_connect(port) for _ in range(100)) if connection is not None]
            time.sleep(0.2)
            for connection in held:
                connection.close()
        deadline = time.monotonic() + GUARD
        while not answers_http(port):
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.05)
        log = log_path.read_text()
        assert "worker exited" not in log, log
    finally:
        process.terminate()
        assert process.wait(GUARD) == 0
