"""Everyday commands: init, new, sources list, and the CI formats of draft check."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, run_draft


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
    assert (star["snapshot"], star["digest"]) == ("present", "matches")
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


def test_build_ends_with_a_summary_quiet_and_verbose(sample: Path) -> None:
    report = sample / "reports" / "saratov-otb1"
    result = run_draft("build", report)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [ln.split("/")[-1] for ln in lines[:2]] == ["saratov-otb1.md", "saratov-otb1.docx"]
    summary = lines[-1]
    assert summary.startswith("21 claim(s), 21 footnote(s), 3 source(s) cited; problems: ")
    warnings = result.stderr.count("warning[")
    assert summary.endswith(f"0 error(s), {warnings} warning(s), 0 accepted")
    assert "draft: checking" in result.stderr  # progress: plain lines when not a terminal
    quiet = run_draft("build", report, "--quiet", "--force")
    assert quiet.exit_code == 0
    assert quiet.stdout == ""
    assert quiet.stderr.count("warning[") == warnings and "draft: " not in quiet.stderr
    verbose = run_draft("build", report, "--verbose")
    assert re.search(r"^timings: check [\d.]+ s, compose [\d.]+ s, .*write [\d.]+ s$",
                     verbose.stdout, re.M), verbose.stdout  # fmt: skip


def test_build_pdf_has_footnotes_at_the_foot_and_page_numbers(sample: Path) -> None:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        assert os.environ.get("CI") != "true", "LibreOffice and pdftotext are required under CI"
        pytest.skip("LibreOffice or pdftotext is not installed")
    old = os.umask(0o022)
    try:
        result = run_draft("build", sample / "reports" / "saratov-otb1", "--format", "pdf")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    pdf = sample / "build" / "saratov-otb1.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert _mode(pdf) == 0o644  # as the umask gives
    assert not (sample / "build" / "saratov-otb1.docx").exists()  # only what was asked for
    pages = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")  # fmt: skip
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        body = [ln.strip() for ln in page.splitlines() if ln.strip()]
        assert body[-1] == str(number), body[-3:]  # the footer's page number, last on the page
    # footnotes sit at the foot of the page that calls them, above the page number
    first = [ln.strip() for ln in pages[0].splitlines() if ln.strip()][:-1]
    marks = [i for i, ln in enumerate(first) if ln == "1"]
    assert marks and "para." in " ".join(first[marks[-1] + 1 :]), first  # number, then its text
    assert marks[-1] > len(first) // 2, first


def test_build_pdf_without_libreoffice_says_how_to_install(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("DRAFT_SOFFICE", raising=False)
    result = run_draft("build", sample / "reports" / "saratov-otb1", "-f", "pdf", "-f", "md")
    assert result.exit_code == 1
    assert "error[no-pdf-converter]" in result.stderr and "apt-get install" in result.stderr
    assert not (sample / "build").exists()  # nothing written, the .md neither


def test_watch_rebuilds_when_a_claim_is_added_and_survives_a_broken_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run_draft("init", ws).exit_code == 0
    report = ws / "reports" / "example" / "report.yaml"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    command = [sys.executable, str(REPO / "draft.py"), "build", str(report.parent), "--watch"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=env)  # fmt: skip
    output = process.stdout
    assert output is not None
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in output:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()

    def wait_for(text: str) -> str:
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in {seen}")

    try:
        assert "1 claim(s), 1 footnote(s)" in wait_for("rebuilt")
        wait_for("watching")
        time.sleep(2)  # the operating system's watch is set up just after the line is printed
        original = report.read_text(encoding="utf-8")
        report.write_text(original.replace("sections:", "sections: [\n"), encoding="utf-8")
        wait_for("error[yaml-syntax]")
        wait_for("the build failed")
        time.sleep(0.5)
        added = original.replace(
            "      - [complaints]", "      - [complaints]\n      - [second]"
        ) + (
            "  second:\n    text: >-\n      The centre held complaints.\n"
            "    status: reported\n    sources:\n      - key: example-note\n"
            "        quote: conditions in the example\n        locator: para. 3\n"
        )
        report.write_text(added, encoding="utf-8")
        line = wait_for("rebuilt")
        assert "2 footnote(s) (was 1); added second" in line
    except BaseException:
        process.kill()  # the failure above is what the report shows, not the cleanup
        process.wait()
        raise
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("draft build --watch did not stop on Ctrl-C") from None
    finally:
        output.close()
    assert (ws / "build" / "example.md").read_text(encoding="utf-8").count("[^") >= 4


URL = "https://example.org/notes/example-detention-centre"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def test_docx_has_a_page_number_footer_and_urls_in_notes_are_hyperlinks(tmp_path: Path) -> None:
    import zipfile

    ws = tmp_path / "ws"
    assert run_draft("init", ws).exit_code == 0
    report = ws / "reports" / "example"
    assert run_draft("build", report).exit_code == 0
    docx = ws / "build" / "example.docx"
    first = docx.read_bytes()
    with zipfile.ZipFile(docx) as package:
        footer = package.read("word/footer1.xml").decode()
        notes = package.read("word/footnotes.xml").decode()
        rels = package.read("word/_rels/footnotes.xml.rels").decode()
        styles = package.read("word/styles.xml").decode()
    assert '<w:instrText xml:space="preserve"> PAGE </w:instrText>' in footer
    assert '<w:pStyle w:val="Footer"/>' in footer  # the reference document's Footer style
    link = re.search(r'<w:hyperlink r:id="(rId\d+)"[^>]*>(.*?)</w:hyperlink>', notes)
    assert link, notes
    assert '<w:rStyle w:val="Hyperlink"/>' in link.group(2)
    # the hyphens of the URL are non-breaking: the line never breaks inside it
    shown = re.sub(r"</?w:t>|</?w:r>|<w:rPr>.*?</w:rPr>", "", link.group(2))
    assert shown.replace("<w:noBreakHyphen/>", "-") == URL
    relationship = f'Id="{link.group(1)}" Type="{RELS}/hyperlink" Target="{URL}" TargetMode='
    assert relationship + '"External"' in rels
    assert 'w:styleId="Hyperlink"' in styles
    # the build stays byte-reproducible, and `draft verify` reads the notes back unchanged
    assert run_draft("build", report).exit_code == 0
    assert docx.read_bytes() == first
    verified = run_draft("verify", docx, report)
    assert verified.exit_code == 0, verified.stdout


def test_init_files_and_folders_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert run_draft("init", tmp_path / "ws").exit_code == 0
    finally:
        os.umask(old)
    created = [p for p in (tmp_path / "ws").rglob("*")]
    assert len(created) >= 6
    for path in created:
        assert _mode(path) == (0o750 if path.is_dir() else 0o640), path
