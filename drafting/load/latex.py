"""LaTeX in BibTeX field values -> plain Unicode text."""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

from drafting.text import fold_whitespace

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


def decode(value: str) -> str:
    """Decode accents, escapes, dashes, `~` and case-protecting braces; collapse whitespace."""
    if _NEEDS_DECODING.search(value):
        value = _decoder().latex_to_text(_BARE_AMPERSAND.sub(r"\\&", value))
    if "`" in value:
        value = _SINGLE_QUOTES.sub("‘\\1’", value)
    return fold_whitespace(value)


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
