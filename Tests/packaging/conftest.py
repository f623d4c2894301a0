"""Fixtures and helpers of the packaging tests: the binaries under test, a herald started from a
given path with a clean environment, and the three checks every packaged herald must pass."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Iterator

import pytest
from websockets.sync.client import connect

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# Generous: these only guard against a hang on a loaded machine.
READY_TIMEOUT = 30.0
ANSWER_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Herald:
    """One herald process started from `argv` in `cwd` with exactly `env`, output to `log`."""

    def __init__(self, argv: list[str], *, cwd: Path, env: dict[str, str], log: Path, port: int,
                 uid: int | None = None) -> None:
        self.argv, self.cwd, self.env, self.log, self.port, self.uid = argv, cwd, env, log, port, uid
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Herald":
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                            user=self.uid, group=self.uid, extra_groups=[] if self.uid else None)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"herald exited with status {self.process.returncode}:\n{self.output()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"herald did not listen on port {self.port} within {READY_TIMEOUT} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def clean_environment(**extra: str) -> dict[str, str]:
    """PATH only, without any HERALD_* setting of the caller, plus `extra`."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", **extra}


@pytest.fixture
def run_herald(tmp_path: Path) -> Iterator:
    """Factory: run_herald(binary, *args, cwd=..., env=...) starts a herald on a free loopback port."""
    started: list[Herald] = []

    def start(binary: Path, *args: str, cwd: Path, env: dict[str, str] | None = None,
              uid: int | None = None) -> Herald:
        port = free_port()
        herald = Herald([str(binary), *args, "--host", HOST, "--port", str(port)], cwd=cwd,
                        env=env if env is not None else clean_environment(),
                        log=tmp_path / f"herald-{len(started)}.log", port=port, uid=uid)
        started.append(herald)
        return herald.start()

    yield start
    for herald in started:
        herald.stop()


def http_get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """A GET as a browser sends it (`Accept: text/html`: `/` is the page, not `server:info`)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=ANSWER_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Accept": "text/html,*/*;q=0.8"})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def api_request(port: int, request: dict) -> dict:
    """One Kuzzle request over a WebSocket; its response frame."""
    with connect(f"ws://{HOST}:{port}/", open_timeout=ANSWER_TIMEOUT, close_timeout=5) as socket_:
        socket_.send(json.dumps(request))
        while True:
            frame = json.loads(socket_.recv(timeout=ANSWER_TIMEOUT))
            if frame.get("requestId") == request.get("requestId"):
                return frame


def assert_serves_api(port: int) -> None:
    """An API request, a write then a read, over WebSocket."""
    now = api_request(port, {"controller": "server", "action": "now", "requestId": "now-1"})
    assert now["status"] == 200 and isinstance(now["result"]["now"], int), now
    created = api_request(port, {"index": "packaging", "collection": "checks", "controller": "collection",
                                 "action": "create", "requestId": "create-1"})
    assert created["status"] == 200, created
    written = api_request(port, {"index": "packaging", "collection": "checks", "controller": "document",
                                 "action": "create", "_id": "one", "body": {"ok": True}, "requestId": "w-1"})
    assert written["status"] == 200, written
    read = api_request(port, {"index": "packaging", "collection": "checks", "controller": "document",
                              "action": "get", "_id": "one", "requestId": "r-1"})
    assert read["status"] == 200 and read["result"]["_source"]["ok"] is True, read


def assert_healthy(port: int) -> None:
    status, headers, body = http_get(port, "/_healthcheck")
    assert status == 200 and headers["content-type"] == "application/json", (status, body)
    assert json.loads(body)["status"] == "green"


PAGE_DIR = REPO / "Sources" / "HeraldPageAssets" / "Page"


def assert_serves_built_in_page(port: int) -> None:
    """`/` and every page file, byte for byte as in the repository."""
    status, headers, body = http_get(port, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8", status
    assert body == (PAGE_DIR / "index.html").read_bytes()
    files = [p for p in PAGE_DIR.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert files
    for path in files:
        request_path = "/" + path.relative_to(PAGE_DIR).as_posix()
        got_status, _, got_body = http_get(port, request_path)
        assert (got_status, got_body) == (200, path.read_bytes()), request_path


def required_path(variable: str, hint: str) -> Path:
    value = os.environ.get(variable)
    if not value:
        pytest.fail(f"${variable} is not set: {hint}", pytrace=False)
    return Path(value)


@pytest.fixture(scope="session")
def herald_bin() -> Path:
    """The ordinary release build ($HERALD_BIN)."""
    binary = required_path("HERALD_BIN", "build with `swift build -c release --product herald` and set it, "
                                         "or run `make packaging-test`")
    assert binary.is_file(), binary
    return binary


@pytest.fixture(scope="session")
def dist_tarball() -> Path:
    """The tarball `make dist` wrote in $HERALD_DIST_DIR."""
    folder = required_path("HERALD_DIST_DIR", "run `make dist` and set it to .build/dist, "
                                              "or run `make packaging-test`")
    tarballs = sorted(folder.glob("herald-*.tar.gz"))
    assert len(tarballs) == 1, f"expected one herald-*.tar.gz in {folder}, found {tarballs}"
    return tarballs[0]


@pytest.fixture(scope="session")
def dist_tree(dist_tarball: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unpacked tarball's top folder."""
    target = tmp_path_factory.mktemp("dist")
    with tarfile.open(dist_tarball) as archive:
        archive.extractall(target, filter="data")
    (top,) = list(target.iterdir())
    return top
