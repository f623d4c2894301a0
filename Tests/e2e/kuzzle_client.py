"""A small, independent Kuzzle WebSocket client for the e2e suite.

One background task reads every frame, checks it against Protocols/ (schemas, error catalogue,
"no room without error"), and keeps it in `received`. Tests wait for frames by predicate:
responses by `room`, notifications by channel. Leaving the `async with` block closes the socket
and fails the test if any received frame broke the contract.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from protocol import HEARTBEAT_PING, HEARTBEAT_PONG, checker

# Guards against a hang, not latency bounds: every wait returns as soon as its frame arrives, and
# absence is checked with sync() round trips, so generous values cost nothing on a healthy run.
REQUEST_TIMEOUT = 20.0
NOTIFICATION_TIMEOUT = 15.0

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class _Any:
    """Placeholder for a message argument the test cannot know (e.g. a connection id)."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


def uniq(prefix: str) -> str:
    """A name no other test uses (Kuzzle index/collection naming: lowercase, digits, - and _)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Received:
    """One frame as received: parsed value (None if unparsable), raw text, arrival order and time."""

    seq: int
    frame: Any
    raw: str | bytes
    at: float

    @property
    def is_notification(self) -> bool:
        return isinstance(self.frame, dict) and self.frame.get("type") in ("document", "user")


class ServerClosed(ConnectionError):
    """The server closed the connection while the test was waiting for a frame."""


class KuzzleClient:
    """One WebSocket connection speaking the Kuzzle protocol."""

    def __init__(
        self,
        url: str,
        *,
        name: str = "client",
        subprotocols: list[str] | None = None,
        compression: str | None = None,
        open_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.name = name
        self.subprotocols = subprotocols
        self.compression = compression
        self.open_timeout = open_timeout
        self.ws: ClientConnection | None = None
        self.received: list[Received] = []
        self.violations: list[str] = []
        self.closed = False
        self.closed_at: float | None = None
        self._cond = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> "KuzzleClient":
        await self.connect()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        await self.close()
        if exc_type is None:
            self.assert_clean()

    async def connect(self) -> None:
        kwargs: dict[str, Any] = dict(
            max_size=None,
            ping_interval=None,
            compression=self.compression,
            open_timeout=self.open_timeout,
            close_timeout=2,
            proxy=None,
        )
        if self.subprotocols is not None:
            kwargs["subprotocols"] = self.subprotocols
        self.ws = await connect(self.url, **kwargs)
        self._reader = asyncio.create_task(self._read(), name=f"{self.name}-reader")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 3)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._reader.cancel()

    def assert_clean(self) -> None:
        """Fail if any frame received so far broke the contract."""
        if self.violations:
            raise AssertionError(f"{self.name}: frames broke the contract:\n" + "\n".join(self.violations))

    @property
    def close_code(self) -> int | None:
        return None if self.ws is None else self.ws.close_code

    async def wait_closed(self, timeout: float) -> int | None:
        """Wait until the server closes the connection; return the close code received."""
        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: self.closed), timeout)
            except asyncio.TimeoutError:
                raise AssertionError(f"{self.name}: the server did not close the connection within {timeout}s") \
                    from None
        return self.close_code

    async def _read(self) -> None:
        assert self.ws is not None
        check = checker()
        try:
            async for message in self.ws:
                frame, problems = check.check(message)
                async with self._cond:
                    self.received.append(Received(len(self.received), frame, message, time.monotonic()))
                    self.violations.extend(f"{self.name}: {p}" for p in problems)
                    self._cond.notify_all()
        except ConnectionClosed:
            pass
        except Exception as exc:  # a bug in the checks must fail the test, not vanish with the task
            self.violations.append(f"{self.name}: reader failed: {exc!r}")
        finally:
            async with self._cond:
                self.closed = True
                self.closed_at = time.monotonic()
                self._cond.notify_all()

    # -- sending ----------------------------------------------------------------------------

    async def send(self, payload: dict[str, Any] | str | bytes) -> None:
        """Send one frame: a dict as JSON text, a str as text, bytes as a binary frame."""
        assert self.ws is not None
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        await self.ws.send(payload)

    async def request(self, frame: dict[str, Any], *, timeout: float = REQUEST_TIMEOUT,
                      binary: bool = False) -> dict[str, Any]:
        """Send a request (requestId generated when absent) and return the frame whose room is it."""
        frame = dict(frame)
        frame.setdefault("requestId", str(uuid.uuid4()))
        text = json.dumps(frame)
        await self.send(text.encode() if binary else text)
        what = f"{frame.get('controller')}:{frame.get('action')} (requestId {frame['requestId']})"
        got = await self.wait_frame(lambda r: self._is_response_to(r, frame["requestId"]), timeout, what)
        return got.frame

    async def query(self, controller: str, action: str, *, timeout: float = REQUEST_TIMEOUT,
                    **fields: Any) -> dict[str, Any]:
        """Build a request from keyword fields (`_id=`, `index=`, `body=`, ...) and return the response."""
        return await self.request({"controller": controller, "action": action, **fields}, timeout=timeout)

    async def ok(self, controller: str, action: str, **fields: Any) -> Any:
        """Like query, but the response must succeed; returns its result."""
        return assert_ok(await self.query(controller, action, **fields))

    async def pipeline(self, frames: list[dict[str, Any]], *, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Send every frame before reading any answer; return the answers in request order."""
        ids = []
        for frame in frames:
            frame = dict(frame)
            frame.setdefault("requestId", str(uuid.uuid4()))
            ids.append(frame["requestId"])
            await self.send(frame)
        wanted = set(ids)

        def all_in() -> bool:
            return wanted <= {r.frame.get("room") for r in self.received if isinstance(r.frame, dict)
                              and not r.is_notification}

        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: all_in() or self.closed), timeout)
            except asyncio.TimeoutError:
                raise AssertionError(f"{self.name}: only part of {len(ids)} pipelined answers within {timeout}s")
            if not all_in():
                raise ServerClosed(f"{self.name}: closed (code {self.close_code}) before all pipelined answers")
        by_room = {r.frame["room"]: r.frame for r in self.received
                   if isinstance(r.frame, dict) and not r.is_notification and r.frame.get("room") in wanted}
        return [by_room[i] for i in ids]

    # -- waiting ----------------------------------------------------------------------------

    @staticmethod
    def _is_response_to(r: Received, request_id: str) -> bool:
        return isinstance(r.frame, dict) and not r.is_notification and r.frame.get("room") == request_id

    async def wait_frame(self, predicate: Callable[[Received], bool], timeout: float,
                         what: str = "a frame", start: int = 0) -> Received:
        """The first received frame (from index `start`) matching predicate; waits up to timeout."""
        def find() -> Received | None:
            for r in self.received[start:]:
                if predicate(r):
                    return r
            return None

        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: find() is not None or self.closed), timeout)
            except asyncio.TimeoutError:
                raise AssertionError(f"{self.name}: no {what} within {timeout}s") from None
            found = find()
            if found is None:
                raise ServerClosed(f"{self.name}: connection closed (code {self.close_code}) while waiting for {what}")
            return found

    def notifications(self, channel: str | None = None, type: str | None = None) -> list[dict[str, Any]]:
        """Notifications received so far, optionally only those of one channel and/or type."""
        return [r.frame for r in self.received if r.is_notification
                and (channel is None or r.frame.get("room") == channel)
                and (type is None or r.frame.get("type") == type)]

    async def wait_notifications(self, channel: str, count: int, *, type: str | None = None,
                                 timeout: float = NOTIFICATION_TIMEOUT) -> list[dict[str, Any]]:
        """Wait until `count` notifications arrived on `channel`; return them all."""
        async with self._cond:
            try:
                await asyncio.wait_for(
                    self._cond.wait_for(lambda: len(self.notifications(channel, type)) >= count or self.closed),
                    timeout)
            except asyncio.TimeoutError:
                got = self.notifications(channel, type)
                raise AssertionError(f"{self.name}: {len(got)} of {count} notifications on {channel} within "
                                     f"{timeout}s: {json.dumps(got)[:1500]}") from None
        got = self.notifications(channel, type)
        if len(got) < count:
            raise ServerClosed(f"{self.name}: closed (code {self.close_code}) waiting for notifications")
        return got

    async def wait_notification(self, predicate: Callable[[dict[str, Any]], bool], *,
                                timeout: float = NOTIFICATION_TIMEOUT, what: str = "notification") -> dict[str, Any]:
        got = await self.wait_frame(lambda r: r.is_notification and predicate(r.frame), timeout, what)
        return got.frame

    async def sync(self) -> None:
        """Round trip (server:now) on this connection: every frame the server queued for it before now
        has arrived once this returns (one ordered outbound queue per connection)."""
        await self.ok("server", "now")

    # -- protocol helpers ---------------------------------------------------------------------

    async def subscribe(self, index: str, collection: str, filters: dict[str, Any] | None = None,
                        **options: Any) -> dict[str, Any]:
        """realtime:subscribe; returns the result {roomId, channel}."""
        return await self.ok("realtime", "subscribe", index=index, collection=collection,
                             body={} if filters is None else filters, **options)

    async def heartbeat(self, timeout: float = 5.0) -> float:
        """Send the text frame {"p":1}; return seconds until the text frame {"p":2} arrives."""
        start_index = len(self.received)
        started = time.monotonic()
        await self.send(HEARTBEAT_PING)
        got = await self.wait_frame(lambda r: r.raw == HEARTBEAT_PONG, timeout, "{\"p\":2}", start=start_index)
        return got.at - started

    async def ping(self, timeout: float = 5.0) -> float:
        """Send a control PING; return seconds until its PONG."""
        assert self.ws is not None
        started = time.monotonic()
        waiter = await self.ws.ping()
        await asyncio.wait_for(waiter, timeout)
        return time.monotonic() - started


# -- assertions --------------------------------------------------------------------------------

def assert_ok(response: dict[str, Any]) -> Any:
    """The response succeeded (status 200, error null); return its result."""
    assert response.get("error") is None, f"unexpected error: {json.dumps(response)}"
    assert response.get("status") == 200, f"status {response.get('status')}: {json.dumps(response)}"
    return response.get("result")


def assert_error(response: dict[str, Any], error_id: str, *props: Any) -> dict[str, Any]:
    """The response carries error `error_id` with the catalogue's status and code, `result` null.

    With props, the message must be the catalogue template filled with them (ANY matches anything).
    Returns the error object.
    """
    spec = checker().catalogue[error_id]
    error = response.get("error")
    assert isinstance(error, dict), f"expected error {error_id}, got {json.dumps(response)}"
    assert error.get("id") == error_id, f"expected error {error_id}, got {json.dumps(error)}"
    assert error.get("status") == spec.status and response.get("status") == spec.status, json.dumps(response)
    assert error.get("code") == spec.code, json.dumps(error)
    assert "result" in response and response["result"] is None, f"result must be null on error: {json.dumps(response)}"
    if props:
        parts = spec.message.split("%s")
        assert len(parts) - 1 == len(props), f"{error_id} takes {len(parts) - 1} props"
        pattern = re.escape(parts[0]) + "".join(
            (".*" if p is ANY else re.escape(str(p))) + re.escape(tail) for p, tail in zip(props, parts[1:]))
        assert re.fullmatch(pattern, error.get("message", ""), re.S), \
            f"message {error.get('message')!r} != template {spec.message!r} with {props!r}"
    return error
