"""A raw-socket WebSocket client for tests that must send what no library would: bad frames,
broken handshakes, unmasked or reserved-bit frames, or a socket that stops reading."""

from __future__ import annotations

import base64
import os
import socket
import struct
import time
from dataclasses import dataclass

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def encode_frame(opcode: int, payload: bytes = b"", *, fin: bool = True, rsv: int = 0, mask: bool = True,
                 declared_length: int | None = None) -> bytes:
    """One client frame; `declared_length` lies about the payload length."""
    length = len(payload) if declared_length is None else declared_length
    head = bytearray([(0x80 if fin else 0) | (rsv & 0x7) << 4 | opcode & 0xF])
    mask_bit = 0x80 if mask else 0
    if length < 126:
        head.append(mask_bit | length)
    elif length < 1 << 16:
        head.append(mask_bit | 126)
        head += struct.pack("!H", length)
    else:
        head.append(mask_bit | 127)
        head += struct.pack("!Q", length)
    if not mask:
        return bytes(head) + payload
    key = os.urandom(4)
    return bytes(head) + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def close_payload(code: int, reason: bytes = b"") -> bytes:
    return struct.pack("!H", code) + reason


@dataclass
class Frame:
    fin: bool
    opcode: int
    payload: bytes

    @property
    def close_code(self) -> int | None:
        return struct.unpack("!H", self.payload[:2])[0] if self.opcode == OP_CLOSE and len(self.payload) >= 2 else None


class FrameReader:
    """Splits a byte stream from the server (unmasked frames) into frames."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        self.buffer += data
        frames = []
        while True:
            frame = self._next()
            if frame is None:
                return frames
            frames.append(frame)

    def _next(self) -> Frame | None:
        b = self.buffer
        if len(b) < 2:
            return None
        length, offset = b[1] & 0x7F, 2
        if length == 126:
            if len(b) < 4:
                return None
            length, offset = struct.unpack_from("!H", b, 2)[0], 4
        elif length == 127:
            if len(b) < 10:
                return None
            length, offset = struct.unpack_from("!Q", b, 2)[0], 10
        if len(b) < offset + length:
            return None
        frame = Frame(bool(b[0] & 0x80), b[0] & 0xF, bytes(b[offset:offset + length]))
        del b[:offset + length]
        return frame


# Hang guards, not latency bounds (a wait returns as soon as the server answers); tests that
# expect silence pass their own short timeout.
DEFAULT_TIMEOUT_S = 20.0


class RawClient:
    """A blocking WebSocket client over a plain socket."""

    def __init__(self, host: str, port: int, *, rcvbuf: int | None = None,
                 timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.reader = FrameReader()
        self.pending: list[Frame] = []

    @staticmethod
    def upgrade_request(host: str, port: int, extra_headers: str = "") -> bytes:
        key = base64.b64encode(os.urandom(16)).decode()
        return (f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra_headers}\r\n").encode()

    def handshake(self, extra_headers: str = "") -> str:
        """Sends the upgrade; returns the response status line and head (raises if not 101)."""
        host, port = self.sock.getpeername()
        self.sock.sendall(self.upgrade_request(host, port, extra_headers))
        head = self.read_http_head()
        if not head.startswith(("HTTP/1.1 101", "HTTP/1.0 101")):
            raise ConnectionError(f"handshake refused: {head.splitlines()[0] if head else '<nothing>'}")
        return head

    def read_http_head(self) -> str:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        self.pending.extend(self.reader.feed(rest))
        return head.decode("latin-1")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_text(self, text: str | bytes) -> None:
        self.send(encode_frame(OP_TEXT, text.encode() if isinstance(text, str) else text))

    def next_frame(self, timeout: float = DEFAULT_TIMEOUT_S) -> Frame | None:
        """The next frame, or None when the server closed the TCP connection."""
        deadline = time.monotonic() + timeout
        while not self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no frame from the server")
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            if not data:
                return None
            self.pending.extend(self.reader.feed(data))
        return self.pending.pop(0)

    def wait_close(self, timeout: float = DEFAULT_TIMEOUT_S) -> tuple[int | None, list[Frame]]:
        """Reads until the server's close frame (answered) or EOF; returns (close code, frames before it).
        The code is None when the server dropped the connection without a close frame."""
        frames = []
        while True:
            frame = self.next_frame(timeout)
            if frame is None:
                return None, frames
            if frame.opcode == OP_CLOSE:
                try:
                    self.send(encode_frame(OP_CLOSE, frame.payload[:2]))
                except OSError:
                    pass
                return frame.close_code or 1005, frames
            frames.append(frame)

    def close(self) -> None:
        self.sock.close()
