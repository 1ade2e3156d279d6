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

from drafting.load.source_fields import bare_doi, page_range
from drafting.model import CiteItem, Location, Source
from drafting.render.citations import parse_note, pinpoint, short_title
from drafting.render.style_filters import (
    collation_key,
    inclusive,
    join_parts,
    no_stops,
    ordinal,
    quoted,
)
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


# Short titles (CMOS 17 14.32) on real-looking titles: key words kept, a phrase never cut in
# the middle, never ending on an article or preposition; a library's shorttitle wins.
@pytest.mark.parametrize(
    ("kind", "title", "shorttitle", "expected"),
    [
        ("report", "Report on the Human Rights Situation in Ukraine", "", None),
        (
            "report",
            "Report of the Special Rapporteur on Torture and Other Cruel, Inhuman or "
            "Degrading Treatment or Punishment",
            "",
            "Report of the Special Rapporteur on Torture",
        ),
        (
            "report",
            "Report to the Russian Government on the Visit to the Russian Federation",
            "",
            "Report to the Russian Government on the Visit",
        ),
        (
            "article",
            "Human Rights and the Laws of War under the American Convention on Human Rights",
            "",
            "Human Rights and the Laws of War",
        ),
        (
            "online",
            "Leaked Videos Show Torture in Russian Prison Hospital",
            "",
            "Leaked Videos Show Torture",
        ),
        ("article", "Videos of Prison Torture Shake Russia", "", None),
        ("article", "Inside the Prison Where Torture Was Filmed", "", None),
        (
            "article",
            "Inside Putin’s ‘torture conveyor belt’ prisons with inmates raped and mutilated",
            "",
            "Inside Putin’s ‘torture conveyor belt’",
        ),
        ("video", "Torture at OTB-1: The Footage", "", "Torture at OTB-1"),
        (
            "report",
            "Russia: Prisoner of Conscience Tortured in Custody",
            "",
            None,
        ),
        (
            "report",
            "Concluding Observations on the Eighth Periodic Report of the Russian Federation",
            "",
            "Concluding Observations",
        ),
        (
            "report",
            "Situation of Human Rights in the Temporarily Occupied Autonomous Republic of Crimea",
            "",
            "Situation of Human Rights",
        ),
        (
            "article",
            "Пытки в российских колониях: правовой анализ",
            "",
            "Пытки в российских колониях",
        ),
        ("report", "“Like Walking Through a Hailstorm”: Torture", "Hailstorm", "Hailstorm"),
        ("misc", "[Interview with former detainee A in Kyiv about the prison hospital]", "", None),
        ("jurisdiction", "Tagayeva and Others v. Russia", "", "Tagayeva"),
        ("jurisdiction", "Cestaro v Italy", "", "Cestaro"),
        ("jurisdiction", "R v Horncastle", "", "Horncastle"),
        ("jurisdiction", "Ilgar Mammadov v. Azerbaijan", "Ilgar Mammadov", "Ilgar Mammadov"),
        ("jurisdiction", "Re an Application for Judicial Review", "", None),
        ("legislation", "Criminal Justice and Public Order Act 1994", "", None),
    ],
)
def test_short_titles(kind: str, title: str, shorttitle: str, expected: str | None) -> None:
    source = Source(
        key="k", kind=kind, location=Location(Path("x.bib"), 1), title=title, shorttitle=shorttitle
    )
    assert short_title(source) == (expected or title)


@pytest.mark.parametrize(
    ("pages", "expected"),
    # CMOS 17 9.61's own table of inclusive numbers.
    [
        ("3–10", "3–10"),
        ("71–72", "71–72"),
        ("96–117", "96–117"),
        ("100–104", "100–104"),
        ("1100–1113", "1100–1113"),
        ("101–108", "101–8"),
        ("808–833", "808–33"),
        ("1103–1104", "1103–4"),
        ("321–328", "321–28"),
        ("498–532", "498–532"),
        ("1087–1089", "1087–89"),
        ("1496–1500", "1496–500"),
        ("11564–11615", "11564–615"),
        ("12991–13001", "12991–3001"),
        ("455–478, 490–491", "455–78, 490–91"),
        ("xi–xiv", "xi–xiv"),
    ],
)
def test_inclusive_page_numbers(pages: str, expected: str) -> None:
    assert inclusive(pages) == expected


def test_editions_and_abbreviations() -> None:
    assert [ordinal(e) for e in ("1", "2", "3", "4", "11", "12", "13", "21", "112")] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "112th"
    ]  # fmt: skip
    assert ordinal("Rev.") == "Rev."
    assert ordinal("2nd") == "2nd"
    assert no_stops("PhD diss.") == "PhD diss"


def test_page_ranges_and_dois_are_normalised_on_loading() -> None:
    assert page_range("455--478") == "455–478"
    assert page_range("455 - 478") == "455–478"
    assert page_range("12") == "12"
    assert bare_doi("https://doi.org/10.1093/hrlr/ngy020") == "10.1093/hrlr/ngy020"
    assert bare_doi("doi:10.1093/x") == "10.1093/x"
    assert bare_doi("10.1093/x") == "10.1093/x"


def test_sources_list_sorts_by_the_unicode_collation_algorithm() -> None:
    names = ["Kramer", "König", "Zimmermann", "Åberg", "Çelik", "Cestaro", "Ёлкина", "van der Berg"]
    assert sorted(names, key=collation_key) == [
        "Åberg", "Çelik", "Cestaro", "König", "Kramer", "van der Berg", "Zimmermann", "Ёлкина"
    ]  # fmt: skip
