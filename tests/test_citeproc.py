"""citeproc as a standing oracle for both shipped styles.

The fixture library (tests/fixtures/citeproc/, 32 entries of every kind, in BibTeX and in
CSL-JSON) is cited in a brief three times per entry: in full with a pinpoint, again at once
("ibid" position) with another pinpoint, and once more after every other entry ("subsequent").
`draft` writes the notes and the Sources list; `pandoc --citeproc` writes them with the CSL
files copied into tests/fixtures/citeproc/csl/ (Chicago notes-bibliography, which follows the
18th edition, and OSCOLA). Each note and each bibliography entry is compared.

Where they differ, tests/cases/citeproc-divergences.yaml must list the difference, with both
forms and the rule (CMOS 17 or OSCOLA 4 section) that makes draft's form right. A difference
missing from that table fails, and so does a table entry that no longer differs: the table is
always exactly the list of deliberate differences.

Both sides go through the same normalisation before comparing: both are read by pandoc into
its JSON form (draft's notes from the Markdown draft publishes), then flattened to text with
italics marked as *...*; runs of whitespace become one space; a straight apostrophe becomes
’ (citeproc curls it, draft keeps what the library says). Nothing else is forgiven.

To see the current differences as a table (rules already written are kept, new ones empty):
    .venv/bin/python tests/test_citeproc.py chicago-note > /tmp/chicago.yaml
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import FIXTURES, require_tool
from notes_helper import STYLES, library, style

from drafting.model import Cite, CiteItem, Document, Meta, Para
from drafting.render.citations import resolve, source_view
from drafting.writers.markdown import write

CITEPROC = FIXTURES / "citeproc"
CSL = {"chicago-note": "chicago-notes-bibliography.csl", "oscola": "oscola.csl"}
TABLE = Path(__file__).resolve().parent / "cases" / "citeproc-divergences.yaml"
# Pinpoints by CSL type: what a brief cites in each kind of source (first, ibid, subsequent).
PINPOINTS = {
    "legal_case": ("para. 176", "para. 180", "para. 181"),
    "legislation": ("sec. 6", "sec. 7", "sec. 8"),
    "motion_picture": ("at 02:14", "at 03:40", "at 05:02"),
    "webpage": ("", "", ""),
    "interview": ("", "", ""),
}
PAGES = ("p. 460", "p. 461", "p. 470")
POSITIONS = ("first", "ibid", "subsequent")


def _items() -> list[dict[str, Any]]:
    return json.loads((CITEPROC / "library.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def sequence() -> list[tuple[str, str, str]]:
    """(id, key, locator) of every note, in order: each key in full and again, then later."""
    items = _items()
    first = []
    for item in items:
        pins = PINPOINTS.get(item["type"], PAGES)
        first += [(f"{item['id']}/{POSITIONS[i]}", item["id"], pins[i]) for i in (0, 1)]
    later = [(f"{i['id']}/subsequent", i["id"], PINPOINTS.get(i["type"], PAGES)[2]) for i in items]
    return first + later


def _workspace(root: Path, name: str) -> Path:
    (root / "sources").mkdir(parents=True, exist_ok=True)
    shutil.copy(CITEPROC / name, root / "sources" / name)
    return root


def draft_markdown(ws: Path, style_name: str) -> str:
    """The brief's notes and Sources list as draft publishes them in Markdown."""
    sources, problems = library(ws)
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    note_style = style(ws, style_name)
    paras = tuple(
        Para((Cite(f"c{n}", (CiteItem(key, locator),)),))
        for n, (_, key, locator) in enumerate(sequence(), start=1)
    )
    doc = resolve(Document(Meta("t", "o", None), paras), sources, note_style)
    ordered = sorted(sources.values(), key=lambda s: (note_style.sort_key(s), s.key))
    entries = "\n\n".join(
        f"::: {{#ref-{s.key}}}\n{note_style.entry(source_view(s))}\n:::" for s in ordered
    )
    return f"{write(doc)}\n\n::: {{#refs}}\n{entries}\n:::\n"


def citeproc_markdown() -> str:
    """The same brief for pandoc: one paragraph per note, "[@key, locator]"."""
    return "\n\n".join(
        f"Claim {n}.[@{key}{', ' + locator if locator else ''}]"
        for n, (_, key, locator) in enumerate(sequence(), start=1)
    )


def _pandoc_json(markdown: str, *args: str) -> dict[str, Any]:
    pandoc = require_tool("pandoc")
    out = subprocess.run(
        [pandoc, "-f", "markdown", "-t", "json", *args],
        input=markdown,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def text(node: Any) -> str:
    """Plain text of a pandoc JSON fragment, italics as *...* (on both sides alike)."""
    if isinstance(node, list):
        return "".join(text(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("t")
    content: Any = node.get("c")
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Emph":
        return f"*{text(content)}*"
    if kind == "Quoted":
        mark = "“”" if content[0]["t"] == "DoubleQuote" else "‘’"
        return mark[0] + text(content[1]) + mark[1]
    if kind in ("Span", "Link"):
        return text(content[1])
    if kind == "Note":
        return ""
    return text(content) if isinstance(content, list) else ""


def normalise(value: str) -> str:
    value = value.replace("'", "’").replace("\u00a0", " ")
    # A mark closed at once and reopened ("*a**b*") is one run of italics.
    value = value.replace("**", "")
    return re.sub(r"\s+", " ", value).strip()


def forms(doc: dict[str, Any]) -> dict[str, str]:
    """id -> normalised text: every note (by its place in `sequence`) and bibliography entry."""
    notes: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            if node.get("t") == "Note":
                notes.append(normalise(" ".join(text(b) for b in node["c"])))
                return
            if node.get("t") == "Div" and node["c"][0][0].startswith("ref-"):
                key = node["c"][0][0][len("ref-") :]
                found[f"{key}/bibliography"] = normalise(text(node["c"][1]))
                return
            visit(node.get("c"))

    found: dict[str, str] = {}
    visit(doc["blocks"])
    ids = [note_id for note_id, _, _ in sequence()]
    assert len(notes) == len(ids), (len(notes), len(ids))
    return {**dict(zip(ids, notes, strict=True)), **found}


def citeproc_forms(style_name: str) -> dict[str, str]:
    csl = CITEPROC / "csl" / CSL[style_name]
    bibliography = CITEPROC / "library.json"
    return forms(
        _pandoc_json(
            citeproc_markdown(),
            "--citeproc",
            f"--csl={csl}",
            f"--bibliography={bibliography}",
            "--metadata=suppress-bibliography=false",
        )
    )


def draft_forms(ws: Path, style_name: str) -> dict[str, str]:
    return forms(_pandoc_json(draft_markdown(ws, style_name)))


def divergences(ws: Path, style_name: str) -> dict[str, tuple[str, str]]:
    """id -> (citeproc's form, draft's form) wherever they differ."""
    theirs, ours = citeproc_forms(style_name), draft_forms(ws, style_name)
    assert theirs.keys() == ours.keys(), set(theirs) ^ set(ours)
    return {k: (theirs[k], ours[k]) for k in ours if theirs[k] != ours[k]}


def table() -> dict[str, dict[str, dict[str, str]]]:
    loaded = yaml.safe_load(TABLE.read_text(encoding="utf-8")) or {}
    return {name: {row["id"]: row for row in loaded.get(name) or []} for name in (*STYLES, "_")}


@pytest.mark.parametrize("style_name", STYLES)
def test_every_divergence_from_citeproc_is_listed_and_justified(
    tmp_path: Path, style_name: str
) -> None:
    found = divergences(_workspace(tmp_path, "library.json"), style_name)
    listed = table()[style_name]
    unlisted = [
        f"{k}\n  citeproc: {c}\n  draft:    {d}"
        for k, (c, d) in found.items()
        if k not in listed or (listed[k]["citeproc"], listed[k]["draft"]) != (c, d)
    ]
    assert not unlisted, "not in citeproc-divergences.yaml:\n" + "\n".join(unlisted)
    stale = [k for k in listed if k not in found]
    assert not stale, f"listed in citeproc-divergences.yaml but no longer different: {stale}"
    unjustified = [k for k, row in listed.items() if not str(row.get("rule", "")).strip()]
    assert not unjustified, f"divergences without a rule: {unjustified}"


@pytest.mark.parametrize("style_name", STYLES)
def test_bibtex_and_csl_json_give_identical_notes(tmp_path: Path, style_name: str) -> None:
    from_bib = draft_markdown(_workspace(tmp_path / "bib", "library.bib"), style_name)
    from_json = draft_markdown(_workspace(tmp_path / "json", "library.json"), style_name)
    assert from_bib == from_json


def test_the_fixture_library_has_every_kind() -> None:
    types = {item["type"] for item in _items()}
    assert len(_items()) >= 30
    assert {
        "legal_case",
        "legislation",
        "report",
        "article-journal",
        "article-newspaper",
        "book",
        "chapter",
        "webpage",
        "motion_picture",
        "interview",
        "thesis",
    } <= types


def _current_table(style_name: str) -> list[dict[str, str]]:
    """The divergences as they are now, keeping the rules already written."""
    import tempfile

    listed = table()[style_name]
    with tempfile.TemporaryDirectory() as tmp:
        found = divergences(_workspace(Path(tmp), "library.json"), style_name)
    return [
        {"id": k, "citeproc": c, "draft": d, "rule": listed.get(k, {}).get("rule", "")}
        for k, (c, d) in found.items()
    ]


if __name__ == "__main__":
    print(
        yaml.safe_dump(
            {sys.argv[1]: _current_table(sys.argv[1])},
            allow_unicode=True,
            width=100,
            sort_keys=False,
        )
    )


# The README's "One note of each kind" tables: (label, key) per row, in order.
README_KINDS = [
    ("Case (ECtHR)", "cestaro2015"),
    ("Legislation", "hra1998"),
    ("UN document", "sr-torture-2021"),
    ("NGO report with an index number", "amnesty-2021"),
    ("Journal article", "mccarthy2018"),
    ("Book, later edition", "rodley2009"),
    ("Translated book", "solzhenitsyn1974"),
    ("Edited book", "green2016"),
    ("Chapter", "nowak2019"),
    ("Thesis", "ivanova2015"),
    ("Newspaper", "roth2021"),
    ("Newspaper, no author", "dailystar2021"),
    ("Web page, no date", "saratov-page"),
    ("Video", "osechkin-video"),
    ("Interview", "witness-b"),
]


@pytest.mark.parametrize("style_name", STYLES)
def test_readme_shows_the_notes_draft_writes(tmp_path: Path, style_name: str) -> None:
    markdown = draft_markdown(_workspace(tmp_path, "library.json"), style_name)
    written = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", markdown, re.MULTILINE))
    number = {note_id: str(n) for n, (note_id, _, _) in enumerate(sequence(), start=1)}
    rows = [
        f"| {label} | {written[number[key + '/first']]} | {written[number[key + '/subsequent']]} |"
        for label, key in README_KINDS
    ]
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = "| source | first note | later note |\n|---|---|---|\n" + "\n".join(rows)
    assert f"{style_name}:\n\n{table}\n" in readme
