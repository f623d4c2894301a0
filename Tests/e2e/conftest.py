"""Fixtures: the herald server under test, an asyncio runner for `async def` tests, and the
server's log attached to every failing test's report."""

from __future__ import annotations

import asyncio
import inspect
import os
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from herald_server import ExternalServer, HeraldServer, resolve_binary
from kuzzle_client import KuzzleClient
from protocol import REPO_ROOT

# A hang guard for every async test (a healthy one takes a few seconds even on a loaded box).
DEFAULT_TEST_TIMEOUT = 60.0

_SERVERS: list[ExternalServer] = []
_LOG_OFFSETS = pytest.StashKey[dict[int, int]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("herald")
    group.addoption("--herald-bin", default=None,
                    help="herald executable (default: $HERALD_BIN, else <repo>/.build/release/herald, "
                         "else <repo>/.build/debug/herald)")
    group.addoption("--herald-url", default=None,
                    help="test an already running server at this ws:// URL instead of starting one "
                         "(default: $HERALD_URL); tests that need their own server flags are skipped")
    group.addoption("--herald-log-level", default=None,
                    help="passed as --log-level to every started server (default: $HERALD_LOG_LEVEL, else not passed)")


# -- async tests ---------------------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop, bounded in time."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    marker = pyfuncitem.get_closest_marker("async_timeout")
    timeout = float(marker.args[0]) if marker else DEFAULT_TEST_TIMEOUT
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

    async def bounded() -> None:
        task = asyncio.ensure_future(pyfuncitem.obj(**kwargs))
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            task.cancel()
            await asyncio.wait({task}, timeout=5)
            raise AssertionError(f"test did not finish within {timeout} s")
        task.result()

    asyncio.run(bounded())
    return True


# -- server log on failure -------------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_LOG_OFFSETS] = {id(s): s.log_size() for s in _SERVERS}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    offsets = item.stash.get(_LOG_OFFSETS, {})
    for server in _SERVERS:
        text = server.log_since(offsets.get(id(server), 0))
        state = "running" if server.alive() else "NOT RUNNING"
        if text or not server.alive():
            report.sections.append((f"herald {server.name} output during {report.when} ({state})", text))



# -- servers ----------------------------------------------------------------------------------------

def _external_url(config: pytest.Config) -> str | None:
    return config.getoption("--herald-url") or os.environ.get("HERALD_URL") or None


@pytest.fixture(scope="session")
def herald_binary(pytestconfig: pytest.Config) -> Path:
    binary = resolve_binary(pytestconfig.getoption("--herald-bin"), REPO_ROOT)
    if not binary.is_file() or not os.access(binary, os.X_OK):
        pytest.fail(f"herald executable not found at {binary}: build it (swift build -c release --product "
                    f"herald), or pass --herald-bin / set HERALD_BIN, or point --herald-url at a running server",
                    pytrace=False)
    return binary


def _log_args(config: pytest.Config) -> list[str]:
    level = config.getoption("--herald-log-level") or os.environ.get("HERALD_LOG_LEVEL")
    return ["--log-level", level] if level else []


@pytest.fixture(scope="session")
def start_server(request: pytest.FixtureRequest,
                 pytestconfig: pytest.Config) -> Iterator[Callable[..., ExternalServer]]:
    """Start a herald with extra flags (stopped at the end of the session); skipped with --herald-url."""
    started: list[HeraldServer] = []

    def start(*extra_args: str, name: str) -> ExternalServer:
        if _external_url(pytestconfig):
            pytest.skip("needs its own server flags; not available with --herald-url")
        binary = request.getfixturevalue("herald_binary")
        server = HeraldServer(binary, [*extra_args, *_log_args(pytestconfig)], name=name)
        server.start()
        started.append(server)
        _SERVERS.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        _SERVERS.remove(server)


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Iterator[ExternalServer]:
    """The shared server: default limits. Tests keep apart by using unique index names."""
    url = _external_url(pytestconfig)
    if url:
        external = ExternalServer(url)
        _SERVERS.append(external)
        yield external
        return
    binary = request.getfixturevalue("herald_binary")
    herald = HeraldServer(binary, _log_args(pytestconfig), name="shared")
    herald.start()
    _SERVERS.append(herald)
    yield herald
    herald.stop()
    _SERVERS.remove(herald)


@pytest.fixture(autouse=True)
def _server_survives(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test after which a started server is no longer running fails."""
    yield
    dead = [s.name for s in _SERVERS if not s.alive()]
    if dead:
        pytest.fail(f"herald server(s) {dead} died during this test", pytrace=False)


@pytest.fixture
def client(server: ExternalServer) -> Callable[..., KuzzleClient]:
    """Factory: `async with client(name="sub") as c:` connects to the shared server."""

    def make(name: str = "client", **kwargs: Any) -> KuzzleClient:
        return KuzzleClient(server.url, name=name, **kwargs)

    return make
