"""Plain-text snapshots: blocks are separated by blank lines; the file's own characters
(hyphens at line ends, ligatures, soft hyphens) are kept as they are, for the quote
matcher's normalisation to judge."""

from __future__ import annotations

import re

from drafting.audit.extract import Block, Extracted

PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v\r]*\n\s*")


def text_blocks(text: str) -> list[Block]:
    """Blank lines separate paragraphs; the paragraph's own text is kept byte for byte."""
    return [Block(p) for p in (p.strip("\n") for p in PARAGRAPH_BREAK.split(text)) if p.strip()]


def extract_text(text: str) -> Extracted:
    """The blocks of a plain-text file."""
    return Extracted(tuple(text_blocks(text)))
