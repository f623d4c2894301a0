"""The last actions of issue 17 over the real binary, on WebSocket and HTTP: collection:getSettings,
server:openapi, document:export, mGet's comma-separated ids, admin:resetCache|refreshIndexCache,
admin:resetSecurity|loadSecurities (on their own server: they rewrite every user) and admin:shutdown
(the process stops as on SIGTERM)."""

from __future__ import annotations

import json

import pytest
import yaml

from herald_server import HeraldServer
from http_api import HttpApi, route_table
from kuzzle_client import KuzzleClient, assert_error, assert_ok, uniq
from protocol import Catalogue

CATALOGUE = Catalogue()


@pytest.fixture
def api(server):
    connection = HttpApi(server.address())
    yield connection
    connection.close()


def assert_http_error(answer, error_id: str) -> None:
    assert answer.status == CATALOGUE[error_id].status, answer
    assert answer.error["id"] == error_id and CATALOGUE.check(answer.error) == [], answer


async def test_get_settings_over_websocket_and_http(client, api) -> None:
    index = uniq("settings")
    target = {"index": index, "collection": "c"}
    async with client() as c:
        await c.ok("collection", "create", body={"settings": {"number_of_shards": 2}, "mappings": {}}, **target)
        assert await c.ok("collection", "getSettings", **target) == {"number_of_shards": 2}
        assert_error(await c.query("collection", "getSettings", index=index, collection="nope"),
                     "services.storage.unknown_collection")
    assert api.ok("POST", f"/{index}/c", {"settings": {"analysis": {"analyzer": {}}}}) is None
    assert api.ok("GET", f"/{index}/c/_settings") == {"number_of_shards": 2, "analysis": {"analyzer": {}}}
    assert_http_error(api.call("GET", f"/{index}/nope/_settings"), "services.storage.unknown_collection")


async def test_openapi_is_the_served_route_table_in_json_or_yaml(client, api) -> None:
    answer = api.call("GET", "/_openapi")
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    document = answer.json
    assert document["swagger"] == "2.0" and "requestId" not in document
    served = {(r["path"], r["verb"].lower()) for r in route_table()["routes"]}
    operations = {(path, verb) for path, verbs in document["paths"].items() for verb in verbs}
    assert operations, "no path at all"
    for path, verb in operations:
        braced = "/".join(f":{part[1:-1]}" if part.startswith("{") else part for part in path.split("/"))
        assert (braced, verb) in served, (path, verb)
    assert ("/{index}/{collection}/_export", "get") in operations and ("/_openapi", "get") in operations
    assert ("/admin/_dump", "post") not in operations, "an unimplemented action is not described"

    yaml_answer = api.call("GET", "/_openapi?format=yaml")
    assert yaml_answer.status == 200 and yaml_answer.headers["content-type"] == "application/yaml"
    assert yaml.safe_load(yaml_answer.body) == document
    assert_http_error(api.call("GET", "/_openapi?format=xml"), "api.assert.unexpected_argument")
    assert_http_error(api.call("GET", "/_openapi?scope=plugins"), "api.assert.unexpected_argument")
    async with client() as c:
        assert await c.ok("server", "openapi") == document
        assert (await c.ok("server", "openapi", format="yaml")).startswith('---\nswagger: "2.0"\n')
        assert (await c.ok("server", "openapi", scope="app"))["paths"] == {}


async def test_export_streams_jsonl_or_csv_over_http_only(client, api) -> None:
    index = uniq("export")
    base = f"/{index}/c"
    api.ok("PUT", base, {"mappings": {"properties": {"name": {"type": "keyword"}, "n": {"type": "integer"}}}})
    api.ok("POST", f"{base}/a/_create?refresh=wait_for", {"name": "one, two", "n": 1})
    api.ok("POST", f"{base}/b/_create?refresh=wait_for", {"name": "three", "n": 2})

    jsonl = api.call("GET", f"{base}/_export")
    assert jsonl.status == 200 and jsonl.headers["content-type"] == "application/x-ndjson"
    assert jsonl.headers["content-disposition"] == f'attachment; filename="{index}-c.jsonl"'
    assert jsonl.headers["transfer-encoding"] == "chunked" and "content-length" not in jsonl.headers
    lines = [json.loads(line) for line in jsonl.body.decode().splitlines()]
    assert lines[0] == {"collection": "c", "index": index, "type": "collection"}
    assert [(line["_id"], line["body"]["name"]) for line in lines[1:]] == [("a", "one, two"), ("b", "three")]

    csv = api.call("POST", f"{base}/_export?format=csv&lang=koncorde",
                   {"query": {"range": {"n": {"gte": 1}}}, "sort": {"n": "desc"}, "fields": ["n", "name"],
                    "fieldsName": {"n": "Number"}})
    assert csv.status == 200 and csv.headers["content-type"] == "text/csv"
    assert csv.body.decode() == '_id,Number,name\nb,2,three\na,1,"one, two"\n'
    by_mapping = api.call("GET", f"{base}/_export?format=csv&separator=%3B")
    assert by_mapping.body.decode() == "_id;name;n\na;one, two;1\nb;three;2\n"

    assert_http_error(api.call("GET", f"{base}/_export?format=xml"), "api.assert.unexpected_argument")
    assert_http_error(api.call("GET", f"/{index}/nope/_export"), "services.storage.unknown_collection")
    async with client() as c:
        refused = await c.query("document", "export", index=index, collection="c")
        assert_error(refused, "api.assert.unsupported_protocol", "websocket", "document:export")


async def test_mget_takes_comma_separated_ids_from_the_query_string(api) -> None:
    index = uniq("mget")
    base = f"/{index}/c"
    api.ok("PUT", base)
    api.ok("POST", f"{base}/a/_create?refresh=wait_for", {"v": 1})
    api.ok("POST", f"{base}/12/_create?refresh=wait_for", {"v": 2})
    got = api.ok("GET", f"{base}/_mGet?ids=a,12,zz")
    assert [s["_id"] for s in got["successes"]] == ["a", "12"] and got["errors"] == ["zz"]
    assert api.ok("POST", f"{base}/_mExists", {"ids": ["a", "zz"]}) == {"errors": ["zz"], "successes": ["a"]}


async def test_reset_cache_and_refresh_index_cache(client, api) -> None:
    assert api.ok("POST", "/admin/_resetCache?database=internalCache") == {"acknowledge": True}
    assert_http_error(api.call("POST", "/admin/_resetCache?database=redis"), "services.cache.database_not_found")
    assert_http_error(api.call("POST", "/admin/_resetCache"), "api.assert.missing_argument")
    refreshed = api.call("POST", "/admin/_refreshIndexCache")
    assert refreshed.status == 200 and "result" not in refreshed.json
    async with client() as c:
        assert await c.ok("admin", "resetCache", database="memoryStorage") == {"acknowledge": True}
        assert_error(await c.query("admin", "resetCache", database="x"), "services.cache.database_not_found", "x")


@pytest.mark.own_server
async def test_load_securities_then_reset_security(start_server) -> None:
    server = start_server(name="security-reset")
    permissions = {
        "roles": {"reader": {"controllers": {"document": {"actions": {"get": True}}}}},
        "profiles": {"readers": {"policies": [{"roleId": "reader"}]}},
        "users": {"ann": {"content": {"profileIds": ["readers"]},
                          "credentials": {"local": {"username": "ann", "password": "secret-1"}}}},
    }
    async with KuzzleClient(server.url, name="admin") as c:
        assert await c.ok("admin", "loadSecurities", body=permissions) == {"acknowledge": True}
        jwt = (await c.ok("auth", "login", strategy="local",
                          body={"username": "ann", "password": "secret-1"}))["jwt"]
        assert (await c.ok("auth", "checkToken", body={"token": jwt}))["valid"] is True
        # Flushing the internal cache (verified tokens) keeps every token valid: each is verified again.
        assert await c.ok("admin", "resetCache", database="internalCache") == {"acknowledge": True}
        assert (await c.ok("auth", "checkToken", body={"token": jwt}))["valid"] is True
        assert_error(await c.query("admin", "loadSecurities", body={"users": {"ann": {"content": {}}}}),
                     "security.user.prevent_overwrite")
        assert await c.ok("admin", "loadSecurities", onExistingUsers="skip",
                          body={"users": {"ann": {"content": {}}}}) == {"acknowledge": True}
        assert_error(await c.query("admin", "loadSecurities", onExistingUsers="merge", body={}),
                     "api.assert.unexpected_argument")
    api = HttpApi(server.address())
    try:
        assert api.ok("POST", "/admin/_resetSecurity") == {"deletedUsers": 1, "deletedProfiles": 4,
                                                           "deletedRoles": 4}
        assert_http_error(api.call("GET", "/users/ann"), "security.user.not_found")
        assert api.ok("GET", "/roles/admin")["_id"] == "admin"
        stale = api.call("GET", "/_me", headers={"Authorization": f"Bearer {jwt}"})
        assert_http_error(stale, "security.token.invalid")
        assert api.ok("POST", "/admin/_loadSecurities", permissions) == {"acknowledge": True}
        assert api.ok("GET", "/users/ann")["_source"]["profileIds"] == ["readers"]
        # The data loaders and the reset, at their admin routes (here: this server is its own).
        mappings = {"shop": {"items": {"properties": {"name": {"type": "keyword"}}}}}
        assert api.ok("POST", "/admin/_loadMappings", mappings) == {"acknowledge": True}
        fixtures = {"shop": {"items": [{"create": {"_id": "a"}}, {"name": "apple"}]}}
        assert api.ok("POST", "/admin/_loadFixtures?refresh=wait_for", fixtures) == {"acknowledge": True}
        assert api.ok("POST", "/admin/_resetDatabase") == {"acknowledge": True}
        assert api.ok("GET", "/_list")["indexes"] == []
    finally:
        api.close()


@pytest.mark.own_server
async def test_shutdown_over_websocket_answers_then_stops_the_process(herald_binary) -> None:
    server = HeraldServer(herald_binary, ["--log-level", "info"], name="admin-shutdown-ws")
    server.start()
    try:
        async with KuzzleClient(server.url, name="operator") as c:
            assert await c.ok("admin", "shutdown") == {"acknowledge": True}
        assert server.process.wait(20) == 0
        assert "shutting down" in server.log_since(0)
    finally:
        server.stop()


@pytest.mark.own_server
async def test_shutdown_over_http_answers_then_stops_the_process(herald_binary) -> None:
    server = HeraldServer(herald_binary, [], name="admin-shutdown-http")
    server.start()
    try:
        api = HttpApi(server.address())
        answer = api.call("POST", "/admin/_shutdown")
        assert answer.status == 200 and answer.result == {"acknowledge": True}
        api.close()
        assert server.process.wait(20) == 0
    finally:
        server.stop()


async def test_earlier_issue_17_actions_answer_at_their_kuzzle_routes(api) -> None:
    index = uniq("routes")
    base = f"/{index}/c"
    api.ok("PUT", base)
    spec = {"fields": {"n": {"type": "integer"}}}
    assert api.ok("POST", f"{base}/_validateSpecifications", spec) == {"valid": True}
    assert api.ok("PUT", f"{base}/_specifications", spec) == spec
    assert api.ok("GET", f"{base}/_specifications")["validation"] == spec
    found = api.ok("POST", "/validations/_search?scroll=10s&size=1", {"query": {"match": {"index": index}}})
    assert found["total"] == 1
    assert api.ok("GET", f"/validations/_scroll/{found['scrollId']}")["total"] == 1
    assert api.ok("POST", f"{base}/_validate", {"n": 1})["valid"] is True
    assert api.ok("DELETE", f"{base}/_specifications") == {"acknowledged": True}

    imported = api.ok("POST", f"{base}/_bulk", {"bulkData": [{"index": {"_id": "a"}}, {"n": 1}]})
    assert imported["successes"] == [{"index": {"_id": "a", "status": 201}}]
    assert api.ok("POST", f"{base}/_write?_id=w", {"n": 2})["_id"] == "w"
    assert api.ok("POST", f"{base}/_mWrite", {"documents": [{"_id": "m", "body": {"n": 3}}]})["successes"]
    assert api.call("POST", f"{base}/_refresh").status == 200
    updated = api.ok("PATCH", f"{base}/_bulk/_query", {"query": {"match": {"n": 3}}, "changes": {"x": 1}})
    assert updated == {"updated": 1}
    scrolled = api.ok("POST", f"{base}/_search?scroll=10s&size=1", {"sort": ["_id"]})
    assert scrolled["total"] == 3 and len(api.ok("GET", f"/_scroll/{scrolled['scrollId']}")["hits"]) == 1
    assert api.ok("DELETE", f"{base}/_bulk/_query", {"query": {"match": {"n": 1}}}) == {"deleted": 1}

    assert index in {i["name"] for i in api.ok("GET", "/_storageStats")["indexes"]}
    assert api.ok("GET", "/_healthCheck")["status"] == "green"
    assert "limits" in api.ok("GET", "/_getConfig") and "routes" in api.ok("GET", "/_capabilities")
    for path in ("/_getStats", "/_getLastStats", "/_getAllStats"):
        assert api.call("GET", path).status == 200, path
