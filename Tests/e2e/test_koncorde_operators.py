"""Every Koncorde operator family over WebSocket (contract section 9, issue 3): one subscriber per
filter, one writer creating documents, then which documents each channel was notified of; and the
validation errors of the newer terms. Each family also checks its negation."""

from __future__ import annotations

from typing import Any

import pytest

from kuzzle_client import assert_error, uniq

Cases = dict[str, tuple[dict[str, Any], set[str]]]

# Montpellier and Nîmes are about 46.3 km apart.
MONTPELLIER = [43.6108, 3.8767]
NIMES = [43.8367, 4.3601]

DOCS: dict[str, dict[str, Any]] = {
    "d1": {"status": "open", "age": 30, "tags": ["a", "b"], "city": "Paris", "name": "Ada",
           "info": {"level": 3, "langs": ["en", "fr"]}, "pos": MONTPELLIER,
           "items": [{"sku": "x", "qty": 1}, {"sku": "y", "qty": 5}]},
    "d2": {"status": "closed", "age": 50, "city": "Lyon", "info": {"level": 7}, "name": "Bob",
           "pos": "43.8367, 4.3601", "tags": ["b"]},
    "d3": {"status": "open", "age": 10.5, "pos": {"lat": 48.8566, "lon": 2.3522}, "name": "ada",
           "items": [{"sku": "y", "qty": 2}]},
    "d4": {"status": "pending", "age": "30", "pos": "spfb05ngm", "tags": []},
    "d5": {"age": 99, "misc": True, "pos": {"lat_lon": [0.5, 0.5]}, "name": None},
}
ALL = set(DOCS)


def _not(cases: Cases) -> Cases:
    """The negation of every case: the complement, documents without the field included."""
    return {f"not {name}": ({"not": filters}, ALL - expected) for name, (filters, expected) in cases.items()}


EQUALS_IN_IDS: Cases = {
    "equals": ({"equals": {"status": "open"}}, {"d1", "d3"}),
    "equals number strict": ({"equals": {"age": 30}}, {"d1"}),
    "equals nested": ({"equals": {"info.level": 7}}, {"d2"}),
    "equals null": ({"equals": {"name": None}}, {"d5"}),
    "in": ({"in": {"status": ["open", "pending"]}}, {"d1", "d3", "d4"}),
    "ids": ({"ids": {"values": ["d2", "d5", "nope"]}}, {"d2", "d5"}),
}
RANGE: Cases = {
    "range closed": ({"range": {"age": {"gte": 10.5, "lt": 50}}}, {"d1", "d3"}),
    "range open": ({"range": {"age": {"gt": 30}}}, {"d2", "d5"}),
    "range lte": ({"range": {"age": {"lte": 30}}}, {"d1", "d3"}),
    "range nested": ({"range": {"info.level": {"gt": 1, "lt": 5}}}, {"d1"}),
}
EXISTS_MISSING: Cases = {
    "exists": ({"exists": "city"}, {"d1", "d2"}),
    "exists object": ({"exists": "info"}, {"d1", "d2"}),
    "exists nested": ({"exists": {"field": "info.langs"}}, {"d1"}),
    "exists with null value": ({"exists": "name"}, {"d1", "d2", "d3", "d5"}),
    "exists array value": ({"exists": 'tags["b"]'}, {"d1", "d2"}),
    "missing": ({"missing": "city"}, {"d3", "d4", "d5"}),
    "missing array value": ({"missing": 'tags["a"]'}, {"d2", "d3", "d4", "d5"}),
}
REGEXP: Cases = {
    "regexp": ({"regexp": {"name": "^A"}}, {"d1"}),
    "regexp flags": ({"regexp": {"name": {"value": "^a", "flags": "i"}}}, {"d1", "d3"}),
    "regexp nested miss": ({"regexp": {"info.level": "3"}}, set()),
}
MATCH_SELECT: Cases = {
    "match": ({"match": {"status": "open", "info": {"level": 3}}}, {"d1"}),
    "match array": ({"match": {"tags": ["b"]}}, {"d1", "d2"}),
    "match dotted": ({"match": {"info.level": 7}}, {"d2"}),
    "match objects in array": ({"match": {"items": [{"sku": "y"}]}}, {"d1", "d3"}),
    "select": ({"select": {"field": "items", "index": 0, "query": {"equals": {"value.sku": "x"}}}}, {"d1"}),
    "select from end": ({"select": {"field": "items", "index": -1, "query": {"range": {"value.qty": {"gte": 2}}}}},
                        {"d1", "d3"}),
    "select scalar": ({"select": {"field": "tags", "index": 1, "query": {"equals": {"value": "b"}}}}, {"d1"}),
    "nothing": ({"nothing": True}, set()),
}
GEO: Cases = {
    "bbox sides": ({"geoBoundingBox": {"pos": {"top": 44, "left": 3, "bottom": 43, "right": 5}}}, {"d1", "d2", "d4"}),
    "bbox corners": ({"geoBoundingBox": {"pos": {"top_left": "43.7, 3.8", "bottomRight": [43.5, 4.0]}}},
                     {"d1", "d4"}),
    "distance": ({"geoDistance": {"pos": NIMES, "distance": "50km"}}, {"d1", "d2", "d4"}),
    "distance short": ({"geoDistance": {"pos": {"lat": NIMES[0], "lon": NIMES[1]}, "distance": "40 km"}}, {"d2"}),
    "distance miles": ({"geoDistance": {"pos": "spg17hnzm", "distance": "500 miles"}}, {"d1", "d2", "d3", "d4"}),
    "distance range": ({"geoDistanceRange": {"pos": NIMES, "from": "40km", "to": "50km"}}, {"d1", "d4"}),
    "polygon": ({"geoPolygon": {"pos": {"points": [[43, 3], [44, 3], [44, 5], [43, 5]]}}}, {"d1", "d2", "d4"}),
    "polygon triangle": ({"geoPolygon": {"pos": {"points": [[0, 0], [1, 0], "0, 1"]}}}, {"d5"}),
}
OPERANDS: Cases = {
    "and": ({"and": [{"equals": {"status": "open"}}, {"geoDistance": {"pos": NIMES, "distance": "100km"}}]}, {"d1"}),
    "or": ({"or": [{"match": {"city": "Lyon"}}, {"range": {"age": {"gt": 90}}}]}, {"d2", "d5"}),
    "bool": ({"bool": {"must": [{"exists": "pos"}], "must_not": [{"regexp": {"name": "^[Aa]"}}],
                       "should": [{"range": {"age": {"gte": 40}}}, {"equals": {"status": "pending"}}]}},
             {"d2", "d4", "d5"}),
    "bool should_not": ({"bool": {"should_not": [{"exists": "city"}, {"exists": "tags"}]}}, {"d3", "d4", "d5"}),
    "nested": ({"or": [{"and": [{"exists": "tags"}, {"not": {"missing": "name"}}]},
                       {"and": [{"missing": "status"}, {"geoBoundingBox": {"pos": {"top": 1, "left": 0,
                                                                                   "bottom": 0, "right": 1}}}]}]},
               {"d1", "d2", "d5"}),
}

FAMILIES: dict[str, Cases] = {
    "equals/in/ids": EQUALS_IN_IDS, "range": RANGE, "exists/missing": EXISTS_MISSING, "regexp": REGEXP,
    "match/select": MATCH_SELECT, "geo": GEO, "and/or/not/bool": OPERANDS,
}


@pytest.mark.parametrize("family", list(FAMILIES))
async def test_operator_family(client, family: str) -> None:
    cases = {**FAMILIES[family], **_not(FAMILIES[family])}
    index = uniq("kop")
    async with client("subscriber") as sub, client("writer") as writer:
        await writer.ok("collection", "create", index=index, collection="c")
        channels = {name: (await sub.subscribe(index, "c", filters))["channel"]
                    for name, (filters, _) in cases.items()}
        for doc_id, body in DOCS.items():
            await writer.ok("document", "create", index=index, collection="c", _id=doc_id, body=body)
        await sub.sync()
    failures = {}
    for name, (_, expected) in cases.items():
        got = sorted(n["result"]["_id"] for n in sub.notifications(channels[name]))
        if got != sorted(expected):
            failures[name] = {"expected": sorted(expected), "got": got}
    assert failures == {}


async def test_geo_room_follows_a_moving_document(client) -> None:
    """A document moving into, inside and out of a circle: in, in, then out (scope all)."""
    index = uniq("kop")
    async with client("subscriber") as sub, client("writer") as writer:
        await writer.ok("collection", "create", index=index, collection="c")
        channel = (await sub.subscribe(index, "c", {"geoDistance": {"pos": NIMES, "distance": "10km"}}))["channel"]
        args = dict(index=index, collection="c", _id="car")
        await writer.ok("document", "create", **args, body={"pos": MONTPELLIER})
        await writer.ok("document", "update", **args, body={"pos": [43.83, 4.36]})
        await writer.ok("document", "upsert", **args, body={"changes": {"pos": "43.84,4.35"}})
        await writer.ok("document", "update", **args, body={"pos": MONTPELLIER})
        await sub.sync()
    assert [(n["action"], n["scope"]) for n in sub.notifications(channel)] == \
        [("update", "in"), ("update", "in"), ("update", "out")]


async def test_equivalent_geo_filters_share_a_room(client) -> None:
    index = uniq("kop")
    async with client("a") as a:
        first = await a.subscribe(index, "c", {"geoDistance": {"pos": [43.5, 3.25], "distance": "1km"}})
        second = await a.subscribe(index, "c", {"geoDistance": {"distance": "1000 m",
                                                                "pos": {"lat_lon": "43.5, 3.25"}}})
        empty = await a.subscribe(index, "c", {})
        always = await a.subscribe(index, "c", {"not": {"nothing": True}})
    assert first["roomId"] == second["roomId"]
    assert empty["roomId"] != always["roomId"]


INVALID = {
    "match empty": ({"match": {}}, '"match": must be a non-empty object'),
    "select index": ({"select": {"field": "a", "index": 1.5, "query": {"exists": "value"}}},
                     '"select.index": cannot have decimals, must be an integer'),
    "select query": ({"select": {"field": "a", "index": 0, "query": {"foo": 1}}}, '"select.query.foo": unknown keyword'),
    "bbox": ({"geoBoundingBox": {"pos": {"top": 1, "left": 2}}}, '"geoBoundingBox.pos": unrecognized geo-point format'),
    "distance unit": ({"geoDistance": {"pos": [1, 2], "distance": "3 parsecs"}},
                      'unable to parse distance value "3 parsecs"'),
    "distance point": ({"geoDistance": {"pos": [1, 2, 3], "distance": "3km"}},
                       '"geoDistance.pos": unrecognized point format'),
    "distance range": ({"geoDistanceRange": {"pos": [1, 2], "from": "2km", "to": "1km"}},
                       '"geoDistanceRange": inner radius must be smaller than outer radius'),
    "polygon": ({"geoPolygon": {"pos": {"points": [[1, 2], [3, 4]]}}},
                '"geoPolygon.pos.points": at least 3 points are required to build a polygon'),
}


@pytest.mark.parametrize("name", list(INVALID))
async def test_invalid_terms_are_rejected(client, name: str) -> None:
    filters, message = INVALID[name]
    async with client() as c:
        response = await c.query("realtime", "subscribe", index=uniq("kop"), collection="c", body=filters)
    error = assert_error(response, "api.assert.koncorde_dsl_error")
    assert error["message"] == message
