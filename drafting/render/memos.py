"""What rendering keeps from one run to the next: notes, Sources entries and their order, and
the body's paragraphs as parsed, each under the digest of everything it was made from.

A rebuild of an unchanged brief renders no footnote and parses no paragraph again: a note is
a function of the style template's source, `style_options`, the libraries that run it
(Jinja2, markdown-it) and the exact `citations` its `note` macro receives, so those are its
key (`memo.digest` adds draft's own code). Only a *stateless* style is memoised (no import,
include, namespace, joiner or cycler: `citations._stateless`), so the one template file is all
a macro can reach, and the sandbox leaves nothing random or time-dependent in reach
(`templating.BoundedSandbox` removes `random` and `lipsum`; our filters are pure).

Values are JSON read from a file outside our control: `decode` returns None for anything of
the wrong shape, which the caller treats as a miss.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import jinja2
import markdown_it
import mdit_py_plugins
import pyuca  # type: ignore[import-untyped]  # no type hints published

from drafting import memo
from drafting.memo import digest
from drafting.model import (
    Cite,
    CiteItem,
    ClaimSpan,
    Emph,
    Inline,
    PartialDate,
    Report,
    Source,
    Strong,
    Text,
)

__all__ = ["NotPlain", "Views", "decode", "digest", "encode", "plain", "render_memo"]

KIND = "render"
Citations = Mapping[str, tuple[CiteItem, ...]]


def render_memo(report: Report, style: str, edition: str) -> memo.Memo:
    """The memo of one report folder, style and edition: the public and internal editions
    print differently and must not evict each other's entries."""
    folder = report.location.file.parent
    return memo.Memo(KIND, "\0".join((str(folder), style, edition)))


def libraries() -> tuple[str, ...]:
    """The versions of the libraries whose behaviour a rendered note or paragraph depends on."""
    return (jinja2.__version__, markdown_it.__version__, mdit_py_plugins.__version__)


@cache
def collation_version() -> tuple[str, ...]:
    """pyuca's version and its table's: the order of the Sources list depends on both."""
    return (*memo.versions("pyuca"), str(pyuca.Collator.UCA_VERSION))


class NotPlain(Exception):  # noqa: N818 (a signal: this value cannot be part of a key)
    """A value handed to a template that has no faithful JSON form."""


def plain(value: Any) -> Any:
    """`value` (a source view, a citation) as JSON, faithfully: dates keep their type and
    precision; anything else that JSON cannot hold raises `NotPlain` (then: no memo)."""
    if value is None or isinstance(value, str | bool | int | float):
        if type(value) not in (str, bool, int, float, type(None)):
            raise NotPlain(type(value).__name__)  # a str subclass may print differently
        return value
    if isinstance(value, Mapping):
        if not all(type(k) is str for k in value):
            raise NotPlain("a key that is not text")
        return {k: plain(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return [plain(v) for v in value]
    return _date(value)


class Views:
    """The source views templates receive (`source_view`), made once per source, and their
    digests. Only a view made here has a digest: its values are what `source_view` makes of
    the frozen model, whose text fields are plain str, so its JSON (dates marked) is the view
    exactly; anything else handed to a macro (a layout may pass any value to `reference`)
    could hold a str subclass that prints differently, and is never a key."""

    def __init__(self, make: Callable[[Source], dict[str, Any]]) -> None:
        self._make = make
        self._views: dict[int, tuple[Source, dict[str, Any]]] = {}
        self._digests: dict[int, tuple[dict[str, Any], str | None]] = {}

    def view(self, source: Source) -> dict[str, Any]:
        found = self._views.get(id(source))  # the pair holds the source: its id stays its own
        if found is not None and found[0] is source:
            return found[1]
        made = self._make(source)
        self._views[id(source)] = (source, made)
        self._digests[id(made)] = (made, _UNKNOWN)
        return made

    def digest(self, view: object) -> str | None:
        """The digest of a view `view` made, else None."""
        found = self._digests.get(id(view))
        if found is None or found[0] is not view:
            return None
        if found[1] is _UNKNOWN:
            try:
                text = json.dumps(view, ensure_ascii=False, default=_date, allow_nan=False)
                made: str | None = digest("source", text)
            except (NotPlain, TypeError, ValueError):
                made = None
            self._digests[id(view)] = (found[0], made)
            return made
        return found[1]


_UNKNOWN = "?"
"""A view's digest not yet made (a digest is 64 hex digits, never this)."""


def _date(value: object) -> object:
    if type(value) is PartialDate:
        return {"PartialDate": [value.year, value.month, value.day]}
    if type(value) is dt.date:
        return {"date": value.isoformat()}
    raise NotPlain(type(value).__name__)


# --------------------------------------------------------------------------- inlines as JSON
# Text -> "text"; Emph -> ["e", [...]]; Strong -> ["s", [...]]; ClaimSpan -> ["c", id, [...]];
# Cite -> ["n", id] (its items are the claim's, attached when read back).


def encode(inlines: tuple[Inline, ...]) -> list[Any]:
    return [_encode(node) for node in inlines]


def _encode(node: Inline) -> Any:
    match node:
        case Text(text):
            return text
        case Emph(content):
            return ["e", encode(content)]
        case Strong(content):
            return ["s", encode(content)]
        case ClaimSpan(claim_id, content):
            return ["c", claim_id, encode(content)]
        case Cite(claim_id, _):
            return ["n", claim_id]
    raise TypeError(f"an inline that is not kept: {node!r}")


def decode(value: Any, citations: Citations | None = None) -> tuple[Inline, ...] | None:
    """The inlines `encode` wrote, or None if `value` is not of that shape. Claims and their
    citations only where `citations` is given (the body; never in a note)."""
    try:
        return _decode(value, citations)
    except (TypeError, ValueError, RecursionError):
        return None


def _decode(value: Any, citations: Citations | None) -> tuple[Inline, ...]:
    if type(value) is not list:
        raise TypeError
    return tuple(_node(item, citations) for item in value)


def _node(item: Any, citations: Citations | None) -> Inline:
    if type(item) is str:
        return Text(item)
    if type(item) is not list or not item or type(item[0]) is not str:
        raise TypeError
    make = _MAKERS.get(item[0]) if citations is not None else _NOTE_MAKERS.get(item[0])
    if make is None:
        raise ValueError(item[0])
    return make(item, citations)


def _emph(item: list[Any], citations: Citations | None) -> Inline:
    if len(item) != 2:
        raise ValueError
    return Emph(_decode(item[1], citations))


def _strong(item: list[Any], citations: Citations | None) -> Inline:
    if len(item) != 2:
        raise ValueError
    return Strong(_decode(item[1], citations))


def _claim(item: list[Any], citations: Citations | None) -> Inline:
    if len(item) != 3 or type(item[1]) is not str or citations is None:
        raise ValueError
    return ClaimSpan(item[1], _decode(item[2], citations))


def _cite(item: list[Any], citations: Citations | None) -> Inline:
    if len(item) != 2 or type(item[1]) is not str or citations is None:
        raise ValueError
    return Cite(item[1], citations.get(item[1], ()))


_NOTE_MAKERS: dict[str, Callable[[list[Any], Citations | None], Inline]] = {
    "e": _emph,
    "s": _strong,
}
_MAKERS = _NOTE_MAKERS | {"c": _claim, "n": _cite}
