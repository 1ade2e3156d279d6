"""The render memo: a rebuild reads notes, Sources entries, their order and parsed paragraphs
back from the last run, and must build byte for byte what a run without any memo builds.

Warm == cold == no memo for the sample (both editions, both shipped styles), the citeproc test
library and every case of tests/cases/notes.yaml and note_reuse.yaml; a change to anything a
note or paragraph is made from misses; a memo entry of the wrong shape is a miss.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import FIXTURES, REPO, SAMPLE, copy_workspace, run_draft
from notes_helper import ORGANISATION, STYLES, library
from test_citeproc import CITEPROC, sequence
from test_speed import CLAIM, REPORT, _style

from drafting.load.workspace import Workspace
from drafting.memo import Memo
from drafting.model import Cite, CiteItem, Document, Emph, Inline, Meta, Para, Strong, Text
from drafting.problems import DraftError
from drafting.render import memos
from drafting.render.citations import STYLE_FILTERS, NoteStyle, resolve
from drafting.render.parse import parse
from drafting.render.templating import Md, make_environment

NOTES_CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "notes.yaml").read_text(encoding="utf-8")
)
REUSE_CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "note_reuse.yaml").read_text(encoding="utf-8")
)
SHIPPED = REPO / "templates" / "styles"


# --------------------------------------------------------------------------- whole builds


def _outputs(ws: Path, *args: str) -> dict[str, bytes]:
    """Build the sample into a fresh folder; the .md and .docx bytes by file name."""
    out = ws.parent / f"out-{len(list(ws.parent.glob('out-*')))}"
    result = run_draft("build", ws / "reports" / SAMPLE, "--out", out, "--force", *args)
    assert result.exit_code == 0, result.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _check_json(ws: Path) -> str:
    return run_draft("check", ws / "reports" / SAMPLE, "--format", "json").stdout


def _memo_files(cache: Path) -> dict[str, tuple[int, bytes]]:
    folder = cache / "memo"
    found = sorted(folder.glob("render-*.json")) if folder.is_dir() else []
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in found}


@pytest.mark.parametrize("edition", ["public", "internal"])
@pytest.mark.parametrize("style", STYLES)
def test_sample_warm_build_is_the_cold_and_the_uncached_build(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str, edition: str
) -> None:
    args = ("--style", style, "--edition", edition)
    monkeypatch.setenv("DRAFT_NO_CACHE", "1")
    uncached, uncached_check = _outputs(sample, *args), _check_json(sample)
    monkeypatch.delenv("DRAFT_NO_CACHE")
    cache = tmp_path / "cache"
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(cache))
    cold = _outputs(sample, *args)
    memo_after_cold = _memo_files(cache)
    warm, warm_check = _outputs(sample, *args), _check_json(sample)

    assert cold == uncached
    assert warm == uncached
    assert warm_check == uncached_check
    assert len(memo_after_cold) == 1, "one memo for the report, style and edition"
    assert _memo_files(cache) == memo_after_cold, "a warm build found everything: wrote nothing"


def test_editions_keep_their_own_memo(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the internal edition between two public builds evicts nothing of the public
    edition's memo: the second public build still only hits."""
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(tmp_path / "cache"))
    _outputs(sample)
    public = _memo_files(tmp_path / "cache")
    _outputs(sample, "--edition", "internal")
    _outputs(sample)
    assert len(_memo_files(tmp_path / "cache")) == 2
    assert set(public.items()) <= set(_memo_files(tmp_path / "cache").items())


# --------------------------------------------------------------------------- what misses

STYLE_PATH = Path("templates") / "styles" / "chicago-note.md.j2"


def _edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(ws: Path) -> None:
        file = ws / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _own_style(ws: Path) -> None:
    """The workspace's own copy of the shipped style, byte for byte (it hits)."""
    (ws / STYLE_PATH).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED / "chicago-note.md.j2", ws / STYLE_PATH)


REPORT_YAML = f"reports/{SAMPLE}/report.yaml"


def _reordered(ws: Path) -> None:
    """'video-source' (note 3, "ibid" of note 2) moves to the front: note 1, in full."""
    _edit(REPORT_YAML, "- [leaked-footage, off", "- [video-source, leaked-footage, off")(ws)
    _edit(REPORT_YAML, "- [video-source, savelyev-copied", "- [savelyev-copied")(ws)


# Each case: a change to the sample workspace that changes the brief. After a build filled the
# memo, the rebuild must equal a build without memo, and differ from the first build.
CHANGES: dict[str, Callable[[Path], None]] = {
    "a style template edited": _edit(
        str(STYLE_PATH), "{%- set end = '.' if loop.last", "{%- set end = '!' if loop.last"
    ),
    "a style option": _edit(
        REPORT_YAML, "style: chicago-note\n", "style: chicago-note\nstyle_options: {ibid: true}\n"
    ),
    "a source's title": _edit(
        "sources/library.bib",
        "prisons with inmates raped and mutilated}",
        "prisons with inmates raped}",
    ),
    "a locator": _edit(REPORT_YAML, "locator: para. 20\n", "locator: para. 21\n"),
    "a claim's text": _edit(REPORT_YAML, "eighteen prison officers", "eighteen prison guards"),
    "claims reordered: an ibid note becomes a full one": _reordered,
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_change_misses(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    _own_style(sample)
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(tmp_path / "cache"))
    before = _outputs(sample)
    CHANGES[change](sample)
    warm = _outputs(sample)
    monkeypatch.setenv("DRAFT_NO_CACHE", "1")
    uncached = _outputs(sample)
    assert warm == uncached
    assert warm != before, "the change must change the brief, or this test proves nothing"


# A memo file's values replaced by values of the wrong shape: every one is a miss.
CORRUPTIONS: dict[str, Callable[[Any], Any]] = {
    "numbers": lambda value: 42,
    "lists of numbers": lambda value: [1, 2],
    "unknown nodes": lambda value: [["x", "y"]],
    "a claim in a note or a bad claim": lambda value: [["c", 1, []]],
    "nested wrong": lambda value: [["e", [["s", 3]]]],
    "null": lambda value: None,
    "numbered without its note": lambda value: {"numbered": True},
    "style facts of another shape": lambda value: {"stateless": "yes", "sort_key": 1},
    "the Sources order without its last key": lambda value: _order(value, lambda o: o[:-1]),
    "the Sources order with a key twice": lambda value: _order(value, lambda o: [*o[:-1], o[0]]),
    "the Sources order with numbers": lambda value: _order(value, lambda o: list(range(len(o)))),
}


def _order(value: Any, change: Callable[[list[str]], list[Any]]) -> Any:
    """`change` applied to the Sources order (the one value that is a list of several keys:
    a note of plain text is one string), other values left as they are."""
    is_order = type(value) is list and len(value) > 1 and all(type(v) is str for v in value)
    return change(value) if is_order else value


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS), ids=list(CORRUPTIONS))
def test_a_memo_entry_of_the_wrong_shape_is_a_miss(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corrupt: str
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(cache))
    cold = _outputs(sample)
    (path,) = (cache / "memo").glob("render-*.json")
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["entries"] = {k: CORRUPTIONS[corrupt](v) for k, v in stored["entries"].items()}
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert _outputs(sample) == cold
    assert _outputs(sample) == cold, "the entries written back are whole again"


def test_a_truncated_memo_file_is_empty(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(cache))
    cold = _outputs(sample)
    (path,) = (cache / "memo").glob("render-*.json")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert _outputs(sample) == cold


# --------------------------------------------------------------------------- notes in process


def _note_style(
    ws: Path, name: str, options: Mapping[str, Any] | None, memo: Memo | None
) -> NoteStyle:
    env = make_environment(Workspace(ws).template_dirs())
    env.filters.update(STYLE_FILTERS)
    return NoteStyle(env, name, options, memo)


def _render(
    ws: Path,
    name: str,
    notes: list[list[CiteItem]],
    options: Mapping[str, Any] | None,
    memo: Memo | None,
) -> tuple[Document, list[tuple[str, str]], NoteStyle]:
    """The notes of `notes` and the Sources list in order, as (key, entry) pairs."""
    sources, problems = library(ws)
    assert not [p for p in problems if p.severity == "error"], [p.format() for p in problems]
    note_style = _note_style(ws, name, options, memo)
    paras = tuple(Para((Cite(f"c{i}", tuple(items)),)) for i, items in enumerate(notes, 1))
    doc = resolve(Document(Meta("t", ORGANISATION, None), paras), sources, note_style)
    ordered = note_style.ordered(sources)
    entries = [(k, str(note_style.entry(note_style.view(sources[k])))) for k in ordered]
    return doc, entries, note_style


def _cold_warm(
    ws: Path, name: str, notes: list[list[CiteItem]], options: Mapping[str, Any] | None = None
) -> None:
    """Without a memo, with an empty one, and with the one that run saved: the same notes and
    Sources list; the last run compiles no template (everything was found)."""
    folder = ws / "memo-cache"
    uncached = _render(ws, name, notes, options, None)[:2]
    cold_memo = Memo("render", "test", folder)
    cold = _render(ws, name, notes, options, cold_memo)[:2]
    cold_memo.save()
    doc, entries, warm_style = _render(ws, name, notes, options, Memo("render", "test", folder))
    assert cold == uncached
    assert (doc, entries) == uncached
    assert warm_style._module is None, "the warm run compiled the style: something missed"


@pytest.mark.parametrize("name", STYLES)
def test_citeproc_library_warm_is_cold(tmp_path: Path, name: str) -> None:
    (tmp_path / "sources").mkdir()
    shutil.copy(CITEPROC / "library.json", tmp_path / "sources" / "library.json")
    notes = [[CiteItem(key, locator)] for _, key, locator in sequence()]
    _cold_warm(tmp_path, name, notes)


def _notes_params() -> list[Any]:
    return [
        pytest.param(case, name, id=f"{name}: {case['name']}")
        for case in NOTES_CASES
        for name in STYLES
        if name in case
    ]


@pytest.mark.parametrize(("case", "name"), _notes_params())
def test_notes_cases_warm_is_cold(tmp_path: Path, case: dict[str, Any], name: str) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "library.bib").write_text(case["bib"], encoding="utf-8")
    notes = [
        [CiteItem(c) if isinstance(c, str) else CiteItem(**c) for c in note]
        for note in case["notes"]
    ]
    _cold_warm(tmp_path, name, notes, case.get("options"))


@pytest.mark.parametrize("case", REUSE_CASES, ids=[c["name"] for c in REUSE_CASES])
def test_note_reuse_cases_warm_is_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: dict[str, Any]
) -> None:
    """Styles that print the note's number or keep state: right on a rebuild too, and after
    the claims are reordered (the numbers move)."""
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    report = ws / "reports" / "three"
    report.mkdir(parents=True)
    styles = ws / "templates" / "styles"
    styles.mkdir(parents=True)
    (styles / "probe.md.j2").write_text(_style(case), encoding="utf-8")
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(tmp_path / "cache"))

    def build(order: tuple[str, ...]) -> list[str]:
        claims = "".join(CLAIM.format(id=i) for i in ("one", "two", "three"))
        text = REPORT.replace("[one, two, three]", f"[{', '.join(order)}]") + claims
        (report / "report.yaml").write_text(text, encoding="utf-8")
        result = run_draft("build", report, "--style", "probe", "--format", "md")
        assert result.exit_code == 0, result.stderr
        markdown = (ws / "build" / "three.md").read_text(encoding="utf-8")
        return [line for line in markdown.splitlines() if line.startswith("[^")]

    assert build(("one", "two", "three")) == case["notes"]
    assert build(("one", "two", "three")) == case["notes"], case["why"]
    assert build(("one", "three", "two")) == case["notes"], case["why"]


def test_a_note_that_read_its_number_is_kept_with_its_number(tmp_path: Path) -> None:
    """The same arguments in a note of another number: the memo gives that number's rendering
    (kept beside the first), never the other number's."""
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    styles = ws / "templates" / "styles"
    styles.mkdir(parents=True)
    (styles / "probe.md.j2").write_text(
        _style({"note": "{{ c.position }} n{{ c.note }}"}), encoding="utf-8"
    )
    folder = tmp_path / "cache"
    first = Memo("render", "test", folder)
    # Note 3 and, in the next brief, note 4: a subsequent citation of note 1's source at
    # para. 5, after a note citing it elsewhere (so not "ibid").
    at = [CiteItem("saratov-leak-2021", p) for p in ("para. 3", "para. 4", "para. 5")]
    brief = [[at[0]], [at[1], at[0]], [at[2]]]
    assert _texts(_render(ws, "probe", brief, None, first)[0])[2] == "subsequent n3."
    first.save()
    longer = [[at[0]], [at[1], at[0]], [at[1], at[0]], [at[2]]]
    doc = _render(ws, "probe", longer, None, Memo("render", "test", folder))[0]
    assert _texts(doc)[3] == "subsequent n4."
    assert doc == _render(ws, "probe", longer, None, None)[0]


def test_a_changed_position_of_the_quoting_source_misses(sample: Path) -> None:
    """ "X, quoted in Y": the same X, but Y cited before, is another note (Y's short form)."""
    folder = sample / "memo-cache"
    quoted = CiteItem("guardian-savelyev", "para. 8", quoted_in="dailystar-torture-conveyor")
    first = Memo("render", "test", folder)
    before = [[CiteItem("saratov-leak-2021", "para. 1")], [quoted]]
    _render(sample, "chicago-note", before, None, first)
    first.save()
    after = [[CiteItem("dailystar-torture-conveyor", "para. 1")], [quoted]]
    warm = _render(sample, "chicago-note", after, None, Memo("render", "test", folder))[0]
    uncached = _render(sample, "chicago-note", after, None, None)[0]
    assert _texts(warm) == _texts(uncached)
    assert _texts(uncached)[1] != _texts(_render(sample, "chicago-note", before, None, None)[0])[1]


def test_only_views_of_sources_are_keys(tmp_path: Path) -> None:
    """A layout may give `reference` any value; text marked as Markdown prints differently
    from the same text unmarked, so only source views (made from the model) are keys."""
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    styles = ws / "templates" / "styles"
    styles.mkdir(parents=True)
    (styles / "probe.md.j2").write_text(
        "{%- macro note(citations) -%}n{%- endmacro -%}"
        "{%- macro entry(s) -%}{{ s.title if s is mapping else s }}{%- endmacro -%}",
        encoding="utf-8",
    )
    memo = Memo("render", "test", tmp_path / "cache")
    probe = _note_style(ws, "probe", None, memo)
    assert probe.entry("*b*") == "\\*b\\*"  # type: ignore[arg-type]
    assert probe.entry(Md("*b*")) == "*b*"  # type: ignore[arg-type]
    assert probe.entry({"title": "*b*"}) == "\\*b\\*"
    assert probe.entry({"title": Md("*b*")}) == "*b*"


def _texts(doc: Document) -> list[str]:
    from drafting.model import Note
    from drafting.render.walk import inlines
    from drafting.text import plain

    return [plain(n.content) for n in inlines(doc) if isinstance(n, Note)]


# --------------------------------------------------------------------------- the JSON form

INLINES: list[tuple[Inline, ...]] = [
    (),
    (Text("plain"),),
    (Text("a "), Emph((Text("b"), Strong((Text("c"),)))), Text(" d")),
    (Strong((Text("x"),)),),
]


@pytest.mark.parametrize("inlines", INLINES)
def test_inlines_read_back_as_written(inlines: tuple[Inline, ...]) -> None:
    assert memos.decode(json.loads(json.dumps(memos.encode(inlines)))) == inlines


@pytest.mark.parametrize(
    "value",
    [
        None,
        1,
        "text",
        {},
        [1],
        [None],
        [[]],
        [["e"]],
        [["e", "x"]],
        [["e", [], 1]],
        [["s", [2]]],
        [["c", "id", []]],
        [["n", "id"]],
        [["q", []]],
        [[1, []]],
    ],
    ids=repr,
)
def test_a_note_of_the_wrong_shape_is_none(value: Any) -> None:
    """Claims and citations never belong in a note; anything else unknown is no value."""
    assert memos.decode(value) is None


def test_a_paragraph_reads_back_its_claims_with_their_citations(tmp_path: Path) -> None:
    citations = {"a": (CiteItem("k", "para. 1"),)}
    markdown = '# H\n\nSome *text* [claim \\*one\\*]{claim="a"} and **more**.\n\n- item\n'
    meta = Meta("t", "o", None)
    memo = Memo("render", "test", tmp_path)
    cold = parse(markdown, meta, citations, memo)
    memo.save()
    warm = parse(markdown, meta, citations, Memo("render", "test", tmp_path))
    assert cold == warm == parse(markdown, meta, citations)
    other = {"a": (CiteItem("k", "para. 2"),)}
    assert parse(markdown, meta, other, Memo("render", "test", tmp_path)) == parse(
        markdown, meta, other
    )


# Layouts whose Markdown has (or nearly has) link reference definitions: the memoised parse,
# which leaves out the reference rule when "]:" never occurs, gives what the full parse gives.
LAYOUTS = [
    '[x]{claim="a"} text\n\n[y]: /url\n',
    '[x]{claim="a"} text\n\n[x]: /url\n',
    '[x]{claim="a"}\n\n[x\n]: /url\n',
    '[x]{claim="a"}\n\n  [x]:\n  /url\n',
    '> [x]: /url\n\n[x]{claim="a"}\n',
    '- [x]: /url\n- [x]{claim="a"}\n',
    '[x] : /url\n\n[x]{claim="a"}\n',
    '[x]\\: /url\n\n[x]{claim="a"}\n',
    '[x]{claim="a"} \\[y\\]\\: z\n',
    '# [x]{claim="a"}\n\n[x]\n: /url\n',
]


def _outcome(markdown: str, memo: Memo | None) -> Document | str:
    try:
        return parse(markdown, Meta("t", "o", None), {"a": (CiteItem("k"),)}, memo)
    except DraftError as exc:
        return str(exc)


@pytest.mark.parametrize("markdown", LAYOUTS, ids=repr)
def test_link_reference_definitions_parse_as_without_memo(tmp_path: Path, markdown: str) -> None:
    cold = _outcome(markdown, Memo("render", "test", tmp_path))
    assert cold == _outcome(markdown, None)
    assert _outcome(markdown, Memo("render", "test", tmp_path)) == cold
