"""Rendered Markdown -> `Document`, with a `Cite` after every claim.

The layout template renders Markdown in which each claim is a span `[text]{claim="id"}`.
markdown-it-py parses it; we build the document tree from its tokens and put the claim's
citation at the end of its span, so no template can drop or misplace a footnote.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin

from drafting.model import (
    Block,
    BulletList,
    Cite,
    CiteItem,
    ClaimSpan,
    Document,
    Heading,
    Inline,
    Meta,
    Para,
    Text,
)
from drafting.problems import fail
from drafting.text import inlines_from_tokens, merge_text

_PLAIN_INLINES = frozenset(
    {"text", "em_open", "em_close", "strong_open", "strong_close", "softbreak", "hardbreak"}
)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html off: the "commonmark" preset would otherwise turn "<b>" in a template into raw HTML.
    return MarkdownIt("commonmark", {"html": False}).use(attrs_plugin, spans=True)


def parse(markdown: str, meta: Meta, citations: Mapping[str, tuple[CiteItem, ...]]) -> Document:
    """Build the document; `citations` gives the sources of each claim id."""
    tokens = _parser().parse(markdown)
    return Document(meta, tuple(_blocks(tokens, citations)))


def _blocks(tokens: list[Token], citations: Mapping[str, tuple[CiteItem, ...]]) -> list[Block]:
    blocks: list[Block] = []
    items: list[tuple[Inline, ...]] | None = None
    level = 0
    for token in tokens:
        match token.type:
            case "heading_open":
                level = int(token.tag[1:])
            case "bullet_list_open":
                items = []
            case "bullet_list_close" if items is not None:
                blocks.append(BulletList(tuple(items)))
                items = None
            case "inline":
                content = _inlines(token, citations)
                if level:
                    blocks.append(Heading(level, content))
                elif items is not None:
                    items.append(content)
                else:
                    blocks.append(Para(content))
                level = 0
            case (
                "paragraph_open"
                | "paragraph_close"
                | "heading_close"
                | "list_item_open"
                | "list_item_close"
            ):
                pass
            case _:
                raise _unsupported(token.type, token.map)
    return blocks


def _inlines(token: Token, citations: Mapping[str, tuple[CiteItem, ...]]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    run: list[Token] = []
    claim = ""
    for child in token.children or []:
        if child.type == "span_open" and "claim" in child.attrs:
            out.extend(inlines_from_tokens(run))
            run, claim = [], str(child.attrs["claim"])
        elif child.type == "span_close" and claim:
            out.append(ClaimSpan(claim, inlines_from_tokens(run)))
            out.append(Cite(claim, citations.get(claim, ())))
            run, claim = [], ""
        elif child.type in _PLAIN_INLINES:
            run.append(child)
        elif child.type == "code_inline":
            run.append(Token("text", "", 0, content=child.content))
        else:
            raise _unsupported(child.type, token.map)
    out.extend(inlines_from_tokens(run))
    return merge_text([Text(n.text) if isinstance(n, Text) else n for n in out])


def _unsupported(kind: str, where: list[int] | None) -> Exception:
    line = f" (line {where[0] + 1} of the rendered Markdown)" if where else ""
    return fail(
        "template-unsupported",
        f"the layout template produced Markdown that briefs do "
        f"not support: {kind}{line}; use headings, paragraphs and bullet lists only",
    )
