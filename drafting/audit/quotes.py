"""Find a quote in a source's text: exact, then with typography normalised, then fuzzy.

Both the quote and the source are normalised by the same function (`normalise`), which
keeps a compact map back to the original text, so that what we report (the passage, its
paragraph) is always the source's own text.

A quote may carry editorial marks (Chicago 13.48-13.60, OSCOLA 2.5), read by `parse`:
- `[…]`, `[...]`, `...` and `…` elide: the fragments around them must be found in order.
- `[sic]` and notes such as `[emphasis added]` are not the source's words: nothing stands
  for them in the source.
- Any other `[words]` is the writer's: an insertion ("the deputy director [of the prison
  service]") or a replacement of one or two of the source's words ("[Torture] is a system"
  for "It is a system"). The source may have up to `MAX_REPLACED_WORDS` words there.
- `[T]he` changes the case of a letter, and so may the first letter of the quote or of a
  fragment after an elision, silently (Chicago 13.18): it is still an exact match.

Fragments are searched left to right with one pointer per fragment that only moves forward,
so a quote whose later fragment is missing costs one pass over the text, not one per
occurrence of the first fragment. Among the ways to place the fragments, one inside a single
paragraph wins, then the one that crosses the fewest paragraph breaks.

A fuzzy match (rapidfuzz) is accepted only above `FUZZY_THRESHOLD`, only for quotes long
enough that a near match means something, when no second passage scores about as well, and
when no word differs from the source's word except by a typing slip (`is_typo`).
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from drafting.audit.normalise import Normalised, normalise

__all__ = ["Match", "Normalised", "find_quote", "normalise", "parse"]

Outcome = Literal["exact", "normalised", "fuzzy", "not-found"]
MarkKind = Literal["elision", "interpolation", "note"]

FUZZY_THRESHOLD = 90.0
"""Lowest rapidfuzz partial-ratio (0-100) that counts as a fuzzy match. A typo or a dropped
comma scores 95 or more; words added or removed score lower: "who runs Gulagu.net" against
the snapshot's "who runs" scores 83 and is reported as not found, with the real passage."""
AMBIGUITY_MARGIN = 3.0
"""A fuzzy match is ambiguous when another passage scores within this many points."""
FUZZY_MIN_LENGTH = 20
"""Shorter quotes must match exactly (after normalisation): too short to match fuzzily."""
MAX_REPLACED_WORDS = 2
"""How many of the source's words a bracketed `[word]` may stand for ("a word or two")."""
FUZZY_WINDOW_TEXT = 64_000
"""Texts longer than this are searched fuzzily only around places where the quote's words
occur, so that a long snapshot costs a few string searches rather than a full alignment."""

_NOTES = frozenset(
    {
        "sic", "sic!", "emphasis added", "emphasis mine", "emphasis in original",
        "italics added", "italics mine", "footnote omitted", "footnotes omitted",
        "citation omitted", "citations omitted", "internal citations omitted",
    }
)  # fmt: skip
_BRACKET = re.compile(r"\[([^\[\]]{0,300})\]")
_ELLIPSIS_TEXT = re.compile(r"\s*(?:\.\s?){2}\.\s*|\s*…\s*")
_BARE_ELLIPSIS = re.compile(r"(?:\.\s?){2}\.\.?|…")
_LETTER_BRACKET = re.compile(r"\[(\w)\](?=\w)")


# ------------------------------------------------------------------------- quote marks


@dataclass(frozen=True, slots=True)
class Mark:
    """An editorial mark between two fragments of a quote, as the writer typed it."""

    kind: MarkKind
    typed: str
    """`[…]`, `…`, `[sic]`, `[Torture]`: what the quote has in place of the source's words."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """A quote read as fragments of the source's words and the marks between them."""

    fragments: tuple[str, ...]
    """Non-empty fragments, in order."""
    marks: tuple[tuple[Mark, ...], ...]
    """`marks[k]` stand between `fragments[k]` and `fragments[k + 1]`."""
    lead: tuple[Mark, ...] = ()
    """Marks before the first fragment ("[Torture] is a system")."""
    trail: tuple[Mark, ...] = ()
    """Marks after the last fragment ("the deputy director [of the prison service]")."""
    free_case: tuple[bool, ...] = ()
    """Per fragment: may its first letter differ in case (quote start, after an elision)?"""

    def gap(self, k: int) -> tuple[int, bool]:
        """Between fragments k and k+1: (most source words allowed, order-only elision?)."""
        marks = self.marks[k]
        if any(m.kind == "elision" for m in marks):
            return -1, True
        return MAX_REPLACED_WORDS * sum(m.kind == "interpolation" for m in marks), False


def parse(quote: str, bare_ellipsis: bool = False) -> Parsed:
    """Read a quote's editorial marks; with `bare_ellipsis`, `...` and `…` elide too."""
    quote = _LETTER_BRACKET.sub(r"\1", quote.strip())
    pieces: list[str | Mark] = []
    last = 0
    for found in _BRACKET.finditer(quote):
        pieces.append(quote[last : found.start()])
        pieces.append(_mark(found.group(0), found.group(1)))
        last = found.end()
    pieces.append(quote[last:])
    if bare_ellipsis:
        pieces = [part for piece in pieces for part in _split_bare(piece)]
    return _group(pieces)


def _mark(typed: str, inside: str) -> Mark:
    if _ELLIPSIS_TEXT.fullmatch(inside) or not inside.strip():
        return Mark("elision", typed)
    if " ".join(inside.lower().split()) in _NOTES:
        return Mark("note", typed)
    return Mark("interpolation", typed)


def _split_bare(piece: str | Mark) -> list[str | Mark]:
    if isinstance(piece, Mark):
        return [piece]
    out: list[str | Mark] = []
    last = 0
    for found in _BARE_ELLIPSIS.finditer(piece):
        out += [piece[last : found.start()], Mark("elision", found.group(0))]
        last = found.end()
    return [*out, piece[last:]]


def _group(pieces: list[str | Mark]) -> Parsed:
    fragments: list[str] = []
    marks: list[tuple[Mark, ...]] = []
    pending: list[Mark] = []
    lead: tuple[Mark, ...] = ()
    free: list[bool] = []
    for piece in pieces:
        if isinstance(piece, Mark):
            pending.append(piece)
            continue
        text = " ".join(piece.split())
        if not text:
            continue
        if fragments:
            marks.append(tuple(pending))
        else:
            lead = tuple(pending)
        free.append(not fragments or any(m.kind == "elision" for m in pending))
        fragments.append(text)
        pending = []
    return Parsed(tuple(fragments), tuple(marks), lead, tuple(pending), tuple(free))


# ------------------------------------------------------------------------------ search


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
    """Why a close passage was not accepted (ambiguity, different words), for the message."""
    spans: tuple[tuple[int, int], ...] = ()
    """Each fragment's passage in the original text, in order."""
    parsed: Parsed | None = field(default=None, compare=False)
    """The reading of the quote that matched (its fragments and marks)."""


_SOFT_BREAK = re.compile(r"\u00ad\s+(?=\w)")
"""A soft hyphen and a space in a quote: copied across a line end where the source broke a
word (`investiga\u00ad⏎tion` pastes as `investiga\u00ad tion`), so the word is whole there."""


def find_quote(
    quote: str,
    text: str,
    norm: Normalised,
    prefer: tuple[int, int] | None = None,
    paragraph_starts: Sequence[int] = (),
    *,
    fuzzy: bool = True,
) -> Match:
    """Find `quote` in `text` (`norm` is `normalise(text)`), trying `prefer` span first.

    `paragraph_starts` (original offsets) lets the search prefer a placement of elided
    fragments inside one paragraph. The quote read with only bracketed elisions comes first,
    exact then normalised, and only then with a bare `…` as an elision: "thing... I never"
    typed for the source's own "thing… I never" is a normalised match of the whole, not an
    exact match of two fragments.
    """
    readings = [parse(quote)]
    if _BARE_ELLIPSIS.search(_BRACKET.sub("", quote)):
        readings.append(parse(quote, bare_ellipsis=True))

    def normalised_prefer() -> tuple[int, int] | None:
        # Only once the exact search has failed: mapping an offset normalises the whole
        # snapshot, which a quote found word for word never needs.
        if prefer is None:
            return None
        return (norm.normalised_offset(prefer[0]), norm.normalised_offset(prefer[1]))

    def norm_paragraph(offset: int) -> int:
        return bisect.bisect_right(paragraph_starts, norm.original_span(offset, offset + 1)[0])

    def paragraph(offset: int) -> int:
        return bisect.bisect_right(paragraph_starts, offset)

    verbatim = _verbatim(quote, text, prefer, paragraph)
    if verbatim is not None:
        return verbatim
    for parsed in readings:
        if not parsed.fragments:
            continue
        finders = [
            _Finder(f, free, frozenset())
            for f, free in zip(parsed.fragments, parsed.free_case, strict=True)
        ]
        spans = _place(parsed, finders, text, prefer, paragraph)
        if spans:
            return _found("exact", parsed, spans)
        for normalised in _normalised_fragments(parsed.fragments):
            if not all(normalised):
                continue  # a fragment of invisible characters only: nothing to look for
            finders = [
                _Finder(f, free, norm.soft_breaks)
                for f, free in zip(normalised, parsed.free_case, strict=True)
            ]
            spans = _place(parsed, finders, norm.text, normalised_prefer(), norm_paragraph)
            if spans:
                return _found("normalised", parsed, [norm.original_span(*s) for s in spans])
    if not fuzzy:
        return Match("not-found", 0.0, parsed=readings[-1])
    return _fuzzy(readings[-1], norm)


def _normalised_fragments(fragments: Sequence[str]) -> Iterator[list[str]]:
    """The fragments normalised; first, if they hold one, with a copied soft line break
    joined (`_SOFT_BREAK`), then as typed (a soft hyphen the source lacks is invisible)."""
    joined = [normalise(_SOFT_BREAK.sub("", f)).text for f in fragments]
    yield joined
    plain = [normalise(f).text for f in fragments]
    if plain != joined:
        yield plain


def _verbatim(
    quote: str, text: str, prefer: tuple[int, int] | None, paragraph: Callable[[int], int]
) -> Match | None:
    """The quote found as typed, brackets and dots included, before they are read as marks.

    A source may print brackets and dots itself (reference markers "[12]", a UN document's
    own "[...]", a transcript's "..."); a quote that copies them is the source's own words.
    """
    if not (_BRACKET.search(quote) or _BARE_ELLIPSIS.search(quote)):
        return None
    whole = " ".join(quote.split())
    literal = Parsed((whole,), (), free_case=(True,))
    spans = _place(literal, [_Finder(whole, True, frozenset())], text, prefer, paragraph)
    return _found("exact", literal, spans) if spans else None


def _found(outcome: Outcome, parsed: Parsed, spans: list[tuple[int, int]]) -> Match:
    return Match(outcome, 100.0, spans[0][0], spans[-1][1], "", tuple(spans), parsed)


class _Finder:
    """Finds one fragment: literally, with its first letter in either case where allowed,
    and across a dropped line-end hyphen (`pre-trial` typed for `pre-⏎trial`)."""

    def __init__(self, fragment: str, free_case: bool, soft_breaks: frozenset[int]) -> None:
        self.variants = [fragment]
        first = fragment[0]
        if free_case and first.lower() != first.upper():
            self.variants.append(first.swapcase() + fragment[1:])
        self.pattern: re.Pattern[str] | None = None
        self.soft = soft_breaks
        if soft_breaks and re.search(r"\w-\w", fragment):
            body = re.escape(fragment[1:]).replace(r"\-", "-?")
            head = "[" + re.escape("".join(dict.fromkeys(v[0] for v in self.variants))) + "]"
            self.pattern = re.compile(head + body)
        self._from = -1
        self._hit: tuple[int, int] | None = None

    def find(self, text: str, start: int, stop: int | None = None) -> tuple[int, int] | None:
        """The first occurrence at or after `start` (and starting before `stop`). The last
        answer is reused while it still lies ahead, so a pointer that only moves forward
        costs one pass over the text in all."""
        if 0 <= self._from <= start and (self._hit is None or self._hit[0] >= start):
            hit = self._hit
        else:
            hit = self._search(text, start)
            self._from, self._hit = start, hit
        return None if hit is None or (stop is not None and hit[0] >= stop) else hit

    def _search(self, text: str, start: int) -> tuple[int, int] | None:
        best: tuple[int, int] | None = None
        for variant in self.variants:
            at = text.find(variant, start)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, at + len(variant))
        if self.pattern is not None:
            limit = best[0] + len(self.variants[0]) if best else len(text)
            position = start
            # Not finditer: a rejected match may overlap the right one ("AAAAA-A" in
            # "AAAAAAA" whose break is after the sixth letter), so retry one further on.
            while (found := self.pattern.search(text, position, limit)) is not None:
                if self._hyphens_ok(text, found):
                    return found.span() if best is None or found.start() < best[0] else best
                position = found.start() + 1
        return best

    def at(self, text: str, position: int) -> int | None:
        """The end of the fragment if it starts exactly at `position`."""
        for variant in self.variants:
            if text.startswith(variant, position):
                return position + len(variant)
        if self.pattern is not None:
            found = self.pattern.match(text, position)
            if found and self._hyphens_ok(text, found):
                return found.end()
        return None

    def _hyphens_ok(self, text: str, found: re.Match[str]) -> bool:
        """Every hyphen the quote has and the passage lacks was a line-end hyphen."""
        fragment, passage, at = self.variants[0], found.group(), found.start()
        i = j = 0
        while i < len(fragment) and j < len(passage):
            if fragment[i] == "-" and passage[j] != "-":
                if at + j not in self.soft:
                    return False
                i += 1
                continue
            i, j = i + 1, j + 1
        return True


def _place(
    parsed: Parsed,
    finders: list[_Finder],
    text: str,
    prefer: tuple[int, int] | None,
    paragraph: Callable[[int], int],
) -> list[tuple[int, int]] | None:
    """The best placement of every fragment, in order; None if there is none.

    Candidates start at each occurrence of the first fragment (those in `prefer` first). A
    placement inside one paragraph is taken at once; otherwise the one crossing the fewest
    paragraph breaks. When an elided fragment is not found after a candidate, it is not found
    after any later one either, so the search stops: linear in the text, whatever the quote.
    """
    best: list[tuple[int, int]] | None = None
    best_cost = 0
    windows = [prefer, None] if prefer is not None else [None]
    for window in windows:
        position = window[0] if window else 0
        stop = window[1] if window else len(text)
        while True:
            hit = finders[0].find(text, position, stop)
            if hit is None:
                break
            spans = _chain(parsed, finders, text, hit)
            if spans is _NOWHERE:
                break
            if spans:
                cost = paragraph(spans[-1][1] - 1) - paragraph(spans[0][0])
                if cost == 0:
                    return spans
                if best is None or cost < best_cost:
                    best, best_cost = spans, cost
            position = hit[0] + 1
        if best is not None:
            return best
    return best


_NOWHERE: list[tuple[int, int]] = []
"""`_chain`'s answer when an elided fragment is missing from the rest of the text."""


def _chain(
    parsed: Parsed, finders: list[_Finder], text: str, first: tuple[int, int]
) -> list[tuple[int, int]] | None:
    spans = [first]
    for k in range(1, len(finders)):
        end = spans[-1][1]
        words, elided = parsed.gap(k - 1)
        if elided:
            hit = finders[k].find(text, end)
            if hit is None:
                return _NOWHERE
            spans.append(hit)
            continue
        found = _near(finders[k], text, end, words)
        if found is None:
            return None
        spans.append(found)
    return spans


_WORD_AHEAD = re.compile(r"\s*\S+")


def _near(finder: _Finder, text: str, end: int, words: int) -> tuple[int, int] | None:
    """The fragment after at most `words` of the source's words (a bracketed replacement)."""
    position = end
    for _ in range(words + 1):
        for start in (position, _skip_space(text, position)):
            stop = finder.at(text, start)
            if stop is not None:
                return start, stop
        found = _WORD_AHEAD.match(text, position)
        if found is None:
            return None
        position = found.end()
    return None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


# ------------------------------------------------------------------------------- fuzzy


def _fuzzy(parsed: Parsed, norm: Normalised) -> Match:
    """Each fragment's best passage after the previous one; the weakest score counts."""
    fragments = [text for f in parsed.fragments if (text := normalise(f).text)]
    if not fragments or not norm.text:
        return Match("not-found", 0.0, parsed=parsed)
    position, scores, spans, note = 0, [], [], ""
    for fragment in fragments:
        hit = _fuzzy_locate(fragment, norm.text, position)
        if hit is None:
            return Match("not-found", 0.0, parsed=parsed)
        score, start, stop, second = hit
        scores.append(score)
        if score >= FUZZY_THRESHOLD and second >= score - AMBIGUITY_MARGIN:
            note = note or (
                f"ambiguous: two passages match about equally well (scores {score:.0f} "
                f"and {second:.0f}); quote more words so that one passage matches"
            )
        if score >= FUZZY_THRESHOLD:
            passage = norm.text[slice(*widen(norm.text, start, stop))]
            note = note or word_changes(fragment, passage, norm.text)
        spans.append(norm.original_span(start, stop))
        position = stop
    score = round(min(scores), 1)
    length = sum(len(f) for f in fragments)
    outcome: Outcome = "not-found"
    if score >= FUZZY_THRESHOLD and not note and length >= FUZZY_MIN_LENGTH:
        outcome = "fuzzy"
    elif length < FUZZY_MIN_LENGTH and not note:
        note = f"a quote shorter than {FUZZY_MIN_LENGTH} characters must match exactly"
    return Match(outcome, score, spans[0][0], spans[-1][1], note, tuple(spans), parsed)


def _fuzzy_locate(fragment: str, text: str, position: int) -> tuple[float, int, int, float] | None:
    """Best (score, start, end) for `fragment` in `text[position:]`, and the best score of
    any other passage (for ambiguity). Long texts are searched only near the places where
    the fragment's longest words occur."""
    if len(text) - position <= FUZZY_WINDOW_TEXT:
        windows = [(position, len(text))]
    else:
        windows = _candidate_windows(fragment, text, position)
    found: list[tuple[float, int, int]] = []
    for lo, hi in windows:
        hit = fuzz.partial_ratio_alignment(fragment, text[lo:hi])
        if hit is not None and hit.dest_end > hit.dest_start:
            found.append((hit.score, lo + hit.dest_start, lo + hit.dest_end))
    if not found:
        return None
    score, start, stop = max(found, key=lambda f: (f[0], -f[1]))
    second = _second_best(fragment, text, start, stop, score, windows)
    return score, start, stop, second


def _second_best(
    fragment: str, text: str, start: int, stop: int, score: float, windows: list[tuple[int, int]]
) -> float:
    """The best score of a passage outside [start, stop): is the match ambiguous?"""
    if score < FUZZY_THRESHOLD:
        return 0.0  # not a match anyway
    best = 0.0
    for lo, hi in windows:
        for a, b in ((lo, min(hi, start)), (max(lo, stop), hi)):
            if b - a >= len(fragment) * 0.8:
                best = max(best, fuzz.partial_ratio(fragment, text[a:b]))
    return best


def _candidate_windows(fragment: str, text: str, position: int) -> list[tuple[int, int]]:
    """Places where several of the fragment's longest words occur near each other."""
    words = sorted({w for w in _WORD.findall(fragment) if len(w) >= 4}, key=len, reverse=True)
    votes: dict[int, set[str]] = {}
    size = max(len(fragment), 40)
    for word in words[:6]:
        offset = fragment.find(word)
        at = text.find(word, position)
        seen = 0
        while at >= 0 and seen < 2_000:  # a word that common says nothing about where
            votes.setdefault(max(position, at - offset) // size, set()).add(word)
            at, seen = text.find(word, at + 1), seen + 1
    ranked = sorted(votes, key=lambda b: (-len(votes[b]), b))[:8]
    return [(max(position, (b - 1) * size), min(len(text), (b + 2) * size)) for b in ranked]


# ------------------------------------------------------------------- different words

_WORD = re.compile(r"\w+")
TYPO_MIN_LENGTH = 6
"""Words shorter than this are never typos of each other: too many real words differ from
another by one letter (fired/hired/tired, not/now/nor)."""
_INFLECTIONS = ("s", "es", "d", "ed", "ing", "'s", "n't", "ly", "er", "ers")


def is_typo(quoted: str, source: str, text: str) -> bool:
    """Is `quoted` the source's word `source` mistyped, rather than a different word?

    Without a dictionary, a word is taken as a slip of the keyboard only when all hold:
    - both are at least `TYPO_MIN_LENGTH` letters, and neither has a digit (numbers are facts);
    - one letter is added, dropped, replaced or two neighbours swapped (two for words of 12
      letters or more), so the writer's word is still recognisably the source's;
    - neither is the other with an inflection added ("prisoner"/"prisoners", "deny"/"denied");
    - the writer's word does not occur as a word anywhere in the source's text: if the source
      itself uses it, it is a real word, and a different one.
    """
    a, b = quoted.lower(), source.lower()
    if min(len(a), len(b)) < TYPO_MIN_LENGTH or any(c.isdigit() for c in a + b):
        return False
    if OSA.distance(a, b) > (2 if min(len(a), len(b)) >= 12 else 1):
        return False
    short, long = sorted((a, b), key=len)
    if long.startswith(short) and long[len(short) :] in _INFLECTIONS:
        return False
    used = re.compile(rf"(?<!\w){re.escape(quoted)}(?!\w)", re.IGNORECASE)
    return used.search(text) is None


def word_changes(quote: str, passage: str, text: str = "") -> str:
    """Why a close passage is still not the quote: words added, dropped or replaced.

    A fuzzy match tolerates typing errors and typography, never different words: a brief
    that puts "dismissed" (or "hired") where the source says "fired", or adds "who runs
    Gulagu.net" to what the source says, misquotes it however high the character score.
    Passage words beyond either end of the quote are the fuzzy window's edges and do not
    count. `text` is the source's whole text, for `is_typo`.
    """
    said = _WORD.findall(quote)
    found = _WORD.findall(passage)
    lower_said, lower_found = [w.lower() for w in said], [w.lower() for w in found]
    changes = []
    opcodes = difflib.SequenceMatcher(a=lower_said, b=lower_found, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        edge = n in (0, len(opcodes) - 1)
        if tag == "equal" or (tag == "insert" and edge):
            continue
        if tag == "replace" and edge and j2 - j1 > i2 - i1:
            # The window's edge runs on into the source's next words ("verdict an" for the
            # quote's last word "vedrict"): compare only as many words as the quote has.
            j1, j2 = (
                (j2 - (i2 - i1), j2) if n == 0 and n != len(opcodes) - 1 else (j1, j1 + i2 - i1)
            )
        if tag == "replace" and i2 - i1 == j2 - j1:
            pairs = zip(said[i1:i2], found[j1:j2], strict=True)
            if all(is_typo(a, b, text or passage) for a, b in pairs):
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
