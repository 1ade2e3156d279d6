"""Archived snapshots: the text a reader of the source sees, in numbered paragraphs.

A snapshot's text is what a reader of the source sees as its content, extracted per format
(`drafting.audit.extract`): a web page's article without its navigation, banners, footer,
hidden elements and scripts (`.html`, `.htm`, `.xhtml`); a Markdown file's rendered text
(`.md`, `.markdown`); a PDF's pages with their printed page labels (`.pdf`, with the
optional `pdf` extra); the capture of the source's `url` in a web archive (`.warc`,
`.warc.gz`, `.wacz`), read as the format its content type says; anything else as UTF-8
plain text, paragraphs separated by blank lines. What was left out is kept in `discarded`
with where it was, so the audit can say a quote is "in the page's navigation, not the
article".

A snapshot is read once per audit (`SnapshotCache`) because a long brief cites the same few
files hundreds of times, and its extraction is cached on disk by the digest of its bytes
(`drafting.audit.cache`) because archived files never change: a changed file has a new
digest and is extracted afresh.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafting import memo
from drafting.audit.cache import DiskCache, default_cache
from drafting.audit.extract import (
    Block,
    Discarded,
    Extracted,
    UnreadableSnapshotError,
    decode,
    html_charset,
)
from drafting.audit.normalise import Normalised, normalise
from drafting.files import digest, special_file_kind

__all__ = [
    "MAX_SNAPSHOT_BYTES",
    "Discarded",
    "Snapshot",
    "SnapshotCache",
    "UnreadableSnapshotError",
    "not_a_file",
    "read_snapshot",
]

EXTRACTOR_VERSION = "snapshots-3"  # 3: text a page's own <style> rules hide is discarded
"""Part of every disk-cache key: change it whenever extraction changes what it returns, so
no entry written by an older extractor is ever used."""
EXTRACTING_LIBRARIES = (
    "trafilatura",
    "cssselect",
    "lxml",
    "pypdf",
    "warcio",
    "markdown-it-py",
    "mdit-py-plugins",
)
MAX_SNAPSHOT_BYTES = 50 * 1024 * 1024
"""Largest snapshot read (50 MB). Real sources are far smaller (a 300-page UN report as PDF
is about 5 MB, a saved news page 1-3 MB); past this, extraction and matching take minutes
and gigabytes, so the audit says so at once instead."""
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
"""Largest web archive (WARC, WACZ) read: a capture holds the page's images and scripts
too, so the file is larger than the page; only the page's own record (at most
`MAX_SNAPSHOT_BYTES`) is extracted."""
MAGIC_BYTES = 8
"""How many first bytes tell a PDF, a gzip or zip file, or a WARC from text."""
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".wacz")
CACHED_KINDS = frozenset({"html", "markdown", "pdf", "archive"})
"""Plain text is split on blank lines faster than a cache entry can be read."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The text of one archived copy, as the audit searches it."""

    path: Path
    text: str
    """Blocks separated by blank lines (for .txt, the file's own text)."""
    starts: tuple[int, ...]
    """Offset in `text` where each paragraph starts; paragraph N is `starts[N - 1]`. A
    heading is not a paragraph: it belongs to the paragraph that follows it."""
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


def read_snapshot(path: Path, url: str | None = None, cache: DiskCache | None = None) -> Snapshot:
    """Read and index a snapshot; `UnreadableSnapshotError` when its text cannot be had.

    `url` is the source's address: a web archive (WARC, WACZ) holds many captures and the
    source's text is the one captured at that address. `cache` defaults to the user's
    cache folder (`drafting.audit.cache.default_cache`)."""
    named = snapshot_kind(path)
    data = read_regular(path, lambda head: _limit(_sniff(named, head)))
    kind = _sniff(named, data)
    sha = digest(data)
    disk = (cache or default_cache()) if kind in CACHED_KINDS else None
    address = (url or "") if kind == "archive" else ""  # only an archive's text depends on it
    key = f"{extractor_version()}\n{kind}\n{address}\n{sha}"
    if disk is not None:
        entry = disk.load(key)
        snapshot = _from_entry(path, sha, entry, disk) if entry is not None else None
        if snapshot is not None:
            return snapshot
    snapshot = index(path, sha, _extract(kind, path.name, data, url), cache or default_cache())
    if disk is not None:
        disk.store(key, _to_entry(snapshot))
    return snapshot


@functools.cache
def extractor_version() -> str:
    """What the extracted text depends on besides the file: `EXTRACTOR_VERSION`, the source
    of the extractors (so a change nobody remembered to version still misses the cache) and
    the versions of the libraries that do the extracting (a new trafilatura or pypdf may
    read the same bytes differently)."""
    here = Path(__file__).parent
    sources = [*sorted((here / "extract").glob("*.py")), Path(__file__)]
    code = hashlib.sha256()
    for source in sources:
        with contextlib.suppress(OSError):
            code.update(source.read_bytes())
    libraries = memo.versions(*EXTRACTING_LIBRARIES)
    return " ".join([EXTRACTOR_VERSION, code.hexdigest()[:16], *libraries])


def snapshot_kind(path: Path) -> str:
    """Which extractor reads the file, from its name."""
    name = path.name.lower()
    if name.endswith(ARCHIVE_SUFFIXES):
        return "archive"
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def _limit(kind: str) -> int:
    return MAX_ARCHIVE_BYTES if kind == "archive" else MAX_SNAPSHOT_BYTES


def _sniff(kind: str, data: bytes) -> str:
    """A file named as text whose bytes are a PDF or a web archive is read as what it is: a
    copy archived as KEY.gz from "page.warc.gz", or a report saved without its extension."""
    if kind != "text":
        return kind
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"\x1f\x8b", b"WARC/", b"PK\x03\x04")):
        return "archive"
    return kind


def read_regular(path: Path, limit: int | Callable[[bytes], int]) -> bytes:
    """The bytes of `path`, which must be a regular file of at most `limit` bytes (or a
    limit that depends on the file's first bytes, its "magic number").

    A folder, named pipe (FIFO), socket or device is refused before it is opened for
    reading, and the file is opened without blocking and checked again once open, so a
    FIFO put in its place cannot hang the audit."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise UnreadableSnapshotError(f"it cannot be opened ({exc.strerror})") from None
    what = special_file_kind(mode)
    if what:
        raise UnreadableSnapshotError(f"it is {what}, not a file; point 'file' at a file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnreadableSnapshotError(f"it cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        what = special_file_kind(status.st_mode)
        if what:
            raise UnreadableSnapshotError(f"it is {what}, not a file; point 'file' at a file")
        head = handle.read(MAGIC_BYTES)
        most = limit(head) if callable(limit) else limit
        if status.st_size > most:
            raise UnreadableSnapshotError(_too_large(status.st_size, most))
        # Asking for the size the file has (and one byte more, to see it grow) rather than
        # for `most`: a read of n bytes allocates n bytes first, 50 MB per small snapshot.
        data = head + handle.read(max(min(status.st_size, most) + 1 - len(head), 0))
        if len(data) > status.st_size:  # it grew since fstat: read on, up to the limit
            data += handle.read(most + 1 - len(data))
    if len(data) > most:  # it grew while being read
        raise UnreadableSnapshotError(_too_large(len(data), most))
    return data


def not_a_file(path: Path) -> str | None:
    """Why `path` cannot be a snapshot, in words for a message ("does not exist", "is a
    folder, not a file", "is a named pipe (FIFO), not a file"), or None for a regular file.
    Never opens the path: a FIFO would block the audit."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return f"cannot be opened ({exc.strerror})"
    what = special_file_kind(mode)
    return f"is {what}, not a file" if what else None


def _too_large(size: int, limit: int) -> str:
    return (
        f"it is {size / 1048576:.1f} MB, more than the {limit // 1048576} MB a snapshot may "
        "be; archive only the document itself (save the page or the report, not a whole site)"
    )


def _extract(kind: str, name: str, data: bytes, url: str | None) -> Extracted:
    if kind == "archive":
        from drafting.audit.extract.archive import read_capture

        capture = read_capture(data, name, url, MAX_SNAPSHOT_BYTES)
        return extract_bytes(capture.kind, capture.body, capture.charset)
    return extract_bytes(kind, data, None)


def extract_bytes(kind: str, data: bytes, charset: str | None) -> Extracted:
    """The reader's text of `data` read as `kind` ("html", "markdown", "pdf" or "text");
    `charset` is one declared outside the bytes (an HTTP header)."""
    if kind == "pdf":
        from drafting.audit.extract.pdf import extract_pdf

        return extract_pdf(data)
    if kind == "html":
        from drafting.audit.extract.html import extract_html

        return extract_html(decode(data, charset or html_charset(data)))
    if kind == "markdown":
        from drafting.audit.extract.markdown import extract_markdown

        return extract_markdown(decode(data, charset))
    from drafting.audit.extract.text import extract_text

    return extract_text(decode(data, charset))


def index(path: Path, sha: str, extracted: Extracted, cache: DiskCache | None = None) -> Snapshot:
    """A snapshot of extracted blocks: blocks joined by blank lines, one paragraph per body
    block (headings belong to the paragraph after them), pages as text offsets."""
    blocks = extracted.blocks
    offsets = list(itertools.accumulate((len(b.text) + 2 for b in blocks[:-1]), initial=0))
    counted = [i for i, b in enumerate(blocks) if not b.heading] or list(range(len(blocks)))
    starts = [offsets[_heading_run_start(blocks, i)] for i in counted]
    text = "\n\n".join(b.text for b in blocks)
    labels = tuple(paragraph_label(blocks[i].text) for i in counted)
    return Snapshot(
        path,
        text,
        tuple(starts),
        sha,
        normalise(text, cache),
        labels=labels,
        numbered=is_numbered([blocks[i].text for i in counted], labels),
        pages=tuple(_page_offset(offsets, text, b, o) for b, o in extracted.page_starts),
        page_labels=extracted.page_labels,
        discarded=extracted.discarded,
    )


def _heading_run_start(blocks: tuple[Block, ...], i: int) -> int:
    while i > 0 and blocks[i - 1].heading:
        i -= 1
    return i


def _page_offset(offsets: list[int], text: str, block: int, offset: int) -> int:
    return offsets[block] + offset if block < len(offsets) else len(text)


# A number the document prints at a paragraph's start: "18. The", "§ 176", "para 3", "[12]".
# Anchored, bounded and without nested repetition, so it cannot backtrack on long input.
_LABEL = re.compile(
    r"(?:(?P<dot>\d{1,4})\.(?=\s)|§\s?(?P<section>\d{1,4})\b|"
    r"(?i:para(?:graph)?\.?)\s?(?P<para>\d{1,4})\b|\[(?P<bracket>\d{1,4})\](?=\s))"
)
NUMBERED_SHARE = 0.5
"""Share of the body paragraphs that must carry a printed number for the document to count
as numbering its own paragraphs; below it, a few numbered list items do not change what
`para.` means."""
BODY_WORDS = 8
"""Paragraphs of fewer words (headings, running heads, page numbers) are not body
paragraphs."""


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


def _to_entry(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "text": snapshot.text,
        "starts": list(snapshot.starts),
        "labels": list(snapshot.labels),
        "numbered": snapshot.numbered,
        "pages": list(snapshot.pages),
        "page_labels": list(snapshot.page_labels),
        "discarded": [[d.where, d.text] for d in snapshot.discarded],
    }


def _from_entry(
    path: Path, sha: str, entry: dict[str, Any], cache: DiskCache | None = None
) -> Snapshot | None:
    """The snapshot a cache entry holds, or None when the entry is not well formed (it is
    then extracted again and the entry rewritten)."""
    try:
        text = entry["text"]
        starts = tuple(entry["starts"])
        labels = tuple(entry["labels"])
        pages = tuple(entry["pages"])
        page_labels = tuple(entry["page_labels"])
        discarded = tuple(Discarded(where, body) for where, body in entry["discarded"])
        numbered = entry["numbered"]
    except (KeyError, TypeError, ValueError):
        return None
    well_formed = (
        isinstance(text, str)
        and isinstance(numbered, bool)
        and all(isinstance(s, int) and 0 <= s <= len(text) for s in starts + pages)
        and list(starts) == sorted(starts)
        and len(labels) == len(starts)
        and all(label is None or isinstance(label, str) for label in labels)
        and len(page_labels) == len(pages)
        and all(isinstance(label, str) for label in page_labels)
        and all(isinstance(d.where, str) and isinstance(d.text, str) for d in discarded)
    )
    if not well_formed:
        return None
    return Snapshot(
        path,
        text,
        starts,
        sha,
        normalise(text, cache),
        labels,
        numbered,
        pages,
        page_labels,
        discarded,
    )


@dataclass(slots=True)
class SnapshotCache:
    """Each snapshot read, hashed and normalised once per audit."""

    _read: dict[tuple[Path, str | None], Snapshot | UnreadableSnapshotError] = field(
        default_factory=dict
    )
    derived: dict[object, object] = field(default_factory=dict)
    """What is computed from the snapshots once per audit (the library index of
    `drafting.audit.elsewhere`), under a key that names everything it depends on."""
    library_lookups: int = 0
    """How many times the library index was asked for: a citation whose audit asked for it
    depends on every snapshot of the library (`drafting.audit.memo`)."""
    _digests: dict[Path, str | None] = field(default_factory=dict)

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
        self._digests.setdefault(path, found.sha256)
        return found

    @property
    def read(self) -> int:
        """How many snapshots were read and extracted (or found unreadable) so far."""
        return len(self._read)

    def sha256(self, path: Path) -> str | None:
        """The SHA-256 of the file's bytes now, computed once per audit without extracting
        its text (a memo hit needs no more), or None when it cannot be read as a snapshot
        (not a regular file, unreadable, too large)."""
        if path not in self._digests:
            try:
                data = read_regular(path, lambda head: _limit(_sniff(snapshot_kind(path), head)))
            except UnreadableSnapshotError:
                self._digests[path] = None
            else:
                self._digests[path] = digest(data)
        return self._digests[path]
