"""Archived snapshots: their text, split into numbered paragraphs, and their digest.

A snapshot is read once per audit (`SnapshotCache`) because a long brief cites the same few
files hundreds of times. Text formats: `.txt`, `.md` and anything else as UTF-8 text
(paragraphs are separated by blank lines); `.html`/`.htm` through the standard library's
HTML parser (block elements are paragraphs; script and style are dropped); `.pdf` through
`pypdf` when the optional `pdf` extra is installed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from drafting.audit.quotes import Normalised, normalise
from drafting.files import digest

PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v\r]*\n\s*")
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
# Elements that start a new paragraph; their text is one paragraph of the snapshot.
HTML_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
HTML_SKIPPED = frozenset({"script", "style", "head", "noscript", "template", "svg"})


class UnreadableSnapshotError(Exception):
    """The snapshot exists but its text cannot be extracted (format, encoding, no pypdf)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The text of one archived copy, as the audit searches it."""

    path: Path
    text: str
    """Paragraphs separated by blank lines (for .txt, the file's own text)."""
    starts: tuple[int, ...]
    """Offset in `text` where each paragraph starts; paragraph N is `starts[N - 1]`."""
    sha256: str
    """Digest of the file's bytes, lower-case hex."""
    normalised: Normalised = field(repr=False)
    """`text` with typography normalised, and the map back to `text`'s offsets."""

    def paragraph_at(self, offset: int) -> int:
        """The 1-based number of the paragraph holding `offset`."""
        return max(1, bisect.bisect_right(self.starts, offset))

    def paragraph_span(self, number: int) -> tuple[int, int] | None:
        """Start and end offsets of paragraph `number`, or None if there is no such one."""
        if not 1 <= number <= len(self.starts):
            return None
        end = self.starts[number] if number < len(self.starts) else len(self.text)
        return self.starts[number - 1], end


def read_snapshot(path: Path) -> Snapshot:
    """Read and index a snapshot; `UnreadableSnapshotError` when its text cannot be had."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        paragraphs = _pdf_paragraphs(path)
    elif suffix in HTML_SUFFIXES:
        paragraphs = _html_paragraphs(_decode(data))
    else:
        paragraphs = _text_paragraphs(_decode(data))
    return _index(path, paragraphs, digest(data))


def _index(path: Path, paragraphs: list[str], sha: str) -> Snapshot:
    starts, offset = [], 0
    for paragraph in paragraphs:
        starts.append(offset)
        offset += len(paragraph) + 2
    text = "\n\n".join(paragraphs)
    return Snapshot(path, text, tuple(starts), sha, normalise(text))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise UnreadableSnapshotError(f"it is not UTF-8 text (byte {exc.start})") from None


def _text_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; the paragraph's own text is kept byte for byte."""
    return [p for p in (p.strip("\n") for p in PARAGRAPH_BREAK.split(text)) if p.strip()]


class _HtmlText(HTMLParser):
    """Collects the visible text of an HTML page, one paragraph per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HTML_SKIPPED:
            self._skipping += 1
        elif tag in HTML_BLOCKS:
            self.flush()
        elif tag == "br":
            self._current.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HTML_SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in HTML_BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(data)

    def flush(self) -> None:
        # HTML collapses whitespace when it displays text; so do we.
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []


def _html_paragraphs(html: str) -> list[str]:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.paragraphs


def _pdf_paragraphs(path: Path) -> list[str]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise UnreadableSnapshotError(
            "it is a PDF and the optional PDF support is not installed (pip install 'draft[pdf]')"
        ) from None
    try:
        pages = [page.extract_text() or "" for page in PdfReader(path).pages]
    except (PyPdfError, ValueError, OSError) as exc:
        raise UnreadableSnapshotError(f"its PDF text cannot be extracted ({exc})") from None
    return [p for page in pages for p in _text_paragraphs(page.replace("\r\n", "\n"))]


@dataclass(slots=True)
class SnapshotCache:
    """Each snapshot read, hashed and normalised once per audit."""

    _read: dict[Path, Snapshot | UnreadableSnapshotError] = field(default_factory=dict)

    def get(self, path: Path) -> Snapshot:
        """The snapshot at `path`; raises `UnreadableSnapshotError` (every time, from the cache)."""
        if path not in self._read:
            try:
                self._read[path] = read_snapshot(path)
            except UnreadableSnapshotError as exc:
                self._read[path] = exc
        found = self._read[path]
        if isinstance(found, UnreadableSnapshotError):
            raise found
        return found
