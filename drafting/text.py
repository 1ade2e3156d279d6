"""Small text helpers shared by every stage: XML safety and inline markup of claim text."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from drafting.model import Emph, Inline, Location, Strong, Text
from drafting.problems import Problem, warning

# Characters XML 1.0 forbids (python-docx raises on them) and lone surrogates.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
_ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_SPACES = re.compile(r"[ \t\r\n]+")


def fold_whitespace(text: str) -> str:
    """Runs of spaces, tabs and line breaks -> one space, trimmed; other spaces (NBSP) stay."""
    return _SPACES.sub(" ", text).strip(" ")


def forbidden_characters(text: str) -> list[str]:
    """The characters of `text` that cannot be stored in a Word file, as U+XXXX codes."""
    return sorted({f"U+{ord(c):04X}" for c in _XML_FORBIDDEN.findall(text)})


def xml_safe_reported(
    text: str, where: Location, problems: list[Problem], holder: str, **who: str
) -> str:
    """`xml_safe`, plus a `forbidden-character` warning saying which characters and where.

    `holder` names what the user should edit: "text" (YAML) or "entry" (a library entry).
    """
    bad = forbidden_characters(text)
    if bad:
        subject = "text" if holder == "text" else "field"
        problems.append(
            warning(
                "forbidden-character",
                f"the {subject} contains {', '.join(bad)}, which a Word document cannot hold; "
                "both outputs show the replacement character U+FFFD (�) instead; delete "
                f"it from the {holder}",
                where,
                **who,
            )
        )
    return xml_safe(text)


def xml_safe(text: str) -> str:
    """Replace characters XML cannot hold by U+FFFD, so both outputs show the same text."""
    return _XML_FORBIDDEN.sub(REPLACEMENT, text)


def escape_all(text: str) -> str:
    """Backslash-escape every ASCII punctuation character and fold whitespace.

    Used for the *intermediate* Markdown that templates produce and `parse` reads back:
    CommonMark lets any ASCII punctuation be escaped, so data can never become markup there.
    """
    return _ASCII_PUNCT.sub(r"\\\1", _SPACES.sub(" ", xml_safe(text)))


@lru_cache(maxsize=1)
def _emphasis_parser() -> MarkdownIt:
    # "zero" recognises nothing but paragraphs and text; we add emphasis only, so that in
    # claim text `*x*`, `_x_` and `**x**` are markup and `[^1]`, `#`, `<b>`, `\` are not.
    return MarkdownIt("zero").enable(["emphasis"])


def inline_markup(text: str) -> tuple[Inline, ...]:
    """Claim or organisation text -> inlines, reading emphasis and strong only."""
    if "*" not in text and "_" not in text:
        return (Text(text),) if text else ()
    tokens = _emphasis_parser().parseInline(text)
    return inlines_from_tokens(tokens[0].children or []) if tokens else ()


def inlines_from_tokens(tokens: list[Token]) -> tuple[Inline, ...]:
    """markdown-it inline tokens (text, em, strong, breaks) -> document inlines."""
    stack: list[list[Inline]] = [[]]
    for token in tokens:
        if token.type in ("em_open", "strong_open"):
            stack.append([])
        elif token.type in ("em_close", "strong_close"):
            content = tuple(stack.pop())
            if token.type == "em_close":
                stack[-1].append(Emph(_unnest(Emph, content)))
            else:
                stack[-1].append(Strong(_unnest(Strong, content)))
        elif token.type in ("softbreak", "hardbreak"):
            stack[-1].append(Text(" "))
        else:  # also text a template wrote literally: sanitised here, once, for both writers
            stack[-1].append(Text(xml_safe(token.content)))
    return merge_text(stack[0])


def _unnest(kind: type[Emph] | type[Strong], nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Emphasis inside emphasis (`_*a*_`) is just emphasis: drop the inner one.

    Written back, nested delimiters of one kind touch (`**a*b*`) and no longer read the same;
    without them, at most `***` ever touches, which every CommonMark reader agrees on.
    """
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, kind):
            out.extend(_unnest(kind, node.content))
        elif isinstance(node, Emph):
            out.append(Emph(_unnest(kind, node.content)))
        elif isinstance(node, Strong):
            out.append(Strong(_unnest(kind, node.content)))
        else:
            out.append(node)
    return merge_text(out)


def merge_text(inlines: list[Inline] | tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Join neighbouring Text nodes, and neighbouring Emph (or Strong) nodes, so equal
    documents have equal trees.

    `_a_*b*` reads as two emphases side by side; written back as `*a**b*` it would not read
    the same, so they become one emphasis `*ab*`, which looks the same on the page.
    """
    merged: list[Inline] = []
    for node in inlines:
        last = merged[-1] if merged else None
        if isinstance(node, Text) and isinstance(last, Text):
            merged[-1] = Text(last.text + node.text)
        elif isinstance(node, Emph) and isinstance(last, Emph):
            merged[-1] = Emph(merge_text(last.content + node.content))
        elif isinstance(node, Strong) and isinstance(last, Strong):
            merged[-1] = Strong(merge_text(last.content + node.content))
        elif not (isinstance(node, Text) and not node.text):
            merged.append(node)
    return tuple(merged)


def inlines_to_internal_md(inlines: tuple[Inline, ...]) -> str:
    """Text/Emph/Strong -> intermediate Markdown (everything escaped but our own `*`)."""
    out = []
    for node in inlines:
        match node:
            case Text(text):
                out.append(escape_all(text))
            case Emph(content):
                out.append(f"*{inlines_to_internal_md(content)}*")
            case Strong(content):
                out.append(f"**{inlines_to_internal_md(content)}**")
            case _:
                raise TypeError(f"not allowed in claim text: {node!r}")
    return "".join(out)


def plain(inlines: tuple[Inline, ...]) -> str:
    """The text of inlines without any formatting (for checks and manifests)."""
    out = []
    for node in inlines:
        match node:
            case Text(text):
                out.append(text)
            case Emph(content) | Strong(content):
                out.append(plain(content))
            case _:
                pass
    return "".join(out)
