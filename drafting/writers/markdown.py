"""Document -> Markdown with `[^n]` footnotes, readable as plain text and safe to render.

Only characters that could start markup where they stand are escaped, so the file stays
readable; the subset is the one pandoc, GitHub (cmark-gfm) and markdown-it agree on.
"""

from __future__ import annotations

import re
from typing import assert_never

from drafting.gcpause import without_gc
from drafting.model import (
    Block,
    BulletList,
    Cite,
    ClaimSpan,
    Document,
    Emph,
    Heading,
    Inline,
    Note,
    Para,
    Strong,
    Text,
)
from drafting.writers.common import byline

_ALWAYS = re.compile(r"([\\`*_\[\]<>~^${}#|])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_CITATION = re.compile(r"(?<![\w.])@")  # pandoc reads "@key" as a citation
_BLOCK_MARK = re.compile(r"^[-+=:]")
# What pandoc's `smart` extension and GitHub would change: "--" and "---" into dashes, "..."
# into an ellipsis, ":smile:" into an emoji. Escaping each "-" or "." that another follows, and
# the ":" that opens a :word:, keeps the characters as typed.
_TYPOGRAPHY = re.compile(r"-(?=-)|\.(?=\.)|:(?=[\w+-]+:)")
# Ordered-list markers: CommonMark's "1." and "1)", and pandoc's fancy lists ("a.", "iv)",
# "(b)", "#."), each followed by a space or the end of the line.
_LIST_MARKER = re.compile(r"^(\(?)(\d+|[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+|\\#)([.)])(?=\s|$)")


# Anything at all that `_escape`'s substitutions (other than those at a line's start) would
# change: most text has none, and one search is far cheaper than five substitutions.
_ANY = re.compile(
    r"[\\`*_\[\]<>~^${}#|]|&(?=#?[A-Za-z0-9]+;)|(?<![\w.])@|-(?=-)|\.(?=\.)|:(?=[\w+-]+:)"
)


def escape(text: str, line_start: bool = False) -> str:
    if not line_start and not _ANY.search(text):
        return text
    return _escape(text, line_start)


def _escape(text: str, line_start: bool) -> str:
    text = _CITATION.sub(r"\\@", _ENTITY.sub(r"\\&", _ALWAYS.sub(r"\\\1", text)))
    text = _TYPOGRAPHY.sub(r"\\\g<0>", text)
    if line_start:
        text = _BLOCK_MARK.sub(r"\\\g<0>", text, count=1)
        text = _LIST_MARKER.sub(_escape_marker, text, count=1)
    return text


def _escape_marker(match: re.Match[str]) -> str:
    paren, number, punct = match.groups()
    return f"\\({number}{punct}" if paren else f"{number}\\{punct}"


@without_gc
def write(doc: Document) -> str:
    notes: list[Note] = []
    lines = [f"**{escape(doc.meta.banner)}**"] if doc.meta.banner else []
    lines.append(f"# {escape(doc.meta.title)}")
    if doc.meta.subtitle:
        lines.append(f"**{escape(doc.meta.subtitle)}**")
    if byline(doc.meta):
        lines.append(escape(byline(doc.meta), line_start=True))
    lines.extend(_block(block, notes) for block in doc.blocks)
    lines.extend(f"[^{n.number}]: {_inlines(n.content, notes, True)}" for n in notes)
    return "\n\n".join(lines) + "\n"


def _block(block: Block, notes: list[Note]) -> str:
    match block:
        case Heading(level, content):
            return f"{'#' * (level + 1)} {_inlines(content, notes)}"
        case Para(content):
            return _inlines(content, notes, line_start=True)
        case BulletList(items):
            return "\n".join(f"- {_inlines(item, notes, True)}" for item in items)
        case _:
            assert_never(block)


def _inlines(nodes: tuple[Inline, ...], notes: list[Note], line_start: bool = False) -> str:
    out: list[str] = []
    for node in nodes:
        out.append(_inline(node, notes, line_start and not out))
    return "".join(out)


def _inline(node: Inline, notes: list[Note], line_start: bool) -> str:
    match node:
        case Text(text):
            return escape(text, line_start)
        case Emph(content):
            return _wrap("*", _inlines(content, notes, line_start))
        case Strong(content):
            return _wrap("**", _inlines(content, notes, line_start))
        case ClaimSpan(_, content):
            return _inlines(content, notes, line_start)
        case Note(number, _):
            notes.append(node)
            return f"[^{number}]"
        case Cite():
            raise ValueError("citations must be resolved before writing")
        case _:
            assert_never(node)


def _wrap(mark: str, inner: str) -> str:
    """Emphasis cannot start or end with a space in CommonMark: keep spaces outside."""
    core = inner.strip(" ")
    if not core:
        return inner
    lead, trail = inner[: len(inner) - len(inner.lstrip(" "))], inner[len(inner.rstrip(" ")) :]
    return f"{lead}{mark}{core}{mark}{trail}"
