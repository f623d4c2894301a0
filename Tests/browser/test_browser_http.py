"""Plain HTTP on Herald's port: the built-in page, /_healthcheck, 404s, traversal attempts, --static-dir."""

import json
import os
import re

import pytest

from herald_browser_harness import PAGE_DIR, raw_get

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

TRAVERSALS = [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/app.js/../../../../etc/passwd",
    "/./../../etc/passwd",
    "/..\\..\\etc\\passwd",
    "/%5c..%5c..%5cetc%5cpasswd",
    "//etc/passwd",
    "/etc/passwd",
    "/....//....//etc/passwd",
    "/%252e%252e/%252e%252e/etc/passwd",
]


@pytest.mark.parametrize("path, file, content_type", [
    ("/", "index.html", "text/html; charset=utf-8"),
    ("/index.html", "index.html", "text/html; charset=utf-8"),
    ("/app.js", "app.js", "text/javascript; charset=utf-8"),
    ("/style.css", "style.css", "text/css; charset=utf-8"),
    ("/favicon.svg", "favicon.svg", "image/svg+xml"),
    ("/app.js?v=2", "app.js", "text/javascript; charset=utf-8"),
])
def test_built_in_page_files_are_the_repository_files(herald, path, file, content_type):
    status, headers, body = raw_get(herald.port, path)
    assert status == 200
    assert headers["content-type"] == content_type
    assert body == (PAGE_DIR / file).read_bytes()
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


def test_page_has_no_inline_script_or_style_and_no_remote_assets():
    html = (PAGE_DIR / "index.html").read_text()
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert re.search(r"\son[a-z]+\s*=", html) is None
    assert "http://" not in html and "https://" not in html and "//cdn" not in html


def test_healthcheck_answers_json_status(herald):
    status, headers, body = raw_get(herald.port, "/_healthcheck")
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"
    health = json.loads(body)
    assert health["status"] == "green"
    assert isinstance(health["connections"], int) and isinstance(health["rooms"], int)


@pytest.mark.parametrize("path", ["/nope", "/app.js.map", "/Page/index.html", "/index.htm", "/_healthcheck/x",
                                  "/.hidden", "/app.js/"])
def test_unknown_paths_are_404(herald, path):
    status, headers, body = raw_get(herald.port, path)
    assert status == 404
    assert _is_url_not_found(body)
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_attempts_are_404(herald, path):
    status, _, body = raw_get(herald.port, path)
    assert status == 404 and _is_url_not_found(body)


def test_encoded_nul_gets_no_file(herald):
    # libwebsockets drops such a request before it reaches Herald.
    status, _, body = raw_get(herald.port, "/index.html%00.js")
    assert status in (None, 400, 403, 404)
    assert b"<html" not in body


@pytest.fixture
def custom_site(tmp_path):
    """A folder to serve, a secret beside it, and a symbolic link inside pointing at the secret."""
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<h1>custom</h1>")
    (site / "sub" / "index.html").write_text("<p>sub</p>")
    (site / "sub" / "data.json").write_text('{"a": 1}')
    (site / "notes.txt").write_text("plain")
    (site / "empty.css").write_text("")
    (site / ".env").write_text("SECRET=1")
    (tmp_path / "secret.txt").write_text("root: do not serve")
    os.symlink(tmp_path / "secret.txt", site / "link.txt")
    return site


def test_static_dir_replaces_the_built_in_page(start_herald, custom_site):
    herald = start_herald("--static-dir", str(custom_site))
    expectations = {
        "/": (200, "text/html; charset=utf-8", b"<h1>custom</h1>"),
        "/sub/": (200, "text/html; charset=utf-8", b"<p>sub</p>"),
        "/sub/data.json": (200, "application/json", b'{"a": 1}'),
        "/notes.txt": (200, "text/plain; charset=utf-8", b"plain"),
        "/empty.css": (200, "text/css; charset=utf-8", b""),
    }
    for path, (status, content_type, body) in expectations.items():
        got_status, headers, got_body = raw_get(herald.port, path)
        assert (got_status, headers["content-type"], got_body) == (status, content_type, body), path
        assert headers["content-security-policy"] == CSP
    for path in ["/app.js", "/style.css", "/.env", "/link.txt", "/secret.txt", "/../secret.txt",
                 "/%2e%2e/secret.txt", "/sub/../../secret.txt", "/sub"]:
        status, _, body = raw_get(herald.port, path)
    assert status == 404 and _is_url_not_found(body), path
    assert raw_get(herald.port, "/_healthcheck")[0] == 200


def test_static_dir_that_does_not_exist_is_a_warning_and_404(start_herald, tmp_path):
    herald = start_herald("--static-dir", str(tmp_path / "missing"))
    status, _, body = raw_get(herald.port, "/")
    assert (status, body) == (404, b"Not found\n"), "no page: a browser asking for / gets 404"
    status, _, body = raw_get(herald.port, "/index.html")
    assert status == 404 and _is_url_not_found(body)
    assert raw_get(herald.port, "/_healthcheck")[0] == 200


def _is_url_not_found(body: bytes) -> bool:
    """A path that is neither a served file nor an API route answers Kuzzle's url_not_found."""
    return json.loads(body)["error"]["id"] == "network.http.url_not_found"
