"""Multi-document, search and by-query actions of `document`, collection mappings and listing,
index:mDelete (contract sections 5 to 8)."""

from __future__ import annotations

from kuzzle_client import ANY, assert_error, uniq

C = "c"


async def _index(c, *documents: tuple[str, dict]) -> str:
    index = uniq("docapi")
    await c.ok("collection", "create", index=index, collection=C)
    for doc_id, body in documents:
        await c.ok("document", "create", index=index, collection=C, _id=doc_id, body=body)
    return index


def _plain(source: dict) -> dict:
    return {k: v for k, v in source.items() if k != "_kuzzle_info"}


SEED = [(f"d{n}", {"n": n, "color": "red" if n % 2 == 0 else "blue"}) for n in range(5)]


# -- multi-document writes ---------------------------------------------------------------------

async def test_m_create(client) -> None:
    async with client() as c:
        index = await _index(c, ("taken", {"a": 0}))
        args = dict(index=index, collection=C)
        result = await c.ok("document", "mCreate", **args, body={"documents": [
            {"_id": "d1", "body": {"a": 1}}, {"body": {"b": 2}}, {"_id": "taken", "body": {"c": 3}},
            {"_id": "bad", "body": 4}]})
        strict = await c.query("document", "mCreate", **args, strict=True,
                               body={"documents": [{"_id": "taken", "body": {}}]})
        no_docs = await c.query("document", "mCreate", **args, body={})
        wrong = await c.query("document", "mCreate", **args, body={"documents": {}})
        source = await c.query("document", "mCreate", **args, body={"documents": [{"_source": {}}]})
        unknown = await c.query("document", "mCreate", index=index, collection="nope",
                                body={"documents": [{"body": {}}]})
        too_many = await c.query("document", "mCreate", **args, body={"documents": [{"body": {}}] * 201})
    first, generated = result["successes"]
    assert set(first) == {"_id", "_source", "_version", "created", "result", "status"}
    assert (first["_id"], first["_version"], first["created"], first["result"], first["status"]) == \
        ("d1", 1, True, "created", 201)
    assert _plain(first["_source"]) == {"a": 1} and first["_source"]["_kuzzle_info"]["author"] == "-1"
    assert len(generated["_id"]) == 20
    assert result["errors"] == [
        {"document": {"_id": "taken", "body": {"c": 3}}, "reason": "document already exists", "status": 400},
        {"document": {"_id": "bad", "body": 4}, "reason": "document body must be an object", "status": 400}]
    assert_error(strict, "api.process.incomplete_multiple_request", "mCreate")
    assert_error(no_docs, "api.assert.missing_argument", "body.documents")
    assert_error(wrong, "api.assert.invalid_type", "body.documents", "array")
    assert_error(source, "api.assert.unexpected_argument", "documents[0]._source", "documents[0].body")
    assert_error(unknown, "services.storage.unknown_collection", index, "nope")
    assert_error(too_many, "services.storage.write_limit_exceeded")


async def test_m_create_or_replace(client) -> None:
    async with client() as c:
        index = await _index(c, ("d1", {"a": 1}))
        result = await c.ok("document", "mCreateOrReplace", index=index, collection=C, body={"documents": [
            {"_id": "d1", "body": {"a": 2}}, {"_id": "d2", "body": {"a": 3}}, {"body": {"a": 4}}]})
        quiet = await c.ok("document", "mCreateOrReplace", index=index, collection=C, source=False,
                           body={"documents": [{"_id": "d1", "body": {"a": 5}}]})
    replaced, created = result["successes"]
    assert (replaced["_version"], replaced["created"], replaced["result"], replaced["status"]) == (2, False, "updated", 200)
    assert (created["_version"], created["created"], created["result"], created["status"]) == (1, True, "created", 201)
    info = replaced["_source"]["_kuzzle_info"]
    assert info["updater"] == "-1" and info["updatedAt"] == info["createdAt"]
    assert result["errors"] == [{"document": {"body": {"a": 4}}, "reason": "document _id must be a string",
                                 "status": 400}]
    assert "_source" not in quiet["successes"][0]


async def test_m_replace(client) -> None:
    async with client() as c:
        index = await _index(c, ("d1", {"a": 1, "gone": True}))
        result = await c.ok("document", "mReplace", index=index, collection=C, body={"documents": [
            {"_id": "d1", "body": {"a": 2}}, {"_id": "missing", "body": {"a": 3}}]})
        strict = await c.query("document", "mReplace", index=index, collection=C, strict=True,
                               body={"documents": [{"_id": "missing", "body": {}}]})
    [item] = result["successes"]
    assert (item["_id"], item["_version"], item["status"], _plain(item["_source"])) == ("d1", 2, 200, {"a": 2})
    assert result["errors"] == [{"document": {"_id": "missing", "body": {"a": 3}}, "reason": "document not found",
                                 "status": 404}]
    assert_error(strict, "api.process.incomplete_multiple_request", "mReplace")


async def test_m_update(client) -> None:
    async with client() as c:
        index = await _index(c, ("d1", {"a": 1, "o": {"x": 1}}))
        result = await c.ok("document", "mUpdate", index=index, collection=C, body={"documents": [
            {"_id": "d1", "body": {"o": {"y": 2}}}, {"_id": "missing", "body": {}}, {"body": {}}]})
        bad_retry = await c.query("document", "mUpdate", index=index, collection=C, retryOnConflict="x",
                                  body={"documents": []})
    [item] = result["successes"]
    assert set(item) == {"_id", "_source", "_version", "status"}
    assert _plain(item["_source"]) == {"a": 1, "o": {"x": 1, "y": 2}} and item["_version"] == 2
    assert [e["reason"] for e in result["errors"]] == ["document not found", "document _id must be a string"]
    assert [e["status"] for e in result["errors"]] == [404, 400]
    assert_error(bad_retry, "api.assert.invalid_type", "retryOnConflict", "integer")


async def test_m_upsert(client) -> None:
    async with client() as c:
        index = await _index(c, ("d1", {"a": 1}))
        result = await c.ok("document", "mUpsert", index=index, collection=C, body={"documents": [
            {"_id": "d1", "changes": {"b": 2}, "default": {"ignored": True}},
            {"_id": "d2", "changes": {"b": 2}, "default": {"c": 3}},
            {"_id": "d3", "changes": 1}, {"_id": "d4", "changes": {}, "default": []}, {"changes": {}}]})
    updated, created = result["successes"]
    assert set(updated) == {"_id", "_source", "_version", "created", "status"}
    assert (updated["created"], updated["status"], _plain(updated["_source"])) == (False, 200, {"a": 1, "b": 2})
    assert (created["created"], created["status"], _plain(created["_source"])) == (True, 201, {"c": 3, "b": 2})
    assert [e["reason"] for e in result["errors"]] == [
        "document changes must be an object", "document default must be an object", "document _id must be a string"]


async def test_m_get(client) -> None:
    async with client() as c:
        index = await _index(c, ("d1", {"a": 1}))
        result = await c.ok("document", "mGet", index=index, collection=C, body={"ids": ["d1", "nope"]})
        from_args = await c.ok("document", "mGet", index=index, collection=C, ids=["d1"])
        strict = await c.query("document", "mGet", index=index, collection=C, strict=True, body={"ids": ["nope"]})
        missing = await c.query("document", "mGet", index=index, collection=C, body={})
        too_many = await c.query("document", "mGet", index=index, collection=C, body={"ids": ["x"] * 10_001})
    [item] = result["successes"]
    assert set(item) == {"_id", "_source", "_version"} and _plain(item["_source"]) == {"a": 1}
    assert result["errors"] == ["nope"]
    assert len(from_args["successes"]) == 1
    assert_error(strict, "api.process.incomplete_multiple_request", "get")
    assert_error(missing, "api.assert.missing_argument", "ids")
    assert_error(too_many, "services.storage.get_limit_exceeded")


async def test_m_delete(client) -> None:
    async with client() as c:
        index = await _index(c, ("d1", {}), ("d2", {}))
        result = await c.ok("document", "mDelete", index=index, collection=C, body={"ids": ["d1", "nope", 7]})
        strict = await c.query("document", "mDelete", index=index, collection=C, strict=True, body={"ids": ["d2", "x"]})
        left = await c.ok("document", "count", index=index, collection=C)
        missing = await c.query("document", "mDelete", index=index, collection=C, body={})
    assert result == {"errors": [{"_id": "nope", "reason": "document not found", "status": 404},
                                 {"_id": 7, "reason": "document _id must be a string", "status": 400}],
                      "successes": ["d1"]}
    assert_error(strict, "api.process.incomplete_multiple_request", "delete")
    assert left == {"count": 0}, "strict still deletes what it can"
    assert_error(missing, "api.assert.missing_argument", "body.ids")


async def test_bulk_writes_notify_each_item(client) -> None:
    async with client("sub") as sub, client("writer") as w:
        index = await _index(w)
        channel = (await sub.subscribe(index, C, {}))["channel"]
        args = dict(index=index, collection=C)
        await w.ok("document", "mCreate", **args, body={"documents": [{"_id": "a", "body": {}}, {"_id": "b", "body": {}}]})
        await w.ok("document", "mUpsert", **args, body={"documents": [{"_id": "a", "changes": {"x": 1}},
                                                                     {"_id": "c", "changes": {}}]})
        await w.ok("document", "mCreateOrReplace", **args, body={"documents": [{"_id": "a", "body": {}}]})
        await w.ok("document", "mReplace", **args, body={"documents": [{"_id": "b", "body": {"y": 1}}]})
        await w.ok("document", "mUpdate", **args, body={"documents": [{"_id": "b", "body": {"z": 1}}]})
        await w.ok("document", "mCreate", **args, silent=True, body={"documents": [{"_id": "s", "body": {}}]})
        await w.ok("document", "mDelete", **args, body={"ids": ["a", "b"]}, requestId="last-delete")
        notes = await sub.wait_notifications(channel, 9)
        await sub.sync()
    got = [(n["action"], n["scope"], n["result"]["_id"]) for n in sub.notifications(channel)]
    assert got == [("create", "in", "a"), ("create", "in", "b"), ("update", "in", "a"), ("create", "in", "c"),
                   ("replace", "in", "a"), ("replace", "in", "b"), ("update", "in", "b"),
                   ("delete", "out", "a"), ("delete", "out", "b")]
    assert notes[2]["result"]["_updatedFields"] == ["x"]
    assert notes[-1]["requestId"] == "last-delete" and notes[-1]["event"] == "delete"


# -- search and count -------------------------------------------------------------------------

async def test_search(client) -> None:
    async with client() as c:
        index = await _index(c, *SEED)
        args = dict(index=index, collection=C)
        term = await c.ok("document", "search", **args, body={"query": {"term": {"color": "blue"}}})
        ranged = await c.ok("document", "search", **args, body={
            "query": {"bool": {"filter": [{"range": {"n": {"gte": 1}}}], "must_not": {"ids": {"values": ["d3"]}}}},
            "sort": [{"n": "desc"}]}, size=2)
        koncorde = await c.ok("document", "search", **args, lang="koncorde",
                              body={"query": {"and": [{"equals": {"color": "red"}}, {"range": {"n": {"gt": 0}}}]}})
        paged = await c.ok("document", "search", **args, body={"sort": ["_id"]}, **{"from": 3}, size=10)
        everything = await c.ok("document", "search", **args)
        errors = [
            await c.query("document", "search", **args, body={"query": {"equals": {"n": 1}}}),
            await c.query("document", "search", **args, body={"filter": {}}),
            await c.query("document", "search", **args, body={"query": {"term": {"a": 1, "b": 2}}}),
            await c.query("document", "search", **args, lang="koncorde", body={"query": {"equals": {"n": [1]}}}),
            await c.query("document", "search", **args, lang="sql"),
            await c.query("document", "search", **args, size=10_001),
            await c.query("document", "search", index=index, collection="nope"),
        ]
    assert set(term) == {"hits", "total"} and term["total"] == 2
    assert [h["_id"] for h in term["hits"]] == ["d1", "d3"]
    assert set(term["hits"][0]) == {"_id", "_score", "_source", "collection", "index"}
    assert (term["hits"][0]["index"], term["hits"][0]["collection"]) == (index, C)
    assert _plain(term["hits"][0]["_source"]) == {"n": 1, "color": "blue"}
    assert [h["_id"] for h in ranged["hits"]] == ["d4", "d2"] and ranged["total"] == 3
    assert [h["_id"] for h in koncorde["hits"]] == ["d2", "d4"]
    assert [h["_id"] for h in paged["hits"]] == ["d3", "d4"] and paged["total"] == 5
    assert everything["total"] == 5
    assert_error(errors[0], "services.storage.unknown_query_keyword", "equals")
    assert_error(errors[1], "services.storage.invalid_search_query", "filter")
    assert_error(errors[2], "services.storage.unexpected_bad_request", ANY)
    assert_error(errors[3], "api.assert.koncorde_dsl_error", ANY)
    assert_error(errors[4], "api.assert.invalid_argument", "lang", ANY)
    assert_error(errors[5], "services.storage.get_limit_exceeded")
    assert_error(errors[6], "services.storage.unknown_collection", index, "nope")


async def test_count(client) -> None:
    async with client() as c:
        index = await _index(c, *SEED)
        args = dict(index=index, collection=C)
        everything = await c.ok("document", "count", **args)
        es = await c.ok("document", "count", **args, body={"query": {"terms": {"n": [0, 1, 9]}}})
        koncorde = await c.ok("document", "count", **args, lang="koncorde", body={"query": {"equals": {"color": "red"}}})
        unknown = await c.query("document", "count", index=uniq("none"), collection=C)
    assert (everything, es, koncorde) == ({"count": 5}, {"count": 2}, {"count": 3})
    assert_error(unknown, "services.storage.unknown_index", ANY)


# -- by-query writes ---------------------------------------------------------------------------

async def test_delete_by_query(client) -> None:
    async with client() as c:
        index = await _index(c, *SEED)
        args = dict(index=index, collection=C)
        result = await c.ok("document", "deleteByQuery", **args, body={"query": {"term": {"color": "blue"}}})
        sourced = await c.ok("document", "deleteByQuery", **args, source=True, lang="koncorde",
                             body={"query": {"equals": {"n": 0}}})
        bad = await c.query("document", "deleteByQuery", **args, body={"query": []})
        left = await c.ok("document", "count", **args)
    assert result == {"documents": [{"_id": "d1"}, {"_id": "d3"}], "ids": ["d1", "d3"]}
    assert sourced["ids"] == ["d0"] and _plain(sourced["documents"][0]["_source"]) == {"n": 0, "color": "red"}
    assert_error(bad, "api.assert.invalid_type", "body.query", "object")
    assert left == {"count": 2}


async def test_update_by_query(client) -> None:
    async with client() as c:
        index = await _index(c, *SEED)
        args = dict(index=index, collection=C)
        result = await c.ok("document", "updateByQuery", **args,
                            body={"query": {"term": {"color": "red"}}, "changes": {"color": "green"}})
        sourced = await c.ok("document", "updateByQuery", **args, source=True,
                             body={"query": {"ids": {"values": ["d1"]}}, "changes": {"k": 1}})
        no_query = await c.query("document", "updateByQuery", **args, body={"changes": {}})
        no_changes = await c.query("document", "updateByQuery", **args, body={"query": {}})
        green = await c.ok("document", "count", **args, body={"query": {"term": {"color": "green"}}})
    assert result == {"errors": [], "successes": [{"_id": f"d{n}", "_version": 2, "status": 200} for n in (0, 2, 4)]}
    assert _plain(sourced["successes"][0]["_source"]) == {"n": 1, "color": "blue", "k": 1}
    assert_error(no_query, "api.assert.missing_argument", "body.query")
    assert_error(no_changes, "api.assert.missing_argument", "body.changes")
    assert green == {"count": 3}


async def test_delete_fields(client) -> None:
    async with client() as c:
        index = await _index(c, ("d1", {"a": 1, "o": {"x": 1, "y": 2}}))
        args = dict(index=index, collection=C)
        result = await c.ok("document", "deleteFields", **args, _id="d1", body={"fields": ["a"]})
        sourced = await c.ok("document", "deleteFields", **args, _id="d1", source=True, body={"fields": ["o.x"]})
        missing = await c.query("document", "deleteFields", **args, _id="nope", body={"fields": ["a"]})
        no_fields = await c.query("document", "deleteFields", **args, _id="d1", body={})
    assert result == {"_id": "d1", "_version": 2}
    assert _plain(sourced["_source"]) == {"o": {"y": 2}} and sourced["_version"] == 3
    assert sourced["_source"]["_kuzzle_info"]["updater"] == "-1"
    assert_error(missing, "services.storage.not_found", "nope", index, C)
    assert_error(no_fields, "api.assert.missing_argument", "body.fields")


async def test_by_query_writes_notify_each_document(client) -> None:
    async with client("sub") as sub, client("writer") as w:
        index = await _index(w, *SEED)
        args = dict(index=index, collection=C)
        channel = (await sub.subscribe(index, C, {}))["channel"]
        await w.ok("document", "updateByQuery", **args, body={"query": {"term": {"color": "blue"}}, "changes": {"x": 1}})
        await w.ok("document", "deleteFields", **args, _id="d1", body={"fields": ["x"]})
        await w.ok("document", "deleteByQuery", **args, body={"query": {"range": {"n": {"lt": 2}}}})
        await w.ok("document", "deleteByQuery", **args, silent=True, body={})
        await sub.wait_notifications(channel, 5)
        await sub.sync()
    got = [(n["action"], n["scope"], n["result"]["_id"]) for n in sub.notifications(channel)]
    assert got == [("update", "in", "d1"), ("update", "in", "d3"), ("update", "in", "d1"),
                   ("delete", "out", "d0"), ("delete", "out", "d1")]
    assert sub.notifications(channel)[0]["result"]["_updatedFields"] == ["x"]
    assert sub.notifications(channel)[2]["result"]["_updatedFields"] == ["x"], "deleteFields lists the removed paths"


# -- collections and indexes --------------------------------------------------------------------

async def test_collection_mappings(client) -> None:
    async with client() as c:
        index = uniq("docapi")
        args = dict(index=index, collection=C)
        created = await c.ok("collection", "create", **args, body={"mappings": {
            "dynamic": "strict", "_meta": {"v": 1}, "properties": {"name": {"type": "keyword"}}}})
        got = await c.ok("collection", "getMapping", **args)
        updated = await c.ok("collection", "updateMapping", **args, body={"properties": {"age": {"type": "integer"}}})
        bad = await c.query("collection", "updateMapping", **args, body={"dynamic": "sometimes"})
        default = await c.ok("collection", "create", index=index, collection="plain")
        plain = await c.ok("collection", "getMapping", index=index, collection="plain")
    assert created == {"acknowledged": True} and default == {"acknowledged": True}
    assert got == {"_meta": {"v": 1}, "dynamic": "strict", "properties": {"name": {"type": "keyword"}}}
    assert updated["dynamic"] == "strict" and updated["properties"]["age"] == {"type": "integer"}
    assert updated["properties"]["name"] == {"type": "keyword"}
    assert_error(bad, "services.storage.invalid_mapping", "dynamic", ANY)
    assert plain == {"dynamic": "false", "properties": {}}


async def test_collection_list(client) -> None:
    async with client() as c:
        index = uniq("docapi")
        await c.ok("collection", "create", index=index, collection="b")
        await c.ok("collection", "create", index=index, collection="c")
        await c.subscribe(index, "c", {})
        listed = await c.ok("collection", "list", index=index)
        stored = await c.ok("collection", "list", index=index, type="stored")
        paged = await c.ok("collection", "list", index=index, **{"from": 1}, size=1)
        bad = await c.query("collection", "list", index=index, type="some")
    assert listed == {"collections": [{"name": "b", "type": "stored"}, {"name": "c", "type": "realtime"},
                                      {"name": "c", "type": "stored"}], "type": "all"}
    assert stored["collections"] == [{"name": "b", "type": "stored"}, {"name": "c", "type": "stored"}]
    assert paged == {"collections": [{"name": "c", "type": "realtime"}], "type": "all", "from": 1, "size": 1}
    assert_error(bad, "api.assert.invalid_argument", "type", ANY)


async def test_index_m_delete(client) -> None:
    async with client() as c:
        first, second = uniq("docapi"), uniq("docapi")
        await c.ok("index", "create", index=first)
        await c.ok("index", "create", index=second)
        result = await c.ok("index", "mDelete", body={"indexes": [second, uniq("none"), first]})
        exists = await c.ok("index", "exists", index=first)
        missing = await c.query("index", "mDelete", body={})
    assert result == {"deleted": [second, first]}
    assert exists is False
    assert_error(missing, "api.assert.missing_argument", "body.indexes")
