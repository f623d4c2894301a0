"""A reader for docker/Dockerfile, enough for the packaging tests: its stages and, per stage, the
instructions with their arguments (continuation lines joined, comments dropped)."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Instruction:
    keyword: str     # upper case: FROM, RUN, COPY ...
    text: str        # everything after the keyword, continuation lines joined

    def words(self) -> list[str]:
        """The arguments: the JSON form (`["a", "b"]`) as given, the shell form split like a shell."""
        stripped = self.text.strip()
        if stripped.startswith("["):
            try:
                return [str(word) for word in json.loads(stripped)]
            except json.JSONDecodeError:
                pass
        return shlex.split(stripped)


@dataclass
class Copy:
    """One COPY: its sources, destination and --from stage (None: the build context)."""
    sources: list[str]
    destination: str
    from_stage: str | None


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def of(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def copies(self) -> list[Copy]:
        found = []
        for instruction in self.of("COPY"):
            words = instruction.words()
            options = [w for w in words if w.startswith("--")]
            paths = [w for w in words if not w.startswith("--")]
            source_stage = next((o.split("=", 1)[1] for o in options if o.startswith("--from=")), None)
            found.append(Copy(sources=paths[:-1], destination=paths[-1], from_stage=source_stage))
        return found

    def environment(self) -> dict[str, str]:
        """ENV key=value pairs, in order (the legacy `ENV key value` form too)."""
        values: dict[str, str] = {}
        for instruction in self.of("ENV"):
            words = instruction.words()
            if len(words) >= 2 and "=" not in words[0]:
                values[words[0]] = " ".join(words[1:])
                continue
            for word in words:
                key, _, value = word.partition("=")
                values[key] = value
        return values

    def apt_packages(self) -> set[str]:
        """Every package an `apt-get install` of a RUN line names."""
        packages: set[str] = set()
        for instruction in self.of("RUN"):
            for command in instruction.text.split("&&"):
                words = shlex.split(command)
                if "apt-get" in words and "install" in words:
                    after = words[words.index("install") + 1:]
                    packages.update(w for w in after if not w.startswith("-"))
        return packages


def parse(path: Path) -> list[Stage]:
    """The stages of a Dockerfile, in order."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = rest.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image=words[0], name=name))
        elif stages:
            stages[-1].instructions.append(Instruction(keyword, rest))
    return stages
