"""1000 pipelined upserts on 50 ids from several connections: no lost update, every write notified
in order, heartbeats and pings on another connection answered meanwhile."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest

from kuzzle_client import assert_ok, uniq

CONNECTIONS = 5
PER_CONNECTION = 200
IDS = 50


@pytest.mark.async_timeout(150)
async def test_pipelined_upserts_lose_nothing(client) -> None:
    index = uniq("load")
    writers = [client(f"writer-{i}") for i in range(CONNECTIONS)]
    async with client("subscriber") as sub, client("heartbeat") as beat:
        await sub.ok("collection", "create", index=index, collection="c")
        channel = (await sub.subscribe(index, "c", {}))["channel"]
        for w in writers:
            await w.connect()
        try:
            batches = [[{"controller": "document", "action": "upsert", "index": index, "collection": "c",
                         "_id": f"d{(w * PER_CONNECTION + k) % IDS}", "retryOnConflict": 3,
                         "body": {"changes": {"last": f"{w}-{k}", f"w{w}": k}, "default": {"first": f"{w}-{k}"}}}
                        for k in range(PER_CONNECTION)] for w in range(CONNECTIONS)]
            done = asyncio.Event()
            delays: list[float] = []

            async def heartbeats() -> None:
                # Each must be answered within 30 s (a hang guard): the round trips are printed,
                # never compared, since on a loaded 2-core box they say more about the box.
                while not done.is_set():
                    delays.append(await beat.heartbeat(timeout=30))
                    delays.append(await beat.ping(timeout=30))
                    await asyncio.sleep(0.01)

            beating = asyncio.create_task(heartbeats())
            answers = await asyncio.gather(*(w.pipeline(b, timeout=60) for w, b in zip(writers, batches)))
            done.set()
            await beating
            for w in writers:
                await w.close()
                w.assert_clean()
        finally:
            for w in writers:
                await w.close()
        finals = {f"d{i}": await sub.ok("document", "get", index=index, collection="c", _id=f"d{i}")
                  for i in range(IDS)}
        notes = await sub.wait_notifications(channel, CONNECTIONS * PER_CONNECTION, timeout=60)
        await sub.sync()

    per_id: dict[str, list[dict]] = defaultdict(list)
    for batch in answers:
        for answer in batch:
            result = assert_ok(answer)
            per_id[result["_id"]].append(result)
    expected = CONNECTIONS * PER_CONNECTION // IDS
    assert sorted(per_id) == sorted(finals)
    for doc_id, results in per_id.items():
        assert sorted(r["_version"] for r in results) == list(range(1, expected + 1)), doc_id
        assert [r["_version"] for r in results if r["created"]] == [1], doc_id
    assert sum(f["_version"] for f in finals.values()) == CONNECTIONS * PER_CONNECTION
    for doc_id, final in finals.items():
        source = final["_source"]
        for w in range(CONNECTIONS):
            # every writer's own key survived the other writers' merges
            mine = [k for k in range(PER_CONNECTION) if f"d{(w * PER_CONNECTION + k) % IDS}" == doc_id]
            if mine:
                assert source[f"w{w}"] in mine, (doc_id, w)

    assert len(notes) == CONNECTIONS * PER_CONNECTION
    versions: dict[str, list[int]] = defaultdict(list)
    for n in notes:
        versions[n["result"]["_id"]].append(n["result"]["_version"])
        assert n["action"] == ("create" if n["result"]["_version"] == 1 else "update"), n
    for doc_id, seen in versions.items():
        assert seen == list(range(1, expected + 1)), (doc_id, seen)
    print(f"{len(delays)} heartbeat/ping round trips, slowest {max(delays):.3f} s")
    assert len(delays) >= 2 and all(delay >= 0 for delay in delays)
