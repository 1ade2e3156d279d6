"""The cases of tests/cases/notes.yaml: library + sequence of citations -> expected notes.

Editors extend the YAML file, not this one. Each case is written to a real workspace folder
and rendered the way a build renders it (see notes_helper).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from notes_helper import STYLES, entries, note_markdown, note_text, notes

from drafting.model import CiteItem
from drafting.render.citations import parse_note, pinpoint
from drafting.render.style_filters import join_parts, quoted
from drafting.text import plain

CASES_FILE = Path(__file__).resolve().parent / "cases" / "notes.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def _params(what: str) -> list[Any]:
    return [
        pytest.param(case, style, id=f"{style}: {case['name']}")
        for case in CASES
        for style in STYLES
        if style in (case if what == "notes" else case.get(what, {}))
    ]


def _workspace(tmp_path: Path, case: dict[str, Any]) -> Path:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "library.bib").write_text(case["bib"], encoding="utf-8")
    return tmp_path


def _sequence(case: dict[str, Any]) -> list[list[CiteItem]]:
    return [
        [CiteItem(c) if isinstance(c, str) else CiteItem(**c) for c in note]
        for note in case["notes"]
    ]


def test_every_case_expects_every_note() -> None:
    for case in CASES:
        styles = [s for s in STYLES if s in case]
        assert styles, f"case {case['name']!r} expects no style's output"
        for style in styles:
            assert len(case[style]) == len(case["notes"]), (case["name"], style)


@pytest.mark.parametrize(("case", "style"), _params("notes"))
def test_note_text(tmp_path: Path, case: dict[str, Any], style: str) -> None:
    got = notes(_workspace(tmp_path, case), style, _sequence(case), case.get("options"))
    assert [note_text(n) for n in got] == case[style]


@pytest.mark.parametrize(("case", "style"), _params("markdown"))
def test_note_markdown(tmp_path: Path, case: dict[str, Any], style: str) -> None:
    got = notes(_workspace(tmp_path, case), style, _sequence(case), case.get("options"))
    assert [note_markdown(n) for n in got] == case["markdown"][style]


@pytest.mark.parametrize(("case", "style"), _params("sources"))
def test_sources_list(tmp_path: Path, case: dict[str, Any], style: str) -> None:
    assert entries(_workspace(tmp_path, case), style) == case["sources"][style]


@pytest.mark.parametrize("style", STYLES)
def test_no_note_has_empty_brackets_or_doubled_punctuation(tmp_path: Path, style: str) -> None:
    for i, case in enumerate(CASES):
        ws = tmp_path / str(i)
        ws.mkdir()
        for note in notes(_workspace(ws, case), style, _sequence(case)):
            text = note_text(note)
            for bad in ("()", ", ,", "..", ",.", " ,", "  "):
                assert bad not in text, (case["name"], text)


def _joined(parts: list[Any], separator: str = ", ", end: str = ".") -> str:
    return plain(parse_note(join_parts(parts, separator, end)))


def test_join_parts_adds_no_full_stop_after_one() -> None:
    assert _joined(["Daily Star", "n.d."]) == "Daily Star, n.d."
    assert _joined(["n.d.", "para. 3"]) == "n.d., para. 3."
    assert _joined([quoted("Why?"), "Meduza"]) == "“Why?” Meduza."
    assert _joined([quoted("Why?")], end=".") == "“Why?”"
    assert _joined(["", "a", None, "b"]) == "a, b."
    assert _joined([quoted("Torture"), "Meduza"]) == "“Torture,” Meduza."
    assert _joined([quoted("Torture", single=True), "x"], " ") == "‘Torture’ x."


@pytest.mark.parametrize(
    ("locator", "label", "value", "plural"),
    [
        ("para. 3", "paragraph", "3", False),
        ("paras 3-5", "paragraph", "3–5", True),
        ("p. 12", "page", "12", False),
        ("pp. 12--14", "page", "12–14", True),
        ("12, 15", "page", "12, 15", True),
        ("xiv", "page", "xiv", False),
        ("§ 4", "section", "4", False),
        ("ch. 2", "chapter", "2", False),
        ("n 7", "note", "7", False),
        ("at 02:14", "time", "02:14", False),
        ("1:02:14", "time", "1:02:14", False),
        ("Annex II", "", "Annex II", False),
        ("civil", "", "civil", False),
        ("", "", "", False),
    ],
)
def test_pinpoint_reads_the_locator(locator: str, label: str, value: str, plural: bool) -> None:
    got = pinpoint(locator)
    assert (got["label"], got["value"], got["plural"]) == (label, value, plural)
