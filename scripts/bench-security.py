#!/usr/bin/env python3
"""Security A/B: upserts/s (or fan-out deliveries/s) as anonymous before any admin exists vs as an
authenticated user whose profile is restricted to the bench index (rights checked on every request
and subscription), and the time of a login.

Starts two release servers on loopback: A is never secured, B gets a first admin (with reset), a
role/profile/user and a token. Short `herald-bench upsert` runs then alternate A, B, A, B, ... so
that both see the same machine load; the report gives each run, the medians and their ratio.

With --instructions both servers run under valgrind's callgrind instead, instrumented only during
one run each, and the report gives instructions per upsert: a figure the machine's load does not
move, where the wall-clock ratio wanders by more than the 5 % it is meant to show.

With --scenario fanout the runs are `herald-bench fanout` (1000 subscribers on one room, one publisher
at full rate) and the figures are deliveries per second, or instructions per delivery.

Usage: scripts/bench-security.py [--rounds 4] [--duration 5] [--bin .build/release] [--instructions]
                                 [--scenario upsert|fanout]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "Tests" / "e2e"))

from herald_server import HeraldServer  # noqa: E402
from kuzzle_client import KuzzleClient, assert_ok  # noqa: E402

INDEX = "bench-security"


async def secure(url: str, timed_logins: int = 10) -> tuple[str, list[float], list[float]]:
    """First admin, bench role/profile/user; returns the user's token and login times (ms)."""
    async with KuzzleClient(url, name="setup") as c:
        assert_ok(await c.query("security", "createFirstAdmin", _id="admin", reset=True, body={
            "content": {}, "credentials": {"local": {"username": "admin", "password": "bench-admin"}}}))
        logins, unknown = [], []
        for _ in range(max(1, timed_logins)):
            started = time.perf_counter()
            admin = assert_ok(await c.query("auth", "login", strategy="local",
                                            body={"username": "admin", "password": "bench-admin"}))["jwt"]
            logins.append((time.perf_counter() - started) * 1000)
        for _ in range(timed_logins // 2):
            started = time.perf_counter()
            await c.query("auth", "login", strategy="local", body={"username": "nobody", "password": "x"})
            unknown.append((time.perf_counter() - started) * 1000)
        assert_ok(await c.query("security", "createRole", _id="bench", jwt=admin, body={"controllers": {
            "document": {"actions": {"upsert": True}}, "realtime": {"actions": {"subscribe": True}},
            "index": {"actions": {"create": True}},
            "collection": {"actions": {"create": True}}}}))
        assert_ok(await c.query("security", "createProfile", _id="bench", jwt=admin,
                                body={"policies": [{"roleId": "bench", "restrictedTo": [{"index": INDEX}]}]}))
        assert_ok(await c.query("security", "createUser", _id="bencher", jwt=admin, body={
            "content": {"profileIds": ["bench"]}, "credentials": {"local": {"username": "bencher", "password": "pw"}}}))
        token = assert_ok(await c.query("auth", "login", strategy="local", expiresIn="1d",
                                        body={"username": "bencher", "password": "pw"}))["jwt"]
        return token, logins, unknown


def upsert_run(bench: Path, url: str, duration: float, jwt: str | None, *, connections: int = 100) -> str:
    command = [str(bench), "upsert", "--url", url, "--duration", str(duration), "--index", INDEX, "--hot-ids", "10000",
               "--connections", str(connections)]
    if jwt:
        command += ["--jwt", jwt]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = int(re.search(r"^errors\s+(\d+)", output, re.M).group(1))
    if errors:
        raise SystemExit(f"the run had {errors} errors:\n{output}")
    return output


def upserts_per_second(bench: Path, url: str, duration: float, jwt: str | None) -> float:
    output = upsert_run(bench, url, duration, jwt)
    return float(re.search(r"^requests/s\s+([\d.]+)", output, re.M).group(1))


def fanout_run(bench: Path, url: str, duration: float, jwt: str | None, *, subscribers: int = 1000) -> str:
    command = [str(bench), "fanout", "--url", url, "--duration", str(duration), "--index", INDEX,
               "--subscribers", str(subscribers), "--publishers", "1", "--drain", "10"]
    if jwt:
        command += ["--jwt", jwt]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in ("upsert errors", "notifications lost", "subscribe failures"):
        if int(re.search(rf"^{line}\s+(\d+)", output, re.M).group(1)):
            raise SystemExit(f"the run had {line}:\n{output}")
    return output


def deliveries_per_second(bench: Path, url: str, duration: float, jwt: str | None) -> float:
    output = fanout_run(bench, url, duration, jwt)
    return float(re.search(r"^deliveries/s\s+([\d.]+)", output, re.M).group(1))


class CallgrindServer(HeraldServer):
    """A herald under callgrind, not instrumented until ``measure`` turns it on."""

    def __init__(self, binary: Path, extra_args: list[str], *, name: str, out: Path) -> None:
        super().__init__(binary, extra_args, name=name)
        self.out = out

    def command(self) -> list[str]:
        return ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={self.out}",
                *super().command()]

    def measure(self, run) -> tuple[int, str]:
        """Instructions executed while `run()` ran, and what it returned."""
        pid = str(self.process.pid)
        subprocess.run(["callgrind_control", "--zero", pid], check=True, capture_output=True)
        subprocess.run(["callgrind_control", "--instr=on", pid], check=True, capture_output=True)
        output = run()
        subprocess.run(["callgrind_control", "--instr=off", pid], check=True, capture_output=True)
        subprocess.run(["callgrind_control", "--dump", pid], check=True, capture_output=True)
        dumps = sorted(self.out.parent.glob(self.out.name + "*"), key=lambda path: path.stat().st_mtime)
        totals = re.search(r"^totals:\s+(\d+)", dumps[-1].read_text(), re.M)
        return int(totals.group(1)), output


def instructions(args: argparse.Namespace) -> None:
    """Instructions per upsert, anonymous vs authenticated, each server instrumented for one run."""
    scratch = Path(tempfile.mkdtemp(prefix="herald-callgrind-"))
    # valgrind 3.19 cannot read the DWARF 5 parts of the statically linked Swift runtime: it runs a
    # copy without debug sections (the symbol table stays, so callgrind still names functions).
    binary = scratch / "herald"
    subprocess.run(["objcopy", "--strip-debug", str(args.bin / "herald"), str(binary)], check=True)
    anonymous = CallgrindServer(binary, ["--log-level", "warning"], name="anonymous", out=scratch / "anonymous.out")
    secured = CallgrindServer(binary, ["--log-level", "warning"], name="secured", out=scratch / "secured.out")
    anonymous.start()
    secured.start()
    try:
        token, _, _ = asyncio.run(secure(secured.url, timed_logins=0))
        figures = {}
        bench = args.bin / "herald-bench"
        fanout = args.scenario == "fanout"
        unit = "delivery" if fanout else "upsert"
        for name, server, jwt in (("anonymous", anonymous, None), ("authenticated", secured, token)):
            if fanout:
                fanout_run(bench, server.url, 2, jwt, subscribers=100)  # warm-up, not counted
                run = lambda: fanout_run(bench, server.url, args.duration, jwt, subscribers=100)
                pattern = r"^notifications received\s+(\d+)"
            else:
                upsert_run(bench, server.url, 2, jwt, connections=4)  # warm-up, not counted
                run = lambda: upsert_run(bench, server.url, args.duration, jwt, connections=4)
                pattern = r"^requests completed\s+(\d+)"
            count, output = server.measure(run)
            units = int(re.search(pattern, output, re.M).group(1))
            figures[name] = count / units
            print(f"{name}: {figures[name]:,.0f} instructions per {unit} ({units:,.0f} of them)")
        print(f"ratio authenticated/anonymous: {figures['authenticated'] / figures['anonymous']:.3f}")
    finally:
        anonymous.stop()
        secured.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--bin", type=Path, default=REPO / ".build" / "release")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind instead")
    parser.add_argument("--scenario", choices=("upsert", "fanout"), default="upsert")
    args = parser.parse_args()
    if args.instructions:
        instructions(args)
        return
    anonymous = HeraldServer(args.bin / "herald", ["--log-level", "warning"], name="anonymous")
    secured = HeraldServer(args.bin / "herald", ["--log-level", "warning"], name="secured")
    anonymous.start()
    secured.start()
    try:
        token, logins, unknown = asyncio.run(secure(secured.url))
        print(f"login: median {statistics.median(logins):.1f} ms over {len(logins)} "
              f"(unknown user: {statistics.median(unknown):.1f} ms); token {len(token)} bytes")
        measure = deliveries_per_second if args.scenario == "fanout" else upserts_per_second
        a, b = [], []
        for round_number in range(1, args.rounds + 1):
            a.append(measure(args.bin / "herald-bench", anonymous.url, args.duration, None))
            b.append(measure(args.bin / "herald-bench", secured.url, args.duration, token))
            print(f"round {round_number}: anonymous {a[-1]:.0f}/s, authenticated {b[-1]:.0f}/s")
        ratio = statistics.median(b) / statistics.median(a)
        print(f"median: anonymous {statistics.median(a):.0f}/s, authenticated {statistics.median(b):.0f}/s, "
              f"ratio {ratio:.3f}")
    finally:
        anonymous.stop()
        secured.stop()


if __name__ == "__main__":
    main()
