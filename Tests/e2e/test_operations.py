"""Operations: Prometheus /metrics under load, server:metrics, configuration precedence and errors,
JSON logs with the debug request log, and the health probe (the Docker image itself is checked by
Tests/packaging)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from kuzzle_client import KuzzleClient, uniq

pytestmark = pytest.mark.own_server

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(server) -> dict[tuple[str, frozenset], float]:
    """GET /metrics and parse every sample; checks each sample's family has HELP and TYPE lines."""
    host, port = server.address()
    with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=5) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = answer.read().decode()
    typed = set(re.findall(r"^# TYPE (\S+) (counter|gauge|histogram)$", text, re.M))
    families = {name for name, _ in typed}
    samples: dict[tuple[str, frozenset], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels, value = match.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in families else name
        assert family in families, f"sample {name} has no # TYPE"
        samples[(name, frozenset(LABEL.findall(labels or "")))] = float(value)
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(scope="module")
def metered(start_server):
    return start_server(name="metrics")


@pytest.mark.async_timeout(60)
async def test_metrics_counters_move_under_load(metered):
    before = scrape(metered)
    index, subscribers, writes = uniq("metrics"), 5, 40
    async with KuzzleClient(metered.url, name="writer") as writer:
        await writer.ok("collection", "create", index=index, collection="c")
        clients = [KuzzleClient(metered.url, name=f"sub{i}") for i in range(subscribers)]
        for c in clients:
            await c.connect()
        try:
            channels = [(await c.subscribe(index, "c", {}))["channel"] for c in clients]
            during = scrape(metered)
            assert value(during, "herald_connections") >= subscribers + 1
            assert value(during, "herald_subscriptions") == subscribers
            assert value(during, "herald_rooms") == 1
            frames = [{"controller": "document", "action": "create", "index": index, "collection": "c",
                       "body": {"n": n}} for n in range(writes)]
            for response in await writer.pipeline(frames):
                assert response["status"] == 200, response
            for c, channel in zip(clients, channels):
                await c.wait_notifications(channel, writes, timeout=20)
            await writer.send("{not json")
            await writer.query("nope", "nothing")
            await writer.sync()
            after = scrape(metered)
        finally:
            for c in clients:
                await c.close()

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("herald_handshakes_total") == subscribers + 1
    assert delta("herald_requests_total", controller="document", action="create", status="200") == writes
    assert delta("herald_requests_total", controller="realtime", action="subscribe", status="200") == subscribers
    assert delta("herald_requests_total", controller="_unknown", action="_unknown", status="404") == 1
    assert delta("herald_malformed_messages_total") == 1
    assert delta("herald_notifications_sent_total") == subscribers * writes
    assert delta("herald_outbound_messages_total") >= subscribers * writes + writes
    assert delta("herald_socket_writes_total") > 0
    assert value(after, "herald_documents", index=index) == writes
    answered = sum(v for (name, _), v in after.items() if name == "herald_requests_total")
    assert value(after, "herald_request_duration_seconds_count") == answered
    assert value(after, "herald_request_duration_seconds_bucket", le="+Inf") == answered
    assert 0 < value(after, "herald_request_duration_seconds_sum") < answered  # each well under a second
    assert value(after, "herald_outbound_queue_bytes") >= 0
    # Once the subscribers are gone, the gauges come back down.
    for _ in range(50):
        final = scrape(metered)
        if value(final, "herald_subscriptions") == 0:
            break
        await asyncio.sleep(0.05)
    assert value(final, "herald_subscriptions") == 0 and value(final, "herald_rooms") == 0


@pytest.mark.async_timeout(60)
async def test_server_metrics_action_reports_live_figures(metered):
    index = uniq("srvmetrics")
    async with KuzzleClient(metered.url, name="a") as a, KuzzleClient(metered.url, name="b") as b:
        await a.ok("collection", "create", index=index, collection="c")
        await b.subscribe(index, "c", {"equals": {"x": 1}})
        result = await a.ok("server", "metrics")
        samples = scrape(metered)
    assert result["api"] == {"concurrentRequests": 1, "pendingRequests": 0}
    assert result["network"]["connections"]["websocket"] == value(samples, "herald_connections") >= 2
    assert result["realtime"]["rooms"] >= 1 and result["realtime"]["subscriptions"] >= 1


# -- configuration ---------------------------------------------------------------------------------

def run_herald(binary: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    environment.update(env or {})
    return subprocess.run([str(binary), *args], env=environment, cwd=cwd, capture_output=True, text=True,
                          timeout=20)


def test_print_config_applies_precedence(herald_binary, tmp_path):
    config = tmp_path / "herald.json"
    config.write_text(json.dumps({"port": 1111, "host": "127.0.0.9", "idleTimeout": 7, "logFormat": "json"}))
    done = run_herald(herald_binary, "--config", str(config), "--print-config", "--port", "3333",
                      env={"HERALD_PORT": "2222", "HERALD_HOST": "127.0.0.8", "HERALD_MAX_FILTER_CONDITIONS": "9"})
    assert done.returncode == 0, done.stderr
    effective = json.loads(done.stdout)
    assert effective["port"] == 3333            # flag > environment > file
    assert effective["host"] == "127.0.0.8"     # environment > file
    assert effective["idleTimeout"] == 7        # file > default
    assert effective["maxFilterConditions"] == 9
    assert effective["logFormat"] == "json"
    assert effective["maxMessageBytes"] == 1 << 20  # default
    assert effective["nodeId"] is None


def test_config_file_from_environment_variable(herald_binary, tmp_path):
    config = tmp_path / "h.json"
    config.write_text('{"maxOutboundBytes": 4096}')
    done = run_herald(herald_binary, "--print-config", env={"HERALD_CONFIG": str(config)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["maxOutboundBytes"] == 4096


@pytest.mark.parametrize("setup, expected", [
    ({"file": '{"port": 1, "portt": 2}'}, "unknown configuration key 'portt'"),
    ({"file": '{"port": "x"}'}, "configuration key 'port'"),
    ({"file": "{nope"}, "not valid JSON"),
    ({"args": ["--no-such-flag", "1"]}, "unknown option '--no-such-flag'"),
    ({"env": {"HERALD_IDLE_TIMEOUT": "0"}}, "HERALD_IDLE_TIMEOUT"),
    ({"args": ["--log-format", "xml"]}, "--log-format"),
])
def test_configuration_errors_name_the_culprit(herald_binary, tmp_path, setup, expected):
    args = list(setup.get("args", []))
    if "file" in setup:
        config = tmp_path / "bad.json"
        config.write_text(setup["file"])
        args += ["--config", str(config)]
    done = run_herald(herald_binary, *args, "--print-config", env=setup.get("env"))
    assert done.returncode != 0
    assert expected in done.stderr, done.stderr


# -- logs ------------------------------------------------------------------------------------------

@pytest.mark.async_timeout(60)
async def test_json_logs_and_debug_request_log(start_server):
    server = start_server("--log-format", "json", "--log-level", "debug", name="json-logs")
    index, secret = uniq("logs"), "do-not-log-" + uniq("s")
    async with KuzzleClient(server.url, name="logger") as c:
        await c.ok("collection", "create", index=index, collection="c")
        await c.ok("document", "create", index=index, collection="c", _id="d1", body={"secret": secret})
        await c.query("document", "get", index=index, collection="c", _id="missing")
    # The request lines may be written just after the answers: wait for the last one (hang guard).
    for _ in range(300):
        if '"status":"404"' in server.log_since(0):
            break
        await asyncio.sleep(0.05)
    lines = [line for line in server.log_since(0).splitlines() if line and not line.startswith("$ ")]
    records = [json.loads(line) for line in lines]
    for record in records:
        assert list(record) == ["timestamp", "level", "label", "message", "metadata"], record
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["timestamp"])
    requests = [r["metadata"] for r in records if r["message"] == "request"]
    assert {"controller": "document", "action": "create", "status": "200"}.items() <= requests[-2].items()
    assert requests[-1]["status"] == "404" and requests[-1]["action"] == "get"
    for fields in requests:
        assert {"controller", "action", "status", "durationMicros", "connection"} <= fields.keys()
        assert int(fields["durationMicros"]) >= 0
    assert secret not in server.log_since(0)


async def test_request_log_is_silent_at_info(start_server):
    server = start_server("--log-level", "info", name="info-logs")
    async with KuzzleClient(server.url, name="quiet") as c:
        await c.ok("server", "now")
    await asyncio.sleep(0.1)
    assert '"request"' not in server.log_since(0) and " request" not in server.log_since(0)


# -- Health probe (the image's HEALTHCHECK; the image itself is checked by Tests/packaging) -------

def test_healthcheck_rejects_non_200(herald_binary, metered):
    host, port = metered.address()
    assert run_herald(herald_binary, "--healthcheck", f"http://{host}:{port}/_healthcheck").returncode == 0
    missing = run_herald(herald_binary, "--healthcheck", f"http://{host}:{port}/no-such-page")
    assert missing.returncode == 1 and "404" in missing.stderr
    assert run_herald(herald_binary, "--healthcheck", "ftp://x").returncode == 1
