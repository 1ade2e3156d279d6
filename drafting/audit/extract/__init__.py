"""Extractors: the text a reader of a snapshot sees, one module per format.

Each extractor turns a file's bytes into `Extracted`: the reader's blocks in order (body
paragraphs, and headings that readers do not count as paragraphs), the text it left out
because a reader does not see it as the source's content (`Discarded`, with where it was),
and for paged formats where each page starts. `drafting.audit.snapshots` indexes the result.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass


class UnreadableSnapshotError(Exception):
    """The snapshot exists but its text cannot be extracted (format, encoding, size, kind)."""


@dataclass(frozen=True, slots=True)
class Discarded:
    """Text of the file that a reader does not see as the source's content."""

    where: str
    """Where it sits, in plain words: "the page's navigation", "a hidden element", ..."""
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the reader's text: a paragraph, or a heading (not counted as one)."""

    text: str
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Extracted:
    """What an extractor found: the reader's blocks, what it left out, and the pages."""

    blocks: tuple[Block, ...]
    discarded: tuple[Discarded, ...] = ()
    page_starts: tuple[tuple[int, int], ...] = ()
    """Where each page starts (PDF only): the index of its block in `blocks` and the offset
    in that block's text (not 0 when a paragraph runs on from the page before)."""
    page_labels: tuple[str, ...] = ()
    """The printed label of each page in `page_starts`."""


_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})"""
)


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes as text: the byte-order mark, else the declared charset (an HTTP header, or
    for HTML its `<meta charset>`), else UTF-8. Line ends become `\\n`."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if data.startswith(bom):
            data, declared = data[len(bom) :], name
            break
    name = _codec(declared) or "utf-8"
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise UnreadableSnapshotError(
            f"it is not {name} text (byte {exc.start} cannot be read); save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first few kilobytes, if any."""
    found = _DECLARED_CHARSET.search(data[:8192])
    return found.group(1).decode("ascii") if found else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None  # an unknown charset name: try UTF-8, which most pages are
    # As browsers do (WHATWG Encoding): a page labelled Latin-1 or ASCII is windows-1252,
    # whose curly quotes and dashes (0x91-0x97) Latin-1 would read as control characters.
    return "cp1252" if found in ("latin-1", "iso8859-1", "ascii") else found
