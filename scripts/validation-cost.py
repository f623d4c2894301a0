#!/usr/bin/env python3
"""Server CPU per `document:create` into a collection without and with a validation specification,
as interleaved pairs in one run (the median of the pair ratios is the figure to quote).

Usage: scripts/validation-cost.py [--writes 20000] [--pairs 3] (release binary in .build/release).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests/e2e"))

from herald_server import HeraldServer  # noqa: E402
from kuzzle_client import KuzzleClient  # noqa: E402

SPECIFICATION = {"fields": {"name": {"type": "string", "mandatory": True}, "n": {"type": "integer"}}}
BATCH = 2_000


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def microseconds_per_write(url: str, pid: int, index: str, writes: int, specified: bool) -> float:
    async with KuzzleClient(url) as client:
        await client.ok("index", "create", index=index)
        await client.ok("collection", "create", index=index, collection="c")
        if specified:
            await client.ok("collection", "updateSpecifications", index=index, collection="c", body=SPECIFICATION)
        frames = [{"controller": "document", "action": "create", "index": index, "collection": "c",
                   "body": {"name": "x", "n": i}} for i in range(writes)]
        started = cpu_seconds(pid)
        for first in range(0, writes, BATCH):
            answers = await client.pipeline(frames[first:first + BATCH])
            assert all(answer["status"] == 200 for answer in answers), answers[0]
        return (cpu_seconds(pid) - started) / writes * 1e6


async def measure(url: str, pid: int, writes: int, pairs: int) -> None:
    ratios = []
    for pair in range(pairs):
        without = await microseconds_per_write(url, pid, f"without-{pair}", writes, False)
        specified = await microseconds_per_write(url, pid, f"with-{pair}", writes, True)
        ratios.append(specified / without)
        print(f"pair {pair}: {without:.1f} µs/write without a specification, {specified:.1f} with one")
    print(f"median ratio with/without: {sorted(ratios)[len(ratios) // 2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=3)
    arguments = parser.parse_args()
    server = HeraldServer(ROOT / ".build/release/herald", [], name="validation-cost")
    server.start()
    try:
        asyncio.run(measure(server.url, server.process.pid, arguments.writes, arguments.pairs))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
