"""The audit's memo (`drafting/audit/citation_memo.py`): a warm `draft check` takes each
citation's audit from the last run when its inputs are the same, and gives exactly what a
run without any cache gives; a changed input, a changed library (for a quote that looked
there) or a memo file of the wrong shape is a miss; a claim moved down the file reports its
new lines; a run that only hit reads no snapshot but to hash it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, copy_sample, run_draft
from test_quotes import ARCHIVE, CASES, URLS, case_citation
from test_quotes import FIXTURES as QUOTE_FIXTURES

from drafting.audit.checks import run_audit
from drafting.audit.citation_memo import KIND, CitationMemo
from drafting.audit.quote_checks import check_citation
from drafting.audit.results import CitationAudit
from drafting.audit.snapshots import SnapshotCache
from drafting.load.claims import load_report
from drafting.load.sources import load_sources
from drafting.load.workspace import find_workspace
from drafting.memo import Memo
from drafting.model import Location, Source
from drafting.problems import Problem

NEWS = "news-page.html"
CAPTURE = "capture.warc.gz"

# (claim id, source key, quote, locator): one claim per outcome the audit can give
EVERY_OUTCOME = [
    ("memo-exact", "news-page", "We have not found any evidence of mistreatment", "para. 1"),
    ("memo-normalised", "news-page",
     "the official response ignored more than a thousand hours of video", ""),
    ("memo-fuzzy", "news-page", "Lawyers for the former prisoners said the official responce "
     "ignored more than a thousand hours", ""),
    ("memo-not-found", "news-page", "The minister resigned in disgrace after the hearing", ""),
    ("memo-elsewhere", "dailystar-torture-conveyor", "obtained by an ex-prisoner", ""),
    ("memo-chrome", "news-page", "Prison abuse investigations archive and timeline", ""),
    ("memo-elision", "news-page", "the same guards and the same methods over several years. "
     "[…] The prosecutor's office opened a criminal case", ""),
    ("memo-negation", "saratov-leak-2021",
     "I am sure that this will [...] happen again in the future.", "para. 23"),
    ("memo-locator", "news-page", "Rights groups welcomed the case", "paras. 2-3"),
    ("memo-capture", "herald-capture", "its first against staff of the colony", ""),
    ("memo-no-archive", "unarchived", "The ministry said nothing", ""),
    ("memo-changed", "changed-page", "We have not found any evidence of mistreatment", ""),
    ("memo-no-quote", "news-page", "", ""),
]  # fmt: skip
MISSING = "The governor promised a full and public inquiry into the colony"
"""A quote in no snapshot until a source holding it is added to the library."""


def _report_dir(ws: Path) -> Path:
    return ws / "reports" / SAMPLE


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _entry(key: str, file: str, sha: str, url: str = "https://herald.example/news") -> str:
    return (
        f"\n@online{{{key},\n  title = {{The Regional Herald: {key}}},\n  date = {{2021-10-01}},\n"
        f"  publisher = {{The Regional Herald}},\n  url = {{{url}}},\n"
        f"  file = {{archive/{file}}},\n  sha256 = {{{sha}}},\n}}\n"
    )


def _claim(cid: str, key: str, quote: str, locator: str = "") -> str:
    lines = [f"\n  {cid}:", "    text: A claim the memo must get right.", "    status: reported"]
    lines += ["    sources:", f"      - key: {key}"]
    if quote:
        lines.append(f"        quote: {json.dumps(quote, ensure_ascii=False)}")
    if locator:
        lines.append(f"        locator: {locator}")
    return "\n".join(lines) + "\n"


def _sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "ws")


def _every_outcome(tmp_path: Path) -> Path:
    """The sample, plus an HTML page, a web archive, a changed snapshot, a source without
    one, and a claim for each outcome."""
    ws = _sample(tmp_path)
    archive = ws / "sources" / "archive"
    shutil.copy(QUOTE_FIXTURES / NEWS, archive / NEWS)
    shutil.copy(QUOTE_FIXTURES / CAPTURE, archive / CAPTURE)
    changed = archive / "changed-page.html"
    changed.write_bytes((QUOTE_FIXTURES / NEWS).read_bytes().replace(b"</body>", b"<p>x</p>"))
    with (ws / "sources" / "library.bib").open("a", encoding="utf-8") as bib:
        bib.write(_entry("news-page", NEWS, _sha(archive / NEWS)))
        bib.write(_entry("herald-capture", CAPTURE, _sha(archive / CAPTURE), URLS[CAPTURE]))
        bib.write(_entry("changed-page", "changed-page.html", _sha(archive / NEWS)))
        bib.write(
            "\n@online{unarchived,\n  title = {Unarchived},\n  date = {2021},\n"
            "  publisher = {Herald},\n  url = {https://herald.example/gone},\n}\n"
        )
    with (_report_dir(ws) / "report.yaml").open("a", encoding="utf-8") as report:
        for cid, key, quote, locator in EVERY_OUTCOME:
            report.write(_claim(cid, key, quote, locator))
        report.write(_claim("memo-missing", "news-page", MISSING))
    return ws


def _check(ws: Path) -> tuple[int, str]:
    result = run_draft("check", _report_dir(ws), "--format", "json")
    return result.exit_code, result.stdout


def _fresh(ws: Path) -> tuple[int, str]:
    """`draft check --format json` with every memo and cache off: the reference."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRAFT_NO_CACHE", "1")
        return _check(ws)


def _memo_file(ws: Path) -> Path:
    path = Memo(KIND, str(_report_dir(ws).resolve())).path
    assert path is not None
    return path


def _warm(ws: Path) -> tuple[int, str]:
    """A check that fills the memo, then one that must take every remembered citation from
    it: it writes nothing (a run that only hit does not save)."""
    first = _check(ws)
    memo_file = _memo_file(ws)
    os.utime(memo_file, (0, 0))
    second = _check(ws)
    assert memo_file.stat().st_mtime == 0, "the second run missed (it saved the memo)"
    assert second == first
    return second


def _outcomes(output: str) -> dict[str, tuple[str, str | None]]:
    claims = json.loads(output)["claims"]
    return {c["id"]: (c["citations"][0]["outcome"], c["citations"][0]["found_elsewhere"])
            for c in claims if c["citations"]}  # fmt: skip


def _codes(output: str) -> set[str]:
    return {p["code"] for p in json.loads(output)["problems"]}


# ------------------------------------------------------------ (a) a hit is the fresh result


def test_the_sample_from_a_warm_memo_is_what_a_run_without_cache_gives(tmp_path: Path) -> None:
    ws = _sample(tmp_path)
    assert _warm(ws) == _fresh(ws)
    assert len(json.loads(_memo_file(ws).read_text("utf-8"))["entries"]) == 24


def test_every_outcome_from_a_warm_memo_is_what_a_run_without_cache_gives(
    tmp_path: Path,
) -> None:
    ws = _every_outcome(tmp_path)
    warm = _warm(ws)
    assert warm == _fresh(ws)
    outcomes = _outcomes(warm[1])
    assert {outcomes[cid][0] for cid, *_ in EVERY_OUTCOME} == {
        "exact", "normalised", "fuzzy", "not-found", "no-archive", "no-quote",
    }  # fmt: skip
    assert outcomes["memo-elsewhere"] == ("not-found", "source 'saratov-leak-2021'")
    assert outcomes["memo-chrome"] == ("not-found", "the page's navigation")
    assert outcomes["memo-not-found"] == ("not-found", None)
    assert {
        "quote-fuzzy", "quote-not-found", "quote-in-other-source", "quote-in-page-chrome",
        "elision-crosses-paragraph", "elision-changes-meaning", "locator-mismatch",
        "no-archive", "no-quote", "archive-changed",
    } <= _codes(warm[1])  # fmt: skip


# ------------------------------------------------------- (b) a changed input is a miss


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _snapshot_edited(ws: Path, record: bool) -> None:
    page = ws / "sources" / "archive" / NEWS
    old_sha = _sha(page)
    _edit(page, "Rights groups welcomed the case", "Rights groups criticised the case")
    if record:
        _edit(ws / "sources" / "library.bib", f"sha256 = {{{old_sha}}},\n}}\n\n@online{{herald",
              f"sha256 = {{{_sha(page)}}},\n}}\n\n@online{{herald")  # fmt: skip


def _added_source(ws: Path) -> None:
    (ws / "sources" / "archive" / "inquiry.txt").write_text(f"{MISSING}.\n", encoding="utf-8")
    with (ws / "sources" / "library.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            _entry("inquiry", "inquiry.txt", _sha(ws / "sources" / "archive" / "inquiry.txt"))
        )


def _report(ws: Path) -> Path:
    return _report_dir(ws) / "report.yaml"


def _bib(ws: Path) -> Path:
    return ws / "sources" / "library.bib"


EDITS = {
    "snapshot edited, digest not recorded": lambda ws: _snapshot_edited(ws, record=False),
    "snapshot edited, digest recorded": lambda ws: _snapshot_edited(ws, record=True),
    "quote changed": lambda ws: _edit(
        _report(ws), '"Rights groups welcomed the case"', '"Rights groups welcomed the trial"'
    ),
    "locator changed": lambda ws: _edit(_report(ws), "locator: paras. 2-3", "locator: para. 6"),
    "url of a web archive changed": lambda ws: _edit(
        _bib(ws), "url = {https://herald.example/colony}", "url = {https://herald.example/x}"
    ),
    "kind changed": lambda ws: _edit(_bib(ws), "@online{news-page,", "@article{news-page,"),
    "a source holding a missing quote added": _added_source,
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_after_a_hit_a_changed_input_gives_the_fresh_result(tmp_path: Path, edit: str) -> None:
    ws = _every_outcome(tmp_path)
    before = _warm(ws)
    EDITS[edit](ws)
    after = _check(ws)
    assert after == _fresh(ws)
    if edit != "kind changed":  # the kind is not part of what the quote audit judges
        assert _outcomes(after[1]) != _outcomes(before[1]) or _codes(after[1]) != _codes(
            before[1]
        ), "the edit must change the audit, or this test proves nothing"


def test_adding_a_source_redoes_only_the_quotes_that_looked_in_the_library(
    tmp_path: Path,
) -> None:
    ws = _every_outcome(tmp_path)
    _warm(ws)
    _added_source(ws)
    report, sources = _loaded(ws)
    snapshots = SnapshotCache()
    memo = CitationMemo.for_report(report.location.file, sources, snapshots)
    for claim in report.claims.values():
        for ref in claim.sources:
            memo.check(claim, ref, [])
    # the three quotes found in no source's text looked in the library: only they miss
    assert memo.misses == 3, (memo.hits, memo.misses)
    assert memo.hits >= 30


# ------------------------------------------------- (c) a moved claim reports its new lines


def test_a_claim_moved_down_reports_its_new_lines_from_the_memo(tmp_path: Path) -> None:
    ws = _every_outcome(tmp_path)
    before = _warm(ws)
    _edit(_report(ws), "\n  memo-locator:\n", "\n  # moved\n  # down\n\n  memo-locator:\n")
    memo_file = _memo_file(ws)
    os.utime(memo_file, (0, 0))
    after = _check(ws)
    assert memo_file.stat().st_mtime == 0, "moving a claim must not change its memo key"
    assert after == _fresh(ws)
    lines = _problem_lines(after[1], "memo-locator")
    assert lines == {c: n + 3 for c, n in _problem_lines(before[1], "memo-locator").items()}
    assert lines["locator-mismatch"] == _line_of(_report(ws), "locator: paras. 2-3")


def _problem_lines(output: str, claim: str) -> dict[str, int]:
    problems = json.loads(output)["problems"]
    return {p["code"]: p["line"] for p in problems if p.get("claim") == claim}


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines) if needle in line) + 1


# ------------------------------------------------------------ (d) a corrupt memo is a miss


WRONG_SHAPES: list[Any] = [
    None,
    "exact",
    {"outcome": "exact"},
    [],
    ["exact"] * 11,
    ["exact", 100.0, True, "", "", None, [], "", [], [], None],  # a paragraph of true
    ["exact", "100", 1, "", "", None, [], "", [], [], None],  # a score of text
    ["exact", 100.0, 1, "", "", None, [], "", [[0, True]], [], None],
    ["exact", 100.0, 1, "", "", None, [1], "", [], [], None],
    ["exact", 100.0, 1, "", "", None, [], "", [], [["error", "x", "m", "nowhere", "", ""]], None],
    ["exact", 100.0, 1, "", "", None, [], "", [], [["fatal", "x", "m", "quote", "", ""]], None],
    ["exact", 100.0, 1, "", "", None, [], "", [], [["error", "x"]], None],
    ["exact", 100.0, 1, "", "", None, [], "", [], [], "a library that is not this one"],
    ["exact", 100.0, 1, "", "", None, [], "", [], [], 7],
]


def test_a_memo_of_wrong_shapes_is_a_miss_never_a_crash(tmp_path: Path) -> None:
    ws = _every_outcome(tmp_path)
    _warm(ws)
    memo_file = _memo_file(ws)
    stored = json.loads(memo_file.read_text(encoding="utf-8"))
    keys = sorted(stored["entries"])
    assert len(keys) > len(WRONG_SHAPES)
    stored["entries"] = {key: WRONG_SHAPES[k % len(WRONG_SHAPES)] for k, key in enumerate(keys)}
    memo_file.write_text(json.dumps(stored), encoding="utf-8")
    assert _check(ws) == _fresh(ws)
    repaired = json.loads(memo_file.read_text(encoding="utf-8"))["entries"]
    assert all(isinstance(value, list) and len(value) == 11 for value in repaired.values())


# ------------------------------------------------- (e) a run that only hit reads no snapshot


def _loaded(ws: Path) -> tuple[Any, dict[str, Source]]:
    workspace = find_workspace(_report_dir(ws))
    report = load_report(_report_dir(ws), workspace, [])
    sources, _ = load_sources(workspace)
    return report, dict(sources)


@pytest.mark.parametrize("workspace", ["sample", "every outcome"])
def test_a_run_that_only_hits_reads_no_snapshot(tmp_path: Path, workspace: str) -> None:
    ws = _sample(tmp_path) if workspace == "sample" else _every_outcome(tmp_path)
    report, sources = _loaded(ws)
    cold = SnapshotCache()
    first = run_audit(report, sources, cold)
    assert cold.read > 0
    warm = SnapshotCache()
    assert run_audit(report, sources, warm) == first
    assert warm.read == 0, "a hit must not read or extract a snapshot"


def test_a_run_that_only_hits_does_not_look_at_the_extracted_text(tmp_path: Path) -> None:
    """End to end: once remembered, the extraction cache's entries could say anything."""
    ws = _every_outcome(tmp_path)
    cache = tmp_path / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRAFT_CACHE_DIR", str(cache))
        warm = _warm(ws)
        _poison(cache)
        assert _check(ws) == warm
        shutil.rmtree(cache / "memo")  # without the memo, the poison shows: the test can fail
        assert _check(ws) != warm


def _poison(cache: Path) -> None:
    """Every extracted text in the cache replaced by words no quote holds."""
    entries = list((cache / "snapshots").rglob("*.json"))
    assert entries
    for path in entries:
        entry = json.loads(path.read_text(encoding="utf-8"))
        entry["value"].update(
            text="Poisoned.", starts=[0], labels=[None], numbered=False, pages=[], page_labels=[]
        )
        path.write_text(json.dumps(entry), encoding="utf-8")


# ------------------------------------------------- the quote table, twice, from the memo


def _table_library() -> dict[str, Source]:
    files = [f for f in sorted(QUOTE_FIXTURES.iterdir()) if f.suffix != ".py"]
    files += sorted(ARCHIVE.glob("*.txt"))
    return {
        f.name: Source(f.name, "online", Location(f), snapshot=f, url=URLS.get(f.name, ""))
        for f in files
    }


def _table_pass(
    sources: dict[str, Source], memo: CitationMemo | None
) -> Iterator[tuple[CitationAudit, list[Problem]]]:
    snapshots = memo.snapshots if memo is not None else SnapshotCache()
    for case in CASES:
        claim, ref = case_citation(case)
        problems: list[Problem] = []
        if memo is None:
            audit = check_citation(claim, ref, sources, snapshots, problems)
        else:
            audit = memo.check(claim, ref, problems)
        yield audit, problems


def test_the_quote_table_twice_gives_the_same_results_the_second_time_from_the_memo(
    tmp_path: Path,
) -> None:
    sources = _table_library()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRAFT_CACHE_DIR", str(tmp_path / "cache"))
        plain = list(_table_pass(sources, None))
        first = CitationMemo(Memo(KIND, "table", tmp_path), sources, SnapshotCache())
        filled = list(_table_pass(sources, first))
        first.save()
        second = CitationMemo(Memo(KIND, "table", tmp_path), sources, SnapshotCache())
        remembered = list(_table_pass(sources, second))
    assert filled == plain
    assert remembered == plain
    assert (second.hits, second.misses) == (first.misses, 0)
    assert second.hits >= len(CASES) - 5, "all but unreadable snapshots are remembered"
    assert second.snapshots.read <= len(CASES) - second.hits
