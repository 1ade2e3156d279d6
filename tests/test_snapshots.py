"""What text a snapshot is: the reader's text of each format, what is discarded and where,
printed paragraph numbers, PDF pages and labels, web archives, limits, and the disk cache.

Every test reads real files written to a temporary folder; test PDFs, WARCs and WACZs are
built here (a PDF by hand, archives with warcio's writer), so the fixtures are readable.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafting.audit import snapshots
from drafting.audit.cache import DiskCache, default_folder
from drafting.audit.extract.html import MAX_ELEMENTS
from drafting.audit.snapshots import (
    MAX_SNAPSHOT_BYTES,
    Snapshot,
    UnreadableSnapshotError,
    not_a_file,
    read_snapshot,
)
from drafting.files import digest

FIXTURES = Path(__file__).parent / "fixtures" / "snapshots"


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own cache folder, never the user's."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFT_CACHE_DIR", str(folder))
    return folder


def _copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copy(FIXTURES / name, tmp_path / name))


def _paragraph(snapshot: Snapshot, number: int) -> str:
    span = snapshot.paragraph_span(number)
    assert span is not None
    return snapshot.text[span[0] : span[1]].strip()


# --- HTML -------------------------------------------------------------------------------


def test_a_news_page_is_its_article(tmp_path: Path) -> None:
    snapshot = read_snapshot(_copy("news-page.html", tmp_path))
    body = [
        "An independent inquiry has concluded",
        "The inquiry's ﬁnal report",  # the ligature is the page's own character: kept
        "Former prisoners told the inquiry",
        "Human rights groups said the ﬁndings",
        "The inquiry recommended",
    ]
    assert len(snapshot.starts) == len(body)
    for number, start in enumerate(body, 1):
        paragraph = _paragraph(snapshot, number)
        # The headline is in the text but is not a paragraph: it belongs to paragraph 1.
        assert start in paragraph.split("\n\n")[-1][: len(start)], (number, paragraph)
    assert snapshot.text.startswith("Inquiry finds prisoners were beaten in regional colony")
    assert snapshot.paragraph_at(0) == 1
    assert not snapshot.numbered
    assert snapshot.pages == () and snapshot.page_at(0) is None


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("a cookie or subscription banner", "We use cookies to improve your experience"),
        ("a cookie or subscription banner", "Subscribe to our newsletter"),
        ("the page's header", "Independent reporting since 1901"),
        ("the page's navigation", "World news and analysis from our correspondents"),
        ("the page's footer", "All rights reserved"),
        ("a hidden element", "this paragraph was withdrawn before publication"),  # <p hidden>
        ("a hidden element", "Screen readers skip this decorative aside"),  # aria-hidden
        ("a hidden element", "hides from every reader with display none"),
        ("a hidden element", "An invisible line kept in the layout"),  # visibility:hidden
        ("a hidden element", "Template text that a script might insert"),
        ("a script or structured data", "text found only in a script"),
        ("a script or structured data", "says the inquiry cleared the guards"),  # JSON-LD
        ("image alt text", "Guards standing at the gate of the colony"),
        ("a sidebar", "how the colony system grew out of the camps"),
        ("the page outside the article", "By A. Reporter"),
        ("the page's title", "Inquiry finds prisoners were beaten | The Example"),
    ],
)
def test_a_news_pages_chrome_is_discarded_and_recorded_with_where(
    tmp_path: Path, where: str, words: str
) -> None:
    snapshot = read_snapshot(_copy("news-page.html", tmp_path))
    assert words not in snapshot.text
    assert [d.where for d in snapshot.discarded if words in d.text] == [where]


def test_a_short_statement_page_is_read(tmp_path: Path) -> None:
    page = tmp_path / "statement.html"
    page.write_text(
        "<html><body><nav>Home About</nav><div>We deny <b>every</b> allegation.</div>"
        "<p hidden>Draft: we admit it.</p><footer>Footer words</footer></body></html>",
        encoding="utf-8",
    )
    snapshot = read_snapshot(page)
    assert snapshot.text == "We deny every allegation."
    assert snapshot.starts == (0,)
    assert {d.where for d in snapshot.discarded} == {
        "the page's navigation",
        "a hidden element",
        "the page's footer",
    }


def test_a_page_of_chrome_only_has_no_text(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html><body><nav>Home About</nav></body></html>", encoding="utf-8")
    snapshot = read_snapshot(page)
    assert (snapshot.text, snapshot.starts) == ("", ())
    assert [d.text for d in snapshot.discarded] == ["Home About"]


def test_html_charset_is_the_declared_one(tmp_path: Path) -> None:
    page = tmp_path / "old.htm"
    page.write_bytes(
        '<html><head><meta charset="windows-1251"></head><body><p>Пытки в колонии</p>'
        "</body></html>".encode("cp1251")
    )
    assert "Пытки в колонии" in read_snapshot(page).text


def test_a_paywall_wrapper_around_the_article_is_not_a_banner(tmp_path: Path) -> None:
    words = " ".join(
        f"The colony's guards beat prisoner number {n} every evening." for n in range(40)
    )
    page = tmp_path / "paywalled.html"
    page.write_text(
        f'<html><body><div class="paywall"><article><h1>Beatings</h1><p>{words}</p>'
        "</article></div></body></html>",
        encoding="utf-8",
    )
    snapshot = read_snapshot(page)
    assert "prisoner number 39 every evening" in snapshot.text
    assert not any(d.where == "a cookie or subscription banner" for d in snapshot.discarded)


# --- Markdown and plain text ------------------------------------------------------------


def test_markdown_is_read_as_rendered_text(tmp_path: Path) -> None:
    snapshot = read_snapshot(_copy("interview.md", tmp_path))
    assert "see the consent form and our method." in snapshot.text
    assert "the deputy director of the colony knew" in snapshot.text
    for markup in ("*", "_", "[", "](", "https://example.org", "#"):
        assert markup not in snapshot.text, markup
    assert snapshot.text.startswith("Interview with a former prisoner of the colony\n\n")
    assert len(snapshot.starts) == 3  # the two headings are not paragraphs
    assert _paragraph(snapshot, 2).startswith("He said the guards beat him")
    assert [d.where for d in snapshot.discarded] == ["image alt text"]


def test_plain_text_keeps_its_own_characters(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("The investiga-\ntion found ﬁve cases.\n\nSecond\u00adparagraph.", "utf-8")
    snapshot = read_snapshot(path)
    assert snapshot.text == "The investiga-\ntion found ﬁve cases.\n\nSecond\u00adparagraph."
    assert snapshot.starts == (0, 38)
    assert snapshot.labels == (None, None) and not snapshot.numbered


# --- Printed paragraph numbers ----------------------------------------------------------


def test_a_report_numbering_its_paragraphs(tmp_path: Path) -> None:
    snapshot = read_snapshot(_copy("committee-report.txt", tmp_path))
    assert snapshot.numbered
    numbered = {label: n for n, label in enumerate(snapshot.labels, 1) if label}
    assert list(numbered) == ["1", "2", "3", "4", "5"]  # "Para. 4" is labelled too
    assert _paragraph(snapshot, numbered["3"]).startswith("3. The Committee is concerned")


def test_a_judgment_numbering_its_paragraphs_with_section_signs(tmp_path: Path) -> None:
    snapshot = read_snapshot(_copy("judgment.txt", tmp_path))
    assert snapshot.numbered
    assert [label for label in snapshot.labels if label] == ["174", "175", "176", "177"]


@pytest.mark.parametrize(
    "text",
    [
        # A short numbered list inside an unnumbered article.
        "Five things happened in the colony last year, the report says in its summary.\n\n"
        "1. Guards beat the prisoners.\n\n2. Nobody was punished.\n\n"
        "The report goes on to describe each event in detail, with the testimony.\n\n"
        "It ends with recommendations for the prison service and for the prosecutors.\n\n"
        "The authorities have not replied to the report, its authors said on Monday.",
        # Numbers at paragraph starts that are not a sequence.
        "12. A number that is not a sequence starts this long paragraph of text here.\n\n"
        "3. Another number that does not follow the first one, in another paragraph.\n\n"
        "40. And a third that jumps again, so the document is not numbering itself.\n\n"
        "7. A fourth, lower than the third, in a paragraph of more than eight words.",
    ],
)
def test_stray_numbers_do_not_make_a_document_numbered(tmp_path: Path, text: str) -> None:
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    assert not read_snapshot(path).numbered


# --- PDF --------------------------------------------------------------------------------


def _pdf(pages: list[list[str]], catalog: str = "", content_filter: str = "") -> bytes:
    """A PDF with one text line per entry of each page, written by hand (no PDF writer is a
    dependency); `catalog` adds entries to the document catalog (/PageLabels)."""
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog} >>",
        "",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for lines in pages:
        shown = [
            f"BT /F1 11 Tf 72 {740 - 14 * i} Td ({_pdf_string(line)}) Tj ET"
            for i, line in enumerate(lines)
        ]
        content = "\n".join(shown)
        objects.append(
            f"<< /Length {len(content)}{content_filter} >>\nstream\n{content}\nendstream"
        )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} "
            "0 R /Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(len(objects))
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    )
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out + trailer.encode()


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


REPORT_PAGES = [
    ["A/HRC/51/12", "Summary", "The report covers detention in the colonies in 2021.", "ii"],
    [
        "A/HRC/51/12",
        "1. The Committee received reports that prisoners were beaten by guards.",
        "2. The Committee notes that the authorities did not",
        "1",
    ],
    [
        "A/HRC/51/12",
        "investigate the complaints that it received from the colony.",
        "3. The State party should install cameras in every room of the colony.",
        "2",
    ],
]
# Pages i-ii in lower-case roman numerals, then 1, 2, ... from the second page.
ROMAN_THEN_ARABIC = "/PageLabels << /Nums [0 << /S /r /St 2 >> 1 << /S /D >>] >>"


def test_a_pdf_has_pages_with_printed_labels(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf(REPORT_PAGES, ROMAN_THEN_ARABIC))
    snapshot = read_snapshot(path)
    assert snapshot.page_labels == ("ii", "1", "2")
    assert snapshot.page_at(snapshot.text.index("covers detention")) == "ii"
    assert snapshot.page_at(snapshot.text.index("prisoners were beaten")) == "1"
    assert snapshot.page_at(snapshot.text.index("install cameras")) == "2"
    # The paragraph runs on over the page break, without the running head between.
    joined = "2. The Committee notes that the authorities did not\ninvestigate the complaints"
    assert joined in snapshot.text
    assert snapshot.page_at(snapshot.text.index("investigate the complaints")) == "2"
    assert snapshot.page_at(snapshot.text.index("notes that")) == "1"
    assert "A/HRC/51/12" not in snapshot.text
    assert sum(d.where == "the page's header" for d in snapshot.discarded) == 3
    assert {d.text for d in snapshot.discarded if d.where == "the page's footer"} == {
        "ii",
        "1",
        "2",
    }
    assert snapshot.numbered
    assert [label for label in snapshot.labels if label] == ["1", "2", "3"]


def test_a_pdf_without_page_labels_counts_its_pages(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf(REPORT_PAGES))
    assert read_snapshot(path).page_labels == ("1", "2", "3")


@pytest.mark.parametrize(
    ("content_filter", "reason"),
    [
        (" /Filter /JBIG2Decode", "cannot be extracted"),
        (" /Filter /NoSuchDecode", "cannot be extracted"),
    ],
)
def test_a_pdf_whose_text_cannot_be_decoded_is_unreadable_with_a_reason(
    tmp_path: Path, content_filter: str, reason: str
) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf(REPORT_PAGES, content_filter=content_filter))
    with pytest.raises(UnreadableSnapshotError, match=reason):
        read_snapshot(path)


def test_an_encrypted_pdf_is_unreadable_with_a_reason(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_pdf(REPORT_PAGES)))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(UnreadableSnapshotError, match="encrypted"):
        read_snapshot(path)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\nnot really a PDF", "cannot be read as a PDF"),
        (None, "no text layer"),
    ],
)
def test_a_damaged_or_textless_pdf_is_unreadable(
    tmp_path: Path, data: bytes | None, reason: str
) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "bad.pdf"
    path.write_bytes(data if data is not None else _pdf([[], []]))
    with pytest.raises(UnreadableSnapshotError, match=reason):
        read_snapshot(path)


# --- Web archives -----------------------------------------------------------------------

PAGE_URL = "https://example.org/news/inquiry"
PAGE = (FIXTURES / "news-page.html").read_bytes()


def _warc(records: list[tuple[str, str, bytes, list[tuple[str, str]]]]) -> bytes:
    """A gzipped WARC of response records (url, HTTP status line, body, headers)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, status, body, headers in records:
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(  # a length given: warcio needs no temporary file
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
        )
        writer.write_record(record)
    return out.getvalue()


CAPTURE = [
    ("http://example.org/news/inquiry", "301 Moved Permanently", b"", [("Location", PAGE_URL)]),
    (PAGE_URL, "200 OK", PAGE, [("Content-Type", "text/html; charset=utf-8")]),
    ("https://example.org/colony.jpg", "200 OK", b"\xff\xd8\xff", [("Content-Type", "image/jpeg")]),
    ("https://example.org/about", "200 OK", b"<p>About us</p>", [("Content-Type", "text/html")]),
]


@pytest.mark.parametrize("name", ["capture.warc.gz", "capture.warc"])
def test_a_warc_is_read_as_the_capture_of_the_sources_url(tmp_path: Path, name: str) -> None:
    data = _warc(CAPTURE)
    path = tmp_path / name
    path.write_bytes(data if name.endswith(".gz") else gzip.decompress(data))
    for url in (
        PAGE_URL,
        "http://example.org/news/inquiry",
        "https://EXAMPLE.org:443/news/inquiry#x",
    ):
        snapshot = read_snapshot(path, url)
        assert "The inquiry recommended that cameras be installed" in snapshot.text
        assert any(d.where == "the page's navigation" for d in snapshot.discarded)
    assert snapshot.sha256 == digest(path.read_bytes())  # the archive file's digest


def test_a_warc_without_the_url_lists_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(_warc(CAPTURE))
    with pytest.raises(UnreadableSnapshotError) as raised:
        read_snapshot(path, "https://example.org/elsewhere")
    message = str(raised.value)
    assert "holds no capture of https://example.org/elsewhere" in message
    assert PAGE_URL in message and "https://example.org/about" in message
    with pytest.raises(UnreadableSnapshotError, match="add the source's url"):
        read_snapshot(path)  # two pages: which one is the source?
    with pytest.raises(UnreadableSnapshotError, match="image/jpeg, not a web page"):
        read_snapshot(path, "https://example.org/colony.jpg")


def _wacz(warc: bytes, index: bool = True, extra: dict[str, bytes] | None = None) -> bytes:
    """A WACZ: the WARC under archive/ and a CDXJ index of its records."""
    from warcio.archiveiterator import ArchiveIterator

    lines = []
    iterator = ArchiveIterator(io.BytesIO(warc))
    for record in iterator:
        url = record.rec_headers.get_header("WARC-Target-URI")
        mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0]
        status = record.http_headers.get_statuscode()
        record.content_stream().read()
        fields = {"url": url, "mime": mime, "status": status, "filename": "data.warc.gz"}
        fields |= {"offset": iterator.get_record_offset(), "length": iterator.get_record_length()}
        lines.append(f"org,example)/ 20240312000000 {json.dumps(fields)}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("archive/data.warc.gz", warc)
        if index:
            archive.writestr("indexes/index.cdx", "\n".join(lines) + "\n")
        archive.writestr("datapackage.json", "{}")
        for name, data in (extra or {}).items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize("index", [True, False])
def test_a_wacz_is_read_as_the_capture_of_the_sources_url(tmp_path: Path, index: bool) -> None:
    path = tmp_path / "capture.wacz"
    path.write_bytes(_wacz(_warc(CAPTURE), index=index))
    snapshot = read_snapshot(path, PAGE_URL)
    assert "The inquiry recommended that cameras be installed" in snapshot.text
    assert snapshot.sha256 == digest(path.read_bytes())
    with pytest.raises(UnreadableSnapshotError, match=re.escape("https://example.org/about")):
        read_snapshot(path, "https://example.org/missing")


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"../../escape.txt": b"x"}, "leaves the archive"),
        ({"/etc/passwd": b"x"}, "leaves the archive"),
        ({"archive/bomb.warc": b"\0" * (20 * 1024 * 1024)}, "too highly compressed"),
    ],
)
def test_a_hostile_wacz_is_refused(tmp_path: Path, extra: dict[str, bytes], reason: str) -> None:
    path = tmp_path / "capture.wacz"
    path.write_bytes(_wacz(_warc(CAPTURE), index=False, extra=extra))
    with pytest.raises(UnreadableSnapshotError, match=reason):
        read_snapshot(path, PAGE_URL)


def test_a_file_that_is_not_a_web_archive_is_unreadable(tmp_path: Path) -> None:
    for name in ("broken.warc.gz", "broken.wacz"):
        path = tmp_path / name
        path.write_bytes(b"this is not an archive at all")
        with pytest.raises(UnreadableSnapshotError, match="cannot be read as a"):
            read_snapshot(path, PAGE_URL)


# --- Limits and kinds of file -----------------------------------------------------------


def test_a_folder_is_reported_as_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "page.html"
    folder.mkdir()
    with pytest.raises(UnreadableSnapshotError, match="it is a folder, not a file"):
        read_snapshot(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_is_reported_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)  # opening it for reading would block until a writer came
    with pytest.raises(UnreadableSnapshotError, match=r"named pipe \(FIFO\)"):
        read_snapshot(fifo)


def test_a_snapshot_over_the_size_bound_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_SNAPSHOT_BYTES + 1)  # sparse: no disk is used
    with pytest.raises(UnreadableSnapshotError, match="more than the 50 MB a snapshot may be"):
        read_snapshot(path)


# --- The disk cache ---------------------------------------------------------------------


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def test_the_cache_is_used_for_the_same_bytes(tmp_path: Path, cache_folder: Path) -> None:
    page = _copy("news-page.html", tmp_path)
    first = read_snapshot(page)
    [entry] = _entries(cache_folder)
    # Prove the second read comes from the entry: mark the entry's text.
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["value"]["text"] = stored["value"]["text"].replace("Inquiry", "Cached")
    entry.write_text(json.dumps(stored), encoding="utf-8")
    second = read_snapshot(page)
    assert second.text.startswith("Cached finds prisoners")
    assert (second.starts, second.discarded, second.sha256) == (
        first.starts,
        first.discarded,
        first.sha256,
    )


def test_a_changed_file_never_meets_a_stale_entry(tmp_path: Path, cache_folder: Path) -> None:
    page = _copy("news-page.html", tmp_path)
    read_snapshot(page)
    page.write_bytes(page.read_bytes().replace(b"in due course", b"next week"))
    snapshot = read_snapshot(page)
    assert "would respond next week" in snapshot.text
    assert len(_entries(cache_folder)) == 2


@pytest.mark.parametrize(
    "corrupt",
    [
        b"",
        b"\x00\xff not json",
        b'{"format": 1, "key": "another", "value": {}}',
        b'{"format": 1, "key": null, "value": {"text": 3}}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_entry_is_ignored_and_rebuilt(
    tmp_path: Path, cache_folder: Path, corrupt: bytes
) -> None:
    page = _copy("news-page.html", tmp_path)
    expected = read_snapshot(page)
    [entry] = _entries(cache_folder)
    entry.write_bytes(corrupt)
    assert read_snapshot(page).text == expected.text
    assert json.loads(entry.read_bytes())["value"]["text"] == expected.text  # rewritten


def test_a_wrong_entry_under_the_right_key_is_rebuilt(tmp_path: Path, cache_folder: Path) -> None:
    page = _copy("news-page.html", tmp_path)
    expected = read_snapshot(page)
    [entry] = _entries(cache_folder)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["value"]["starts"] = [10**9]  # out of the text: not a well-formed entry
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert read_snapshot(page).starts == expected.starts


def test_a_cache_folder_that_is_a_file_never_fails_a_read(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    page = _copy("news-page.html", tmp_path)
    snapshot = read_snapshot(page, cache=DiskCache(blocker / "cache"))
    assert "The inquiry recommended" in snapshot.text


@pytest.fixture
def no_cache_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("DRAFT_CACHE_DIR", "XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch


def test_the_cache_folder_follows_the_platform(
    no_cache_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_cache_env.setenv("HOME", str(tmp_path))
    assert default_folder() == tmp_path / ".cache" / "draft"
    no_cache_env.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "draft"
    no_cache_env.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert default_folder() == tmp_path / ".cache" / "draft"
    no_cache_env.setenv("DRAFT_CACHE_DIR", str(tmp_path / "mine"))
    assert default_folder() == tmp_path / "mine"


def test_html_nested_past_the_parsers_limit_is_unreadable_not_silently_cut(
    tmp_path: Path,
) -> None:
    page = tmp_path / "deep.html"
    page.write_text(f"<body>{'<div>' * 300}Deep words.{'</div>' * 300}<p>After.</p>", "utf-8")
    with pytest.raises(UnreadableSnapshotError, match="nested too deeply"):
        read_snapshot(page)


def test_a_page_of_too_many_elements_is_refused_at_once(tmp_path: Path) -> None:
    page = tmp_path / "huge.html"
    page.write_text("<body>" + "<p>x</p>" * (MAX_ELEMENTS + 1) + "</body>", "utf-8")
    with pytest.raises(UnreadableSnapshotError, match="more than the 100,000 a snapshot"):
        read_snapshot(page)


@pytest.mark.parametrize("name", ["KEY.gz", "report"])
def test_a_file_is_read_as_what_its_bytes_are_when_its_name_says_text(
    tmp_path: Path, name: str
) -> None:
    """A copy saved under another name (KEY.gz, no extension) is still read as what it is."""
    path = tmp_path / name
    if name == "report":
        pytest.importorskip("pypdf")
        path.write_bytes(_pdf(REPORT_PAGES))
        assert "install cameras" in read_snapshot(path).text
    else:
        path.write_bytes(_warc(CAPTURE))
        assert "The inquiry recommended" in read_snapshot(path, PAGE_URL).text


def test_a_warc_of_one_page_needs_no_url(tmp_path: Path) -> None:
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(_warc(CAPTURE[1:3]))  # the page and its image
    assert "The inquiry recommended" in read_snapshot(path).text


@pytest.mark.parametrize(
    ("attributes", "banner"),
    [
        ('class="cookie-notice"', True),
        ('id="onetrust-consent-sdk"', True),
        ('class="newsletterSignup"', True),
        ('class="c-subscribe-box"', True),
        ('class="article subscriber-content"', False),
        ('class="cookiecutter-layout"', True),  # a name is a hint, not proof: short only
    ],
)
def test_banners_are_named_by_class_or_id(tmp_path: Path, attributes: str, banner: bool) -> None:
    article = " ".join(f"Sentence {n} of the article about the colony's guards." for n in range(30))
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><body><article><h1>Title</h1><p>{article}</p>"
        f"<div {attributes}><p>Short words in a box.</p></div></article></body></html>",
        encoding="utf-8",
    )
    snapshot = read_snapshot(page)
    found = [d.where for d in snapshot.discarded if d.text == "Short words in a box."]
    assert (found == ["a cookie or subscription banner"]) is banner


def test_each_capture_of_an_archive_has_its_own_entry(tmp_path: Path, cache_folder: Path) -> None:
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(_warc(CAPTURE))
    assert "The inquiry recommended" in read_snapshot(path, PAGE_URL).text
    assert read_snapshot(path, "https://example.org/about").text == "About us"
    assert "The inquiry recommended" in read_snapshot(path, PAGE_URL).text
    assert len(_entries(cache_folder)) == 2


def test_a_page_labelled_latin_1_is_read_as_browsers_read_it(tmp_path: Path) -> None:
    page = tmp_path / "old.html"
    page.write_bytes(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        b"</head><body><p>The guards\x92 \x93conveyor\x94 \x96 caf\xe9</p></body></html>"
    )
    assert "The guards’ “conveyor” – café" in read_snapshot(page).text


def test_control_characters_in_a_page_are_shown_as_replacement_characters(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<body><nav>Menu</nav><p>Guards\x00 beat\x0c\x01 him.</p></body>")
    assert read_snapshot(page).text == "Guards\ufffd beat \ufffd him."


def _mutants(data: bytes, seed: int, count: int) -> Iterator[bytes]:
    """`count` damaged copies of `data`: bytes changed, cut out and put in at random."""
    rng = random.Random(seed)
    for _ in range(count):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 10)):
            at = rng.randrange(len(damaged))
            action = rng.random()
            if action < 0.5:
                damaged[at] = rng.randrange(256)
            elif action < 0.75:
                del damaged[at : at + rng.randint(1, 50)]
            else:
                damaged[at:at] = rng.randbytes(rng.randint(1, 20))
        yield bytes(damaged)


@pytest.mark.parametrize("name", ["x.pdf", "x.warc.gz", "x.warc", "x.wacz", "x.html", "x.md"])
def test_a_damaged_snapshot_is_read_or_unreadable_never_a_traceback(
    tmp_path: Path, name: str
) -> None:
    pytest.importorskip("pypdf")
    originals = {
        "x.pdf": _pdf(REPORT_PAGES, ROMAN_THEN_ARABIC),
        "x.warc.gz": _warc(CAPTURE),
        "x.warc": gzip.decompress(_warc(CAPTURE)),
        "x.wacz": _wacz(_warc(CAPTURE)),
        "x.html": PAGE,
        "x.md": (FIXTURES / "interview.md").read_bytes(),
    }
    path = tmp_path / name
    for damaged in _mutants(originals[name], seed=sum(map(ord, name)), count=40):
        path.write_bytes(damaged)
        try:
            read_snapshot(path, PAGE_URL, cache=DiskCache(None))
        except UnreadableSnapshotError as exc:
            assert str(exc).isprintable()


def test_what_is_not_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "folder.html").mkdir()
    (tmp_path / "page.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere")
    assert not_a_file(tmp_path / "folder.html") == "is a folder, not a file"
    assert not_a_file(tmp_path / "missing.html") == "does not exist"
    assert not_a_file(tmp_path / "dangling.txt") == "does not exist"
    assert not_a_file(tmp_path / "page.html") is None
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.txt")
        assert not_a_file(tmp_path / "pipe.txt") == "is a named pipe (FIFO), not a file"


def test_note_references_are_not_part_of_the_text(tmp_path: Path) -> None:
    sentences = " ".join(f"Sentence {n} about the colony." for n in range(20))
    page = tmp_path / "report.html"
    page.write_text(
        f"<html><body><article><h1>Report</h1><p>{sentences} The guards beat him"
        '<sup class="reference"><a href="#cite_note-1">[1]</a></sup> every evening.'
        '<a href="#_ftn2" name="_ftnref2"><sup>2</sup></a> A cell of 4 m<sup>2</sup>. '
        "<nav><span hidden>Hidden inside the menu</span> Menu</nav></p></article></body></html>",
        encoding="utf-8",
    )
    snapshot = read_snapshot(page)
    assert "The guards beat him every evening. A cell of 4 m2." in snapshot.text
    assert [(d.where, d.text) for d in snapshot.discarded] == [
        ("a hidden element", "Hidden inside the menu"),
        ("a footnote mark", "[1]"),
        ("a footnote mark", "2"),
        ("the page's navigation", "Menu"),
    ]


def test_markdown_front_matter_is_not_text(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("---\ninterviewer: A. Researcher\n---\n\nHe said it.\n", encoding="utf-8")
    snapshot = read_snapshot(note)
    assert snapshot.text == "He said it."
    assert [(d.where, d.text) for d in snapshot.discarded] == [
        ("the file's front matter", "interviewer: A. Researcher")
    ]


def test_temporary_files_left_by_a_killed_write_are_swept(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "cache")
    cache.store("first", {"text": "x"})
    [entry] = _entries(tmp_path / "cache")
    old, fresh = entry.parent / ".tmp-old.json", entry.parent / ".tmp-fresh.json"
    old.write_text("{", encoding="utf-8")
    fresh.write_text("{", encoding="utf-8")
    os.utime(old, (0, 0))
    cache.store("first", {"text": "y"})  # the same key: the same folder
    assert not old.exists() and fresh.exists()
    assert cache.load("first") == {"text": "y"}


def test_numbered_html_lists_show_their_numbers_as_a_browser_does(tmp_path: Path) -> None:
    items = "".join(
        f"<li>The Committee notes item {n} about the colony and the guards who beat prisoners.</li>"
        for n in range(3)
    )
    page = tmp_path / "observations.html"
    page.write_text(
        "<html><body><article><h1>Observations</h1>"
        f'<ol start="3">{items}<li value="9"><p>The Committee asks the State party to reply.</p>'
        "</li></ol>"
        f'<ol style="list-style: none"><li>Unnumbered item of a list with no markers.</li></ol>'
        "</article></body></html>",
        encoding="utf-8",
    )
    snapshot = read_snapshot(page)
    assert [label for label in snapshot.labels if label] == ["3", "4", "5", "9"]
    assert snapshot.numbered
    assert "3. The Committee notes item 0" in snapshot.text
    assert "\n\nUnnumbered item" in snapshot.text


def test_a_new_extractor_never_meets_an_old_entry(
    tmp_path: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _copy("news-page.html", tmp_path)
    read_snapshot(page)
    monkeypatch.setattr(snapshots, "EXTRACTOR_VERSION", "a later one")
    snapshots.extractor_version.cache_clear()
    try:
        read_snapshot(page)
    finally:
        snapshots.extractor_version.cache_clear()
    assert len(_entries(cache_folder)) == 2
