"""Koncorde operators of issue 2 over WebSocket: equals, in, range, exists, missing, ids,
and/or/not/bool (contract section 9). One subscriber per filter set, one writer, then which
documents each channel was notified of."""

from __future__ import annotations

from kuzzle_client import uniq

DOCS = {
    "d1": {"status": "open", "age": 30, "tags": ["a", "b"], "city": "Paris", "name": "x"},
    "d2": {"status": "closed", "age": 50, "city": "Lyon", "info": {"level": 3}},
    "d3": {"status": "open", "age": 10},
    "d4": {"status": "pending", "age": "30"},
    "d5": {"age": 99, "misc": True},
}

CASES = {
    "equals": ({"equals": {"status": "open"}}, {"d1", "d3"}),
    "equals-strict-type": ({"equals": {"age": 30}}, {"d1"}),
    "equals-nested": ({"equals": {"info.level": 3}}, {"d2"}),
    "equals-bool": ({"equals": {"misc": True}}, {"d5"}),
    "in": ({"in": {"status": ["open", "pending"]}}, {"d1", "d3", "d4"}),
    "range-gte-lt": ({"range": {"age": {"gte": 20, "lt": 60}}}, {"d1", "d2"}),
    "range-gt-lte": ({"range": {"age": {"gt": 10, "lte": 30}}}, {"d1"}),
    "range-open-ended": ({"range": {"age": {"gte": 50}}}, {"d2", "d5"}),
    "exists": ({"exists": "city"}, {"d1", "d2"}),
    "exists-object-path": ({"exists": "info"}, {"d2"}),
    "exists-array-value": ({"exists": 'tags["a"]'}, {"d1"}),
    "missing": ({"missing": "city"}, {"d3", "d4", "d5"}),
    "ids": ({"ids": {"values": ["d2", "d3", "nope"]}}, {"d2", "d3"}),
    "and": ({"and": [{"equals": {"status": "open"}}, {"exists": "city"}]}, {"d1"}),
    "or": ({"or": [{"equals": {"city": "Lyon"}}, {"equals": {"age": 10}}]}, {"d2", "d3"}),
    "not": ({"not": {"equals": {"status": "open"}}}, {"d2", "d4", "d5"}),
    "not-in": ({"not": {"in": {"status": ["open", "closed"]}}}, {"d4", "d5"}),
    "bool": ({"bool": {"must": [{"range": {"age": {"gte": 20}}}], "must_not": [{"equals": {"city": "Paris"}}]}},
             {"d2", "d5"}),
    "bool-should": ({"bool": {"should": [{"equals": {"city": "Paris"}}, {"equals": {"city": "Lyon"}}]}},
                    {"d1", "d2"}),
    "nested-operands": ({"or": [{"and": [{"exists": "tags"}, {"not": {"missing": "name"}}]},
                                {"and": [{"missing": "status"}, {"range": {"age": {"gt": 90}}}]}]},
                        {"d1", "d5"}),
    "match-all": ({}, set(DOCS)),
}


async def test_operators(client) -> None:
    index = uniq("kon")
    async with client("subscriber") as sub, client("writer") as writer:
        await writer.ok("collection", "create", index=index, collection="c")
        channels = {name: (await sub.subscribe(index, "c", filters))["channel"]
                    for name, (filters, _) in CASES.items()}
        for doc_id, body in DOCS.items():
            await writer.ok("document", "create", index=index, collection="c", _id=doc_id, body=body)
        await sub.sync()
    failures = {}
    for name, (_, expected) in CASES.items():
        got = [n["result"]["_id"] for n in sub.notifications(channels[name])]
        if sorted(got) != sorted(expected):
            failures[name] = {"expected": sorted(expected), "got": got}
    assert failures == {}


async def test_matching_follows_updates(client) -> None:
    index = uniq("kon")
    async with client("subscriber") as sub, client("writer") as writer:
        await writer.ok("collection", "create", index=index, collection="c")
        channel = (await sub.subscribe(index, "c", {"range": {"score": {"gte": 10}}}, scope="in"))["channel"]
        args = dict(index=index, collection="c", _id="d")
        await writer.ok("document", "create", **args, body={"score": 1})
        await writer.ok("document", "update", **args, body={"score": 15}, requestId="up-15")
        await writer.ok("document", "upsert", **args, body={"changes": {"score": 5}})
        await writer.ok("document", "upsert", **args, body={"changes": {"score": 10}}, requestId="up-10")
        await sub.sync()
    assert [(n["requestId"], n["result"]["_source"]["score"]) for n in sub.notifications(channel)] == \
        [("up-15", 15), ("up-10", 10)]
