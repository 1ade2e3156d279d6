"""Find a quote in a source's text: exact, then with typography normalised, then fuzzy.

Both the quote and the source are normalised by the same function (curly and straight
quotes, dashes, `…` and `...`, whitespace, soft hyphens, Unicode NFC), which keeps a map
from each normalised character back to the original text, so that what we report (the
passage, its paragraph) is always the source's own text.

A quote may leave words out with `[...]` or `…`; each fragment must then be found, in
order. A fuzzy match (rapidfuzz) is accepted only above `FUZZY_THRESHOLD`, only for quotes
long enough that a near match means something, and only when no second passage scores about
as well: a fuzzy matcher that silently picks one of two lookalikes is worse than none.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

Outcome = Literal["exact", "normalised", "fuzzy", "not-found"]

FUZZY_THRESHOLD = 90.0
"""Lowest rapidfuzz partial-ratio (0-100) that counts as a fuzzy match. A typo or a dropped
comma scores 95 or more; words added or removed score lower: "who runs Gulagu.net" against
the snapshot's "who runs" scores 83 and is reported as not found, with the real passage."""
AMBIGUITY_MARGIN = 3.0
"""A fuzzy match is ambiguous when another passage scores within this many points."""
FUZZY_MIN_LENGTH = 20
"""Shorter quotes must match exactly (after normalisation): too short to match fuzzily."""

# One character -> its normalised spelling; "" drops it.
_TYPOGRAPHY = {
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    "…": "...",
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
}
_ELISION_BRACKETED = re.compile(r"\s*\[\s*(?:\.\s*\.\s*\.|…)\s*\]\s*")
_ELISION_BARE = re.compile(r"\s*(?:\.\.\.|…)\s*")


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text and, per character, the span of original text it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of normalised `text[start:end]` (end > start)."""
        return self.starts[start], self.ends[end - 1]

    def normalised_offset(self, original: int) -> int:
        """The first normalised character at or after an original offset."""
        return bisect.bisect_left(self.starts, original)


def normalise(text: str) -> Normalised:
    """Typography folded to ASCII punctuation, whitespace collapsed, NFC, with offsets."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if text[i].isspace():
            while j < n and text[j].isspace():
                j += 1
            piece = " "
        else:
            # A base character and its combining marks compose as one cluster; invisible
            # characters (soft hyphen, zero-width space) inside it are dropped first.
            while j < n and (unicodedata.combining(text[j]) or _TYPOGRAPHY.get(text[j]) == ""):
                j += 1
            visible = "".join(c for c in text[i:j] if _TYPOGRAPHY.get(c) != "")
            cluster = unicodedata.normalize("NFC", visible)
            piece = "".join(_TYPOGRAPHY.get(c, c) for c in cluster)
        if piece == " " and (not out or out[-1] == " "):
            i = j  # no leading space, and a dropped soft hyphen cannot leave two
            continue
        out.extend(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    if out and out[-1] == " ":
        del out[-1], starts[-1], ends[-1]
    return Normalised("".join(out), tuple(starts), tuple(ends))


@dataclass(frozen=True, slots=True)
class Match:
    """Where a quote was found in a text (offsets into the original text)."""

    outcome: Outcome
    score: float
    """100 for exact and normalised matches; the fuzzy score otherwise (0 if nothing close)."""
    start: int = -1
    end: int = -1
    """The passage found, or for `not-found` the closest passage; -1 when there is none."""
    note: str = ""
    """Why a close passage was not accepted (ambiguity), for the message."""


def find_quote(quote: str, text: str, norm: Normalised, prefer: tuple[int, int] | None) -> Match:
    """Find `quote` in `text` (`norm` is `normalise(text)`), trying `prefer` span first.

    The quote read whole comes first, exact then normalised, and only then with a bare `…`
    as an elision: "thing... I never" typed for the source's own "thing… I never" is a
    normalised match of the whole, not an exact match of two fragments.
    """
    norm_prefer = _to_normalised(norm, prefer)
    readings = _fragmentations(quote)
    for fragments in readings:
        span = _find_all(fragments, text, prefer)
        if span:
            return Match("exact", 100.0, *span)
        found = _find_all([normalise(f).text for f in fragments], norm.text, norm_prefer)
        if found:
            return Match("normalised", 100.0, *norm.original_span(*found))
    return _fuzzy([normalise(f).text for f in readings[-1]], norm)


def _fragmentations(quote: str) -> list[list[str]]:
    """The ways to read the quote: whole (with `[...]` as the only elision), then also with
    bare `…`/`...` as elisions, because the source itself may contain an ellipsis."""
    bracketed = [f for f in _ELISION_BRACKETED.split(quote.strip()) if f.strip()]
    bare = [g for f in bracketed for g in _ELISION_BARE.split(f) if g.strip()]
    return [bracketed, bare] if bare != bracketed else [bracketed]


def _find_all(
    fragments: list[str], text: str, prefer: tuple[int, int] | None
) -> tuple[int, int] | None:
    """Every fragment, in order, each after the last; the first found in `prefer` wins."""
    if not fragments:
        return None
    if prefer is not None:
        first = text.find(fragments[0], prefer[0], prefer[1])
        if first >= 0:
            found = _rest(fragments, text, first)
            if found:
                return found
    first = text.find(fragments[0])
    while first >= 0:
        found = _rest(fragments, text, first)
        if found:
            return found
        first = text.find(fragments[0], first + 1)
    return None


def _rest(fragments: list[str], text: str, first: int) -> tuple[int, int] | None:
    end = first + len(fragments[0])
    for fragment in fragments[1:]:
        at = text.find(fragment, end)
        if at < 0:
            return None
        end = at + len(fragment)
    return first, end


def _to_normalised(norm: Normalised, span: tuple[int, int] | None) -> tuple[int, int] | None:
    if span is None:
        return None
    return norm.normalised_offset(span[0]), norm.normalised_offset(span[1])


def _fuzzy(fragments: list[str], norm: Normalised) -> Match:
    """Each fragment's best passage after the previous one; the weakest score counts."""
    if not fragments:
        return Match("not-found", 0.0)
    position, scores, first, end, note = 0, [], -1, -1, ""
    for fragment in fragments:
        hit = fuzz.partial_ratio_alignment(fragment, norm.text[position:])
        if hit is None or hit.dest_end <= hit.dest_start:
            return Match("not-found", 0.0)
        start, stop = position + hit.dest_start, position + hit.dest_end
        scores.append(hit.score)
        note = note or _ambiguity(fragment, norm.text, start, stop, hit.score)
        if hit.score >= FUZZY_THRESHOLD:
            note = note or word_changes(fragment, norm.text[slice(*widen(norm.text, start, stop))])
        first = start if first < 0 else first
        end, position = stop, stop
    score = round(min(scores), 1)
    start, stop = norm.original_span(first, end)
    length = sum(len(f) for f in fragments)
    if score >= FUZZY_THRESHOLD and not note and length >= FUZZY_MIN_LENGTH:
        return Match("fuzzy", score, start, stop)
    if length < FUZZY_MIN_LENGTH and not note:
        note = f"a quote shorter than {FUZZY_MIN_LENGTH} characters must match exactly"
    return Match("not-found", score, start, stop, note)


def _ambiguity(fragment: str, text: str, start: int, stop: int, score: float) -> str:
    """A second passage, outside the best one, that scores about as well?"""
    if score < FUZZY_THRESHOLD:
        return ""  # not a match anyway
    for lo, hi in ((0, start), (stop, len(text))):
        if hi - lo < len(fragment) * 0.8:
            continue
        other = fuzz.partial_ratio(fragment, text[lo:hi])
        if other >= score - AMBIGUITY_MARGIN:
            return (
                f"ambiguous: two passages match about equally well (scores {score:.0f} "
                f"and {other:.0f}); quote more words so that one passage matches"
            )
    return ""


TYPO_SIMILARITY = 75.0
"""Two words this similar (rapidfuzz ratio) are one word mistyped ("degredation"); less
similar words are different words ("fired" / "dismissed")."""
_WORD = re.compile(r"\w+")


def word_changes(quote: str, passage: str) -> str:
    """Why a close passage is still not the quote: words added, dropped or replaced.

    A fuzzy match tolerates typing errors and typography, never different words: a brief
    that puts "dismissed" where the source says "fired", or adds "who runs Gulagu.net" to
    what the source says, misquotes it however high the character score. Passage words
    beyond either end of the quote are the fuzzy window's edges and do not count.
    """
    said = [w.lower() for w in _WORD.findall(quote)]
    found = [w.lower() for w in _WORD.findall(passage)]
    changes = []
    opcodes = difflib.SequenceMatcher(a=said, b=found, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        edge = n in (0, len(opcodes) - 1)
        if tag == "equal" or (tag == "insert" and edge):
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            pairs = zip(said[i1:i2], found[j1:j2], strict=True)
            if all(fuzz.ratio(a, b) >= TYPO_SIMILARITY for a, b in pairs):
                continue
        quoted, source = " ".join(said[i1:i2]), " ".join(found[j1:j2])
        changes.append(
            f'"{quoted}" where the source has "{source}"'
            if source and quoted
            else f'"{quoted}" is not in the source'
            if quoted
            else f'the quote leaves out "{source}" without marking it [...]'
        )
    return "different words: " + "; ".join(changes) if changes else ""


def widen(text: str, start: int, end: int, limit: int = 30) -> tuple[int, int]:
    """Widen a fuzzy passage to whole words, so the reviewer reads words, not pieces."""
    lo = start
    while lo > 0 and start - lo < limit and not text[lo - 1].isspace():
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < limit and not text[hi].isspace():
        hi += 1
    return lo, hi
