#!/usr/bin/env python3
"""Durability figures in one run: herald-bench upsert (100 connections) in memory, with
--fsync always and with --fsync interval; then the start time on 1M small documents.

Usage: scripts/durability-bench.py [--duration 5] [--documents 1000000] (release binaries in .build/release).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERALD = ROOT / ".build/release/herald"
BENCH = ROOT / ".build/release/herald-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str]) -> tuple[subprocess.Popen[bytes], int, float]:
    """Starts herald; returns the process, its port and the seconds until it accepted TCP."""
    port = free_port()
    began = time.monotonic()
    process = subprocess.Popen([str(HERALD), "--host", "127.0.0.1", "--port", str(port), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"herald exited: {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port, time.monotonic() - began
        except OSError:
            time.sleep(0.01)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(30)


def upsert_run(name: str, args: list[str], duration: float, window: int) -> dict[str, float]:
    process, port, _ = start(args)
    report = Path(tempfile.mkstemp(suffix=".json")[1])
    try:
        subprocess.run([str(BENCH), "upsert", "--url", f"ws://127.0.0.1:{port}", "--duration", str(duration),
                        "--connections", "100", "--window", str(window), "--json", str(report)],
                       check=True, stdout=subprocess.DEVNULL)
        data = json.loads(report.read_text())
    finally:
        stop(process)
        report.unlink(missing_ok=True)
    metrics = {m["name"]: m["value"] for m in data["metrics"]}
    return {"name": name, "window": window, "requests/s": round(metrics["requests/s"]),
            "errors": metrics["errors"], "p50 µs": data["latency"]["p50"], "p99 µs": data["latency"]["p99"]}


def generate(directory: Path, documents: int) -> None:
    """A data directory holding `documents` small documents: Herald creates the schema and the
    collection, then rows are added as Herald itself stores them."""
    process, port, _ = start(["--data-dir", str(directory)])
    subprocess.run([str(BENCH), "upsert", "--url", f"ws://127.0.0.1:{port}", "--duration", "0.5",
                    "--connections", "1", "--window", "1"], check=True, stdout=subprocess.DEVNULL)
    stop(process)
    database = sqlite3.connect(directory / "herald.sqlite")
    with database:
        database.execute("DELETE FROM documents")
        info = {"author": "-1", "createdAt": 1_700_000_000_000, "updatedAt": None, "updater": None}
        rows = ((f"doc-{i}", json.dumps({"name": f"item {i}", "n": i, "tags": ["a", "b"], "_kuzzle_info": info},
                                        separators=(",", ":")))
                for i in range(documents))
        database.executemany(
            "INSERT INTO documents (index_name, collection, id, version, source) "
            "VALUES ('herald-bench', 'bench', ?, 1, ?)", rows)
    database.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--windows", default="16,1")
    options = parser.parse_args()
    results = []
    for window in [int(w) for w in options.windows.split(",")]:
        for name, extra in [("memory", []), ("fsync always", ["--fsync", "always"]),
                            ("fsync interval", ["--fsync", "interval"])]:
            directory = Path(tempfile.mkdtemp(prefix="herald-bench-data-"))
            try:
                args = [] if name == "memory" else ["--data-dir", str(directory), *extra]
                results.append(upsert_run(name, args, options.duration, window))
            finally:
                shutil.rmtree(directory, ignore_errors=True)
            print(json.dumps(results[-1]), flush=True)
    directory = Path(tempfile.mkdtemp(prefix="herald-start-data-"))
    try:
        generate(directory, options.documents)
        size = (directory / "herald.sqlite").stat().st_size
        process, _, seconds = start(["--data-dir", str(directory)])
        stop(process)
        print(json.dumps({"start": {"documents": options.documents, "seconds": round(seconds, 2),
                                    "databaseBytes": size}}), flush=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
