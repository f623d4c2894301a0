"""The page compiled into the binary is the page in the repository: the generated Swift source is
what scripts/embed-page.py makes of Sources/HeraldPageAssets/Page (run it after editing the page),
and its string literals give back every file's exact bytes."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from conftest import REPO

SCRIPT = REPO / "scripts" / "embed-page.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("embed_page", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_source_matches_the_page_files() -> None:
    answer = subprocess.run([sys.executable, SCRIPT, "--check"], capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr


def test_check_fails_when_a_page_file_changes(tmp_path) -> None:
    generator = load_generator()
    page = tmp_path / "Page"
    page.mkdir()
    (page / "index.html").write_text("<p>one</p>\n")
    before = generator.generate(page)
    (page / "index.html").write_text("<p>two</p>\n")
    assert generator.generate(page) != before
    (page / "new.css").write_text("p {}\n")
    assert '"/new.css"' in generator.generate(page)


def test_text_literals_escape_what_swift_would_read_differently() -> None:
    generator = load_generator()
    literal = generator.text_literal('a "quoted" \\ back\tslash\r\n\u200b"""\n')
    assert literal == '"""\na \\"quoted\\" \\\\ back\\tslash\\r\\n\\\n\\u{200B}\\"\\"\\"\\n\n"""'
    assert generator.text_literal("") == '""'
    assert generator.text_literal("no newline") == '"""\nno newline\n"""'
