"""TLS: with --tls-cert/--tls-key the port serves wss:// and https:// (self-signed certificate
made with the openssl CLI)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import urllib.request
from pathlib import Path

import pytest

from kuzzle_client import KuzzleClient, uniq
from herald_server import HOST

pytestmark = [pytest.mark.own_server,
              pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", f"subjectAltName=IP:{HOST},DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def tls_server(start_server, certificate):
    cert, key = certificate
    return start_server("--tls-cert", str(cert), "--tls-key", str(key), name="tls")


def _context(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


async def test_wss_request_and_notification(tls_server, certificate, monkeypatch) -> None:
    # The client library builds its default TLS context when it connects; OpenSSL reads the
    # trusted certificates from SSL_CERT_FILE at that moment.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    url = tls_server.url.replace("ws://", "wss://")
    index = uniq("tls")
    sub = KuzzleClient(url, name="wss-subscriber")
    writer = KuzzleClient(url, name="wss-writer")
    async with sub, writer:
        await writer.ok("index", "create", index=index)
        await writer.ok("collection", "create", index=index, collection="c")
        room = await sub.ok("realtime", "subscribe", index=index, collection="c", body={})
        await writer.ok("document", "create", index=index, collection="c", _id="d1", body={"over": "tls"})
        got = await sub.wait_notifications(room["channel"], 1)
        assert got[0]["result"]["_source"]["over"] == "tls"


def test_https_on_the_same_port(tls_server, certificate) -> None:
    host, port = tls_server.address()
    with urllib.request.urlopen(f"https://{host}:{port}/_healthcheck", context=_context(certificate[0]),
                                timeout=5) as response:
        assert response.status == 200
        assert b'"status":"green"' in response.read()


def test_plain_connections_get_no_service(tls_server) -> None:
    host, port = tls_server.address()
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"GET /_healthcheck HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            data = sock.recv(4096)
        except (ConnectionResetError, socket.timeout):
            data = b""
        assert b'"status":"green"' not in data


def test_bad_certificate_files_are_rejected(herald_binary, tmp_path) -> None:
    bogus = tmp_path / "missing.pem"
    result = subprocess.run([str(herald_binary), "--port", "0", "--tls-cert", str(bogus), "--tls-key", str(bogus)],
                            capture_output=True, timeout=10)
    assert result.returncode != 0 and b"cannot read" in result.stderr
    result = subprocess.run([str(herald_binary), "--port", "0", "--tls-cert", str(bogus)], capture_output=True,
                            timeout=10)
    assert result.returncode != 0 and b"--tls-cert and --tls-key go together" in result.stderr
