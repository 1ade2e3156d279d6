"""Everyday commands: init, new, sources list, and the CI formats of draft check."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.conftest import run_draft


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_makes_a_workspace_that_checks_and_builds_cleanly(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = run_draft("init", ws)
    assert result.exit_code == 0, result.stderr
    assert "created" in result.stdout
    for name in ("sources/library.bib", "sources/archive/example-note.txt",
                 "reports/example/report.yaml"):  # fmt: skip
        assert (ws / name).is_file(), name
    checked = run_draft("check", ws / "reports" / "example", "--strict")
    assert checked.exit_code == 0, checked.stderr
    built = run_draft("build", ws / "reports" / "example")
    assert built.exit_code == 0, built.stderr
    assert (ws / "build" / "example.docx").is_file()


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "sources").mkdir(parents=True)
    (ws / "sources" / "library.bib").write_text("% mine\n", encoding="utf-8")
    result = run_draft("init", ws)
    assert result.exit_code == 1
    assert "error[file-exists]" in result.stderr
    assert (ws / "sources" / "library.bib").read_text(encoding="utf-8") == "% mine\n"
    assert not (ws / "reports").exists()
    assert not (ws / "sources" / "archive").exists()


def test_new_report_uses_the_library_and_respects_umask(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run_draft("init", ws).exit_code == 0
    old = os.umask(0o027)
    try:
        result = run_draft("new", "second", "--workspace", ws)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    report = ws / "reports" / "second" / "report.yaml"
    assert _mode(report) == 0o640
    text = report.read_text(encoding="utf-8")
    assert "key: example-note" in text
    for field in ("subtitle", "style", "claims", "status", "confidential", "quoted_in"):
        assert field in text, field
    assert run_draft("check", report.parent).exit_code == 0
    again = run_draft("new", "second", "--workspace", ws)
    assert again.exit_code == 1 and "file-exists" in again.stderr


def test_new_refuses_a_name_that_is_a_path(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run_draft("init", ws).exit_code == 0
    result = run_draft("new", "../outside", "--workspace", ws)
    assert result.exit_code == 1
    assert "error[bad-report-name]" in result.stderr
    assert not (ws / "outside").exists()


def test_sources_list_shows_snapshots_digests_citations_and_origins(sample: Path) -> None:
    (sample / "sources" / "archive" / "saratov-leak-2021.txt").write_text("edited\n")
    result = run_draft("sources", "list", "--workspace", sample, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    leak, star = rows["saratov-leak-2021"], rows["dailystar-torture-conveyor"]
    assert (leak["snapshot"], leak["digest"]) == ("present", "changed")
    assert (star["snapshot"], star["digest"]) == ("present", "ok")
    assert rows["gulagu-net"]["snapshot"] == "none"
    assert leak["cited_by"] > 0 and rows["gulagu-net"]["cited_by"] == 0
    assert leak["origin"] == "gulagu-net"
    table = run_draft("sources", "list", "--workspace", sample)
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split()[:2] == ["key", "title"]
    assert "changed" in table.stdout


def test_check_github_annotations(sample: Path) -> None:
    report = sample / "reports" / "saratov-otb1" / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("key: saratov-leak-2021", "key: nowhere", 1), encoding="utf-8")
    result = run_draft("check", report.parent, "--format", "github")
    assert result.exit_code == 1
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
    assert lines, result.stdout
    first = lines[0]
    assert first.startswith("::error file=reports/saratov-otb1/report.yaml,line=")
    assert "title=draft unknown-source::" in first


def test_check_sarif(sample: Path) -> None:
    result = run_draft("check", sample / "reports" / "saratov-otb1", "--format", "sarif")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert rules[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in {"error", "warning"}
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/")
