"""Runs the real herald binary on a free loopback port for the e2e suite."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
READY_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0
LOG_TAIL = 20_000


def free_port() -> int:
    """A loopback TCP port that nothing listened on a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def try_connect(port: int, timeout: float = 30.0) -> socket.socket | None:
    """A connection to the port, or None when the kernel refused or reset it (it may, for a moment,
    while a server out of descriptors leaves its queue unread)."""
    try:
        return socket.create_connection((HOST, port), timeout=timeout)
    except OSError:
        return None


def answers_http(port: int, timeout: float = 30.0) -> bool:
    """A fresh connection gets `200` to `GET /`; a refused, reset or silent one is a no."""
    connection = try_connect(port, timeout)
    if connection is None:
        return False
    with connection:
        connection.settimeout(2)
        try:
            connection.sendall(b"GET / HTTP/1.0\r\n\r\n")
            return connection.recv(12).startswith(b"HTTP/1.0 200")
        except OSError:
            return False


class ExternalServer:
    """A server the suite did not start (HERALD_URL): never stopped, no log."""

    def __init__(self, url: str) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.name = "external"

    def http_base(self) -> str:
        return "http" + self.url[2:]

    def address(self) -> tuple[str, int]:
        rest = self.url.split("://", 1)[1].split("/", 1)[0]
        host, _, port = rest.rpartition(":")
        return host.strip("[]"), int(port)

    def alive(self) -> bool:
        return True

    def log_size(self) -> int:
        return 0

    def log_since(self, offset: int) -> str:
        return ""

    def stop(self) -> None:
        pass


class HeraldServer(ExternalServer):
    """One herald process: `herald --host 127.0.0.1 --port P [extra args]`, output to a log file."""

    def __init__(self, binary: Path, extra_args: list[str], *, name: str) -> None:
        self.binary = binary
        self.extra_args = extra_args
        self.name = name
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.mkstemp(prefix=f"herald-{name}-", suffix=".log")[1])

    @property
    def url(self) -> str:  # type: ignore[override]
        return f"ws://{HOST}:{self.port}/"

    def command(self) -> list[str]:
        return [str(self.binary), "--host", HOST, "--port", str(self.port), *self.extra_args]

    def start(self) -> None:
        """Start on a free port and wait until it accepts TCP; retry on a port race."""
        last_error = ""
        for _ in range(3):
            self.port = free_port()
            with self.log_path.open("ab") as log:
                log.write(f"$ {' '.join(self.command())}\n".encode())
                log.flush()
                self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + READY_TIMEOUT
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                if port_accepts(self.port):
                    return
                time.sleep(0.05)
            if self.process.poll() is None:
                self.stop()
                raise RuntimeError(f"herald ({self.name}) did not accept TCP on port {self.port} within "
                                   f"{READY_TIMEOUT}s\n{self.log_since(0)}")
            last_error = f"exited with status {self.process.returncode}"
        raise RuntimeError(f"herald ({self.name}) {last_error}:\n{self.log_since(0)}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def address(self) -> tuple[str, int]:
        return HOST, self.port

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a grace period (only our own process)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> str:
        """The server's output from byte `offset` on (last LOG_TAIL characters)."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                text = log.read().decode("utf-8", "replace")
        except OSError as exc:
            return f"<no log: {exc}>"
        return text if len(text) <= LOG_TAIL else "...\n" + text[-LOG_TAIL:]


def resolve_binary(option: str | None, repo_root: Path) -> Path:
    """--herald-bin, else $HERALD_BIN, else <repo>/.build/release/herald, else <repo>/.build/debug/herald."""
    explicit = option or os.environ.get("HERALD_BIN")
    if explicit:
        return Path(explicit).expanduser().resolve()
    release = repo_root / ".build" / "release" / "herald"
    debug = repo_root / ".build" / "debug" / "herald"
    return (debug if not release.exists() and debug.exists() else release).resolve()
