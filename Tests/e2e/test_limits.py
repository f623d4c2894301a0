"""Configurable limits (contract section 1): --max-message-bytes and --idle-timeout, each on a
server of its own."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import pytest

from websockets.exceptions import ConnectionClosed

from kuzzle_client import KuzzleClient, ServerClosed

MAX_MESSAGE_BYTES = 65536
# Heartbeats every 0.4 s keep the active clients well inside it even on a loaded machine.
IDLE_TIMEOUT_S = 3

pytestmark = pytest.mark.own_server


@pytest.fixture(scope="module")
def small_messages(start_server):
    return start_server("--max-message-bytes", str(MAX_MESSAGE_BYTES), name="max-message-bytes")


@pytest.fixture(scope="module")
def short_idle(start_server):
    return start_server("--idle-timeout", str(IDLE_TIMEOUT_S), name="idle-timeout")


def _now_request(size: int) -> str:
    """A server:now request of exactly `size` bytes (the padding rides in volatile)."""
    base = json.dumps({"controller": "server", "action": "now", "requestId": "big", "volatile": {"pad": ""}})
    text = base.replace('"pad": ""', '"pad": "' + "x" * (size - len(base)) + '"')
    assert len(text.encode()) == size
    return text


async def test_oversize_message_closes_with_1009(small_messages) -> None:
    async with KuzzleClient(small_messages.url, name="bystander") as bystander:
        big = KuzzleClient(small_messages.url, name="oversize")
        await big.connect()
        await big.sync()
        with contextlib.suppress(ConnectionClosed):  # the server may close before the last bytes are sent
            await big.send(_now_request(MAX_MESSAGE_BYTES + 4096))
        code = await big.wait_closed(5)
        big.assert_clean()
        assert code == 1009
        assert not any(r.frame.get("room") == "big" for r in big.received if isinstance(r.frame, dict))
        assert isinstance((await bystander.ok("server", "now"))["now"], int)
        async with KuzzleClient(small_messages.url, name="newcomer") as newcomer:
            await newcomer.sync()


async def test_message_under_the_limit_is_served(small_messages) -> None:
    async with KuzzleClient(small_messages.url, name="near-limit") as c:
        text = _now_request(MAX_MESSAGE_BYTES - 1024)
        await c.send(text)
        got = await c.wait_frame(lambda r: isinstance(r.frame, dict) and r.frame.get("room") == "big", 5)
        assert got.frame["volatile"] == json.loads(text)["volatile"]
        binary = _now_request(MAX_MESSAGE_BYTES - 1024).replace('"big"', '"big-binary"')
        await c.send(binary.encode())
        await c.wait_frame(lambda r: isinstance(r.frame, dict) and r.frame.get("room") == "big-binary", 5)


async def test_oversize_binary_message_closes_with_1009(small_messages) -> None:
    big = KuzzleClient(small_messages.url, name="oversize-binary")
    await big.connect()
    with contextlib.suppress(ConnectionClosed):
        await big.send(_now_request(MAX_MESSAGE_BYTES * 2).encode())
    assert await big.wait_closed(5) == 1009
    big.assert_clean()


@pytest.mark.async_timeout(40)
async def test_idle_connection_is_closed_active_ones_stay(short_idle) -> None:
    idle = KuzzleClient(short_idle.url, name="idle")
    chatty = KuzzleClient(short_idle.url, name="heartbeats")
    pinger = KuzzleClient(short_idle.url, name="control-pings")
    # Before the idle one connects: the server's idle timer cannot start earlier.
    started = time.monotonic()
    for c in (idle, chatty, pinger):
        await c.connect()
    try:
        while time.monotonic() - started < IDLE_TIMEOUT_S * 2 + 1:
            await chatty.heartbeat()
            await pinger.ping()
            await asyncio.sleep(0.4)
        await idle.wait_closed(IDLE_TIMEOUT_S + 5)
        idle_for = idle.closed_at - started
        # Never before the timeout; the upper side only tells "closed for idleness" from "never".
        assert IDLE_TIMEOUT_S - 0.5 <= idle_for <= IDLE_TIMEOUT_S * 2 + 6, f"idle connection closed after {idle_for:.1f} s"
        assert not chatty.closed and not pinger.closed
        await chatty.sync()
        await pinger.sync()
    except ServerClosed as exc:
        raise AssertionError(f"an active connection was closed: {exc}") from None
    finally:
        for c in (idle, chatty, pinger):
            await c.close()
    for c in (idle, chatty, pinger):
        c.assert_clean()
