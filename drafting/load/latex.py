"""LaTeX in BibTeX field values -> plain Unicode text.

A library is data from anywhere (a colleague, a Zotero export, a web page's "cite this"), so
decoding never raises: markup the parser cannot read (too deeply nested, a malformed macro)
is reported by `latex_trouble`, with the field's location, and its text is kept without
braces and backslashes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text

from drafting.model import Location
from drafting.problems import Problem, error
from drafting.text import fold_whitespace

MAX_DEPTH = 40
"""Levels of nested braces; the parser recurses per level, and real titles use two or three."""

# Only values containing one of these need the (slow) LaTeX parser.
_NEEDS_DECODING = re.compile(r"[\\{}~$&%]|--|``|''")
# A bare "&" is a table separator to LaTeX (pylatexenc turns it into spaces), but Zotero
# exports write it unescaped in publisher names; treat it as the character it means.
_BARE_AMPERSAND = re.compile(r"(?<!\\)&")
# LaTeX's single quotation marks, `like this', which pylatexenc leaves as they are.
_SINGLE_QUOTES = re.compile(r"`([^`'\n]*)'")


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


@lru_cache(maxsize=1)
def _context() -> macrospec.LatexContextDb:
    # pylatexenc's parser reads \href with no arguments while its text converter expects two
    # (an IndexError); declare both, so "\href{url}{text}" becomes "text <url>" as \url does.
    context = latexwalker.get_default_latex_context_db()
    context.add_context_category(
        "draft-links", macros=[macrospec.MacroSpec("href", "{{")], prepend=True
    )
    return context


class LatexError(ValueError):
    """A field value the LaTeX parser cannot read; the message says why, in plain words."""


@lru_cache(maxsize=4096)
def _parse(value: str) -> str:
    """The text of `value`, or `LatexError`."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth > MAX_DEPTH:
            raise LatexError(f"braces are nested more than {MAX_DEPTH} levels deep")
    try:
        walker = latexwalker.LatexWalker(
            _BARE_AMPERSAND.sub(r"\\&", value), latex_context=_context(), tolerant_parsing=True
        )
        return str(_decoder().nodelist_to_text(walker.get_latex_nodes()[0]))
    except (latexwalker.LatexWalkerError, LookupError, AttributeError, TypeError) as exc:
        raise LatexError(f"the LaTeX markup cannot be read ({type(exc).__name__})") from None
    except RecursionError:
        raise LatexError("the LaTeX markup is nested too deeply") from None


def decode(value: str) -> str:
    """Decode accents, escapes, dashes, `~` and case-protecting braces; collapse whitespace."""
    if _NEEDS_DECODING.search(value):
        try:
            value = _parse(value)
        except LatexError:  # reported by `latex_trouble`; keep the words, drop the markup
            value = value.translate({ord("{"): None, ord("}"): None, ord("\\"): " "})
    if "`" in value:
        value = _SINGLE_QUOTES.sub("‘\\1’", value)
    return fold_whitespace(value)


def latex_trouble(value: str, where: Location, key: str, name: str) -> Problem | None:
    """An error for a field whose LaTeX cannot be read, or None."""
    if not _NEEDS_DECODING.search(value):
        return None
    try:
        _parse(value)
    except LatexError as exc:
        return error(
            "bad-latex",
            f"field '{name}': {exc}; write the value as plain text, with at most a few "
            "braces {...} around words whose capitals must be kept",
            where,
            source=key,
        )
    return None


def strip_braces(value: str) -> str:
    """`{Human Rights Watch}` -> `Human Rights Watch` (one level of outer braces only)."""
    if value.startswith("{") and value.endswith("}") and _balanced(value[1:-1]):
        return value[1:-1]
    return value


def _balanced(value: str) -> bool:
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
