"""Archived snapshots: their text, split into numbered paragraphs, and their digest.

A snapshot is read once per audit (`SnapshotCache`) because a long brief cites the same few
files hundreds of times. Text formats: `.txt`, `.md` and anything else as UTF-8 text
(paragraphs are separated by blank lines); `.html`/`.htm` through the standard library's
HTML parser (block elements are paragraphs; script and style are dropped); `.pdf` through
`pypdf` when the optional `pdf` extra is installed.
"""

from __future__ import annotations

import bisect
import itertools
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
class Discarded:
    """Text of the file that a reader does not see as the source's content."""

    where: str
    """Where it sits, in plain words: "the page's navigation", "a hidden element", ..."""
    text: str


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
    labels: tuple[str | None, ...] = ()
    """Per paragraph, the number the document prints at its start ("18" for "18. The
    Committee", "176" for "§ 176", "3" for "para 3"), else None."""
    numbered: bool = False
    """True when the document numbers its own paragraphs: `para. N` then means the printed
    number (`labels`), otherwise the count of the reader's paragraphs (`starts`)."""
    pages: tuple[int, ...] = ()
    """Offset in `text` where each PDF page starts (empty for other formats)."""
    page_labels: tuple[str, ...] = ()
    """The printed label of each page in `pages` ("iv", "12"), or "1", "2", ... without."""
    discarded: tuple[Discarded, ...] = field(default=(), repr=False)
    """Text left out of `text` because a reader does not see it as the source's content."""

    def paragraph_at(self, offset: int) -> int:
        """The 1-based number of the paragraph holding `offset`."""
        return max(1, bisect.bisect_right(self.starts, offset))

    def paragraph_span(self, number: int) -> tuple[int, int] | None:
        """Start and end offsets of paragraph `number`, or None if there is no such one."""
        if not 1 <= number <= len(self.starts):
            return None
        end = self.starts[number] if number < len(self.starts) else len(self.text)
        return self.starts[number - 1], end

    def page_at(self, offset: int) -> str | None:
        """The printed label of the page holding `offset`, or None when there are no pages."""
        if not self.pages:
            return None
        return self.page_labels[max(0, bisect.bisect_right(self.pages, offset) - 1)]


def read_snapshot(path: Path, url: str | None = None) -> Snapshot:
    """Read and index a snapshot; `UnreadableSnapshotError` when its text cannot be had.

    `url` is the source's address: a web archive (WARC, WACZ) holds many captures and the
    source's text is the one captured at that address."""
    del url  # web archives come in the next step; the parameter is the interface
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
    labels = tuple(paragraph_label(p) for p in paragraphs)
    return Snapshot(
        path,
        text,
        tuple(starts),
        sha,
        normalise(text),
        labels=labels,
        numbered=is_numbered(paragraphs, labels),
    )


# A number the document prints at a paragraph's start: "18. The", "§ 176", "para 3", "[12]".
# Anchored, bounded and without nested repetition, so it cannot backtrack on long input.
_LABEL = re.compile(
    r"(?:(?P<dot>\d{1,4})\.(?=\s)|§\s?(?P<section>\d{1,4})\b|"
    r"(?i:para(?:graph)?\.?)\s?(?P<para>\d{1,4})\b|\[(?P<bracket>\d{1,4})\](?=\s))"
)
NUMBERED_SHARE = 0.5
"""Share of the body paragraphs that must carry a printed number for the document to count as
numbering its own paragraphs; below it, a few numbered list items do not change what `para.`
means."""
BODY_WORDS = 8
"""Paragraphs of fewer words (headings, running heads, page numbers) are not body paragraphs."""


def paragraph_label(paragraph: str) -> str | None:
    """The number printed at the start of `paragraph` ("18" for "18. The Committee")."""
    found = _LABEL.match(paragraph.lstrip())
    if found is None:
        return None
    return next(v for v in found.groupdict().values() if v is not None).lstrip("0") or "0"


def is_numbered(paragraphs: list[str], labels: tuple[str | None, ...]) -> bool:
    """Does the document number its own paragraphs? At least three printed numbers, on at
    least half of the body paragraphs, and nearly always increasing (a real sequence, not
    stray numbers at paragraph starts)."""
    body = [label for text, label in zip(paragraphs, labels, strict=True) if _is_body(text)]
    numbers = [int(label) for label in body if label is not None]
    if len(numbers) < 3 or len(numbers) < NUMBERED_SHARE * len(body):
        return False
    rising = sum(b > a for a, b in itertools.pairwise(numbers))
    return rising >= 0.8 * (len(numbers) - 1)


def _is_body(paragraph: str) -> bool:
    return len(paragraph.split(maxsplit=BODY_WORDS)) >= BODY_WORDS


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

    _read: dict[tuple[Path, str | None], Snapshot | UnreadableSnapshotError] = field(
        default_factory=dict
    )

    def get(self, path: Path, url: str | None = None) -> Snapshot:
        """The snapshot at `path` (the capture of `url` in a web archive); raises
        `UnreadableSnapshotError` (every time, from the cache)."""
        key = (path, url)
        if key not in self._read:
            try:
                self._read[key] = read_snapshot(path, url)
            except UnreadableSnapshotError as exc:
                self._read[key] = exc
        found = self._read[key]
        if isinstance(found, UnreadableSnapshotError):
            raise found
        return found
