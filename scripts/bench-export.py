#!/usr/bin/env python3
"""document:export of 100k documents: time and the server's resident and peak memory.

Starts `herald` (argument: the binary, default .build/release/herald) on a free port, loads
100,000 documents with bulk:import over HTTP, then exports them as JSONL and as CSV and prints the
size, the time, documents per second, and the server's VmRSS / VmHWM (peak) before and after.
"""
import http.client
import json
import re
import socket
import subprocess
import sys
import time

DOCUMENTS = 100_000
BATCH = 5_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory(pid: int) -> tuple[int, int]:
    """(resident, peak) in MB."""
    with open(f"/proc/{pid}/status") as status:
        text = status.read()
    return tuple(int(re.search(rf"{key}:\s+(\d+)", text).group(1)) // 1024 for key in ("VmRSS", "VmHWM"))


def main() -> None:
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/herald"
    port = free_port()
    server = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", str(port),
                               "--documents-write-count", str(BATCH)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        connection = None
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                connection.connect()
                break
            except OSError:
                time.sleep(0.05)

        def call(method: str, path: str, body=None) -> bytes:
            connection.request(method, path, body=None if body is None else json.dumps(body),
                               headers={"Content-Type": "application/json"})
            answer = connection.getresponse()
            data = answer.read()
            assert answer.status == 200, data[:300]
            return data

        call("PUT", "/bench/docs", {"mappings": {"properties": {"name": {"type": "keyword"},
                                                                "n": {"type": "integer"}}}})
        for start in range(0, DOCUMENTS, BATCH):
            lines = []
            for i in range(start, start + BATCH):
                lines += [{"index": {"_id": f"d{i}"}},
                          {"name": f"name {i}", "n": i, "tags": ["a", "b"], "info": {"city": "Paris"}}]
            call("POST", "/bench/docs/_bulk", {"bulkData": lines})
        print(f"loaded {DOCUMENTS} documents; server (rss, peak) MB {memory(server.pid)}")
        for export_format in ("jsonl", "csv"):
            before = memory(server.pid)
            started = time.perf_counter()
            body = call("GET", f"/bench/docs/_export?format={export_format}")
            elapsed = time.perf_counter() - started
            print(f"{export_format}: {len(body) / 1e6:.1f} MB in {elapsed:.2f} s "
                  f"({DOCUMENTS / elapsed:,.0f} documents/s); (rss, peak) MB before {before} after "
                  f"{memory(server.pid)}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
