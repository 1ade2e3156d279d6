"""The one generic traversal of the document tree (after pandoc's `Walk`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from drafting.model import (
    Block,
    BulletList,
    ClaimSpan,
    Document,
    Emph,
    Heading,
    Inline,
    Note,
    Para,
    Strong,
)

InlineMap = Callable[[Inline], Inline]


def walk_inlines(doc: Document, fn: InlineMap) -> Document:
    """A new document with `fn` applied to every inline, in document order, innermost last."""
    return Document(doc.meta, tuple(_block(b, fn) for b in doc.blocks))


def _block(block: Block, fn: InlineMap) -> Block:
    match block:
        case Heading(level, content):
            return Heading(level, _seq(content, fn))
        case Para(content):
            return Para(_seq(content, fn))
        case BulletList(items):
            return BulletList(tuple(_seq(item, fn) for item in items))


def _seq(inlines: tuple[Inline, ...], fn: InlineMap) -> tuple[Inline, ...]:
    return tuple(_inline(node, fn) for node in inlines)


def _inline(node: Inline, fn: InlineMap) -> Inline:
    node = fn(node)
    match node:
        case Emph(content):
            return Emph(_seq(content, fn))
        case Strong(content):
            return Strong(_seq(content, fn))
        case ClaimSpan(claim_id, content):
            return ClaimSpan(claim_id, _seq(content, fn))
        case _:
            return node


def inlines(doc: Document) -> Iterator[Inline]:
    """Every inline of the document in reading order (footnote content after its mark)."""
    for block in doc.blocks:
        match block:
            case Heading(_, content) | Para(content):
                yield from _iter(content)
            case BulletList(items):
                for item in items:
                    yield from _iter(item)


def _iter(nodes: tuple[Inline, ...]) -> Iterator[Inline]:
    for node in nodes:
        yield node
        match node:
            case Emph(content) | Strong(content) | ClaimSpan(_, content) | Note(_, content):
                yield from _iter(content)
            case _:
                pass
