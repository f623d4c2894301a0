"""Offline checks of Protocols/: the schemas are valid and not vacuous, the golden frames satisfy
them, and the error catalogue is consistent with itself and with HeraldWire's KuzzleError.swift.
No server needed."""

from __future__ import annotations

import copy
import json
import re

import pytest
from jsonschema import Draft202012Validator

from protocol import (ERRORS_FILE, GOLDEN_DIR, HEARTBEAT_PING, HEARTBEAT_PONG, REPO_ROOT, SCHEMA_IDS, Catalogue,
                      ProtocolChecker, Schemas, golden, golden_text, load_json)


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas()


@pytest.fixture(scope="module")
def protocol() -> ProtocolChecker:
    return ProtocolChecker()


def test_every_schema_is_valid_draft_2020_12(schemas: Schemas) -> None:
    assert set(schemas.documents) == set(SCHEMA_IDS.values())
    for document in schemas.documents.values():
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(document)


GOLDEN_SCHEMAS = {
    "upsert-request.sdk-7.17.1.json": "request",
    "checkToken-request.json": "request",
    "upsert-response.json": "response",
    "checkToken-response.json": "response",
    "subscribe-response.json": "response",
    "error-response.unknown-index.json": "response",
    "error-frame.invalid-json.json": "error-frame",
    "document-notification.json": "document-notification",
    "document-notification.upsert-update.json": "document-notification",
    "user-notification.json": "user-notification",
}


@pytest.mark.parametrize("name,schema", sorted(GOLDEN_SCHEMAS.items()))
def test_golden_frame_satisfies_its_schema(schemas: Schemas, name: str, schema: str) -> None:
    schemas.validate(schema, golden(name))


def test_every_golden_file_is_covered() -> None:
    json_files = {p.name for p in GOLDEN_DIR.glob("*.json")}
    assert json_files == set(GOLDEN_SCHEMAS) | {"heartbeat-ping.json", "heartbeat-pong.json"}


@pytest.mark.parametrize("name", sorted(n for n, s in GOLDEN_SCHEMAS.items() if s != "request"))
def test_golden_server_frames_pass_the_client_checks(protocol: ProtocolChecker, name: str) -> None:
    frame, problems = protocol.check(golden_text(name))
    assert problems == []
    assert frame == golden(name)


def test_golden_heartbeats_are_exact_bytes() -> None:
    assert (GOLDEN_DIR / "heartbeat-ping.json").read_bytes() == HEARTBEAT_PING.encode() == b'{"p":1}'
    assert (GOLDEN_DIR / "heartbeat-pong.json").read_bytes() == HEARTBEAT_PONG.encode() == b'{"p":2}'


def test_golden_sdk_upsert_frame_is_the_contract_frame() -> None:
    frame = golden("upsert-request.sdk-7.17.1.json")
    assert list(frame) == ["_id", "action", "body", "collection", "index", "silent", "source", "controller",
                           "requestId", "default", "refresh", "retryOnConflict", "volatile"]
    assert frame["body"] == {"changes": {"status": "open", "counter": 1}, "default": {"createdBy": "smoke"}}
    assert frame["volatile"]["sdkName"] == "js@7.17.1"


def test_golden_check_token_answer_is_the_contract_answer() -> None:
    assert golden_text("checkToken-response.json").count('"result":{"expiresAt":null,"kuid":"-1","valid":true}') == 1


# -- the schemas reject what the contract forbids ------------------------------------------------------

def _without(frame: dict, *path: str) -> dict:
    out = copy.deepcopy(frame)
    target = out
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return out


def _with(frame: dict, value: object, *path: str) -> dict:
    out = copy.deepcopy(frame)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


BROKEN = [
    ("request", lambda: _without(golden("upsert-request.sdk-7.17.1.json"), "controller")),
    ("request", lambda: _with(golden("upsert-request.sdk-7.17.1.json"), "soon", "refresh")),
    ("request", lambda: _with(golden("upsert-request.sdk-7.17.1.json"), -1, "retryOnConflict")),
    ("response", lambda: _without(golden("upsert-response.json"), "room")),
    ("response", lambda: _without(golden("upsert-response.json"), "headers")),
    ("response", lambda: _with(golden("error-response.unknown-index.json"), {"_id": "x"}, "result")),
    ("response", lambda: _without(golden("error-response.unknown-index.json"), "result")),
    ("response", lambda: _with(golden("error-response.unknown-index.json"), 200, "status")),
    ("response", lambda: _without(golden("error-response.unknown-index.json"), "error", "code")),
    ("error-frame", lambda: _with(golden("error-frame.invalid-json.json"), None, "error")),
    ("document-notification", lambda: _with(golden("document-notification.json"), "upsert", "action")),
    ("document-notification", lambda: _without(golden("document-notification.upsert-update.json"),
                                                "result", "_updatedFields")),
    ("document-notification", lambda: _with(golden("document-notification.json"), "delete", "event")),
    ("document-notification", lambda: _without(golden("document-notification.json"), "volatile")),
    ("document-notification", lambda: _with(golden("document-notification.json"), "4e2a9b1c7f00d3e5", "room")),
    ("user-notification", lambda: _without(golden("user-notification.json"), "result", "count")),
    ("user-notification", lambda: _with(golden("user-notification.json"), "unsubscribe", "action")),
    ("subscribe-result", lambda: {"roomId": "r"}),
    ("subscribe-result", lambda: {"roomId": "r", "channel": "r"}),
]


@pytest.mark.parametrize("schema,make", BROKEN, ids=[f"{s}-{i}" for i, (s, _) in enumerate(BROKEN)])
def test_schema_rejects_broken_frame(schemas: Schemas, schema: str, make) -> None:
    assert schemas.errors(schema, make()) != []


def test_client_check_flags_contract_breaks(protocol: ProtocolChecker) -> None:
    response = golden("upsert-response.json")
    assert protocol.check(json.dumps(_with(response, "other", "room")))[1]  # room != requestId
    assert protocol.check(json.dumps({"status": 200, "result": {}}))[1]  # no room, no error
    assert protocol.check(b'{"p":2}')[1]  # binary frame out
    assert protocol.check('{"p": 2}')[1]  # heartbeat not byte-exact
    assert protocol.check("{oops")[1]
    err = golden("error-response.unknown-index.json")
    assert protocol.check(json.dumps(_with(err, 404, "error", "status")))[1]  # status not the catalogue's
    assert protocol.check(json.dumps(_with(err, 1, "error", "code")))[1]
    assert protocol.check(json.dumps(_with(err, "The index nope does not exist.", "error", "message")))[1]
    assert protocol.check(json.dumps(_with(err, ["other"], "error", "props")))[1]  # message != template(props)
    assert protocol.check(json.dumps(_with(err, "services.storage.nope", "error", "id")))[1]


# -- the error catalogue --------------------------------------------------------------------------------

def test_catalogue_ids_and_codes_are_unique() -> None:
    rows = load_json(ERRORS_FILE)["errors"]
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["code"] for r in rows}) == len(rows)


def test_catalogue_codes_follow_domain_and_subdomain() -> None:
    """code = domain << 24 | subdomain << 16 | error: one domain byte per id domain, one subdomain
    byte per id domain.subdomain."""
    domains: dict[str, int] = {}
    subdomains: dict[str, int] = {}
    for spec in Catalogue().errors.values():
        domain, subdomain, _ = spec.id.split(".")
        assert domains.setdefault(domain, spec.code >> 24) == spec.code >> 24, spec.id
        key = f"{domain}.{subdomain}"
        assert subdomains.setdefault(key, (spec.code >> 16) & 0xFF) == (spec.code >> 16) & 0xFF, spec.id
        assert spec.code & 0xFFFF > 0, spec.id
    assert domains == {"api": 2, "network": 3, "services": 1, "core": 0, "plugin": 4, "security": 7}


CONTRACT_ROWS = {
    # id: (status, code, message) exactly as contract section 4 writes them (None: no message given)
    "api.assert.missing_argument": (400, 33619971, None),
    "api.assert.body_required": (400, 33619976, "The request must specify a body."),
    "api.assert.invalid_type": (400, 33619969, None),
    "api.assert.koncorde_dsl_error": (400, 33619982, None),
    "api.process.controller_not_found": (404, 33685508, None),
    "api.process.action_not_found": (404, 33685509, None),
    "api.process.incomplete_multiple_request": (400, 33685514, None),
    "network.websocket.unexpected_error": (400, 50528257, None),
    "network.websocket.ratelimit_exceeded": (429, 50528258, "Rejected: too many requests received from that socket"),
    "services.storage.not_found": (404, 16842763, None),
    "services.storage.document_already_exists": (400, 16842769, "Document already exists."),
    "services.storage.unknown_index": (412, 16842753, None),
    "services.storage.unknown_collection": (412, 16842754, None),
    "services.storage.index_already_exists": (412, 16842790, None),
    "services.storage.invalid_argument": (400, 16842771, None),
    "services.storage.write_limit_exceeded": (413, 16842756, None),
    "core.realtime.room_not_found": (404, 65537, None),
    "core.realtime.not_subscribed": (412, 65544, None),
    "core.realtime.invalid_scope": (400, 65540, None),
    "core.realtime.invalid_users": (400, 65541, None),
    "core.realtime.too_many_rooms": (413, 65543, None),
    "security.rights.unauthorized": (401, 117637121, None),
    "security.token.invalid": (401, 117506049, None),
    "security.token.expired": (401, 117506054, None),
}


def test_catalogue_holds_every_contract_row() -> None:
    catalogue = Catalogue()
    for error_id, (status, code, message) in CONTRACT_ROWS.items():
        spec = catalogue[error_id]
        assert (spec.status, spec.code, spec.contract) == (status, code, True), error_id
        if message is not None:
            assert spec.message == message
    extra = {i for i, s in catalogue.errors.items() if s.contract} - set(CONTRACT_ROWS)
    assert extra == set()


def test_catalogue_renders_the_contract_messages() -> None:
    catalogue = Catalogue()
    assert catalogue["api.assert.missing_argument"].render("_id") == 'Missing argument "_id".'
    assert catalogue["api.process.action_not_found"].render("document", "nope") == \
        'API action "document":"nope" not found'
    assert catalogue["services.storage.not_found"].render("d", "i", "c") == 'Document "d" not found in "i":"c".'
    assert catalogue["services.storage.index_already_exists"].render("public", "i") == \
        'A public index named "i" already exists'
    assert catalogue["services.storage.invalid_argument"].render("refresh", '"wait_for", false') == \
        'Argument "refresh" is invalid (expected: "wait_for", false)'
    assert catalogue["core.realtime.invalid_scope"].message == \
        'Invalid value for the "scope" parameter (allowed: "all", "in", "out", "none").'


SOURCES_DIR = REPO_ROOT / "Sources"
SWIFT_ENTRY = re.compile(r'id:\s*"([a-z_.]+)",\s*code:\s*([0-9_]+),\s*status:\s*(\d+)')


def _swift_catalogue_entries() -> list[tuple[str, str, str]]:
    """Every `KuzzleError(id:, code:, status:)` spelled anywhere in Sources/."""
    entries = []
    for path in sorted(SOURCES_DIR.rglob("*.swift")):
        entries += SWIFT_ENTRY.findall(path.read_text(encoding="utf-8"))
    return entries


def test_catalogue_matches_every_swift_error_factory() -> None:
    """Every error the server can build (the factories of the whole Sources/ tree) is in
    errors.json with the same status and code, so the e2e check of each error frame cannot
    disagree with the server's table."""
    if not SOURCES_DIR.is_dir():
        pytest.skip(f"{SOURCES_DIR} not present")
    entries = _swift_catalogue_entries()
    assert entries, "the error factories are no longer spelled `id: ..., code: ..., status: ...`"
    catalogue = Catalogue()
    for error_id, code, status in entries:
        assert error_id in catalogue, f"{error_id} is built by KuzzleError.swift but missing from errors.json"
        spec = catalogue[error_id]
        assert (spec.code, spec.status) == (int(code.replace("_", "")), int(status)), error_id
