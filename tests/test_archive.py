"""`draft sources archive`, and snapshots in HTML and PDF."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, run_draft

from drafting.audit.snapshots import read_snapshot
from drafting.library.archive import archived_name

HTML = """<!doctype html><html><head><title>Not text</title><style>p {color: red}</style>
<script>var quote = "hidden";</script></head><body>
<h1>Prison &amp; torture</h1>
<p>First paragraph,
   on two lines.</p>
<div>Second: the guards&rsquo; &ldquo;conveyor&rdquo;<br>belt.</div>
<ul><li>Third</li></ul>
</body></html>
"""


def _archive(ws: Path, *args: str | Path) -> tuple[int, str]:
    cwd = Path.cwd()
    os.chdir(ws)  # the command finds the workspace from the current folder, as a user runs it
    try:
        result = run_draft("sources", "archive", *args)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout + result.stderr


def test_archive_changes_only_the_entrys_file_and_digest(sample: Path, tmp_path: Path) -> None:
    bib = sample / "sources" / "library.bib"
    before = bib.read_text(encoding="utf-8")
    new = tmp_path / "page.html"
    new.write_text(HTML, encoding="utf-8")
    code, output = _archive(sample, "gulagu-net", new)
    assert code == 0, output
    digest = hashlib.sha256(HTML.encode()).hexdigest()
    expected = before.replace(
        "  note = {Not archived; known only through the reports that quote it},\n}",
        "  note = {Not archived; known only through the reports that quote it},\n"
        f"  file = {{archive/gulagu-net.html}},\n  sha256 = {{{digest}}},\n}}",
    )
    assert bib.read_text(encoding="utf-8") == expected
    assert (sample / "sources" / "archive" / "gulagu-net.html").read_text() == HTML


def test_archive_replaces_existing_fields_in_place(sample: Path, tmp_path: Path) -> None:
    bib = sample / "sources" / "library.bib"
    before = bib.read_text(encoding="utf-8")
    snapshot = sample / "sources" / "archive" / "saratov-leak-2021.txt"
    edited = tmp_path / "saratov.txt"
    edited.write_bytes(snapshot.read_bytes() + b"\nA correction.\n")
    old = "1d106d04c547a74b5f2b3dfad5eb8371fdaf06e7ef7880036e14ec2d8f77e312"
    assert _archive(sample, "saratov-leak-2021", edited)[0] == 1, "archives are not overwritten"
    code, output = _archive(sample, "saratov-leak-2021", edited, "--replace")
    assert code == 0, output
    new = hashlib.sha256(edited.read_bytes()).hexdigest()
    assert bib.read_text(encoding="utf-8") == before.replace(old, new)
    result = run_draft("check", sample / "reports" / SAMPLE)
    assert result.exit_code == 0, result.stderr


def test_archive_refuses_unknown_key_and_missing_file(sample: Path, tmp_path: Path) -> None:
    bib = sample / "sources" / "library.bib"
    before = bib.read_bytes()
    page = tmp_path / "page.txt"
    page.write_text("text\n")
    code, output = _archive(sample, "gulagu-nett", page)
    assert code == 1
    assert "error[unknown-source]" in output and "did you mean 'gulagu-net'" in output
    code, output = _archive(sample, "gulagu-net", tmp_path / "nowhere.txt")
    assert code == 1
    assert "error[missing-file]" in output
    assert bib.read_bytes() == before
    assert not (sample / "sources" / "archive" / "gulagu-net.txt").exists()


def test_quotes_are_checked_in_html_snapshots(sample: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    assert _archive(sample, "gulagu-net", page)[0] == 0
    report = sample / "reports" / SAMPLE / "report.yaml"
    text = report.read_text(encoding="utf-8")
    text = text.replace(
        "- key: saratov-leak-2021\n        quote: at least eight men\n        locator: para. 12",
        '- key: gulagu-net\n        quote: the guards\' "conveyor" belt\n        locator: para. 2',
    )
    report.write_text(text, encoding="utf-8")
    result = run_draft("check", sample / "reports" / SAMPLE, "--format", "json")
    assert '"outcome": "normalised"' in result.stdout
    assert '"passage": "the guards’ “conveyor” belt"' in result.stdout
    assert "locator-mismatch" not in result.stdout


def test_html_paragraphs(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    snapshot = read_snapshot(page)
    assert snapshot.text.split("\n\n") == [
        "Prison & torture",
        "First paragraph, on two lines.",
        "Second: the guards’ “conveyor” belt.",
    ]  # the main-content extractor leaves out the trailing list: recorded, not lost
    assert [(d.where, d.text) for d in snapshot.discarded][-1] == (
        "the page outside the article",
        "Third",
    )


def _pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with one text line per entry (written by hand: no PDF writer
    is a dependency)."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({t}) ' " for t in lines) + "ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_pdf_snapshot_text_is_read(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf(["The guards beat the prisoners.", "Nobody was punished."]))
    snapshot = read_snapshot(path)
    assert "The guards beat the prisoners." in snapshot.text
    assert snapshot.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_pdf_without_the_extra_is_skipped_with_a_warning(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pypdf", None)  # as if the pdf extra were not installed
    path = tmp_path / "statement.pdf"
    path.write_bytes(_pdf(["at least eight men"]))
    assert _archive(sample, "gulagu-net", path)[0] == 0
    report = sample / "reports" / SAMPLE / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(
        text.replace(
            "      - key: saratov-leak-2021\n        quote: at least eight men",
            "      - key: gulagu-net\n        quote: at least eight men",
        ),
        encoding="utf-8",
    )
    result = run_draft("check", sample / "reports" / SAMPLE)
    assert result.exit_code == 0, result.stderr
    assert "warning[unreadable-snapshot] claim 'figures-differ', source 'gulagu-net'" in (
        result.stderr
    )
    assert "pip install 'draft[pdf]'" in result.stderr


@pytest.mark.parametrize(
    ("name", "archived"),
    [
        ("capture.warc.gz", "KEY.warc.gz"),
        ("Capture.WARC.GZ", "KEY.warc.gz"),
        ("capture.warc", "KEY.warc"),
        ("page.html", "KEY.html"),
        ("notes.gz", "KEY.gz"),
        (".warc.gz", "KEY.gz"),  # a hidden file named only by its extension keeps its last part
        ("report", "KEY"),
    ],
)
def test_an_archived_copy_keeps_the_whole_extension(name: str, archived: str) -> None:
    assert archived_name("KEY", Path(name)) == archived
