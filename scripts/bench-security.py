#!/usr/bin/env python3
"""Security A/B: upserts/s as anonymous before any admin exists vs as an authenticated user whose
profile is restricted to the bench index (rights checked on every request), and the time of a login.

Starts two release servers on loopback: A is never secured, B gets a first admin (with reset), a
role/profile/user and a token. Short `herald-bench upsert` runs then alternate A, B, A, B, ... so
that both see the same machine load; the report gives each run, the medians and their ratio.

Usage: scripts/bench-security.py [--rounds 4] [--duration 5] [--bin .build/release]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "Tests" / "e2e"))

from herald_server import HeraldServer  # noqa: E402
from kuzzle_client import KuzzleClient, assert_ok  # noqa: E402

INDEX = "bench-security"


async def secure(url: str) -> tuple[str, list[float], list[float]]:
    """First admin, bench role/profile/user; returns the user's token and login times (ms)."""
    async with KuzzleClient(url, name="setup") as c:
        assert_ok(await c.query("security", "createFirstAdmin", _id="admin", reset=True, body={
            "content": {}, "credentials": {"local": {"username": "admin", "password": "bench-admin"}}}))
        logins, unknown = [], []
        for _ in range(10):
            started = time.perf_counter()
            admin = assert_ok(await c.query("auth", "login", strategy="local",
                                            body={"username": "admin", "password": "bench-admin"}))["jwt"]
            logins.append((time.perf_counter() - started) * 1000)
        for _ in range(5):
            started = time.perf_counter()
            await c.query("auth", "login", strategy="local", body={"username": "nobody", "password": "x"})
            unknown.append((time.perf_counter() - started) * 1000)
        assert_ok(await c.query("security", "createRole", _id="bench", jwt=admin, body={"controllers": {
            "document": {"actions": {"upsert": True}}, "index": {"actions": {"create": True}},
            "collection": {"actions": {"create": True}}}}))
        assert_ok(await c.query("security", "createProfile", _id="bench", jwt=admin,
                                body={"policies": [{"roleId": "bench", "restrictedTo": [{"index": INDEX}]}]}))
        assert_ok(await c.query("security", "createUser", _id="bencher", jwt=admin, body={
            "content": {"profileIds": ["bench"]}, "credentials": {"local": {"username": "bencher", "password": "pw"}}}))
        token = assert_ok(await c.query("auth", "login", strategy="local", expiresIn="1d",
                                        body={"username": "bencher", "password": "pw"}))["jwt"]
        return token, logins, unknown


def upserts_per_second(bench: Path, url: str, duration: float, jwt: str | None) -> float:
    command = [str(bench), "upsert", "--url", url, "--duration", str(duration), "--index", INDEX, "--hot-ids", "10000"]
    if jwt:
        command += ["--jwt", jwt]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = int(re.search(r"^errors\s+(\d+)", output, re.M).group(1))
    if errors:
        raise SystemExit(f"the run had {errors} errors:\n{output}")
    return float(re.search(r"^requests/s\s+([\d.]+)", output, re.M).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--bin", type=Path, default=REPO / ".build" / "release")
    args = parser.parse_args()
    anonymous = HeraldServer(args.bin / "herald", ["--log-level", "warning"], name="anonymous")
    secured = HeraldServer(args.bin / "herald", ["--log-level", "warning"], name="secured")
    anonymous.start()
    secured.start()
    try:
        token, logins, unknown = asyncio.run(secure(secured.url))
        print(f"login: median {statistics.median(logins):.1f} ms over {len(logins)} "
              f"(unknown user: {statistics.median(unknown):.1f} ms); token {len(token)} bytes")
        a, b = [], []
        for round_number in range(1, args.rounds + 1):
            a.append(upserts_per_second(args.bin / "herald-bench", anonymous.url, args.duration, None))
            b.append(upserts_per_second(args.bin / "herald-bench", secured.url, args.duration, token))
            print(f"round {round_number}: anonymous {a[-1]:.0f}/s, authenticated {b[-1]:.0f}/s")
        ratio = statistics.median(b) / statistics.median(a)
        print(f"median: anonymous {statistics.median(a):.0f}/s, authenticated {statistics.median(b):.0f}/s, "
              f"ratio {ratio:.3f}")
    finally:
        anonymous.stop()
        secured.stop()


if __name__ == "__main__":
    main()
