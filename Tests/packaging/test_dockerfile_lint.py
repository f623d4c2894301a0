"""docker/Dockerfile builds from a fresh clone: what it copies from the build context is tracked by
git, not ignored (by git or .dockerignore), and Package.resolved is never part of it."""

from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path

from conftest import REPO
from dockerfile import parse

DOCKERFILE = REPO / "docker" / "Dockerfile"


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name]


def git_ignored(path: str) -> bool:
    return subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=REPO).returncode == 0


def docker_ignored(path: str) -> bool:
    """Whether a .dockerignore line excludes `path` or a folder above it (no `!` lines are used)."""
    patterns = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert not any(p.startswith("!") for p in patterns), "exceptions are not understood by this check"
    parts = Path(path).parts
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(prefix, pattern.rstrip("/")) or
               (pattern.startswith("**/") and fnmatch.fnmatch(Path(prefix).name, pattern[3:]))
               for pattern in patterns for prefix in prefixes)


def context_copies():
    return [(stage, copy) for stage in parse(DOCKERFILE) for copy in stage.copies() if copy.from_stage is None]


def test_every_copy_source_is_in_a_fresh_clone_and_not_ignored() -> None:
    files = tracked_files()
    copies = context_copies()
    assert copies
    for _, copy in copies:
        for source in copy.sources:
            source = source.rstrip("/")
            assert source not in (".", "*"), "copy named paths, never the whole context"
            matching = [f for f in files if f == source or f.startswith(source + "/")]
            assert matching, f"COPY {source}: not tracked by git, so missing from a fresh clone"
            assert not git_ignored(source), f"COPY {source}: ignored by git"
            assert not docker_ignored(source), f"COPY {source}: excluded by .dockerignore"


def test_package_resolved_is_never_copied_and_never_in_the_context() -> None:
    for _, copy in context_copies():
        for source in copy.sources:
            assert not fnmatch.fnmatch("Package.resolved", source), f"COPY {source} takes Package.resolved"
    assert "Package.resolved" not in tracked_files()
    assert docker_ignored("Package.resolved")
    assert docker_ignored(".build") and docker_ignored(".build-dist")


def test_build_stage_resolves_before_building() -> None:
    build = parse(DOCKERFILE)[0]
    runs = [i.text for i in build.of("RUN")]
    resolve = next(n for n, text in enumerate(runs) if "swift package resolve" in text)
    compile_ = next(n for n, text in enumerate(runs) if "swift build" in text)
    assert resolve < compile_
    assert "--static-swift-stdlib" in runs[compile_]


def test_copy_from_names_an_earlier_stage() -> None:
    stages = parse(DOCKERFILE)
    for position, stage in enumerate(stages):
        for copy in stage.copies():
            if copy.from_stage is not None:
                assert copy.from_stage in [s.name for s in stages[:position]], copy


def test_runtime_stage_is_unprivileged_healthchecked_and_keeps_its_data_in_a_volume() -> None:
    runtime = parse(DOCKERFILE)[-1]
    users = runtime.of("USER")
    assert users and users[-1].words()[0] not in ("root", "0")
    (healthcheck,) = runtime.of("HEALTHCHECK")
    assert "--healthcheck" in healthcheck.text and "/_healthcheck" in healthcheck.text
    assert runtime.environment()["HERALD_DATA_DIR"] == "/var/lib/herald"
    assert any("/var/lib/herald" in v.words() for v in runtime.of("VOLUME"))
    assert "HERALD_REDIS_URL" in DOCKERFILE.read_text(), "the cluster setting is documented"
    assert {"libwebsockets-evlib-ev", "ca-certificates"} <= runtime.apt_packages()


def test_compose_files_use_the_dockerfile_and_tracked_files() -> None:
    files = set(tracked_files())
    for compose in sorted((REPO / "docker").glob("compose*.yaml")):
        text = compose.read_text()
        assert "dockerfile: docker/Dockerfile" in text and "context: .." in text, compose.name
        for local in re.findall(r"-\s+\./([\w.\-/]+):", text):
            assert f"docker/{local}" in files, f"{compose.name} mounts docker/{local}, which is not tracked"
