"""Real libraries: Zotero's BibTeX/BibLaTeX and Better CSL JSON give one model and the same
notes; broken entries are located errors, never silently dropped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_draft
from notes_helper import STYLES, entries, library, note_text, notes

from drafting.model import CiteItem, Name, PartialDate, Source

ZOTERO = FIXTURES / "zotero"


def _workspace(root: Path, *files: str) -> Path:
    (root / "sources").mkdir(parents=True)
    for name in files:
        shutil.copy(ZOTERO / name, root / "sources" / name)
    return root


def _loaded(root: Path, name: str) -> dict[str, Source]:
    sources, problems = library(_workspace(root, name))
    assert problems == [], [p.format() for p in problems]
    return sources


@pytest.fixture
def bib(tmp_path: Path) -> dict[str, Source]:
    return _loaded(tmp_path / "bib", "library.bib")


@pytest.fixture
def csl(tmp_path: Path) -> dict[str, Source]:
    return _loaded(tmp_path / "json", "library.json")


def test_both_exports_hold_the_same_ten_items(
    bib: dict[str, Source], csl: dict[str, Source]
) -> None:
    assert len(bib) == 10
    assert list(bib) == list(csl)


@pytest.mark.parametrize("style", STYLES)
def test_both_exports_give_identical_notes(tmp_path: Path, style: str) -> None:
    keys = list(_loaded(tmp_path / "keys", "library.bib"))
    # Every key in full, then every key again in short form (never "ibid": keys alternate).
    sequence = [[CiteItem(k, "p. 3")] for k in keys] + [[CiteItem(k, "para. 4")] for k in keys]
    from_bib = notes(_workspace(tmp_path / "b", "library.bib"), style, sequence)
    from_json = notes(_workspace(tmp_path / "j", "library.json"), style, sequence)
    for a, b in zip(from_bib, from_json, strict=True):
        assert note_text(a) == note_text(b)
        assert a.content == b.content  # the same italics too
    assert entries(tmp_path / "b", style) == entries(tmp_path / "j", style)


def test_bibtex_decoding(bib: dict[str, Source]) -> None:
    chapter = bib["muller2019custody"]
    assert chapter.kind == "incollection"
    assert chapter.authors[0] == Name(family="Müller", given="Jörg")
    assert [e.family for e in chapter.editors] == ["Doe", "Roe"]
    assert chapter.container == "Prisons in Europe"
    assert chapter.publisher == "Bloomsbury & Hart"  # a bare "&", not spaces
    assert chapter.title == "Torture in Custody: Russia and the European Convention"
    assert chapter.fields["pages"] == "45–78"
    assert bib["dupont2018prisons"].title == "Les prisons russes\u00a0: enquête sur un système"
    assert bib["dupont2018prisons"].publisher == "Éditions du Seuil"
    assert bib["msf2019detention"].authors == (Name(literal="Médecins Sans Frontières"),)
    assert bib["msf2019detention"].title == "Health in Detention & Beyond"
    assert bib["ovd2021saratov"].title == "What We Know about Torture in Saratov — a Timeline"
    assert bib["hrw2020hailstorm"].title.startswith("“Like Walking Through a Hailstorm”:")


def test_bibtex_fields_and_aliases(bib: dict[str, Source]) -> None:
    un = bib["unhrc2021special"]
    assert (un.kind, un.number, un.publisher) == ("report", "A/HRC/46/26", "United Nations")
    assert un.date == PartialDate(2021, 2, 22)  # year + month macro + day
    hrw = bib["hrw2020hailstorm"]
    assert hrw.publisher == "Human Rights Watch"  # an @string macro
    assert (hrw.genre, hrw.place) == ("Research report", "New York")
    assert bib["ivanova2020deaths"].container == "Journal of Human Rights Practice"
    assert bib["ivanova2020deaths"].date == PartialDate(2020, 11)
    assert bib["ovd2021saratov"].publisher == "OVD-Info"
    assert bib["osechkin2021footage"].kind == "video"
    roth = bib["roth2021leaked"]
    assert roth.urldate == PartialDate(2021, 11, 12)
    assert roth.archive_date == PartialDate(2021, 10, 12)
    assert roth.archive_url.startswith("https://web.archive.org/web/20211012/")
    assert roth.snapshot is not None and roth.snapshot.name == "roth2021leaked.html"
    witness = bib["witness-a"]
    assert (witness.confidential, witness.origin, witness.place) == (
        True,
        ("roth2021leaked",),
        "Kyiv",
    )


def test_csl_json_reads_our_fields_from_note_lines_and_top_level_keys(
    bib: dict[str, Source], csl: dict[str, Source]
) -> None:
    for key in bib:
        a, b = bib[key], csl[key]
        for name in ("kind", "title", "authors", "editors", "container", "publisher", "place"):
            assert getattr(a, name) == getattr(b, name), (key, name)
        for name in ("number", "genre", "date", "url", "urldate", "archive_url", "archive_date"):
            assert getattr(a, name) == getattr(b, name), (key, name)
        for name in ("sha256", "origin", "confidential"):
            assert getattr(a, name) == getattr(b, name), (key, name)
        assert (a.snapshot is None) == (b.snapshot is None), key
    assert csl["roth2021leaked"].note == ""  # the "key: value" lines are not left in the note


def test_zotero_plain_bibtex_habits(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "zotero.bib").write_text(
        "@misc{web,\n  title = {Torture in {Saratov}},\n"
        "  howpublished = {\\url{https://example.org/a_b%20c}},\n"
        "  author = {Bennett, Ann and others},\n"
        "  file = {Full Text PDF:files/12/web.pdf:application/pdf},\n  year = {2021},\n}\n",
        encoding="utf-8",
    )
    sources, problems = library(tmp_path)
    assert problems == []
    web = sources["web"]
    assert (web.url, web.genre) == ("https://example.org/a_b%20c", "")
    assert web.authors[1].is_others
    assert web.snapshot == (tmp_path / "sources" / "files" / "12" / "web.pdf").resolve()


BROKEN_BIB = """@online{ok, title = {Fine}}

@online{twice, title = {One}}

@online{twice, title = {Two}}

@online{fields, title = {A}, title = {B}}

@online{broken, title = {Unclosed,
@online{after, title = {Read after the broken entry}}
"""


def test_broken_bibtex_entries_are_located_errors(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "library.bib").write_text(BROKEN_BIB, encoding="utf-8")
    sources, problems = library(tmp_path)
    found = {(p.code, p.location.line if p.location else None) for p in problems}
    assert ("duplicate-key", 5) in found
    assert ("duplicate-field", 7) in found
    assert ("bibtex-syntax", 9) in found
    assert all(p.severity == "error" and p.location for p in problems)
    assert {"ok", "twice", "after"} <= set(sources)


def test_duplicate_key_across_bib_and_json_names_both_places(tmp_path: Path) -> None:
    _workspace(tmp_path, "library.bib", "library.json")
    sources, problems = library(tmp_path)
    assert len(sources) == 10
    duplicates = [p for p in problems if p.code == "duplicate-key"]
    assert len(duplicates) == 10
    first = next(p for p in duplicates if p.source == "hrw2020hailstorm")
    assert first.location is not None and first.location.file.name == "library.json"
    assert first.location.line == 15  # the line of its "id"
    assert "library.bib:20" in first.message


def test_csl_json_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "lib.json").write_text(
        '[\n  {"id": "a", "title": "A"},\n  {"id": "b" "title": "B"}\n]\n', encoding="utf-8"
    )
    _, problems = library(tmp_path)
    assert [(p.code, p.location.line, p.location.column) for p in problems if p.location] == [
        ("csl-json-syntax", 3, 14)
    ]


def test_csl_json_item_without_id_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "lib.json").write_text(
        '[\n  {"id": "a"},\n  {\n    "title": "no id"\n  }\n]\n', encoding="utf-8"
    )
    sources, problems = library(tmp_path)
    assert list(sources) == ["a"]
    assert [(p.code, p.location.line if p.location else None) for p in problems] == [
        ("csl-json-item", 3)
    ]


def test_a_report_can_cite_a_csl_json_library(example: Path) -> None:
    (example / "sources" / "library.bib").unlink()
    (example / "sources" / "library.json").write_text(
        '[{"id": "saratov-leak-2021", "type": "webpage",\n'
        ' "title": "[News report on leaked videos of torture at the OTB-1 prison hospital]",\n'
        ' "issued": {"date-parts": [[2021, 11, 11]]},\n'
        ' "note": "file: archive/saratov-leak-2021.txt"}]\n',
        encoding="utf-8",
    )
    result = run_draft("build", example / "reports" / "example", "--format", "md")
    assert result.exit_code == 0, result.stderr
    text = (example / "build" / "example.md").read_text()
    assert "[^1]: \\[News report on leaked videos" in text
