"""A small Kuzzle HTTP API client on the standard library (http.client and raw sockets)."""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path
from typing import Any

from protocol import PROTOCOLS_DIR

ROUTES_FILE = PROTOCOLS_DIR / "http-routes.json"


def route_table() -> dict[str, Any]:
    """Protocols/http-routes.json."""
    return json.loads(Path(ROUTES_FILE).read_text(encoding="utf-8"))


class Answer:
    """One HTTP answer: status, lower-case headers, body bytes and the decoded JSON (or None)."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json: Any = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def result(self) -> Any:
        return self.json["result"]

    @property
    def error(self) -> Any:
        return self.json["error"]

    def __repr__(self) -> str:
        return f"Answer({self.status}, {self.body[:300]!r})"


class HttpApi:
    """One keep-alive connection to the server's HTTP API."""

    def __init__(self, address: tuple[str, int], timeout: float = 10.0) -> None:
        self.address = address
        self.connection = http.client.HTTPConnection(*address, timeout=timeout)

    def close(self) -> None:
        self.connection.close()

    def call(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
             headers: dict[str, str] | None = None) -> Answer:
        payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        sent = {"Content-Type": "application/json"} if payload is not None else {}
        sent.update(headers or {})
        self.connection.request(method, path, body=payload, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)

    def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        answer = self.call(method, path, body, **kwargs)
        assert answer.status == 200 and answer.json["error"] is None, answer
        return answer.json.get("result")


def raw_exchange(address: tuple[str, int], data: bytes, *, answers: int, timeout: float = 5.0) -> list[Answer]:
    """Sends raw bytes on one new connection; reads until `answers` answers or the peer closes."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(data)
        buffer = b""
        parsed: list[Answer] = []
        while len(parsed) < answers:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            buffer += chunk
            parsed, _ = parse_answers(buffer)
        return parsed


def parse_answers(buffer: bytes) -> tuple[list[Answer], bytes]:
    """The complete Content-Length answers at the start of `buffer`, and what is left."""
    answers = []
    while b"\r\n\r\n" in buffer:
        head, rest = buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        if len(rest) < length:
            break
        answers.append(Answer(status, headers, rest[:length]))
        buffer = rest[length:]
    return answers, buffer


def request_bytes(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: herald"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
