"""The image's runtime stage without a Docker engine: a folder holding exactly what the runtime
stage's COPY lines copy, every shared library the binary (and the libwebsockets libev plugin it
loads at run time) needs owned by a Debian package the stage installs, and Herald run from that
folder with the stage's ENV, ENTRYPOINT and HEALTHCHECK: it starts and serves `/`,
`/_healthcheck` and the API."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from conftest import REPO, assert_healthy, assert_serves_api, assert_serves_built_in_page, clean_environment
from dockerfile import Instruction, Stage, parse

DOCKERFILE = REPO / "docker" / "Dockerfile"
# What the build stage leaves for the runtime stage, and where the tests find the same artefact:
# the dist binary is built with the same `swift build ... --static-swift-stdlib` command.
BUILD_STAGE_OUTPUTS = {"/out/herald": lambda dist: dist / "bin" / "herald"}
LWS_PLUGIN_PACKAGE = "libwebsockets-evlib-ev"


def runtime_stage() -> Stage:
    return parse(DOCKERFILE)[-1]


def lay_out(root: Path, stage: Stage, dist_tree: Path) -> list[Path]:
    """Copies what each COPY line copies to `root`; the files written."""
    written = []
    for copy in stage.copies():
        for source in copy.sources:
            if copy.from_stage is not None:
                assert source in BUILD_STAGE_OUTPUTS, f"COPY --from={copy.from_stage} {source}: unknown to this test"
                origin = BUILD_STAGE_OUTPUTS[source](dist_tree)
            else:
                origin = REPO / source
            assert origin.is_file(), f"COPY {source}: {origin} is not a file"
            target = root / copy.destination.lstrip("/")
            if copy.destination.endswith("/"):
                target = target / origin.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
            written.append(target)
    return written


def shared_libraries(binary: Path) -> list[Path]:
    """The files `ldd` resolves for `binary` (the vDSO has none)."""
    listing = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    found = []
    for line in listing.splitlines():
        words = line.split()
        if "=>" in words:
            target = words[words.index("=>") + 1]
            assert target != "not", f"{binary.name}: {line.strip()}"
            found.append(Path(target))
        elif words and words[0].startswith("/"):
            found.append(Path(words[0]))
    return found


def owning_package(library: Path) -> str:
    """The Debian package owning `library` (merged-/usr aware: tries the path as listed and resolved)."""
    resolved = library.resolve()
    candidates = {str(library), str(resolved)}
    for path in list(candidates):
        if path.startswith("/usr/"):
            candidates.add(path[len("/usr"):])
        else:
            candidates.add("/usr" + path)
    for candidate in sorted(candidates):
        answer = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if answer.returncode == 0:
            return answer.stdout.split(":", 1)[0].split(",")[0].strip()
    raise AssertionError(f"{library} is not owned by any Debian package")


def lws_plugins() -> list[Path]:
    listed = subprocess.run(["dpkg", "-L", LWS_PLUGIN_PACKAGE], capture_output=True, text=True, check=True).stdout
    return [Path(line) for line in listed.splitlines() if line.endswith(".so")]


def image_uid(stage: Stage) -> int:
    """The uid `useradd --uid N` gives the stage's USER."""
    for instruction in stage.of("RUN"):
        match = re.search(r"useradd\b[^&]*--uid\s+(\d+)", instruction.text)
        if match:
            return int(match.group(1))
    raise AssertionError("the runtime stage creates no user with a fixed uid")


@pytest.fixture(scope="module")
def layout() -> Iterator[tuple[Path, list[Path]]]:
    """A folder every user can traverse (pytest's own temp folders are private to their owner), so
    Herald can run from it as the image's unprivileged user."""
    root = Path(tempfile.mkdtemp(prefix="herald-runtime-stage-"))
    root.chmod(0o755)
    yield root, []
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def laid_out(layout, dist_tree: Path) -> tuple[Path, list[Path]]:
    root, written = layout
    written += lay_out(root, runtime_stage(), dist_tree)
    for path in written:
        for parent in path.relative_to(root).parents:
            (root / parent).chmod(0o755)
    return root, written


def test_the_folder_holds_exactly_the_copied_files(laid_out) -> None:
    root, written = laid_out
    present = sorted(p for p in root.rglob("*") if p.is_file())
    assert present == sorted(written)
    assert {p.relative_to(root).as_posix() for p in written} == {"usr/local/bin/herald", "etc/herald/herald.json"}


def test_every_library_comes_from_a_package_the_runtime_stage_installs(laid_out) -> None:
    root, _ = laid_out
    installed = runtime_stage().apt_packages()
    needed = {}
    plugins = lws_plugins()
    assert plugins, f"{LWS_PLUGIN_PACKAGE} ships no plugin"
    for library in shared_libraries(root / "usr/local/bin/herald") + plugins + \
            [lib for plugin in plugins for lib in shared_libraries(plugin)]:
        assert "swift" not in str(library).lower(), f"{library}: the Swift runtime must be linked statically"
        needed[library] = owning_package(library)
    missing = {str(lib): package for lib, package in needed.items() if package not in installed}
    assert not missing, f"libraries from packages the runtime stage does not install: {missing}"
    assert LWS_PLUGIN_PACKAGE in needed.values()


def test_herald_runs_from_the_layout_as_the_image_starts_it(laid_out, run_herald) -> None:
    root, _ = laid_out
    stage = runtime_stage()
    relocated = {key: str(root / value.lstrip("/")) if value.startswith("/") else value
                 for key, value in stage.environment().items()}
    # As root, run as the image's user: its folders (made by the stage's RUN line) are its own.
    uid = image_uid(stage) if os.geteuid() == 0 else None
    for folder in [i.words()[-1] for i in stage.of("WORKDIR")] + \
            [v for i in stage.of("VOLUME") for v in i.words()]:
        made = root / folder.lstrip("/")
        made.mkdir(parents=True, exist_ok=True)
        for parent in made.relative_to(root).parents:
            (root / parent).chmod(0o755)
        if uid is not None:
            os.chown(made, uid, uid)
    bin_path = ":".join(str(root / p) for p in ("usr/local/bin", "usr/bin", "bin"))
    environment = clean_environment(**relocated)
    environment["PATH"] = bin_path + ":" + environment["PATH"]
    (entrypoint,) = stage.of("ENTRYPOINT")
    program, *arguments = entrypoint.words()
    binary = shutil.which(program, path=bin_path)
    assert binary == str(root / "usr/local/bin/herald")
    workdir = root / stage.of("WORKDIR")[-1].words()[-1].lstrip("/")

    herald = run_herald(Path(binary), *arguments, cwd=workdir, env=environment, uid=uid)
    assert_serves_built_in_page(herald.port)
    assert_healthy(herald.port)
    assert_serves_api(herald.port)

    (healthcheck,) = stage.of("HEALTHCHECK")
    probe = healthcheck.text.split("CMD", 1)[1].strip()
    probe_words = [w.replace(":7512/", f":{herald.port}/") for w in Instruction("CMD", probe).words()]
    assert probe_words[0] == "herald"
    probe_command = [binary, *probe_words[1:]]
    answer = subprocess.run(probe_command, env=environment, capture_output=True, text=True, timeout=30)
    assert answer.returncode == 0, answer.stderr
    assert herald.alive()
    if uid is not None:
        assert os.stat(f"/proc/{herald.process.pid}").st_uid == uid, "runs as the image's user"
    herald.stop()
    assert herald.process.returncode == 0, "SIGTERM (docker stop) is a clean exit"
    answer = subprocess.run(probe_command, env=environment, capture_output=True, text=True, timeout=30)
    assert answer.returncode == 1 and "healthcheck failed" in answer.stderr, "unhealthy once stopped"
    messages = [json.loads(line)["message"] for line in herald.output().splitlines() if line.startswith("{")]
    assert "herald listening" in messages, "the image's configuration logs JSON lines"
