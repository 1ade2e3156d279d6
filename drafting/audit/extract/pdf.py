"""The text of a PDF snapshot, page by page, with the pages' printed labels.

Each page's text comes from pypdf (the optional `pdf` extra). Lines that repeat at the top
or bottom of most pages (running heads, "A/HRC/51/12", page numbers) are not the source's
text: they are recorded as the pages' header or footer, so a quote that runs over a page
break still reads on. Blocks are separated by blank lines and, as numbered reports, UN
documents and judgments are laid out, by a line that starts with a printed paragraph number
("18. ", "§ 176", "[12]"). A page whose last block stops mid-sentence runs on into the next
page's first block: the page break then falls inside that block.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Sequence

from drafting.audit.extract import Block, Discarded, Extracted, UnreadableSnapshotError
from drafting.audit.extract.text import text_blocks

_NUMBERED_LINE = re.compile(r"^[ \t]*(?:\d{1,3}\.|§[ \t]?\d{1,4}|\[\d{1,4}\])[ \t]")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—]*(?:page\s+)?(?:\d{1,5}|[ivxlcdm]{1,8})(?:\s+of\s+\d{1,5})?[\s\-–—]*$", re.I
)
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "”", "’", "»", ")")
RUNNING_SHARE = 0.5
"""A first or last line counts as a running head or foot when it recurs (digits aside) on
at least this share of the pages, and on at least three."""


def extract_pdf(data: bytes) -> Extracted:
    """The PDF's blocks and pages; `UnreadableSnapshotError` with a plain reason when its
    text cannot be had (encrypted, an unsupported filter, no text layer, damaged)."""
    pages, labels = _pages(data)
    if not any(p.strip() for p in pages):
        raise UnreadableSnapshotError(
            "the PDF has no text layer (it is probably a scanned image); archive a PDF with "
            "text, or run it through OCR first"
        )
    lines = [[line.rstrip() for line in page.split("\n")] for page in pages]
    discarded = _strip_running(lines, labels)
    return _assemble([_page_blocks(page) for page in lines], labels, discarded)


def _pages(data: bytes) -> tuple[list[str], list[str]]:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise UnreadableSnapshotError(
            "it is a PDF and the optional PDF support is not installed (pip install 'draft[pdf]')"
        ) from None
    # pypdf logs its repairs of damaged files; they are not the user's to read, and Python
    # would print them on stderr for want of a handler.
    logging.getLogger("pypdf").addHandler(logging.NullHandler())
    # pypdf raises many kinds of exception on damaged or unusual files (NotImplementedError
    # for an unsupported filter such as JBIG2, KeyError, struct errors...): each is a PDF
    # whose text cannot be had, which the audit reports; none may become a traceback.
    pages: list[str] = []
    extracting = False
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableSnapshotError("the PDF is encrypted (password-protected)")
        extracting = True
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n"))
    except UnreadableSnapshotError:
        raise
    except Exception as exc:
        if extracting:
            raise UnreadableSnapshotError(
                f"the text of its page {len(pages) + 1} cannot be extracted ({_reason(exc)})"
            ) from None
        raise UnreadableSnapshotError(f"it cannot be read as a PDF ({_reason(exc)})") from None
    try:
        labels = [str(label) for label in reader.page_labels]
    except Exception:  # a damaged /PageLabels tree: count the pages instead
        labels = []
    if len(labels) != len(pages):
        labels = [str(n) for n in range(1, len(pages) + 1)]
    return pages, labels


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    if "JBIG2" in text.upper() or "filter" in text.lower() or isinstance(exc, NotImplementedError):
        return f"it uses a compression filter that cannot be decoded: {text or type(exc).__name__}"
    return text or type(exc).__name__


def _strip_running(lines: list[list[str]], labels: Sequence[str]) -> list[Discarded]:
    """Remove running heads and feet (and bare page numbers) from each page's lines."""
    discarded: list[Discarded] = []
    for edge, where in ((0, "the page's header"), (-1, "the page's footer")):
        shapes = Counter(_shape(_edge_line(page, edge)) for page in lines)
        running = {
            shape
            for shape, count in shapes.items()
            if shape and count >= 3 and count >= RUNNING_SHARE * len(lines)
        }
        for page, label in zip(lines, labels, strict=True):
            line = _edge_line(page, edge)
            if line and (_shape(line) in running or _is_page_number(line, label)):
                discarded.append(Discarded(where, line.strip()))
                _drop_edge(page, edge)
    return discarded


def _edge_line(page: list[str], edge: int) -> str:
    filled = [line for line in page if line.strip()]
    return filled[edge] if filled else ""


def _drop_edge(page: list[str], edge: int) -> None:
    indexes = [i for i, line in enumerate(page) if line.strip()]
    del page[indexes[edge]]


def _shape(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split()))


def _is_page_number(line: str, label: str) -> bool:
    stripped = line.strip()
    return stripped == label or (len(stripped) < 20 and bool(_PAGE_NUMBER.match(stripped)))


def _page_blocks(lines: list[str]) -> list[str]:
    """Blank lines separate blocks; so does a line that starts with a paragraph number."""
    marked = []
    for line in lines:
        if _NUMBERED_LINE.match(line):
            marked.append("")
        marked.append(line)
    return [block.text for block in text_blocks("\n".join(marked))]


def _assemble(pages: list[list[str]], labels: list[str], discarded: list[Discarded]) -> Extracted:
    blocks: list[str] = []
    starts: list[tuple[int, int]] = []
    for page in pages:
        runs_on = bool(page) and bool(blocks) and _runs_on(blocks[-1], page[0])
        if runs_on:
            starts.append((len(blocks) - 1, len(blocks[-1]) + 1))
            blocks[-1] += "\n" + page[0]
            page = page[1:]
        else:
            starts.append((len(blocks), 0))
        blocks.extend(page)
    return Extracted(
        tuple(Block(b) for b in blocks), tuple(discarded), tuple(starts), tuple(labels)
    )


def _runs_on(last: str, first: str) -> bool:
    """Does the page's last block stop mid-sentence and the next page go on with it?"""
    return not last.rstrip().endswith(_SENTENCE_END) and first[:1].islower()
