"""The text a reader of a Markdown snapshot sees: the rendered text, not the markup.

Emphasis markers, link syntax and URLs are not part of the text ("[the report](https://…)"
reads "the report"); each paragraph, list item, table row, quotation paragraph and code
block is one block; headings are blocks that readers do not count as paragraphs. An ordered
list item keeps its printed number ("3. The guards…"), as the reader sees it, so numbered
paragraphs written as a Markdown list are recognised. Front matter is the file's metadata,
not its text. Raw HTML in the file is read as HTML (hidden parts are discarded and
recorded, as in a web page).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from drafting.audit.extract import Block, Discarded, Extracted
from drafting.audit.extract.html import visible_fragment

_OPENERS = {"paragraph_open", "heading_open", "tr_open"}


def extract_markdown(text: str) -> Extracted:
    """The rendered blocks of a Markdown document."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # Front matter (a YAML block between "---" lines at the top) is the file's metadata,
    # not text a reader of the note sees.
    tokens = parser.use(front_matter_plugin).parse(text)
    blocks: list[Block] = []
    discarded: list[Discarded] = []
    numbers: list[int] = []  # the next number of each open ordered list
    prefix = ""
    pieces: list[str] = []
    for token in tokens:
        if token.type == "ordered_list_open":
            numbers.append(int(token.attrGet("start") or 1))
        elif token.type == "ordered_list_close":
            numbers.pop()
        elif token.type == "list_item_open" and token.markup in (".", ")") and numbers:
            prefix = f"{numbers[-1]}{token.markup} "
            numbers[-1] += 1
        elif token.type in _OPENERS:
            pieces = []
        elif token.type == "inline":
            pieces.append(_inline(token.children or [], discarded))
        elif token.type in ("th_close", "td_close"):
            pieces.append(" ")
        elif token.type in ("paragraph_close", "heading_close", "tr_close"):
            _add(blocks, prefix + "".join(pieces), token.type)
            prefix = ""
        elif token.type in ("fence", "code_block"):
            _add(blocks, token.content, token.type)
        elif token.type == "front_matter":
            discarded.append(Discarded("the file's front matter", token.content.strip()))
        elif token.type == "html_block":
            found = visible_fragment(token.content)
            blocks.extend(found.blocks)
            discarded.extend(found.discarded)
    return Extracted(tuple(blocks), tuple(discarded))


def _add(blocks: list[Block], text: str, kind: str) -> None:
    text = text.strip()
    if text:
        blocks.append(Block(text, heading=kind == "heading_close"))


def _inline(children: Sequence[Token], discarded: list[Discarded]) -> str:
    return "".join(_inline_pieces(children, discarded))


def _inline_pieces(children: Sequence[Token], discarded: list[Discarded]) -> Iterator[str]:
    for child in children:
        if child.type in ("text", "code_inline"):
            yield child.content
        elif child.type in ("softbreak", "hardbreak"):
            # A line break in the file is whitespace to the reader; kept as a line end so a
            # word hyphenated at it can still be recognised by the quote matcher.
            yield "\n"
        elif child.type == "image":
            alt = "".join(_inline_pieces(child.children or [], discarded)).strip()
            if alt:
                discarded.append(Discarded("image alt text", alt))
        elif child.type == "html_inline":
            continue  # a tag such as <span> or <br>: its words are text tokens of their own
