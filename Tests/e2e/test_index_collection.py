"""index:create|exists|list|delete and collection:create|exists|list|truncate|delete (contract section 6)."""

from __future__ import annotations

from kuzzle_client import assert_error, assert_ok, uniq


async def test_index_lifecycle(client) -> None:
    index = uniq("idx")
    async with client() as c:
        assert await c.ok("index", "exists", index=index) is False
        created = await c.query("index", "create", index=index)
        assert_ok(created)
        assert "result" not in created, "index:create returns nothing: the result key is absent"
        assert created["index"] == index
        assert await c.ok("index", "exists", index=index) is True
        listed = await c.ok("index", "list")
        assert index in listed["indexes"]
        assert await c.ok("index", "delete", index=index) == {"acknowledged": True}
        assert await c.ok("index", "exists", index=index) is False
        assert index not in (await c.ok("index", "list"))["indexes"]


async def test_index_errors(client) -> None:
    index = uniq("idx")
    async with client() as c:
        await c.ok("index", "create", index=index)
        again = await c.query("index", "create", index=index)
        unknown = await c.query("index", "delete", index=index + "-nope")
        missing = await c.query("index", "create")
        missing_exists = await c.query("index", "exists")
    error = assert_error(again, "services.storage.index_already_exists", "public", index)
    assert error["message"] == f'A public index named "{index}" already exists'
    assert assert_error(unknown, "services.storage.unknown_index", index + "-nope")["message"] == \
        f'The index "{index}-nope" does not exist.'
    assert_error(missing, "api.assert.missing_argument", "index")
    assert_error(missing_exists, "api.assert.missing_argument", "index")


async def test_collection_create_creates_missing_index(client) -> None:
    index = uniq("col")
    async with client() as c:
        assert await c.ok("collection", "create", index=index, collection="c1") == {"acknowledged": True}
        assert await c.ok("index", "exists", index=index) is True
        assert await c.ok("collection", "exists", index=index, collection="c1") is True
        # creating an existing collection is acknowledged again (Kuzzle updates its mapping)
        assert await c.ok("collection", "create", index=index, collection="c1") == {"acknowledged": True}


async def test_collection_exists(client) -> None:
    index = uniq("col")
    async with client() as c:
        assert await c.ok("collection", "exists", index=index, collection="c") is False
        await c.ok("index", "create", index=index)
        assert await c.ok("collection", "exists", index=index, collection="c") is False
        await c.ok("collection", "create", index=index, collection="c")
        assert await c.ok("collection", "exists", index=index, collection="c") is True
        assert await c.ok("collection", "exists", index=index, collection="other") is False


async def test_collection_list(client) -> None:
    index = uniq("col")
    async with client() as c:
        for name in ("zeta", "alpha", "mid"):
            await c.ok("collection", "create", index=index, collection=name)
        result = await c.ok("collection", "list", index=index)
        unknown = await c.query("collection", "list", index=index + "-nope")
    stored = [entry for entry in result["collections"] if entry.get("type") == "stored"]
    assert stored == [{"name": "alpha", "type": "stored"}, {"name": "mid", "type": "stored"},
                      {"name": "zeta", "type": "stored"}]
    assert_error(unknown, "services.storage.unknown_index", index + "-nope")


async def test_collection_truncate(client) -> None:
    index = uniq("col")
    async with client() as c:
        await c.ok("collection", "create", index=index, collection="c")
        for i in range(3):
            await c.ok("document", "create", index=index, collection="c", _id=f"d{i}", body={"i": i})
        assert await c.ok("collection", "truncate", index=index, collection="c",
                          refresh="wait_for") == {"acknowledged": True}
        for i in range(3):
            assert await c.ok("document", "exists", index=index, collection="c", _id=f"d{i}") is False
        assert await c.ok("collection", "exists", index=index, collection="c") is True
        unknown = await c.query("collection", "truncate", index=index, collection="nope")
    error = assert_error(unknown, "services.storage.unknown_collection", index, "nope")
    assert error["message"] == f'The collection "{index}":"nope" does not exist.'


async def test_collection_delete(client) -> None:
    index = uniq("col")
    async with client() as c:
        await c.ok("collection", "create", index=index, collection="c")
        await c.ok("document", "create", index=index, collection="c", _id="d", body={})
        deleted = await c.query("collection", "delete", index=index, collection="c")
        assert assert_ok(deleted) in (None, {"acknowledged": True})
        assert await c.ok("collection", "exists", index=index, collection="c") is False
        assert await c.ok("index", "exists", index=index) is True
        again = await c.query("collection", "delete", index=index, collection="c")
        get = await c.query("document", "get", index=index, collection="c", _id="d")
    assert_error(again, "services.storage.unknown_collection", index, "c")
    assert_error(get, "services.storage.unknown_collection", index, "c")


async def test_index_delete_removes_its_collections(client) -> None:
    index = uniq("col")
    async with client() as c:
        await c.ok("collection", "create", index=index, collection="c")
        await c.ok("index", "delete", index=index)
        assert await c.ok("collection", "exists", index=index, collection="c") is False
        write = await c.query("document", "create", index=index, collection="c", body={})
    assert_error(write, "services.storage.unknown_index", index)


async def test_collection_missing_arguments(client) -> None:
    index = uniq("col")
    async with client() as c:
        no_index = await c.query("collection", "create", collection="c")
        no_collection = await c.query("collection", "create", index=index)
    assert_error(no_index, "api.assert.missing_argument", "index")
    assert_error(no_collection, "api.assert.missing_argument", "collection")
