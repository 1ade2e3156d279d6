"""Typography folded away, fast, with a compact map back to the original text.

`normalise` changes what typesetting changes and nothing else: Unicode compatibility forms
(ligatures such as ﬁ, full-width letters, `…`), soft hyphens and zero-width characters,
words hyphenated at a line end, hard wraps and runs of spaces (non-breaking and others),
curly and straight quotes, dashes, and spaced dots (`. . .`). Letters are never folded:
Cyrillic, Greek and accented Latin stay as they are (NFKC composes `e` + combining acute
into `é`; it does not strip accents).

Speed matters: a library of hundreds of snapshots may be normalised on every check. The
work is done by C-level fast paths (`str.translate`, `str.replace`, `re.split`, NFKC only on
the characters that need it) in a few passes, each skipped when a substring test shows it
has nothing to do (about 0.35 s of CPU for 8 MB of hard-wrapped web text; the Python loop
per character it replaces took some 15 s). Each pass that changes the length of the text
records only where it did so (`_Edits`, four integers per edit); between edits the text is
copied and offsets shift by a constant. An offset is mapped back (by bisection) only when a
match is reported, so a quote that is absent costs a string search and nothing more. And a
snapshot is normalised only when a quote is not found in it word for word (`Normalised` is
computed on first use).
"""

from __future__ import annotations

import bisect
import hashlib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeGuard

from drafting.audit.cache import DiskCache

# Characters that select how text is typeset but are not part of the words.
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
_QUOTES_SINGLE = "‘’‚‛′`´ʼ＇"
_QUOTES_DOUBLE = "“”„‟″«»〝〞＂"
_DASHES = "‐‑‒–—―−⸺⸻﹘﹣－"
_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2028\u2029\u202f\u205f\u3000"
_SPACES += "".join(chr(c) for c in range(0x2000, 0x200B))
# One character to one character, so this pass never moves an offset.
_FOLD = {
    **dict.fromkeys(_QUOTES_SINGLE, "'"),
    **dict.fromkeys(_QUOTES_DOUBLE, '"'),
    **dict.fromkeys(_DASHES, "-"),
    **dict.fromkeys(_SPACES, " "),
}
_FOLD_ASCII = str.maketrans({c: v for c, v in _FOLD.items() if c.isascii()})
_FOLD_ASCII_CHARS = [c for c in _FOLD if c.isascii()]
_FOLD_OTHER = re.compile("[" + re.escape("".join(c for c in _FOLD if not c.isascii())) + "]")
# A hyphen (or soft hyphen) at the end of a line, before the next line's first word.
_LINE_END_HYPHEN = re.compile(r"[-\u2010\u2011\u00ad][ \t\r]*\n[ \t]*(?=\w)")
_SPACE_RUN = re.compile(r"(  +)")
_INVISIBLE_RUN = re.compile(rf"([{INVISIBLE}]+)")
_HYPHENS = re.compile(r"-+(?: -+)*")
_SPACED_DOTS = re.compile(r"(\.(?: ?\.){2,})")


@dataclass(frozen=True, slots=True)
class _Edits:
    """The spans one pass replaced: input span [in_starts[k], in_ends[k]) became output span
    [out_starts[k], out_ends[k]). Only edits that change the length are recorded."""

    in_starts: list[int]
    in_ends: list[int]
    out_starts: list[int]
    out_ends: list[int]

    def back_start(self, p: int) -> int:
        """The input offset where output offset `p` starts."""
        k = bisect.bisect_right(self.out_starts, p) - 1
        if k < 0:
            return p
        if p < self.out_ends[k]:
            return self.in_starts[k]
        return self.in_ends[k] + p - self.out_ends[k]

    def back_end(self, p: int) -> int:
        """The input offset where an output span ending at `p` (exclusive) ends."""
        k = bisect.bisect_left(self.out_starts, p) - 1
        if k < 0:
            return p
        if p <= self.out_ends[k]:
            return self.in_ends[k]
        return self.in_ends[k] + p - self.out_ends[k]

    def forward(self, p: int) -> int:
        """The first output offset at or after input offset `p`."""
        k = bisect.bisect_right(self.in_starts, p) - 1
        if k < 0:
            return p
        if p < self.in_ends[k]:
            return self.out_starts[k]
        return self.out_ends[k] + p - self.in_ends[k]


class Normalised:
    """Normalised text, how to map its offsets back, and where a line-end hyphen was dropped.

    Computed on first use: a snapshot whose quotes are all found word for word in its own
    text is never normalised at all.
    """

    __slots__ = ("_cache", "_original", "_passes", "_soft", "_text")

    def __init__(self, original: str, cache: DiskCache | None = None) -> None:
        self._original = original
        self._cache = cache
        self._text: str | None = None
        self._passes: tuple[_Edits, ...] = ()
        self._soft: frozenset[int] = frozenset()

    def _ready(self) -> str:
        if self._text is None:
            self._text, self._passes, self._soft = _cached(self._original, self._cache)
            self._original = ""
        return self._text

    @property
    def text(self) -> str:
        return self._ready()

    @property
    def soft_breaks(self) -> frozenset[int]:
        """Offsets in `text` where a hyphen at a line end between two letters was dropped:
        the source may mean `pre-trial` or `pretrial` there, so a quote may have either."""
        self._ready()
        return self._soft

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of normalised `text[start:end]` (end > start)."""
        self._ready()
        for edits in reversed(self._passes):
            start, end = edits.back_start(start), edits.back_end(end)
        return start, end

    def normalised_offset(self, original: int) -> int:
        """The first normalised character at or after an original offset."""
        self._ready()
        for edits in self._passes:
            original = edits.forward(original)
        return original


def normalise(text: str, cache: DiskCache | None = None) -> Normalised:
    """Typography folded (see the module's notes), with the map back to `text`'s offsets;
    the work is done when the result is first used. With a `cache` (a snapshot's text: long,
    and the same on every build) the result is kept on disk under the digest of `text`."""
    return Normalised(text, cache)


Result = tuple[str, tuple[_Edits, ...], frozenset[int]]


def _cached(text: str, cache: DiskCache | None) -> Result:
    """`_normalise(text)`, from the disk cache when it holds it. The key names the text's
    digest, this module's source and the Unicode version NFKC follows, so a change to any of
    them never meets an old entry; an entry that is not well formed is a miss."""
    if cache is None or cache.folder is None or not _normaliser_version():
        return _normalise(text)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    key = f"{_normaliser_version()}\n{digest}"
    entry = cache.load(key)
    found = _from_entry(entry) if entry is not None else None
    if found is not None:
        return found
    result = _normalise(text)
    normalised, passes, soft = result
    cache.store(
        key,
        {
            "text": normalised,
            "passes": [[e.in_starts, e.in_ends, e.out_starts, e.out_ends] for e in passes],
            "soft": sorted(soft),
        },
    )
    return result


def _from_entry(entry: dict[str, Any]) -> Result | None:
    text, passes, soft = entry.get("text"), entry.get("passes"), entry.get("soft")
    if not (isinstance(text, str) and isinstance(passes, list) and _integers(soft)):
        return None
    edits = []
    for lists in passes:
        if not (isinstance(lists, list) and len(lists) == 4 and all(map(_integers, lists))):
            return None
        if len({len(x) for x in lists}) != 1:
            return None
        edits.append(_Edits(*lists))
    return text, tuple(edits), frozenset(soft)


def _integers(value: object) -> TypeGuard[list[int]]:
    return isinstance(value, list) and all(type(x) is int for x in value)


@cache
def _normaliser_version() -> str:
    try:
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    except OSError:  # installed without its source: no cache rather than a stale one
        return ""
    return f"normalised-1 {code} unicode={unicodedata.unidata_version}"


WORD_RUN = re.compile("[^\\W_" + re.escape("".join(_FOLD)) + "]+")
"""A run of letters and digits that no pass of `normalise` folds (`ʼ`, a letter to Python, is
folded to `'`, so it is not part of a run)."""


def keeps_words(text: str) -> bool:
    """True when normalising `text` leaves every `WORD_RUN` as it is: no word broken at a line
    end is joined, no invisible character is dropped from inside a word, no compatibility
    form (a ligature, a full-width letter) is expanded. Every other pass replaces only
    spaces, quotes, dashes and dots with spaces, quotes, dashes and dots, so then a word run
    of the normalised text is a word run of `text`: a string absent from `text` whose own
    word runs are not all in `text` is absent from the normalised text too. Cheap: a regular
    expression search, and for non-ASCII text a substring test per invisible character and
    the NFKC quick check."""
    if _LINE_END_HYPHEN.search(text):
        return False
    if text.isascii():
        return True
    return not any(c in text for c in INVISIBLE) and unicodedata.is_normalized("NFKC", text)


def _normalise(text: str) -> tuple[str, tuple[_Edits, ...], frozenset[int]]:
    passes: list[_Edits] = []
    soft: list[int] = []
    if "\n" in text:  # first, while a soft hyphen still marks where a word was broken
        text = _apply(text, _line_ends(text, soft), passes)
    if not text.isascii():
        if any(c in text for c in INVISIBLE):  # before NFKC, which then joins what they split
            text = _apply(text, _split(_INVISIBLE_RUN, text, _nothing), passes)
        if not unicodedata.is_normalized("NFKC", text):
            text = _apply(text, _compatibility(text), passes)
    text = _fold(text)
    if "  " in text:
        text = _apply(text, _split(_SPACE_RUN, text, _one_space), passes)
    if " -" in text or "- " in text or "--" in text:
        text = _apply(text, _dashes(text), passes)
    if ". ." in text or "...." in text:
        text = _apply(text, _split(_SPACED_DOTS, text, _three_dots), passes)
    if text[:1] == " " or text[-1:] == " ":
        text = _apply(text, _ends(text), passes)
    later = passes[1:] if soft else []  # soft breaks are offsets after the first pass
    return text, tuple(passes), frozenset(_forward(later, b) for b in soft)


Edits = tuple[list[int], list[int], list[str]]
"""Replace each `text[starts[k]:ends[k]]` with `news[k]` (in order, not overlapping)."""


def _apply(text: str, edits: Edits, passes: list[_Edits]) -> str:
    """Make the edits and record those that move offsets; list operations, not a loop."""
    starts, ends, news = edits
    if not starts:
        return text
    pieces: list[str] = [""] * (2 * len(starts) + 1)
    pieces[0::2] = [text[a:b] for a, b in zip([0, *ends], [*starts, len(text)], strict=True)]
    pieces[1::2] = news
    lengths = [len(new) for new in news]
    deltas = [n - (e - s) for s, e, n in zip(starts, ends, lengths, strict=True)]
    shifts = list(accumulate(deltas, initial=0))
    moved = [k for k, delta in enumerate(deltas) if delta]
    if moved:
        passes.append(
            _Edits(
                [starts[k] for k in moved],
                [ends[k] for k in moved],
                [starts[k] + shifts[k] for k in moved],
                [starts[k] + shifts[k] + lengths[k] for k in moved],
            )
        )
    return "".join(pieces)


def _split(pattern: re.Pattern[str], text: str, replace: Callable[[str], str]) -> Edits:
    """Edits replacing every match of `pattern` (one capturing group around the whole of it).

    `split` does the scanning and `accumulate` the offsets, both in C, so a text with a hard
    wrap or a paragraph break every few hundred characters costs no Python loop per break.
    """
    parts = pattern.split(text)
    if len(parts) == 1:
        return [], [], []
    offsets = list(accumulate(map(len, parts), initial=0))
    return offsets[1:-1:2], offsets[2::2], [replace(old) for old in parts[1::2]]


def _forward(passes: Iterable[_Edits], offset: int) -> int:
    for edits in passes:
        offset = edits.forward(offset)
    return offset


def _compatibility(text: str) -> Edits:
    """NFKC, only where it may change something; a combining mark takes its base along."""
    starts, ends, _ = _split(_unstable(), text, _keep)
    after = set(ends)
    for k, start in enumerate(starts):
        if start and start not in after and unicodedata.combining(text[start]):
            starts[k] = start - 1
    return (
        starts,
        ends,
        [unicodedata.normalize("NFKC", text[s:e]) for s, e in zip(starts, ends, strict=True)],
    )


def _keep(run: str) -> str:
    return run


def _line_ends(text: str, soft: list[int]) -> Edits:
    """Words broken at a line end are joined; the line break itself becomes a space later.

    `investiga-⏎tion` is one word; `pre-⏎trial` may be `pre-trial` or `pretrial`, so the
    hyphen is dropped and its place recorded in `soft` (output offsets of this pass).
    """
    edits: Edits = ([], [], [])
    shift = 0
    for found in _LINE_END_HYPHEN.finditer(text):
        start, end = found.span()
        before = text[start - 1] if start else " "
        if text[start] == "\u00ad" or (before.isalpha() and text[end].isalpha()):
            if text[start] != "\u00ad":
                soft.append(start - shift)
            new = ""
        elif before.isalnum():
            new = "-"  # COVID-⏎19: the hyphen belongs to the word
        else:
            continue  # a dash at the end of a line, not a broken word
        shift += end - start - len(new)
        _add(edits, start, end, new)
    return edits


def _add(edits: Edits, start: int, end: int, new: str) -> None:
    edits[0].append(start)
    edits[1].append(end)
    edits[2].append(new)


def _fold(text: str) -> str:
    """Quotes, dashes and spaces of every kind to their ASCII form, one for one."""
    if text.isascii():
        return text.translate(_FOLD_ASCII)  # ASCII to ASCII is translate's fast path
    for char in _FOLD_ASCII_CHARS:  # elsewhere translate looks up every character
        if char in text:
            text = text.replace(char, " ")
    return _FOLD_OTHER.sub(lambda found: _FOLD[found.group()], text)


def _one_space(run: str) -> str:
    return " "


def _nothing(run: str) -> str:
    return ""


def _three_dots(run: str) -> str:
    return "..."


def _dashes(text: str) -> Edits:
    """A dash typed `--`, or with a space on either side, is the same dash as `—`."""
    edits: Edits = ([], [], [])
    last = 0
    for found in _HYPHENS.finditer(text):
        start, end = found.span()
        if start > last and text[start - 1] == " ":
            start -= 1
        if end < len(text) and text[end] == " ":
            end += 1
        if end - start > 1:
            _add(edits, start, end, "-")
            last = end
    return edits


def _ends(text: str) -> Edits:
    edits: Edits = ([], [], [])
    if text[:1] == " ":
        _add(edits, 0, 1, "")
    if text[-1:] == " " and len(text) > 1:
        _add(edits, len(text) - 1, len(text), "")
    return edits


@cache
def _unstable() -> re.Pattern[str]:
    """Characters NFKC changes (and combining marks, with the character before them).

    Built once per process from `unicodedata` for the Basic Multilingual Plane; characters
    above it are all tried (NFKC leaves most of them as they are, and they are rare).
    Characters the one-to-one pass folds are left to it, and spacing accents (´ ¨, which
    NFKC turns into a space and a combining mark) are left as they are.
    """
    folded = set(_QUOTES_SINGLE + _QUOTES_DOUBLE + _DASHES + _SPACES)
    ranges: list[tuple[int, int]] = []
    for code in range(0x80, 0x10000):
        char = chr(code)
        if 0xD800 <= code < 0xE000 or char in folded:
            continue
        changed = unicodedata.normalize("NFKC", char)
        combines = unicodedata.combining(char) or 0x1160 <= code < 0x1200
        if combines or (changed != char and not changed.startswith(" ")):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    members = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    astral = f"\\U00010000-\\U{sys.maxunicode:08X}"
    return re.compile(f"([{members}{astral}]+)")
