"""document:upsert (contract sections 5 and 10)."""

from __future__ import annotations

import uuid

import pytest

from kuzzle_client import assert_error, assert_ok, now_ms, uniq
from protocol import golden

COLLECTION = "c"


async def _collection(c) -> str:
    index = uniq("ups")
    await c.ok("collection", "create", index=index, collection=COLLECTION)
    return index


def _strip_info(source: dict) -> dict:
    return {k: v for k, v in source.items() if k != "_kuzzle_info"}


async def test_contract_three_upserts(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="document-1")
        first = await c.ok("document", "upsert", **args, source=True,
                           body={"changes": {"name": "document-1", "age": 42}, "default": {"foo": "bar"}})
        second = await c.ok("document", "upsert", **args, source=True,
                            body={"changes": {"name": "updated1"}, "default": {"foo": "oh noes"}})
        third = await c.ok("document", "upsert", **args, source=False, body={"changes": {"name": "updated2"}})
        stored = await c.ok("document", "get", **args)
    assert set(first) == {"_id", "_version", "created", "_source"}
    assert (first["_id"], first["_version"], first["created"]) == ("document-1", 1, True)
    assert _strip_info(first["_source"]) == {"foo": "bar", "name": "document-1", "age": 42}
    assert set(second) == {"_id", "_version", "created", "_source"}
    assert (second["_id"], second["_version"], second["created"]) == ("document-1", 2, False)
    assert _strip_info(second["_source"]) == {"name": "updated1", "age": 42, "foo": "bar"}
    assert "_kuzzle_info" in second["_source"]
    assert third == {"_id": "document-1", "_version": 3, "created": False}
    assert _strip_info(stored["_source"]) == {"name": "updated2", "age": 42, "foo": "bar"}
    assert stored["_version"] == 3


async def test_source_defaults_to_false(client) -> None:
    async with client() as c:
        index = await _collection(c)
        result = await c.ok("document", "upsert", index=index, collection=COLLECTION, _id="d",
                            body={"changes": {"a": 1}})
    assert result == {"_id": "d", "_version": 1, "created": True}


async def test_golden_sdk_upsert_frame(client) -> None:
    """The exact SDK 7.17.1 frame (names made unique) creates the document."""
    frame = golden("upsert-request.sdk-7.17.1.json")
    async with client() as c:
        index = await _collection(c)
        frame.update(index=index, collection=COLLECTION, requestId=str(uuid.uuid4()))
        resp = await c.request(frame)
        expected = golden("upsert-response.json")
        result = assert_ok(resp)
        again = await c.request({**frame, "requestId": str(uuid.uuid4()),
                                 "body": {"changes": {"counter": 2}, "default": {"createdBy": "other"}}})
    assert set(expected) <= set(resp), set(expected) - set(resp)
    assert resp["volatile"] == frame["volatile"]
    assert (resp["index"], resp["collection"], resp["action"], resp["controller"]) == \
        (index, COLLECTION, "upsert", "document")
    assert (result["_id"], result["_version"], result["created"]) == ("smoke-8730", 1, True)
    assert _strip_info(result["_source"]) == {"createdBy": "smoke", "status": "open", "counter": 1}
    second = assert_ok(again)
    assert (second["_version"], second["created"]) == (2, False)
    assert _strip_info(second["_source"]) == {"createdBy": "smoke", "status": "open", "counter": 2}


async def test_deep_merge_objects_replace_arrays_and_scalars(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="d")
        await c.ok("document", "upsert", **args,
                   body={"changes": {"info": {"zip": "75001", "geo": {"lat": 1}}, "tags": [1, 2], "n": 1}})
        result = await c.ok("document", "upsert", **args, source=True,
                            body={"changes": {"info": {"city": "Paris", "geo": {"lon": 2}}, "tags": [3], "n": "x"}})
    assert _strip_info(result["_source"]) == {
        "info": {"zip": "75001", "geo": {"lat": 1, "lon": 2}, "city": "Paris"}, "tags": [3], "n": "x"}


async def test_changes_win_over_default(client) -> None:
    async with client() as c:
        index = await _collection(c)
        result = await c.ok("document", "upsert", index=index, collection=COLLECTION, _id="d", source=True,
                            body={"changes": {"x": 2, "nested": {"a": 1}}, "default": {"x": 1, "y": 1}})
    assert _strip_info(result["_source"]) == {"x": 2, "y": 1, "nested": {"a": 1}}


@pytest.mark.parametrize("placement", ["body.default", "body.defaults", "default", "defaults"])
async def test_default_spellings(client, placement: str) -> None:
    """Contract 10.3: body.default, else body.defaults, else top-level default/defaults."""
    defaults = {"createdBy": placement}
    body: dict = {"changes": {"a": 1}}
    extra: dict = {}
    where, _, key = placement.rpartition(".")
    if where == "body":
        body[key] = defaults
    else:
        extra[placement] = defaults
    async with client() as c:
        index = await _collection(c)
        result = await c.ok("document", "upsert", index=index, collection=COLLECTION, _id="d", source=True,
                            body=body, **extra)
    assert _strip_info(result["_source"]) == {"a": 1, "createdBy": placement}


async def test_body_default_takes_precedence(client) -> None:
    async with client() as c:
        index = await _collection(c)
        result = await c.ok("document", "upsert", index=index, collection=COLLECTION, _id="d", source=True,
                            body={"changes": {"a": 1}, "default": {"from": "body.default"},
                                  "defaults": {"from": "body.defaults"}},
                            default={"from": "default"}, defaults={"from": "defaults"})
    assert _strip_info(result["_source"]) == {"a": 1, "from": "body.default"}


async def test_default_ignored_when_document_exists(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="d")
        await c.ok("document", "create", **args, body={"a": 1})
        result = await c.ok("document", "upsert", **args, source=True,
                            body={"changes": {"b": 2}, "default": {"c": 3}})
    assert result["created"] is False and result["_version"] == 2
    assert _strip_info(result["_source"]) == {"a": 1, "b": 2}


async def test_kuzzle_info_on_upsert(client) -> None:
    """Contract 10.2: an upsert that creates gets full creation metadata; one that updates sets updater."""
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="d")
        before = now_ms()
        created = await c.ok("document", "upsert", **args, source=True,
                             body={"changes": {"a": 1, "_kuzzle_info": {"author": "mallory"}}})
        updated = await c.ok("document", "upsert", **args, source=True, body={"changes": {"a": 2}})
        after = now_ms()
    info = created["_source"]["_kuzzle_info"]
    assert info["author"] == "-1" and info["updatedAt"] is None and info["updater"] is None
    assert before - 1000 <= info["createdAt"] <= after + 1000
    info2 = updated["_source"]["_kuzzle_info"]
    assert info2["author"] == "-1" and info2["createdAt"] == info["createdAt"]
    assert info2["updater"] == "-1" and before - 1000 <= info2["updatedAt"] <= after + 1000


@pytest.mark.parametrize("refresh", ["wait_for", "false"])
async def test_refresh_values_accepted(client, refresh: str) -> None:
    async with client("writer") as writer, client("reader") as reader:
        index = await _collection(writer)
        await writer.ok("document", "upsert", index=index, collection=COLLECTION, _id="d", refresh=refresh,
                        body={"changes": {"a": 1}})
        got = await reader.ok("document", "get", index=index, collection=COLLECTION, _id="d")
    assert _strip_info(got["_source"]) == {"a": 1}


async def test_retry_on_conflict(client) -> None:
    async with client() as c:
        index = await _collection(c)
        args = dict(index=index, collection=COLLECTION, _id="d", body={"changes": {"a": 1}})
        ok = await c.query("document", "upsert", **args, retryOnConflict=3)
        zero = await c.query("document", "upsert", **args, retryOnConflict=0)
        wrong_type = await c.query("document", "upsert", **args, retryOnConflict="three")
        negative = await c.query("document", "upsert", **args, retryOnConflict=-1)
    assert assert_ok(ok)["_version"] == 1 and assert_ok(zero)["_version"] == 2
    assert_error(wrong_type, "api.assert.invalid_type", "retryOnConflict", "integer")
    assert negative["status"] == 400 and negative["error"]["id"] in (
        "api.assert.invalid_type", "api.assert.invalid_argument"), negative


async def test_silent_accepted(client) -> None:
    async with client() as c:
        index = await _collection(c)
        result = await c.ok("document", "upsert", index=index, collection=COLLECTION, _id="d", silent=True,
                            body={"changes": {"a": 1}})
    assert result == {"_id": "d", "_version": 1, "created": True}


# -- argument checks, each with every later check failing too, so the order is what is tested ------

async def test_argument_check_order(client) -> None:
    async with client() as c:
        index = await _collection(c)
        bad_index = index + "-nope"

        async def upsert(**fields):
            return await c.request({"controller": "document", "action": "upsert", **fields})

        r = await upsert(index=bad_index, collection="nope", refresh="now", silent="yes", source="yes")
        assert_error(r, "api.assert.missing_argument", "_id")
        r = await upsert(_id="d", index=bad_index, collection="nope", refresh="now", silent="yes", source="yes")
        assert_error(r, "api.assert.body_required")
        assert r["error"]["message"] == "The request must specify a body."
        r = await upsert(_id="d", body={"default": "x"}, index=bad_index, refresh="now", silent="yes")
        assert assert_error(r, "api.assert.missing_argument", "body.changes")["message"] == \
            'Missing argument "body.changes".'
        for changes in ("x", [1, 2], 3, True):
            r = await upsert(_id="d", body={"changes": changes, "default": "x"}, index=bad_index, refresh="now")
            assert assert_error(r, "api.assert.invalid_type", "body.changes", "object")["message"] == \
                'Wrong type for argument "body.changes" (expected: object)'
        for default in ("x", [1], 3):
            r = await upsert(_id="d", body={"changes": {}, "default": default}, index=bad_index, silent="yes",
                             refresh="now", source="yes")
            assert_error(r, "api.assert.invalid_type", "body.default", "object")
        r = await upsert(_id="d", body={"changes": {}}, index=bad_index, silent="yes", refresh="now", source="yes")
        assert_error(r, "api.assert.invalid_type", "silent", "boolean")
        r = await upsert(_id="d", body={"changes": {}}, index=bad_index, silent=False, refresh="now", source="yes")
        error = assert_error(r, "services.storage.invalid_argument", "refresh", '"wait_for", false')
        assert error["message"] == 'Argument "refresh" is invalid (expected: "wait_for", false)'
        r = await upsert(_id="d", body={"changes": {}}, index=bad_index, collection="nope", refresh="wait_for",
                         source="yes")
        assert_error(r, "api.assert.invalid_type", "source", "boolean")
        r = await upsert(_id="d", body={"changes": {}}, index=bad_index, collection="nope", source=True)
        assert assert_error(r, "services.storage.unknown_index", bad_index)["message"] == \
            f'The index "{bad_index}" does not exist.'
        r = await upsert(_id="d", body={"changes": {}}, index=index, collection="nope")
        assert assert_error(r, "services.storage.unknown_collection", index, "nope")["message"] == \
            f'The collection "{index}":"nope" does not exist.'
        # nothing was written by any rejected request
        assert await c.ok("document", "exists", index=index, collection=COLLECTION, _id="d") is False


async def test_missing_index_and_collection_arguments(client) -> None:
    async with client() as c:
        index = await _collection(c)
        no_index = await c.query("document", "upsert", collection=COLLECTION, _id="d", body={"changes": {}})
        no_collection = await c.query("document", "upsert", index=index, _id="d", body={"changes": {}})
    assert_error(no_index, "api.assert.missing_argument", "index")
    assert_error(no_collection, "api.assert.missing_argument", "collection")
