"""What users read: escaped control characters, visible homoglyph differences, Markdown that
pandoc and GitHub read exactly as typed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_workspace, require_tool, run_draft

from drafting.problems import did_you_mean, error
from drafting.writers.markdown import escape


@pytest.mark.parametrize(
    "raw",
    ["\x1b[2K\x1b[1A", "\x9b2J", "\u202egnp.exe", "a\nb", "\x07", "\u2028", "\ud800"],
)
def test_control_characters_never_reach_the_terminal(raw: str) -> None:
    problem = error("quote-not-found", f"the page says '{raw}'", claim=raw, source=raw)
    shown = problem.format()
    assert raw not in shown
    assert all(c.isprintable() for c in shown)
    assert "\\x" in shown or "\\u" in shown


def test_escaped_messages_in_the_json_audit(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    bib = ws / "sources" / "library.bib"
    bib.write_text(
        bib.read_text() + "@misc{evil\x1b[2K, title = {x}}\n@misc{evil\x1b[2K, title = {y}}\n"
    )
    result = run_draft("check", ws / "reports" / "example", "--format", "json")
    assert "\x1b" not in result.stdout
    messages = [f["message"] for f in json.loads(result.stdout)["problems"]]
    assert any("evil\\x1b[2K" in m for m in messages), messages


def test_did_you_mean_names_the_character_that_differs() -> None:
    hint = did_you_mean("s\u0430ratov-leak", ["saratov-leak", "other"])
    assert "'saratov-leak'" in hint
    assert "character 2" in hint and "U+0430" in hint and "U+0061" in hint
    invisible = did_you_mean("saratov\u200b-leak", ["saratov-leak"])
    assert "U+200B" in invisible and "ZERO WIDTH SPACE" in invisible
    assert did_you_mean("saratof-leak", ["saratov-leak"]) == " (did you mean 'saratov-leak'?)"


TYPED = "He said -- twice --- and then... :smile: at 10:30, 1:2:3 and a-b."


@pytest.mark.parametrize(
    ("reader", "expected"),
    [("markdown", TYPED), ("gfm+emoji", TYPED), ("commonmark_x", TYPED)],
)
def test_markdown_keeps_dashes_dots_and_colons_as_typed(reader: str, expected: str) -> None:
    pandoc = require_tool("pandoc")
    result = subprocess.run(
        [pandoc, "-f", reader, "-t", "plain", "--wrap=none"],
        input=escape(TYPED, line_start=True),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected


def test_the_brief_keeps_a_claims_dashes_in_the_markdown(tmp_path: Path) -> None:
    pandoc = require_tool("pandoc")
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    report = ws / "reports" / "example" / "report.yaml"
    report.write_text(
        report.read_text()
        .replace(
            "text: Eighteen prison officers were dismissed",
            'text: "Eighteen -- yes... :eighteen: -- officers were dismissed',
        )
        .replace("first videos were published.\n", 'first videos were published."\n', 1)
    )
    assert run_draft("build", ws / "reports" / "example", "-f", "md").exit_code == 0
    plain = subprocess.run(
        [pandoc, "-f", "markdown", "-t", "plain", "--wrap=none", str(ws / "build" / "example.md")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Eighteen -- yes... :eighteen: -- officers" in plain
