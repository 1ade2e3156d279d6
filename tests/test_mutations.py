"""Tests that bite: each test here was written for a one-line change (a mutation) that an
outside mutation test made and that left every other test green. Each docstring names the
mutation it catches; each was checked by applying the mutation by hand and seeing it fail.

They test behaviour through the command line or public functions, not internals, so that
the code under them can be rewritten freely.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, copy_workspace, run_draft
from oracles import pandoc_json, stringify

from drafting.output.guard import backup

REPORT = Path("reports/example")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """The issue's example workspace: two claims citing one archived source."""
    return copy_workspace(FIXTURES / "example", tmp_path / "ws")


def _edit_report(ws: Path, old: str, new: str) -> None:
    report = ws / REPORT / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert old in text, old
    report.write_text(text.replace(old, new), encoding="utf-8")


def _check(ws: Path) -> dict[str, Any]:
    result = run_draft("check", ws / REPORT, "--format", "json")
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _codes(document: dict[str, Any], claim: str) -> list[str]:
    return [p["code"] for p in document["problems"] if p["claim"] == claim]


def _outcomes(document: dict[str, Any], claim: str) -> list[str]:
    (found,) = [c for c in document["claims"] if c["id"] == claim]
    return [citation["outcome"] for citation in found["citations"]]


# ------------------------------------------------------------------------- quote matching


def test_a_short_quote_with_a_typo_is_not_found_rather_than_fuzzy(ws: Path) -> None:
    """Mutation: quotes drops `length >= FUZZY_MIN_LENGTH` from the fuzzy-match test.

    "at least eigth men" (18 characters) scores 94 against the source's "at least eight men":
    long enough quotes would pass as a typo, but one this short must match exactly.
    """
    _edit_report(ws, "quote: 18 prison officers have now been fired", "quote: at least eigth men")
    document = _check(ws)
    assert _outcomes(document, "officers-fired") == ["not-found"]
    assert "quote-not-found" in _codes(document, "officers-fired")
    assert "quote-fuzzy" not in _codes(document, "officers-fired")


def test_a_long_quote_with_the_same_typo_is_fuzzy(ws: Path) -> None:
    """The other side of the minimum length: the fuzzy path is alive for long quotes."""
    _edit_report(
        ws,
        "quote: 18 prison officers have now been fired",
        "quote: the tortrue and rape of at least eight men were filmed",
    )
    document = _check(ws)
    assert _outcomes(document, "officers-fired") == ["fuzzy"]
    assert "quote-fuzzy" in _codes(document, "officers-fired")


# ------------------------------------------------------------------------------ locators


@pytest.mark.parametrize(
    ("locator", "mismatch"),
    [
        ("paras. 2–4", False),  # the quote is in para. 3: inside the range, not its first
        ("paras. 2-4", False),
        ("paras. 3–5", False),
        ("paras. 1–3", False),
        ("paras. 1–2", True),
        ("paras. 4–6", True),
    ],
)
def test_a_range_locator_covers_every_paragraph_of_the_range(
    ws: Path, locator: str, mismatch: bool
) -> None:
    """Mutation: the audit checks a range locator ("paras. 2–4") as its first paragraph only."""
    _edit_report(ws, "locator: para. 3", f"locator: {locator}")
    codes = _codes(_check(ws), "leaked-footage")
    assert ("locator-mismatch" in codes) is mismatch, codes


# ---------------------------------------------------------------------- workspace limits


def _sibling(ws: Path) -> Path:
    """A folder beside the workspace whose name starts with the workspace's own name."""
    sibling = ws.parent / f"{ws.name}-sibling"
    sibling.mkdir()
    return sibling


def test_a_claim_file_in_a_sibling_folder_is_outside_the_workspace(ws: Path) -> None:
    """Mutation: the containment check tests against the workspace's parent, not the
    workspace (until now the only test escaped to /etc, outside both)."""
    sibling = _sibling(ws)
    claim = {"text": "Officials denied it.", "sources": [{"key": "saratov-leak-2021"}]}
    (sibling / "claims.yaml").write_text(yaml.safe_dump({"extra": claim}), encoding="utf-8")
    report = ws / REPORT / "report.yaml"
    data = yaml.safe_load(report.read_text(encoding="utf-8"))
    data["claims"] = [data["claims"], f"../../../{sibling.name}/claims.yaml"]
    report.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run_draft("build", ws / REPORT)
    assert result.exit_code == 1
    assert "error[path-outside-workspace]" in result.stderr, result.stderr
    assert not (ws / "build").exists()


def test_a_snapshot_in_a_sibling_folder_is_outside_the_workspace(ws: Path) -> None:
    """Mutation: as above, for a source's `file` field."""
    sibling = _sibling(ws)
    (ws / "sources" / "archive" / "saratov-leak-2021.txt").rename(sibling / "leak.txt")
    bib = ws / "sources" / "library.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(
        text.replace("archive/saratov-leak-2021.txt", f"../../{sibling.name}/leak.txt"),
        encoding="utf-8",
    )
    result = run_draft("check", ws / REPORT)
    assert result.exit_code == 1
    assert "error[path-outside-workspace]" in result.stderr, result.stderr


# ----------------------------------------------------------------------------- templates


@pytest.mark.parametrize(
    "repeat", ["'abcdefghij' * 20000", "20000 * [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
)
def test_repeating_text_is_limited_by_its_length_not_only_the_count(ws: Path, repeat: str) -> None:
    """Mutation: the template repeat limit checks the count but not count × length.

    20,000 repeats are under the limit of 100,000; 200,000 characters are over it.
    """
    layout = (FIXTURES.parent.parent / "templates" / "brief.md.j2").read_text(encoding="utf-8")
    (ws / "templates").mkdir()
    (ws / "templates" / "brief.md.j2").write_text(
        layout + f"{{{{ ({repeat}) | length }}}}\n", encoding="utf-8"
    )
    result = run_draft("build", ws / REPORT)
    assert result.exit_code == 1, result.stderr
    assert "error[template-runaway]" in result.stderr or "repeats text" in result.stderr
    assert "templates/brief.md.j2" in result.stderr
    assert not (ws / "build").exists()


def test_repeating_text_under_the_limit_builds(ws: Path) -> None:
    layout = (FIXTURES.parent.parent / "templates" / "brief.md.j2").read_text(encoding="utf-8")
    (ws / "templates").mkdir()
    (ws / "templates" / "brief.md.j2").write_text(
        layout + "{{ ('abcdefghij' * 9000) | length }}\n", encoding="utf-8"
    )
    result = run_draft("build", ws / REPORT, "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert "90000" in (ws / "build" / "example.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------------ Markdown writer

# Text that pandoc's Markdown reads as markup unless the writer escapes it.
PANDOC_MARKUP = [
    "a ^s^ b",  # superscript
    "a ~s~ b",  # subscript
    "a ~~s~~ b",  # strikeout
    "a [s]{.smallcaps} b",  # a span with a class
    "a $x$ b",  # TeX maths
    "a @key b",  # a citation
    "a <b>s</b> b",  # raw HTML
    "a [^1] b",  # a footnote reference
    "a `s` b",  # code
    "a \\ b",  # a backslash
]


@pytest.mark.parametrize("text", PANDOC_MARKUP)
def test_markdown_output_escapes_what_pandoc_reads_as_markup(ws: Path, text: str) -> None:
    """Mutation: the Markdown writer no longer escapes `^` (pandoc reads `a ^s^ b` as a
    superscript). Until now only the Hypothesis test could find it, by chance."""
    _edit_report(ws, "Eighteen prison officers", f"Eighteen {text} prison officers")
    result = run_draft("build", ws / REPORT, "--format", "md")
    assert result.exit_code == 0, result.stderr
    doc = pandoc_json(ws / "build" / "example.md", "markdown")
    kinds = json.dumps(doc["blocks"])
    for markup in ("Superscript", "Subscript", "Strikeout", "Math", "Cite", "RawInline", "Code"):
        assert f'"{markup}"' not in kinds, (markup, text)
    paragraph = " ".join(stringify(block) for block in doc["blocks"])
    assert f"Eighteen {text} prison officers" in " ".join(paragraph.split())


# -------------------------------------------------------------------- the output guard


def test_two_backups_within_one_second_both_survive(tmp_path: Path) -> None:
    """Mutation: the backup name takes the second only, so a second forced build within the
    same second replaces the first backup (a human's edits lost)."""
    output = tmp_path / "brief.docx"
    now = dt.datetime(2026, 11, 22, 1, 2, 3)
    output.write_bytes(b"first edit")
    first = backup(output, now)
    output.write_bytes(b"second edit")
    second = backup(output, now)
    assert first != second
    assert first.read_bytes() == b"first edit"
    assert second.read_bytes() == b"second edit"
    assert first.name.startswith("brief.docx.bak-20261122-010203")


def test_two_forced_builds_keep_every_edited_version(ws: Path) -> None:
    """The same through the command line: edit, force, edit, force (usually within a second)."""
    assert run_draft("build", ws / REPORT, "--format", "md").exit_code == 0
    output = ws / "build" / "example.md"
    for edit in ("first edit\n", "second edit\n"):
        output.write_text(edit, encoding="utf-8")
        result = run_draft("build", ws / REPORT, "--format", "md", "--force")
        assert result.exit_code == 0, result.stderr
    backups = sorted((ws / "build").glob("example.md.bak-*"))
    assert sorted(b.read_text(encoding="utf-8") for b in backups) == [
        "first edit\n",
        "second edit\n",
    ]
