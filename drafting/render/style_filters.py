"""Filters for citation-style templates: names, quoting, joining, wrapping, sorting.

Small and generic on purpose: the *order* and *punctuation* of a note belong to the style
template, so an organisation can write its own style without touching Python. Every filter
returns plain text (escaped when printed) or `Md` (our own, already escaped Markdown).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyuca  # type: ignore[import-untyped]  # no type hints published

from drafting.model import PartialDate
from drafting.render.templating import Md
from drafting.render.templating import escape as escape_all

_SENTENCE_END = ".?!"
# Leading articles that bibliographies ignore when sorting by title (Chicago 14.68).
_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_SORT_NOISE = re.compile(r"^[\s\[\(“”‘’\"'«»¿¡*]+")
# Quotation marks inside a quoted title swap to the other kind; ’ alone is an apostrophe.
_INNER_SINGLE = re.compile(r"‘([^‘’]*)’")
_INNER_DOUBLE = re.compile(r"“([^“”]*)”")


class Quoted(str):
    """A title in double quotes; `join_parts` puts a following comma or full stop inside
    the closing mark (American usage, Chicago)."""

    __slots__ = ()


class SingleQuoted(str):
    """A title in single quotes; punctuation stays outside (British usage, OSCOLA)."""

    __slots__ = ()


def names(
    authors: list[dict[str, Any]],
    etal: str = "et al.",
    serial: bool = True,
    invert: str = "",
    initials: bool = False,
    most: int = 3,
    stops: bool = True,
) -> str:
    """Authors as a phrase: "A, B, and C" (`serial=False`: "A, B and C").

    More than `most` names, or BibTeX's "and others", give "First `etal`". Corporate names
    are kept whole. `invert="first"` (Chicago bibliography) or `"all"` (OSCOLA bibliography)
    writes "Family, Given" (`initials`: "Family G"). `stops=False` drops the full stops of
    initials in given names, "Andrew E Kramer" (OSCOLA 1.6.1: no full stops in abbreviations).
    """
    people = [a for a in authors if not a["others"]]
    shown = [
        _person(a, invert == "all" or (invert == "first" and i == 0), initials, stops)
        for i, a in enumerate(people)
    ]
    # An inverted first name ("Ward, Geoffrey") is followed by a comma: "Ward, Geoffrey, and".
    comma = invert == "first" and "," in shown[0] if shown else False
    if len(authors) > len(people) or len(shown) > most:
        return f"{shown[0]}{',' if comma else ''} {etal}" if shown else ""
    if comma and len(shown) == 2:
        return f"{shown[0]}, and {shown[1]}"
    return _and(shown, serial)


def family_names(
    authors: list[dict[str, Any]], etal: str = "et al.", serial: bool = True, most: int = 3
) -> str:
    """Family (or corporate) names only, for short notes: "Smith and Jones"."""
    people = [a["literal"] or a["family"] for a in authors if not a["others"]]
    if len(authors) > len(people) or len(people) > most:
        return f"{people[0]} {etal}" if people else ""
    return _and(people, serial)


def _and(items: list[str], serial: bool) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}{',' if serial else ''} and {items[-1]}"


def _person(author: dict[str, Any], inverted: bool, initials: bool, stops: bool = True) -> str:
    if author["literal"]:
        return str(author["literal"])
    given = str(author["given"])
    if not stops:
        given = re.sub(r"(?<=\b\w)\.", "", given)  # "Andrew E." -> "Andrew E"
    if initials:
        given = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)
    if inverted:
        name = f"{author['family']}{', ' if given and not initials else ' '}{given}".strip(" ,")
        return f"{name}, {author['suffix']}" if author["suffix"] else name
    name = " ".join(p for p in (given, author["family"]) if p)
    return f"{name}, {author['suffix']}" if author["suffix"] else name


def italic(value: str) -> Md:
    return Md(f"*{escape_all(value)}*") if value else Md("")


def quoted(value: str, single: bool = False) -> Quoted | SingleQuoted:
    """“Title” (Chicago), or with `single=True` ‘Title’ (OSCOLA)."""
    return SingleQuoted(value) if single else Quoted(value)


def wrap(value: Any, before: str, after: str) -> Md:
    """`before` + value + `after`, or nothing when the value is empty: never an empty "()"."""
    if not value:
        return Md("")
    inner = value if isinstance(value, Md) else _escaped(value)
    return Md(f"{escape_all(before)}{inner}{escape_all(after)}")


def join_parts(parts: Iterable[Any], separator: str = ", ", end: str = "") -> Md:
    """Join the non-empty parts, escaping plain text; never leaves ", ," or an empty "()".

    A `Quoted` part takes a following "," or "." inside its closing quotation mark (Chicago);
    a `SingleQuoted` one keeps it outside (OSCOLA). `end` is left out after a part that
    already ends a sentence ("n.d.", "Why?"), so a note never ends "n.d..".
    """
    kept = [p for p in parts if p]
    out = []
    for i, part in enumerate(kept):
        after = end if i == len(kept) - 1 else separator
        if _ends_sentence(part, after.strip()):
            after = after.replace(after.strip(), "", 1)
        if isinstance(part, Quoted):
            inside = after.rstrip() if after.strip() in (",", ".") else ""
            rest, inner = after[len(inside) :], _inner(part)
            if inside and inner.endswith("’"):  # “… ‘belt,’” : inside both marks
                inner, inside = inner[:-1], inside + "’"
            out.append(f"“{escape_all(inner)}{escape_all(inside)}”")
            out.append(escape_all(rest))
            continue
        out.append(part if isinstance(part, Md) else _escaped(part))
        out.append(escape_all(after))
    return Md("".join(out))


def _escaped(part: Any) -> str:
    if isinstance(part, SingleQuoted):
        return f"‘{escape_all(_inner(part))}’"
    if isinstance(part, Quoted):
        return f"“{escape_all(_inner(part))}”"
    return escape_all(str(part))


def _inner(title: Quoted | SingleQuoted) -> str:
    """A quoted title's own quotations take the other kind of mark: ‘a “b” c’, “a ‘b’ c”."""
    if isinstance(title, SingleQuoted):
        return _INNER_SINGLE.sub(r"“\1”", str(title))
    return _INNER_DOUBLE.sub(r"‘\1’", str(title))


def _ends_sentence(part: Any, punctuation: str) -> bool:
    """True when `part` already ends with punctuation that replaces `punctuation`.

    "n.d." takes no second full stop, "Why?" neither a full stop nor a comma (Chicago 6.119);
    "n.d." does take a comma.
    """
    last = str(part).rstrip("*_”’")[-1:]  # after italics or a closing quotation mark
    return (punctuation == "." and last in _SENTENCE_END) or (punctuation == "," and last in "?!")


def year(value: PartialDate | None) -> str:
    return str(value.year) if value else ""


def sortable(value: str) -> str:
    """A sort key: case-folded, without leading brackets, quotes and articles."""
    text = _SORT_NOISE.sub("", str(value))
    return _ARTICLE.sub("", text).casefold()


@lru_cache(maxsize=1)
def _collator() -> pyuca.Collator:
    # pyuca: the Unicode Collation Algorithm with the default (DUCET) table, in pure Python.
    # Chosen over PyICU because ICU needs a C++ build against the system's libicu, which a
    # plain `pip install` on Windows or a clean CI image does not have; the DUCET order is what
    # an English-language bibliography needs (König before Kramer, Åberg under A).
    return pyuca.Collator()


def collation_key(value: str) -> tuple[int, ...]:
    """The Unicode Collation Algorithm's key for `value` (code-point order puts "Kramer"
    before "König"; the UCA does not)."""
    simple = _simple_key(unicodedata.normalize("NFD", value))
    return simple if simple is not None else tuple(_collator().sort_key(value))


def _simple_key(text: str) -> tuple[int, ...] | None:
    """The key pyuca gives `text` (NFD), without building its table (about 0.2 s of every
    build): when no character of `text` has an implicit weight (it is not in the table) and
    no two of them could form one of the table's contractions ("l·"), the key is built from
    each character's own collation elements, level by level, as
    `pyuca.Collator.sort_key_from_collation_elements` does. None otherwise."""
    table = _table()
    chars = set(text)
    if any(ord(c) not in table.single or table.follow.get(c, _NONE) & chars for c in chars):
        return None
    elements = [e for char in text for e in table.elements(ord(char))]
    key: list[int] = []
    for level in range(4):
        if level:
            key.append(0)  # level separator
        key.extend(e[level] for e in elements if len(e) > level and e[level])
    return tuple(key)


_NONE: frozenset[str] = frozenset()
_SINGLE_ENTRY = re.compile(r"^([0-9A-F]{4,6})\s*;([^#\n]*)", re.MULTILINE)
_CONTRACTION = re.compile(r"^([0-9A-F]{4,6})((?: [0-9A-F]{4,6})+)\s*;", re.MULTILINE)


@dataclass(frozen=True, eq=False)
class _Table:
    """The entries of the table file pyuca's `Collator` reads, found by two regular
    expressions; a character's collation elements are read from its entry when first used."""

    single: dict[int, str]
    """Each character's entry, unparsed."""
    follow: dict[str, frozenset[str]]
    """For each character that starts a contraction, the characters that may follow it in
    one: a string holding both is left to pyuca."""
    parsed: dict[int, tuple[tuple[int, ...], ...]] = field(default_factory=dict)

    def elements(self, code: int) -> tuple[tuple[int, ...], ...]:
        found = self.parsed.get(code)
        if found is None:
            found = self.parsed[code] = tuple(
                tuple(int(w, 16) for w in element.groups())
                for element in pyuca.collator.COLL_ELEMENT_PATTERN.finditer(self.single[code])
            )
        return found


@lru_cache(maxsize=1)
def _table() -> _Table:
    path = Path(pyuca.__file__).parent / f"allkeys-{pyuca.Collator.UCA_VERSION}.txt"
    text = path.read_text(encoding="utf-8")
    follow: dict[str, set[str]] = {}
    for first, rest in _CONTRACTION.findall(text):
        follow.setdefault(chr(int(first, 16)), set()).update(chr(int(c, 16)) for c in rest.split())
    return _Table(
        {int(code, 16): entry for code, entry in _SINGLE_ENTRY.findall(text)},
        {first: frozenset(rest) for first, rest in follow.items()},
    )


def ordinal(value: str) -> str:
    """An edition number as English writes it: "2" -> "2nd", "3" -> "3rd", "11" -> "11th";
    anything else ("Rev.", "2nd") as written."""
    text = str(value).strip()
    if not text.isdigit():
        return text
    number = int(text)
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def inclusive(pages: str) -> str:
    """A page range with the second number shortened as CMOS 17 9.61 does: "455–478" ->
    "455–78", "100–104" -> "100–104", "101–108" -> "101–8", "1496–1504" -> "1496–504"."""
    return re.sub(r"\b(\d+)–(\d+)\b", lambda m: _shortened(m.group(1), m.group(2)), str(pages))


def _shortened(first: str, last: str) -> str:
    a, b = int(first), int(last)
    if a < 100 or a % 100 == 0 or b <= a or len(first) != len(last):
        return f"{first}–{last}"  # under 100, a multiple of 100, or not a plain range
    same = 0
    while same < len(first) and first[same] == last[same]:
        same += 1
    if a % 100 < 10:  # 101–108 -> 101–8: the changed part only, without zeros
        return f"{first}–{int(last[same:])}"
    return f"{first}–{last[min(same, len(last) - 2) :]}"  # at least two digits: 321–28


def no_stops(value: str) -> str:
    """Abbreviations without full stops, as OSCOLA writes them: "PhD diss." -> "PhD diss"."""
    return re.sub(r"(?<=\w)\.(?=\s|$|,)", "", str(value))


STYLE_FILTERS = {
    "md": Md,
    "names": names,
    "family_names": family_names,
    "italic": italic,
    "quoted": quoted,
    "wrap": wrap,
    "join_parts": join_parts,
    "year": year,
    "sortable": sortable,
    "ordinal": ordinal,
    "inclusive": inclusive,
    "no_stops": no_stops,
}
