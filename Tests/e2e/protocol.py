"""The machine-readable protocol in Protocols/: schemas, error catalogue, golden frames.

Every frame the e2e client receives goes through `ProtocolChecker.check`, which returns the list of
contract violations found in it (empty when the frame is valid).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

REPO_ROOT = Path(__file__).resolve().parents[2]
PROTOCOLS_DIR = REPO_ROOT / "Protocols"
SCHEMAS_DIR = PROTOCOLS_DIR / "schemas"
GOLDEN_DIR = PROTOCOLS_DIR / "golden"
ERRORS_FILE = PROTOCOLS_DIR / "errors.json"

HEARTBEAT_PING = '{"p":1}'
HEARTBEAT_PONG = '{"p":2}'

SCHEMA_IDS = {
    "request": "urn:herald:schema:request",
    "response": "urn:herald:schema:response",
    "error": "urn:herald:schema:error",
    "error-frame": "urn:herald:schema:error-frame",
    "document-notification": "urn:herald:schema:document-notification",
    "user-notification": "urn:herald:schema:user-notification",
    "server-notification": "urn:herald:schema:server-notification",
    "subscribe-result": "urn:herald:schema:subscribe-result",
}


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def golden(name: str) -> Any:
    """A golden frame from Protocols/golden, parsed."""
    return load_json(GOLDEN_DIR / name)


def golden_text(name: str) -> str:
    """A golden frame from Protocols/golden, as the exact bytes on the wire (trailing newline cut)."""
    return (GOLDEN_DIR / name).read_text(encoding="utf-8").rstrip("\n")


@dataclass(frozen=True)
class ErrorSpec:
    """One row of Protocols/errors.json."""

    id: str
    status: int
    code: int
    message: str
    contract: bool

    @property
    def placeholder_count(self) -> int:
        return self.message.count("%s")

    def render(self, *props: str) -> str:
        """The message with each %s replaced by the next prop."""
        if len(props) != self.placeholder_count:
            raise ValueError(f"{self.id}: {len(props)} props for {self.placeholder_count} placeholders")
        parts = self.message.split("%s")
        out = parts[0]
        for prop, tail in zip(props, parts[1:]):
            out += prop + tail
        return out

    def pattern(self) -> re.Pattern[str]:
        """A regex matching every message this template can render."""
        return re.compile("(?s)" + "(.*)".join(re.escape(p) for p in self.message.split("%s")))


class Catalogue:
    """The error catalogue, by id."""

    def __init__(self, path: Path = ERRORS_FILE) -> None:
        data = load_json(path)
        self.errors: dict[str, ErrorSpec] = {}
        for row in data["errors"]:
            spec = ErrorSpec(row["id"], row["status"], row["code"], row["message"], row["contract"])
            self.errors[spec.id] = spec

    def __getitem__(self, error_id: str) -> ErrorSpec:
        return self.errors[error_id]

    def __contains__(self, error_id: str) -> bool:
        return error_id in self.errors

    def check(self, error: dict[str, Any]) -> list[str]:
        """Violations of the catalogue in one error object."""
        spec = self.errors.get(error.get("id"))
        if spec is None:
            return [f"error id {error.get('id')!r} is not in Protocols/errors.json"]
        problems = []
        if error.get("status") != spec.status:
            problems.append(f"{spec.id}: status {error.get('status')} != {spec.status}")
        if error.get("code") != spec.code:
            problems.append(f"{spec.id}: code {error.get('code')} != {spec.code}")
        message = error.get("message")
        if not isinstance(message, str) or not spec.pattern().fullmatch(message):
            problems.append(f"{spec.id}: message {message!r} does not fit template {spec.message!r}")
        else:
            props = error.get("props")
            if isinstance(props, list) and len(props) == spec.placeholder_count and spec.placeholder_count:
                if all(isinstance(p, str) for p in props) and spec.render(*props) != message:
                    problems.append(f"{spec.id}: message {message!r} is not the template filled with props {props!r}")
        return problems


class Schemas:
    """Draft 2020-12 validators for the schemas in Protocols/schemas, cross-references resolved."""

    def __init__(self, directory: Path = SCHEMAS_DIR) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        for path in sorted(directory.glob("*.schema.json")):
            schema = load_json(path)
            self.documents[schema["$id"]] = schema
        self.registry = Registry().with_resources(
            (uri, Resource.from_contents(doc)) for uri, doc in self.documents.items()
        )
        self.validators = {
            name: Draft202012Validator(self.documents[uri], registry=self.registry)
            for name, uri in SCHEMA_IDS.items()
        }

    def errors(self, name: str, instance: Any) -> list[str]:
        """Schema violations of `instance` against the schema called `name`."""
        return [
            f"{name} schema: {'/'.join(str(p) for p in err.absolute_path) or '<root>'}: {err.message}"
            for err in self.validators[name].iter_errors(instance)
        ]

    def validate(self, name: str, instance: Any) -> None:
        problems = self.errors(name, instance)
        if problems:
            raise AssertionError("\n".join(problems))


def frame_kind(frame: Any) -> str:
    """Which schema a server frame must satisfy."""
    if not isinstance(frame, dict):
        return "invalid"
    if frame.get("type") == "document":
        return "document-notification"
    if frame.get("type") == "user":
        return "user-notification"
    if frame.get("type") in ("TokenExpired", "TokenExpiresSoon"):
        return "server-notification"
    if frame.get("room") is None:
        return "error-frame"
    return "response"


class ProtocolChecker:
    """Checks server frames against the schemas, the error catalogue and the envelope rules."""

    def __init__(self) -> None:
        self.schemas = Schemas()
        self.catalogue = Catalogue()

    def check(self, raw: str | bytes) -> tuple[Any, list[str]]:
        """Parse one received WebSocket message; return (frame or None, violations)."""
        if isinstance(raw, bytes):
            return None, [f"server sent a binary frame ({len(raw)} bytes); frames out must be text"]
        if raw == HEARTBEAT_PONG:
            return {"p": 2}, []
        try:
            frame = json.loads(raw)
        except ValueError as exc:
            return None, [f"server sent invalid JSON ({exc}): {raw[:200]!r}"]
        kind = frame_kind(frame)
        if kind == "invalid":
            return frame, [f"server frame is not a JSON object: {raw[:200]!r}"]
        if frame == {"p": 2}:
            return frame, [f"heartbeat answer must be exactly {HEARTBEAT_PONG}, got {raw!r}"]
        problems = self.schemas.errors(kind, frame)
        error = frame.get("error")
        if kind == "error-frame" and not isinstance(error, dict):
            problems.append(f"frame without room and without error object: {raw[:300]!r}")
        if isinstance(error, dict):
            problems.extend(self.catalogue.check(error))
            if "status" in frame and frame.get("status") != error.get("status"):
                problems.append(f"envelope status {frame.get('status')} != error.status {error.get('status')}")
        if kind == "response" and frame.get("room") != frame.get("requestId"):
            problems.append(f"room {frame.get('room')!r} != requestId {frame.get('requestId')!r}")
        if kind == "response" and isinstance(frame.get("result"), dict) and frame.get("controller") == "realtime" \
                and frame.get("action") in ("subscribe", "join") and error is None:
            problems.extend(self.schemas.errors("subscribe-result", frame["result"]))
        return frame, [f"{p}\n    frame: {raw[:400]}" for p in problems]


_CHECKER: ProtocolChecker | None = None


def checker() -> ProtocolChecker:
    """The process-wide checker (schemas are compiled once)."""
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = ProtocolChecker()
    return _CHECKER
