"""`make install` with DESTDIR and PREFIX lays out the binary, the systemd unit pointing at it, and
the documentation; the installed binary runs from there."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import REPO, assert_healthy, assert_serves_api


def test_make_install_into_destdir(tmp_path: Path, run_herald) -> None:
    destdir = tmp_path / "root"
    answer = subprocess.run(["make", "-s", "install", f"DESTDIR={destdir}", "PREFIX=/opt/herald"], cwd=REPO,
                            capture_output=True, text=True, timeout=900)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    installed = sorted(p.relative_to(destdir).as_posix() for p in destdir.rglob("*") if p.is_file())
    assert installed == ["opt/herald/bin/herald", "opt/herald/lib/systemd/system/herald.service",
                         "opt/herald/share/doc/herald/README.md",
                         "opt/herald/share/doc/herald/herald.example.json"]
    unit = (destdir / "opt/herald/lib/systemd/system/herald.service").read_text()
    assert "ExecStart=/opt/herald/bin/herald --config /etc/herald/herald.json" in unit
    binary = destdir / "opt/herald/bin/herald"
    assert binary.stat().st_mode & 0o777 == 0o755
    herald = run_herald(binary, cwd=tmp_path)
    assert_healthy(herald.port)
    assert_serves_api(herald.port)
