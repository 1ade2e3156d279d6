"""`draft sources add FILE`: a library entry from what a saved page states, then archived."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest
from conftest import run_draft

CITATION_PAGE = """<!DOCTYPE html>
<!-- saved from url=(0040)https://news.example.org/2021/torture-x -->
<html><head><title>Site chrome title | Example News</title>
<meta name="citation_title" content="Torture &amp; abuse in the   prison hospital">
<meta name="citation_author" content="Petrova, Anna">
<meta name="citation_author" content="Ivan Sokolov">
<meta name="citation_publication_date" content="2021/11/12">
<meta name="citation_journal_title" content="Example News">
<meta name="citation_public_url" content="https://news.example.org/2021/torture-abuse">
</head><body><p>Eighteen officers were dismissed.</p></body></html>
"""

OPEN_GRAPH_PAGE = """<html><head>
<meta property="og:title" content="Inside the 100% guide_to {prisons}">
<meta property="og:site_name" content="The Example Post">
<meta property="og:type" content="article">
<meta property="og:url" content="https://post.example.com/inside-prisons">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "NewsArticle", "headline": "Inside", "datePublished": "2021-11-20T08:00:00Z",
  "author": [{"@type": "Person", "name": "Jane Doe"}],
  "publisher": {"@type": "Organization", "name": "Example Post Ltd"}}]}</script>
</head><body><p>Text.</p></body></html>
"""


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    assert run_draft("init", ws).exit_code == 0
    return ws


def _entry(ws: Path, key: str) -> str:
    text = (ws / "sources" / "library.bib").read_text(encoding="utf-8")
    start = text.index(f"{{{key},")
    return text[text.rindex("@", 0, start) : text.index("\n}", start) + 2]


def test_add_from_citation_meta_tags_then_archive(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    page = tmp_path / "saved.html"
    page.write_text(CITATION_PAGE, encoding="utf-8")
    library = ws / "sources" / "library.bib"
    library.chmod(0o664)  # an edited library keeps its mode; a new snapshot follows the umask
    old = os.umask(0o027)
    try:
        result = run_draft("sources", "add", page, "--workspace", ws)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert "added 'petrova-2021-torture'" in result.stdout
    assert stat.S_IMODE(library.stat().st_mode) == 0o664
    snapshot = ws / "sources" / "archive" / "petrova-2021-torture.html"
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o640
    entry = _entry(ws, "petrova-2021-torture")
    assert entry.startswith("@article{petrova-2021-torture,\n")
    for line in (
        r"title = {Torture \& abuse in the prison hospital},",
        "author = {Petrova, Anna and Ivan Sokolov},",
        "journaltitle = {Example News},",
        "date = {2021-11-12},",
        "url = {https://news.example.org/2021/torture-abuse},",
        "file = {archive/petrova-2021-torture.html},",
    ):
        assert f"  {line}\n" in entry, (line, entry)
    assert (
        ws / "sources" / "archive" / "petrova-2021-torture.html"
    ).read_bytes() == page.read_bytes()
    listed = json.loads(run_draft("sources", "list", "--workspace", ws, "-f", "json").stdout)
    row = next(r for r in listed if r["key"] == "petrova-2021-torture")
    assert (row["title"], row["outlet"], row["date"], row["digest"]) == (
        "Torture & abuse in the prison hospital",
        "Example News",
        "2021-11-12",
        "matches",
    )
    again = run_draft("sources", "add", page, "--workspace", ws)
    assert again.exit_code == 1 and "error[key-exists]" in again.stderr


def test_add_from_open_graph_and_json_ld_with_a_given_key(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    page = tmp_path / "post.htm"
    page.write_text(OPEN_GRAPH_PAGE, encoding="utf-8")
    result = run_draft("sources", "add", page, "--key", "post-2021", "--workspace", ws)
    assert result.exit_code == 0, result.stderr
    entry = _entry(ws, "post-2021")
    assert r"title = {Inside the 100\% guide\_to \{prisons\}}," in entry
    assert "author = {Jane Doe}," in entry and "date = {2021-11-20}," in entry
    assert "journaltitle = {The Example Post}," in entry
    assert "url = {https://post.example.com/inside-prisons}," in entry
    assert run_draft("sources", "list", "--workspace", ws).exit_code == 0


def test_nothing_is_invented_and_nothing_is_written_without_a_title(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    library = (ws / "sources" / "library.bib").read_bytes()
    page = tmp_path / "bare.html"
    page.write_text("<html><body><p>No metadata at all.</p></body></html>", encoding="utf-8")
    result = run_draft("sources", "add", page, "--workspace", ws)
    assert result.exit_code == 1
    assert "error[no-metadata]" in result.stderr and "by hand" in result.stderr
    assert (ws / "sources" / "library.bib").read_bytes() == library
    assert sorted(p.name for p in (ws / "sources" / "archive").iterdir()) == ["example-note.txt"]
    titled = tmp_path / "titled.html"
    titled.write_text("<html><head><title>Only a title</title></head></html>", encoding="utf-8")
    assert run_draft("sources", "add", titled, "--key", "t", "--workspace", ws).exit_code == 0
    entry = _entry(ws, "t")
    assert entry.startswith("@misc{t,\n  title = {Only a title},\n  file = ")  # no url, date...


def test_add_a_warc_capture_and_a_pdf(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    ws = _workspace(tmp_path)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                               protocol="HTTP/1.1")  # fmt: skip
    body = CITATION_PAGE.replace('<meta name="citation_public_url"', '<meta name="x"')
    payload = body.encode()
    record = writer.create_warc_record(  # a length given: warcio needs no temporary file
        "https://news.example.org/captured",
        "response",
        payload=io.BytesIO(payload),
        length=len(payload),
        http_headers=headers,
    )
    writer.write_record(record)
    warc = tmp_path / "capture.warc.gz"
    warc.write_bytes(buffer.getvalue())
    result = run_draft("sources", "add", warc, "--key", "cap", "--workspace", ws)
    assert result.exit_code == 0, result.stderr
    assert "url = {https://news.example.org/captured}," in _entry(ws, "cap")
    assert "file = {archive/cap.warc.gz}," in _entry(ws, "cap")  # the whole extension
    assert (ws / "sources" / "archive" / "cap.warc.gz").is_file()
    check = run_draft("sources", "list", "--workspace", ws)
    assert check.exit_code == 0, check.stderr

    pypdf = pytest.importorskip("pypdf")
    pdf_writer = pypdf.PdfWriter()
    pdf_writer.add_blank_page(200, 200)
    pdf_writer.add_metadata({"/Title": "Annual report 2020", "/Author": "Example Monitor",
                             "/CreationDate": "D:20200315120000Z"})  # fmt: skip
    pdf = tmp_path / "report.pdf"
    with pdf.open("wb") as out:
        pdf_writer.write(out)
    result = run_draft("sources", "add", pdf, "--workspace", ws)
    assert result.exit_code == 0, result.stderr
    entry = _entry(ws, "monitor-2020-annual")
    assert "title = {Annual report 2020}," in entry and "date = {2020-03-15}," in entry


def test_a_file_that_is_no_page_is_refused(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK\x03\x04 not a page")
    result = run_draft("sources", "add", other, "--workspace", ws)
    assert result.exit_code == 1 and "error[unknown-page-type]" in result.stderr
