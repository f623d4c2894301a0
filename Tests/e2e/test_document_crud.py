"""document:create|get|exists|update|replace|createOrReplace|delete and _kuzzle_info (contract section 6)."""

from __future__ import annotations

import re

import pytest

from kuzzle_client import assert_error, now_ms, uniq

COLLECTION = "c"
GENERATED_ID = re.compile(r"^[A-Za-z0-9_-]{20}$")


async def _collection(c) -> str:
    index = uniq("doc")
    await c.ok("collection", "create", index=index, collection=COLLECTION)
    return index


def _strip_info(source: dict) -> dict:
    return {k: v for k, v in source.items() if k != "_kuzzle_info"}


def _assert_creation_info(info: dict, before: int, after: int) -> None:
    assert set(info) == {"author", "createdAt", "updatedAt", "updater"}, info
    assert info["author"] == "-1" and info["updatedAt"] is None and info["updater"] is None
    assert before - 1000 <= info["createdAt"] <= after + 1000


async def test_create_with_id(client) -> None:
    async with client() as c:
        index = await _collection(c)
        before = now_ms()
        result = await c.ok("document", "create", index=index, collection=COLLECTION, _id="d1",
                            body={"a": 1, "nested": {"b": [1, 2]}})
        after = now_ms()
    assert set(result) == {"_id", "_source", "_version"}
    assert result["_id"] == "d1" and result["_version"] == 1
    assert _strip_info(result["_source"]) == {"a": 1, "nested": {"b": [1, 2]}}
    _assert_creation_info(result["_source"]["_kuzzle_info"], before, after)


async def test_create_generates_twenty_char_ids(client) -> None:
    async with client() as c:
        index = await _collection(c)
        ids = [(await c.ok("document", "create", index=index, collection=COLLECTION, body={"i": i}))["_id"]
               for i in range(5)]
        for i, doc_id in enumerate(ids):
            got = await c.ok("document", "get", index=index, collection=COLLECTION, _id=doc_id)
            assert _strip_info(got["_source"]) == {"i": i}
    assert all(GENERATED_ID.match(i) for i in ids), ids
    assert len(set(ids)) == 5


async def test_create_existing_fails(client) -> None:
    async with client() as c:
        index = await _collection(c)
        await c.ok("document", "create", index=index, collection=COLLECTION, _id="d", body={"a": 1})
        again = await c.query("document", "create", index=index, collection=COLLECTION, _id="d", body={"a": 2})
        got = await c.ok("document", "get", index=index, collection=COLLECTION, _id="d")
    assert assert_error(again, "services.storage.document_already_exists")["message"] == "Document already exists."
    assert _strip_info(got["_source"]) == {"a": 1} and got["_version"] == 1


async def test_client_supplied_kuzzle_info_is_overwritten(client) -> None:
    async with client() as c:
        index = await _collection(c)
        before = now_ms()
        result = await c.ok("document", "create", index=index, collection=COLLECTION, _id="d",
                            body={"a": 1, "_kuzzle_info": {"author": "mallory", "createdAt": 1, "updater": "x"}})
        after = now_ms()
    _assert_creation_info(result["_source"]["_kuzzle_info"], before, after)


async def test_get_and_exists(client) -> None:
    async with client() as c:
        index = await _collection(c)
        created = await c.ok("document", "create", index=index, collection=COLLECTION, _id="d", body={"a": 1})
        got = await c.ok("document", "get", index=index, collection=COLLECTION, _id="d")
        exists = await c.ok("document", "exists", index=index, collection=COLLECTION, _id="d")
        absent = await c.ok("document", "exists", index=index, collection=COLLECTION, _id="nope")
        missing = await c.query("document", "get", index=index, collection=COLLECTION, _id="nope")
    assert got == created
    assert set(got) == {"_id", "_source", "_version"}
    assert exists is True and absent is False
    error = assert_error(missing, "services.storage.not_found", "nope", index, COLLECTION)
    assert error["message"] == f'Document "nope" not found in "{index}":"{COLLECTION}".'


async def test_update(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="d")
        created = await c.ok("document", "create", **args, body={"a": 1, "info": {"x": 1}, "keep": True})
        before = now_ms()
        partial = await c.ok("document", "update", **args, body={"a": 2, "info": {"y": 2}})
        full = await c.ok("document", "update", **args, source=True, body={"b": [1]})
        after = now_ms()
        got = await c.ok("document", "get", **args)
        missing = await c.query("document", "update", **{**args, "_id": "nope"}, body={"a": 1})
    assert set(partial) == {"_id", "_source", "_version"}
    assert partial["_id"] == "d" and partial["_version"] == 2
    assert partial["_source"]["a"] == 2 and partial["_source"]["info"]["y"] == 2
    assert full["_version"] == 3
    assert _strip_info(full["_source"]) == {"a": 2, "info": {"x": 1, "y": 2}, "keep": True, "b": [1]}
    assert full["_source"] == got["_source"] and got["_version"] == 3
    info, created_info = full["_source"]["_kuzzle_info"], created["_source"]["_kuzzle_info"]
    assert info["author"] == "-1" and info["createdAt"] == created_info["createdAt"]
    assert info["updater"] == "-1" and before - 1000 <= info["updatedAt"] <= after + 1000
    assert_error(missing, "services.storage.not_found", "nope", index, COLLECTION)


async def test_replace(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="d")
        await c.ok("document", "create", **args, body={"a": 1, "b": 2})
        before = now_ms()
        result = await c.ok("document", "replace", **args, body={"c": 3})
        after = now_ms()
        got = await c.ok("document", "get", **args)
        missing = await c.query("document", "replace", **{**args, "_id": "nope"}, body={"a": 1})
        created_by_replace = await c.ok("document", "exists", **{**args, "_id": "nope"})
    assert set(result) == {"_id", "_source", "_version"}
    assert result["_id"] == "d" and result["_version"] == 2
    assert _strip_info(result["_source"]) == {"c": 3} == _strip_info(got["_source"])
    info = result["_source"]["_kuzzle_info"]
    assert info["author"] == "-1" and info["updater"] == "-1"
    assert before - 1000 <= info["createdAt"] <= after + 1000
    assert before - 1000 <= info["updatedAt"] <= after + 1000
    assert_error(missing, "services.storage.not_found", "nope", index, COLLECTION)
    assert created_by_replace is False


async def test_create_or_replace(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="d")
        created = await c.ok("document", "createOrReplace", **args, body={"a": 1})
        replaced = await c.ok("document", "createOrReplace", **args, body={"b": 2})
        got = await c.ok("document", "get", **args)
    assert set(created) == {"_id", "_source", "_version", "created"}
    assert (created["_id"], created["_version"], created["created"]) == ("d", 1, True)
    assert (replaced["_version"], replaced["created"]) == (2, False)
    assert _strip_info(replaced["_source"]) == {"b": 2} == _strip_info(got["_source"])
    info = replaced["_source"]["_kuzzle_info"]
    assert info["author"] == "-1" and info["updater"] == "-1" and isinstance(info["updatedAt"], int)


async def test_delete(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION)
        await c.ok("document", "create", **args, _id="d1", body={"a": 1})
        await c.ok("document", "create", **args, _id="d2", body={"b": 2})
        await c.ok("document", "update", **args, _id="d2", body={"b": 3})
        plain = await c.ok("document", "delete", **args, _id="d1")
        with_source = await c.ok("document", "delete", **args, _id="d2", source=True)
        gone = await c.query("document", "get", **args, _id="d1")
        again = await c.query("document", "delete", **args, _id="d1")
        exists = await c.ok("document", "exists", **args, _id="d2")
    assert plain == {"_id": "d1"}
    assert set(with_source) == {"_id", "_source", "_version"}
    assert with_source["_id"] == "d2" and with_source["_version"] == 2
    assert _strip_info(with_source["_source"]) == {"b": 3}
    assert_error(gone, "services.storage.not_found", "d1", index, COLLECTION)
    assert_error(again, "services.storage.not_found", "d1", index, COLLECTION)
    assert exists is False


async def test_recreate_after_delete_starts_at_version_one(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="d")
        await c.ok("document", "create", **args, body={"a": 1})
        await c.ok("document", "delete", **args)
        again = await c.ok("document", "create", **args, body={"a": 2})
    assert again["_version"] == 1


@pytest.mark.parametrize("action,body", [
    ("create", {"a": 1}), ("get", None), ("exists", None), ("update", {"a": 1}), ("replace", {"a": 1}),
    ("createOrReplace", {"a": 1}), ("delete", None), ("upsert", {"changes": {"a": 1}}),
])
async def test_storage_errors(client, action: str, body) -> None:
    async with client() as c:
        index = await _collection(c)
        extra = {} if body is None else {"body": body}
        unknown_index = await c.query("document", action, index=index + "-nope", collection=COLLECTION,
                                      _id="d", **extra)
        unknown_collection = await c.query("document", action, index=index, collection="nope", _id="d", **extra)
    assert_error(unknown_index, "services.storage.unknown_index", index + "-nope")
    assert_error(unknown_collection, "services.storage.unknown_collection", index, "nope")


@pytest.mark.parametrize("action", ["get", "exists", "update", "replace", "delete", "upsert"])
async def test_id_required(client, action: str) -> None:
    async with client() as c:
        index = await _collection(c)
        resp = await c.query("document", action, index=index, collection=COLLECTION,
                             body={"changes": {"a": 1}} if action == "upsert" else {"a": 1})
    assert_error(resp, "api.assert.missing_argument", "_id")


@pytest.mark.parametrize("action", ["create", "update", "replace", "createOrReplace"])
async def test_body_required(client, action: str) -> None:
    async with client() as c:
        index = await _collection(c)
        await c.ok("document", "create", index=index, collection=COLLECTION, _id="d", body={"a": 1})
        resp = await c.query("document", action, index=index, collection=COLLECTION, _id="d")
    assert_error(resp, "api.assert.body_required")
