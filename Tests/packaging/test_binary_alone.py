"""A herald binary copied alone into an empty folder, and the one of the dist tarball, start and
serve the built-in page and the API: nothing is looked up beside the binary or in the build tree.
A --static-dir that cannot be read is a warning: the API serves and file paths answer 404."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import assert_healthy, assert_serves_api, assert_serves_built_in_page, http_get


def copied_alone(binary: Path, folder: Path) -> Path:
    folder.mkdir()
    target = folder / "herald"
    shutil.copy2(binary, target)
    assert sorted(folder.iterdir()) == [target]
    return target


def check_runs_alone(binary: Path, tmp_path: Path, run_herald) -> None:
    alone = copied_alone(binary, tmp_path / "alone")
    empty = tmp_path / "cwd"
    empty.mkdir()
    herald = run_herald(alone, cwd=empty)
    assert_serves_built_in_page(herald.port)
    assert_healthy(herald.port)
    assert_serves_api(herald.port)
    assert herald.alive()
    assert sorted(p.name for p in (tmp_path / "alone").iterdir()) == ["herald"], "nothing written beside it"


def test_release_binary_copied_alone_serves_page_and_api(herald_bin: Path, tmp_path: Path, run_herald) -> None:
    check_runs_alone(herald_bin, tmp_path, run_herald)


def test_dist_tarball_holds_binary_docs_config_and_unit(dist_tree: Path) -> None:
    names = sorted(p.relative_to(dist_tree).as_posix() for p in dist_tree.rglob("*") if p.is_file())
    assert names == ["README.md", "bin/herald", "herald.example.json", "herald.service"]
    version = subprocess.run([dist_tree / "bin/herald", "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and dist_tree.name == f"herald-{version.stdout.strip()}-linux-{dist_tree.name.rsplit('-', 1)[1]}"
    linked = subprocess.run(["ldd", dist_tree / "bin/herald"], capture_output=True, text=True, check=True).stdout
    assert "swift" not in linked.lower(), f"the Swift runtime must be linked statically:\n{linked}"


def test_dist_binary_unpacked_serves_page_and_api(dist_tree: Path, tmp_path: Path, run_herald) -> None:
    check_runs_alone(dist_tree / "bin" / "herald", tmp_path, run_herald)


def test_dist_example_configuration_is_accepted(dist_tree: Path, tmp_path: Path, run_herald) -> None:
    herald = run_herald(dist_tree / "bin" / "herald", "--config", str(dist_tree / "herald.example.json"), cwd=tmp_path)
    assert_healthy(herald.port)


def test_version_flag_prints_the_version(herald_bin: Path) -> None:
    answer = subprocess.run([herald_bin, "--version"], capture_output=True, text=True, timeout=30)
    assert answer.returncode == 0
    major, minor, patch = answer.stdout.strip().split(".")
    assert all(part.isdigit() for part in (major, minor, patch)), answer.stdout
    usage = subprocess.run([herald_bin, "--help"], capture_output=True, text=True, timeout=30)
    assert "--version" in usage.stdout


def broken_site(problem: str, site: Path) -> None:
    if problem == "not-a-folder":
        site.write_text("a file")
    elif problem == "too-many-files":
        site.mkdir()
        for number in range(1_001):  # StaticSite.maxFileCount + 1
            (site / f"{number}.txt").write_text("x")
    elif problem == "unreadable-file":
        site.mkdir()
        (site / "index.html").write_text("<p>hi</p>")
        (site / "secret.html").write_text("x")
        (site / "secret.html").chmod(0)


# As root every file is readable: Herald then runs as nobody, from a folder nobody may traverse.
NOBODY = 65534


@pytest.mark.parametrize("problem", ["missing", "not-a-folder", "too-many-files", "unreadable-file"])
def test_unreadable_static_dir_is_a_warning_and_404(problem: str, herald_bin: Path, run_herald) -> None:
    place = Path(tempfile.mkdtemp(prefix="herald-static-"))
    try:
        place.chmod(0o755)
        binary = copied_alone(herald_bin, place / "bin")
        (place / "bin").chmod(0o755)
        site = place / "site"
        broken_site(problem, site)
        uid = NOBODY if os.geteuid() == 0 else None
        herald = run_herald(binary, "--static-dir", str(site), cwd=place, uid=uid)
        assert http_get(herald.port, "/")[::2] == (404, b"Not found\n")
        assert http_get(herald.port, "/index.html")[0] == 404
        assert "warning" in herald.output() and "static files not served" in herald.output(), herald.output()
        assert_healthy(herald.port)
        assert_serves_api(herald.port)
    finally:
        shutil.rmtree(place, ignore_errors=True)


def test_readable_static_dir_is_served_by_an_unprivileged_user(herald_bin: Path, run_herald) -> None:
    """The control of the test above: the same layout without the unreadable file is served."""
    place = Path(tempfile.mkdtemp(prefix="herald-static-"))
    try:
        place.chmod(0o755)
        binary = copied_alone(herald_bin, place / "bin")
        (place / "bin").chmod(0o755)
        (place / "site").mkdir()
        (place / "site" / "index.html").write_text("<p>hi</p>")
        herald = run_herald(binary, "--static-dir", str(place / "site"), cwd=place,
                            uid=NOBODY if os.geteuid() == 0 else None)
        assert http_get(herald.port, "/")[::2] == (200, b"<p>hi</p>")
    finally:
        shutil.rmtree(place, ignore_errors=True)
