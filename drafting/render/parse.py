"""Rendered Markdown -> `Document`, with a `Cite` after every claim.

The layout template renders Markdown in which each claim is a span `[text]{claim="id"}`.
markdown-it-py parses it; we build the document tree from its tokens and put the claim's
citation at the end of its span, so no template can drop or misplace a footnote.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_core.text_join import text_join
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin

from drafting.memo import Memo, digest
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
from drafting.render.memos import decode, encode, libraries
from drafting.text import inlines_from_tokens, merge_text

_PLAIN_INLINES = frozenset(
    {"text", "em_open", "em_close", "strong_open", "strong_close", "softbreak", "hardbreak"}
)


def _new_parser() -> MarkdownIt:
    # html off: the "commonmark" preset would otherwise turn "<b>" in a template into raw HTML.
    return MarkdownIt("commonmark", {"html": False}).use(attrs_plugin, spans=True)


_parser = lru_cache(maxsize=1)(_new_parser)


# The core rules `parse` runs in this order; `_memoised` runs "inline" and "text_join" itself,
# one paragraph at a time, and only when the parser has exactly these.
_CORE_RULES = ["normalize", "block", "inline", "text_join"]


@lru_cache(maxsize=2)
def _block_parser(references: bool) -> MarkdownIt | None:
    """`_parser()` without its inline rules, or None if its rules are not those expected.
    Without `references`, also without the rule that reads link reference definitions
    ("[label]: url"), which tries every paragraph that starts with "[", as a claim does:
    for Markdown in which "]:" never occurs, that rule can only ever fail."""
    parser = _new_parser()
    if parser.core.ruler.get_active_rules() != _CORE_RULES:
        return None
    parser.core.ruler.disable(["inline", "text_join"])
    if not references:
        parser.block.ruler.disable(["reference"])
    return parser


def parse(
    markdown: str,
    meta: Meta,
    citations: Mapping[str, tuple[CiteItem, ...]],
    memo: Memo | None = None,
) -> Document:
    """Build the document; `citations` gives the sources of each claim id. With a `memo`,
    each paragraph's inlines are read back from an earlier run that parsed the same text."""
    parser = _block_parser("]:" in markdown) if memo is not None else None
    if memo is None or parser is None:
        tokens = _parser().parse(markdown)
        return Document(meta, tuple(_blocks(tokens, lambda t: _inlines(t, citations))))
    env: dict[str, object] = {}
    tokens = parser.parse(markdown, env)
    if env:  # link reference definitions: a paragraph's inlines depend on more than its text
        return parse(markdown, meta, citations)
    return Document(meta, tuple(_blocks(tokens, _memoised(parser, memo, citations))))


def _memoised(
    parser: MarkdownIt, memo: Memo, citations: Mapping[str, tuple[CiteItem, ...]]
) -> Callable[[Token], tuple[Inline, ...]]:
    """A paragraph's inlines from the memo, else parsed as the core "inline" and "text_join"
    rules would (nothing else runs between them) and kept. Both ways the value is decoded
    from its JSON form, so a hit and a miss build the very same tree."""

    # The key: a digest of the paragraph's text after one (fixed-length) of the code and
    # library versions, without first writing the text as JSON (a third of the key's cost).
    versions = digest("paragraph", libraries()).encode()

    def inlines(token: Token) -> tuple[Inline, ...]:
        text = token.content.encode("utf-8", "surrogatepass")
        key = hashlib.sha256(versions + text).hexdigest()
        found = decode(memo.get(key), citations)
        if found is not None:
            return found
        token.children = []
        parser.inline.parse(token.content, parser, {}, token.children)
        text_join(StateCore("", parser, {}, [token]))
        value = encode(_inlines(token, {}))
        memo.put(key, value)
        made = decode(value, citations)
        assert made is not None  # encode writes what decode reads
        return made

    return inlines


def _blocks(tokens: list[Token], content_of: Callable[[Token], tuple[Inline, ...]]) -> list[Block]:
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
                content = content_of(token)
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
