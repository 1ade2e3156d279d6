"""The memo of loaded files: a warm run says and builds exactly what a cold one does, an
edited, moved or renamed file is read again, and what spans files is decided on every run.

Every test runs the command line on real files in a temporary workspace, with a private
cache folder; "cold" is `DRAFT_NO_CACHE=1`, "warm" a run after one that filled the memo.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, SAMPLE, Result, copy_workspace, run_draft
from test_bad_inputs import _cases, prepare

from drafting.load import yamlfile
from drafting.load.claims import MEMO_KIND as REPORT_MEMO
from drafting.load.sources import MEMO_KIND as LIBRARY_MEMO
from drafting.load.sources import load_sources
from drafting.load.workspace import Workspace
from drafting.memo import Memo


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own (and memos on, whatever the environment says)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(folder))
    monkeypatch.delenv("DRAFT_NO_CACHE", raising=False)
    return folder


def _cold(monkeypatch: pytest.MonkeyPatch, run: Callable[[], Any]) -> Any:
    with monkeypatch.context() as patch:
        patch.setenv("DRAFT_NO_CACHE", "1")
        return run()


def _check(report: Path) -> Result:
    return run_draft("check", report, "--format", "json")


def _said(result: Result) -> tuple[int, str, str]:
    return result.exit_code, result.stdout, result.stderr


def _memo_file(cache: Path, kind: str, scope: Path) -> Path:
    path = Memo(kind, str(scope.resolve()), cache).path
    assert path is not None
    return path


def _entries(path: Path) -> dict[str, Any]:
    entries: dict[str, Any] = json.loads(path.read_bytes())["entries"]
    return entries


def _built(report: Path, out: Path) -> dict[str, bytes]:
    result = run_draft("build", report, "--out", out)
    assert result.exit_code == 0, result.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".md", ".docx")}


def _bench(folder: Path) -> Path:
    """A small generated brief with its 40 claims in four claim files; its report folder."""
    size = ["--claims", "40", "--sources", "10", "--seed", "13"]
    generate = [sys.executable, str(REPO / "bench" / "generate.py"), str(folder), *size]
    subprocess.run(generate, check=True, capture_output=True)
    report = folder / "reports" / "bench"
    blocks = re.split(r"^(?=claim-)", (report / "claims-01.yaml").read_text("utf-8"), flags=re.M)
    names = []
    for i in range(4):
        names.append(f"claims-{i + 1:02d}.yaml")
        (report / names[-1]).write_text("".join(blocks[1 + 10 * i : 11 + 10 * i]), "utf-8")
    text = (report / "report.yaml").read_text("utf-8")
    text = text.replace("claims: [claims-01.yaml]", f"claims: [{', '.join(names)}]")
    (report / "report.yaml").write_text(text, "utf-8")
    return report


def _aged(*paths: Path) -> None:
    """Set the files' modification time to 0, to see later whether a run wrote them."""
    for path in paths:
        os.utime(path, (0, 0))


def _untouched(*paths: Path) -> bool:
    return all(path.stat().st_mtime == 0 for path in paths)


# --------------------------------------------------------------------------- warm == cold


def test_a_warm_check_and_build_of_the_sample_are_those_of_a_cold_one(
    sample: Path, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample / "reports" / SAMPLE
    cold = _cold(monkeypatch, lambda: _said(_check(report)))
    cold_built = _cold(monkeypatch, lambda: _built(report, tmp_path / "cold"))
    assert _said(_check(report)) == cold  # fills the memo
    memos = (
        _memo_file(cache, REPORT_MEMO, report),
        _memo_file(cache, LIBRARY_MEMO, sample),
    )
    _aged(*memos)

    assert _said(_check(report)) == cold
    assert _built(report, tmp_path / "warm") == cold_built
    assert _untouched(*memos), "a warm run finds every file in the memo and writes nothing"


def test_a_warm_run_of_a_brief_in_claim_files_is_that_of_a_cold_one(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _bench(tmp_path / "ws")
    cold = _cold(monkeypatch, lambda: _said(_check(report)))
    cold_built = _cold(monkeypatch, lambda: _built(report, tmp_path / "cold"))
    _check(report)
    memo = _memo_file(cache, REPORT_MEMO, report)
    assert len(_entries(memo)) == 5  # report.yaml and four claim files
    _aged(memo)

    assert _said(_check(report)) == cold
    assert _built(report, tmp_path / "warm") == cold_built
    assert _untouched(memo)


def test_report_yaml_named_as_its_own_claim_file_is_read_both_ways_from_the_memo(
    example: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes at the same path, read as a report and as a claim file: two entries."""
    report = example / "reports" / "example"
    (report / "report.yaml").write_text(
        "title: Itself\norganisation: Us\nsections:\n  - heading: One\n"
        "    paragraphs: [[leaked-footage]]\nclaims: [report.yaml]\n",
        "utf-8",
    )
    cold = _cold(monkeypatch, lambda: _said(_check(report)))
    assert "a claim needs fields" in cold[1], cold
    assert _said(_check(report)) == cold
    memo = _memo_file(cache, REPORT_MEMO, report)
    assert len(_entries(memo)) == 2
    _aged(memo)

    assert _said(_check(report)) == cold
    assert _untouched(memo)


@pytest.mark.parametrize("case", _cases())
def test_every_bad_input_says_the_same_with_a_warm_memo(
    case: Path, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _spec, _ws, command = prepare(case, tmp_path, monkeypatch)

    def run() -> tuple[int, str, str]:
        return _said(command())

    cold = _cold(monkeypatch, run)
    assert cold[0] == 1, cold
    assert run() == cold  # fills the memo
    assert run() == cold  # reads it


def test_bibtex_and_csl_json_libraries_load_the_same_from_the_memo(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    for name in ("library.bib", "library.json"):  # the Zotero exports: ten items each
        shutil.copy(FIXTURES / "zotero" / name, ws / "sources" / f"zotero-{name}")
    (ws / "sources" / "broken.json").write_text('[{"id": "x"}, {"title": 3}]', encoding="utf-8")
    workspace = Workspace(ws)
    cold = _cold(monkeypatch, lambda: load_sources(workspace))
    assert len(cold[0]) == 12 and cold[1], "one entry per key, and the duplicates reported"
    assert load_sources(workspace) == cold
    memo = _memo_file(cache, LIBRARY_MEMO, ws)
    assert len(_entries(memo)) == 4
    _aged(memo)

    assert load_sources(workspace) == cold
    assert _untouched(memo)


# --------------------------------------------------------------------------- changed files


def test_an_edited_claim_file_is_read_again_and_only_it(tmp_path: Path, cache: Path) -> None:
    report = _bench(tmp_path / "ws")
    _check(report)
    memo = _memo_file(cache, REPORT_MEMO, report)
    before = set(_entries(memo))
    edited = report / "claims-02.yaml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("text: ", "text: Newly, ", 1), encoding="utf-8")

    built = _built(report, tmp_path / "out")

    assert "Newly, " in built["bench.md"].decode("utf-8")
    after = set(_entries(memo))
    assert len(after - before) == 1, "one file parsed again"
    assert len(before & after) == 4, "report.yaml and three claim files read from the memo"


def test_a_claim_moved_down_is_reported_at_its_new_line(example: Path, cache: Path) -> None:
    report = example / "reports" / "example"
    claims = report / "claims.yaml"
    _split_claims(report, {"officers-fired": "colour: red"})
    first = _problem(_check(report), "unknown-field")
    assert first["file"].endswith("claims.yaml"), first

    claims.write_text("# moved down by this line\n" + claims.read_text("utf-8"), "utf-8")
    second = _problem(_check(report), "unknown-field")

    assert second["line"] == first["line"] + 1


def test_a_renamed_claim_file_is_shown_with_its_new_name(example: Path, cache: Path) -> None:
    report = example / "reports" / "example"
    _split_claims(report, {"officers-fired": "colour: red"})
    assert _problem(_check(report), "unknown-field")["file"].endswith("/claims.yaml")

    (report / "claims.yaml").rename(report / "renamed.yaml")
    yaml_file = report / "report.yaml"
    yaml_file.write_text(yaml_file.read_text("utf-8").replace("claims.yaml", "renamed.yaml"))
    found = _problem(_check(report), "unknown-field")

    assert found["file"].endswith("/renamed.yaml"), found


def test_a_moved_workspace_is_shown_at_its_new_place(
    example: Path, cache: Path, tmp_path: Path
) -> None:
    _split_claims(example / "reports" / "example", {"officers-fired": "colour: red"})
    assert f"{example}/reports/example/claims.yaml:" in _error_line(example, "unknown-field")
    moved = example.rename(tmp_path / "moved")

    line = _error_line(moved, "unknown-field")

    assert f"{moved}/reports/example/claims.yaml:" in line, line


def _error_line(ws: Path, code: str) -> str:
    """The line of `draft check`'s text output that reports `code` (paths as shown)."""
    result = run_draft("check", ws / "reports" / "example")
    found = [line for line in result.stderr.splitlines() if f"error[{code}]" in line]
    assert found, result.stderr
    return found[0]


def test_a_claim_id_repeated_in_another_file_is_found_on_a_warm_run(
    example: Path, cache: Path
) -> None:
    report = example / "reports" / "example"
    _split_claims(report, {})
    assert _check(report).exit_code == 0
    text = (report / "claims.yaml").read_text("utf-8")
    (report / "more.yaml").write_text(text, "utf-8")  # the same claims again
    yaml_file = report / "report.yaml"
    yaml_file.write_text(
        yaml_file.read_text("utf-8").replace("[claims.yaml]", "[claims.yaml, more.yaml]")
    )

    result = _check(report)

    assert result.exit_code == 1
    assert _problem(result, "duplicate-claim")["file"].endswith("/more.yaml")


def test_a_snapshot_made_a_link_out_of_the_workspace_is_refused_on_a_warm_run(
    example: Path, cache: Path, tmp_path: Path
) -> None:
    report = example / "reports" / "example"
    assert _check(report).exit_code == 0
    snapshot = example / "sources" / "archive" / "saratov-leak-2021.txt"
    outside = tmp_path / "outside.txt"
    shutil.move(snapshot, outside)
    snapshot.symlink_to(outside)  # the library's bytes are unchanged

    result = _check(report)

    assert result.exit_code == 1
    assert _problem(result, "path-outside-workspace")["file"].endswith("library.bib")


def test_an_edited_library_entry_is_read_again(example: Path, cache: Path, tmp_path: Path) -> None:
    report = example / "reports" / "example"
    _built(report, tmp_path / "first")
    bib = example / "sources" / "library.bib"
    text = bib.read_text("utf-8")
    assert "title = {" in text
    bib.write_text(text.replace("title = {", "title = {Renamed: ", 1), "utf-8")

    built = _built(report, tmp_path / "second")

    assert "Renamed: " in built["example.md"].decode("utf-8")


# --------------------------------------------------------------------------- limits, damage


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6)
)


def test_a_claim_file_that_becomes_a_yaml_bomb_fails_on_every_run(
    example: Path, cache: Path
) -> None:
    report = example / "reports" / "example"
    _split_claims(report, {})
    assert _check(report).exit_code == 0
    (report / "claims.yaml").write_text(BOMB, "utf-8")

    for _ in range(2):  # the run that measures the file, then the one that finds it in the memo
        result = _check(report)
        assert result.exit_code == 1
        assert _problem(result, "yaml-limit")["file"].endswith("/claims.yaml")


def test_a_lower_limit_applies_to_a_file_already_in_the_memo(
    example: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = example / "reports" / "example"
    assert _check(report).exit_code == 0
    monkeypatch.setattr(yamlfile, "MAX_NODES", 10)

    result = _check(report)

    assert result.exit_code == 1
    assert _problem(result, "yaml-limit")["file"].endswith("/report.yaml")


def _damaged(record: Any, how: str, *, library: bool) -> Any:
    """A stored value changed so that `encode` cannot have written it."""
    if how == "not-a-record":
        return {"claims": record}
    if how == "a-field-short":  # a library's value is a list of records: shorten the first
        return [record[0][:-1], *record[1:]] if library else record[:-1]
    if how == "text-made-a-number":
        return _replace(record, lambda v: isinstance(v, str), lambda v: 7)
    if how == "locations-without-column":
        return _replace(record, _is_location, lambda v: v[:1], every=True)
    raise AssertionError(how)


def _is_location(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and type(value[0]) is int


def _replace(
    value: Any, match: Callable[[Any], bool], change: Callable[[Any], Any], *, every: bool = False
) -> Any:
    """`value` with the first item (depth first) that matches changed, or `every` one."""
    done = False

    def walk(item: Any) -> Any:
        nonlocal done
        if (every or not done) and match(item):
            done = True
            return change(item)
        if isinstance(item, list):
            return [walk(v) for v in item]
        return item

    changed = walk(value)
    assert done, "nothing to change"
    return changed


@pytest.mark.parametrize(
    "how", ["not-a-record", "a-field-short", "text-made-a-number", "locations-without-column"]
)
def test_a_damaged_memo_entry_is_a_miss(
    sample: Path, cache: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample / "reports" / SAMPLE
    cold = _cold(monkeypatch, lambda: _said(_check(report)))
    _check(report)
    for path, library in (
        (_memo_file(cache, REPORT_MEMO, report), False),
        (_memo_file(cache, LIBRARY_MEMO, sample), True),
    ):
        stored = json.loads(path.read_bytes())
        for value in stored["entries"].values():
            value[1] = _damaged(value[1], how, library=library)
        path.write_text(json.dumps(stored), "utf-8")

    assert _said(_check(report)) == cold


# --------------------------------------------------------------------------- helpers


def _split_claims(report: Path, extra: dict[str, str]) -> None:
    """Move the example's claims from report.yaml into claims.yaml, adding `extra` lines
    to the claims named."""
    path = report / "report.yaml"
    head, claims = path.read_text("utf-8").split("claims:\n", 1)
    for claim, lines in extra.items():
        claims = claims.replace(f"  {claim}:\n", f"  {claim}:\n    {lines}\n", 1)
    (report / "claims.yaml").write_text(claims, "utf-8")
    path.write_text(head + "claims: [claims.yaml]\n", "utf-8")


def _problem(result: Result, code: str) -> dict[str, Any]:
    """The first problem of `code` in `draft check --format json`'s output, with its place."""
    found = [p for p in _problems(json.loads(result.stdout)) if p.get("code") == code]
    assert found, result.stdout[-2000:]
    return found[0]


def _problems(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        here = [value] if "code" in value and "file" in value else []
        return here + [p for v in value.values() for p in _problems(v)]
    if isinstance(value, list):
        return [p for v in value for p in _problems(v)]
    return []
