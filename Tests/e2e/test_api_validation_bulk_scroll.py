"""Validation specifications, bulk, scroll, server statistics, index:stats and admin loaders over the
real binary (issue 17)."""

from __future__ import annotations

from kuzzle_client import assert_error, assert_ok, uniq

SPEC = {
    "strict": True,
    "fields": {
        "name": {"type": "string", "mandatory": True},
        "level": {"type": "integer", "defaultValue": 1, "typeOptions": {"range": {"min": 0}}},
    },
}


async def _collection(c, index: str, collection: str) -> None:
    await c.ok("index", "create", index=index)
    await c.ok("collection", "create", index=index, collection=collection)


async def test_api_specifications_lifecycle_and_enforcement(client) -> None:
    index, collection = uniq("spec"), "c"
    async with client() as c:
        await _collection(c, index, collection)
        target = {"index": index, "collection": collection}
        assert await c.ok("collection", "validateSpecifications", body=SPEC, **target) == {"valid": True}
        assert await c.ok("collection", "updateSpecifications", body=SPEC, **target) == SPEC
        assert await c.ok("collection", "getSpecifications", **target) == {
            "collection": collection, "index": index, "validation": SPEC}
        found = await c.ok("collection", "searchSpecifications", body={"query": {"match": {"index": index}}})
        assert found["total"] == 1 and found["hits"][0]["_id"] == f"{index}#{collection}"

        created = await c.ok("document", "create", body={"name": "x"}, **target)
        assert created["_source"]["level"] == 1
        assert_error(await c.query("document", "create", body={"level": 2}, **target),
                     "validation.check.failed_field", "name", "The field is mandatory.")
        assert_error(await c.query("document", "update", _id=created["_id"], body={"level": -1}, **target),
                     "validation.check.failed_field")
        assert_error(await c.query("document", "create", body={"name": "x", "z": 1}, **target),
                     "validation.check.failed_document")
        mixed = await c.ok("document", "mCreate", body={"documents": [
            {"body": {"name": "ok"}}, {"body": {"level": 3}}]}, **target)
        assert len(mixed["successes"]) == 1 and mixed["errors"][0]["status"] == 400

        report = await c.ok("document", "validate", body={"level": "x"}, **target)
        assert report["valid"] is False
        assert report["errorMessages"]["fieldScope"]["children"]["name"]["messages"] == ["The field is mandatory."]
        realtime = await c.ok("realtime", "validate", body={"name": "x"}, **target)
        assert realtime == {"errorMessages": {}, "valid": True}
        assert_error(await c.query("realtime", "publish", body={"level": 1}, **target),
                     "validation.check.failed_field")

        bad = await c.query("collection", "updateSpecifications", body={"fields": {"a": {"type": "colour"}}},
                            **target)
        assert_error(bad, "validation.assert.invalid_specifications")
        checked = await c.ok("collection", "validateSpecifications", body={"fields": {"a": {}}}, **target)
        assert checked["valid"] is False and checked["details"]

        assert await c.ok("collection", "deleteSpecifications", **target) == {"acknowledged": True}
        assert_error(await c.query("collection", "getSpecifications", **target), "validation.assert.not_found")
        assert_ok(await c.query("document", "create", body={"free": True}, **target))


async def test_api_bulk_actions_and_mexists(client) -> None:
    index, collection = uniq("bulk"), "c"
    async with client() as c, client() as watcher:
        await _collection(c, index, collection)
        target = {"index": index, "collection": collection}
        room = await watcher.ok("realtime", "subscribe", body={}, **target)
        imported = await c.ok("bulk", "import", body={"bulkData": [
            {"index": {"_id": "a"}}, {"n": 1}, {"create": {"_id": "b"}}, {"n": 2},
            {"create": {"_id": "a"}}, {"n": 3}, {"delete": {"_id": "ghost"}}]}, **target)
        assert imported["successes"] == [{"index": {"_id": "a", "status": 201}},
                                         {"create": {"_id": "b", "status": 201}}]
        assert [list(e) for e in imported["errors"]] == [["create"], ["delete"]]
        written = await c.ok("bulk", "write", _id="w", notify=True, body={"n": 9}, **target)
        assert written == {"_id": "w", "_source": {"n": 9}, "_version": 1}
        await watcher.wait_notifications(room["channel"], 1)
        many = await c.ok("bulk", "mWrite", body={"documents": [{"_id": "m", "body": {"n": 5}}]}, **target)
        assert many["successes"][0]["_id"] == "m" and many["errors"] == []
        assert await c.ok("document", "mExists", body={"ids": ["a", "zz", "m"]}, **target) == {
            "errors": ["zz"], "successes": ["a", "m"]}
        assert await c.ok("bulk", "updateByQuery", body={"query": {"range": {"n": {"gte": 5}}},
                                                         "changes": {"big": True}}, **target) == {"updated": 2}
        assert await c.ok("bulk", "deleteByQuery", body={"query": {"term": {"big": True}}}, **target) == {
            "deleted": 2}
        assert (await c.ok("document", "count", **target))["count"] == 2
        assert_error(await c.query("bulk", "deleteByQuery", body={}, **target), "api.assert.missing_argument")


async def test_api_search_scroll_pages(client) -> None:
    index, collection = uniq("scroll"), "c"
    async with client() as c:
        await _collection(c, index, collection)
        target = {"index": index, "collection": collection}
        await c.ok("document", "mCreate", body={"documents": [
            {"_id": f"d{n}", "body": {"n": n}} for n in range(5)]}, **target)
        page = await c.ok("document", "search", scroll="10s", size=2, body={"sort": {"n": "asc"}}, **target)
        ids = [hit["_id"] for hit in page["hits"]]
        assert page["total"] == 5 and page["scrollId"]
        while len(ids) < page["total"]:
            following = await c.ok("document", "scroll", scrollId=page["scrollId"])
            ids += [hit["_id"] for hit in following["hits"]]
        assert ids == [f"d{n}" for n in range(5)]
        assert_error(await c.query("document", "scroll", scrollId=page["scrollId"]),
                     "services.storage.unknown_scroll_id")
        assert_error(await c.query("document", "search", scroll="2h", **target),
                     "services.storage.scroll_duration_too_great", "2h")


async def test_api_server_index_and_admin(client) -> None:
    index = uniq("adm")
    async with client() as c:
        assert await c.ok("server", "healthCheck") == {"services": {"storageEngine": "green"}, "status": "green"}
        capabilities = await c.ok("server", "capabilities")
        assert capabilities["routes"]["bulk"]["import"] == {
            "controller": "bulk", "action": "import", "http": [{"url": "/:index/:collection/_bulk", "verb": "POST"}]}
        config = await c.ok("server", "getConfig")
        assert config["limits"]["documentsWriteCount"] == 200
        assert (await c.ok("server", "getAllStats"))["total"] >= 0
        assert await c.ok("admin", "loadMappings", body={index: {"items": {
            "properties": {"name": {"type": "keyword"}}}}}) == {"acknowledge": True}
        assert await c.ok("admin", "loadFixtures", body={index: {"items": [
            {"create": {"_id": "a"}}, {"name": "apple"}]}}) == {"acknowledge": True}
        assert_error(await c.query("admin", "loadFixtures", body={index: {"items": [
            {"create": {"_id": "a"}}, {"name": "again"}]}}), "services.storage.import_failed")
        stats = await c.ok("index", "stats")
        mine = next(entry for entry in stats["indexes"] if entry["name"] == index)
        assert mine["collections"][0]["documentCount"] == 1 and mine["size"] > 0
