"""The quote part of the audit: is each quote in its source's text, faithfully, where the
locator says?

Per citation: the quote is searched in the snapshot's reader text (`quotes.find_quote`).
When it is not there, two cheap second looks say what happened instead of "not found": the
text the extractor left out as page chrome (navigation, banners, hidden elements:
`quote-in-page-chrome`), then the other sources of the library (`quote-in-other-source`),
both only after a miss. A match with editorial marks is then judged: fragments joined across
paragraphs, words left out or replaced that carry a negation or contrast
(`elision-changes-meaning`). Last, the locator: `para. N` in the document's own numbering
(printed numbers when it has them, else counting its paragraphs), `p. N` against the PDF's
page labels. Every message says which numbering it used.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from drafting.audit.elsewhere import library_index
from drafting.audit.locators import Locator, parse_locator
from drafting.audit.normalise import normalise
from drafting.audit.quotes import Match, Parsed, find_quote, parse, widen
from drafting.audit.results import CitationAudit
from drafting.audit.snapshots import Snapshot, SnapshotCache, UnreadableSnapshotError
from drafting.model import Claim, Location, Source, SourceRef
from drafting.problems import Problem, error, warning

NEGATIONS = (
    "not", "no", "never", "neither", "nor", "none", "nothing", "nobody", "cannot",
    "deny", "denies", "denied", "denying", "without", "but", "however", "except",
    "although", "though", "yet", "unless",
)  # fmt: skip
"""Words that, left out of a quote, can turn its sense round ("have [not] found"), and
contrasts that qualify what comes after them ("acknowledged ... but denied"). With `n't`."""
_NEGATION = re.compile(r"\b(?:" + "|".join(NEGATIONS) + r")\b|\w+n't\b", re.IGNORECASE)
_SHOWN_WORDS = 30
"""Left-out words shown in a message, at most; longer gaps are shortened in the middle."""


@dataclass(frozen=True, slots=True)
class _Context:
    claim: Claim
    ref: SourceRef
    sources: Mapping[str, Source]
    snapshots: SnapshotCache

    @property
    def who(self) -> dict[str, str]:
        return {"claim": self.claim.id, "source": self.ref.key}

    @property
    def at(self) -> Location:
        """Problems with the quote point at its `quote:` line."""
        return self.ref.quote_location or self.ref.location

    @property
    def locator_at(self) -> Location:
        """Problems with the locator point at its `locator:` line."""
        return self.ref.locator_location or self.at


def check_citation(
    claim: Claim,
    ref: SourceRef,
    sources: Mapping[str, Source],
    snapshots: SnapshotCache,
    problems: list[Problem],
) -> CitationAudit:
    """Audit one citation of a claim, appending its problems."""
    ctx = _Context(claim, ref, sources, snapshots)

    def result(outcome: str, **more: object) -> CitationAudit:
        return CitationAudit(
            ref.key,
            ref.location,
            ref.quote,
            ref.locator,
            outcome,
            translation=ref.translation,
            **more,  # type: ignore[arg-type]
        )

    source = sources.get(ref.key)
    if source is None:
        return result("unknown-source")  # check_resolution reported it
    if not ref.quote:
        problems.append(
            warning(
                "no-quote",
                "the citation has no 'quote:'; add the source's exact words "
                "that support the claim, so that a reviewer can check them",
                ref.location,
                **ctx.who,
            )
        )
        return result("no-quote")
    snapshot = _snapshot(source, ctx, problems)
    if snapshot is None:
        return result("no-archive")
    locator = parse_locator(ref.locator)
    prefer = _locator_span(snapshot, locator)
    match = clip_to_paragraph(
        snapshot,
        find_quote(ref.quote, snapshot.text, snapshot.normalised, prefer, snapshot.starts),
    )
    passage = _passage(snapshot, match)
    elsewhere = ""
    if match.outcome in ("fuzzy", "not-found"):
        elsewhere, problem = _found_elsewhere(ctx, snapshot, source, match)
        if problem is not None:
            problems.append(problem)
    if not elsewhere:
        problems.extend(_quote_problems(ctx, snapshot, match, passage))
    if match.outcome not in ("not-found",) and match.spans:
        problems.extend(_marks_problems(ctx, snapshot, match))
        problems.extend(_locator_problems(ctx, snapshot, match, locator))
    if elsewhere:  # the closest passage of the source's text is not what was quoted
        match, passage = replace(match, start=-1, end=-1, spans=()), ""
    number = _printed_paragraph(snapshot, match.start) if match.start >= 0 else None
    return result(
        "not-found" if elsewhere else match.outcome,
        score=None if elsewhere else match.score,
        paragraph=number,
        passage=passage,
        numbering=("printed" if snapshot.numbered else "counted") if number is not None else "",
        page=snapshot.page_at(match.start) if match.start >= 0 else None,
        editorial=tuple(_editorial(snapshot, match)),
        found_elsewhere=elsewhere,
        spans=match.spans,
    )


def _snapshot(source: Source, ctx: _Context, problems: list[Problem]) -> Snapshot | None:
    if source.snapshot is None:
        if "file" not in source.fields:  # a bad `file` value was reported by the loader
            problems.append(
                warning(
                    "no-archive",
                    "the source has no archived snapshot ('file' field), so the quote cannot "
                    f"be checked; archive one with 'draft sources archive {source.key} FILE'",
                    ctx.ref.location,
                    **ctx.who,
                )
            )
        return None
    if not source.snapshot.is_file():
        return None  # reported once per source as missing-snapshot
    try:
        return ctx.snapshots.get(source.snapshot, source.url or None)
    except UnreadableSnapshotError as exc:
        problems.append(
            warning(
                "unreadable-snapshot",
                f"the quote cannot be checked: the snapshot {source.snapshot.name} "
                f"cannot be read: {exc}",
                ctx.ref.location,
                **ctx.who,
            )
        )
        return None


# ----------------------------------------------------------------- found, or elsewhere


def clip_to_paragraph(snapshot: Snapshot, match: Match) -> Match:
    """A fuzzy window is as long as the quote, so when the source has fewer words it reaches
    back into the end of the paragraph before; start it where the passage's paragraph does.
    Only the first fragment is clipped: an elided quote's passage always starts with it."""
    if match.outcome not in ("fuzzy", "not-found") or match.start < 0:
        return match
    first_start, first_end = match.spans[0] if match.spans else (match.start, match.end)
    span = snapshot.paragraph_span(snapshot.paragraph_at(first_start))
    if (
        span is not None
        and span[1] < first_end
        and span[1] - first_start < (first_end - first_start) / 2
    ):
        spans = ((span[1], first_end), *match.spans[1:]) if match.spans else ()
        return replace(match, start=span[1], spans=spans)
    return match


def _passage(snapshot: Snapshot, match: Match) -> str:
    if match.start < 0:
        return ""
    start, end = match.start, match.end
    if match.outcome in ("fuzzy", "not-found"):
        start, end = widen(snapshot.text, start, end)
    return " ".join(snapshot.text[start:end].split())


def _found_elsewhere(
    ctx: _Context, snapshot: Snapshot, source: Source, match: Match
) -> tuple[str, Problem | None]:
    """Where a quote missing from the source's text is instead: its page chrome, or another
    source of the library. Searched only after a miss, exactly (after normalisation)."""
    quote = ctx.ref.quote
    for part in snapshot.discarded:
        if _contains(quote, part.text):
            return part.where, error(
                "quote-in-page-chrome",
                f"the quote is in {part.where}, not in the article: a reader of the source "
                "does not see it as the source's text; quote the article's own words",
                ctx.at,
                **ctx.who,
            )
    if match.outcome == "fuzzy":
        return "", None  # close enough to the source's own text to show as such
    needles = _needles(quote)
    for entry in library_index(ctx.sources, ctx.snapshots).candidates(*needles):
        key, other, text = entry.key, entry.source, entry.snapshot
        if key == source.key or other.snapshot == source.snapshot:
            continue
        if _may_hold(text, needles) and _contains(quote, text.text, text):
            name = text.path.name
            return f"source '{key}'", error(
                "quote-in-other-source",
                f"the quote is not in this source's snapshot but is in source '{key}' "
                f"({name}); cite '{key}' for it, or check the key",
                ctx.at,
                **ctx.who,
            )
    return "", None


def _needles(quote: str) -> tuple[str, str]:
    """The quote's longest fragment without its first letter (whose case may differ), as
    typed and normalised: a snapshot holding neither cannot hold the quote."""
    fragments = parse(quote).fragments
    longest = max(fragments, key=len)[1:] if fragments else ""
    return longest, normalise(longest).text


def _may_hold(snapshot: Snapshot, needles: tuple[str, str]) -> bool:
    """A string search per snapshot before any matching: the library is searched after a
    miss only, and most of it is ruled out at this cost."""
    typed, folded = needles
    if typed in snapshot.text or folded in snapshot.normalised.text:
        return True
    return "-" in folded and bool(snapshot.normalised.soft_breaks)  # pre-⏎trial: look closer


def _contains(quote: str, text: str, snapshot: Snapshot | None = None) -> bool:
    norm = snapshot.normalised if snapshot is not None else normalise(text)
    starts = snapshot.starts if snapshot is not None else ()
    found = find_quote(quote, text, norm, None, starts, fuzzy=False)
    return found.outcome in ("exact", "normalised")


def _quote_problems(
    ctx: _Context, snapshot: Snapshot, match: Match, passage: str
) -> Iterator[Problem]:
    number = _printed_paragraph(snapshot, match.start) if match.start >= 0 else None
    where = f" ({_para(snapshot, number)})" if number else ""
    if match.outcome == "fuzzy":
        yield warning(
            "quote-fuzzy",
            f"the quote is not in the source word for word; closest passage{where} "
            f'(score {match.score:.0f}): "{passage}"; copy the source\'s words exactly',
            ctx.at,
            **ctx.who,
        )
    elif match.outcome == "not-found":
        closest = (
            f'; closest passage{where} (score {match.score:.0f}): "{passage}"' if passage else ""
        )
        note = f" ({match.note})" if match.note else ""
        yield error(
            "quote-not-found",
            f"quote not found in the archived snapshot{note}{closest}; copy the source's "
            "words exactly, marking left-out words with [...]",
            ctx.at,
            **ctx.who,
        )


# ------------------------------------------------------------------- editorial marks


def _gaps(snapshot: Snapshot, match: Match) -> Iterator[tuple[int, str]]:
    """Each gap between two fragments: its index and the source's text left out there."""
    for k in range(len(match.spans) - 1):
        yield k, snapshot.text[match.spans[k][1] : match.spans[k + 1][0]]


def _marks_problems(ctx: _Context, snapshot: Snapshot, match: Match) -> Iterator[Problem]:
    parsed = match.parsed
    if parsed is None or len(parsed.marks) != len(match.spans) - 1:
        return
    for k, gap in _gaps(snapshot, match):
        marks = parsed.marks[k]
        if not any(m.kind in ("elision", "interpolation") for m in marks):
            continue
        before = snapshot.text[max(0, match.spans[k][1] - 5) : match.spans[k][1]]
        negation = _NEGATION.search(normalise(_clauses_kept(before, gap)).text)
        if negation:
            typed = " ".join(m.typed for m in marks)
            yield error(
                "elision-changes-meaning",
                f'the words left out at {typed} include "{negation.group()}", which the '
                f'sense of the quote depends on: the source has "{_shown(gap)}" there; quote '
                "those words too, or end the quote before them",
                ctx.at,
                **ctx.who,
            )
    if any(m.kind == "elision" for marks in parsed.marks for m in marks):
        yield from _paragraph_breaks(ctx, snapshot, match)


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+|\n\s*\n")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")


def _clauses_kept(before: str, gap: str) -> str:
    """The part of the left-out text that belongs to the quoted sentences: the rest of the
    sentence the quote breaks off (unless it ended), and the start of the sentence it picks
    up again (unless a sentence starts there). A negation in a whole sentence left out does
    not turn round the sentences quoted; one in the rest of a quoted sentence does
    ("acknowledged [the reports but denied] that"). `before` is the text before the gap."""
    pieces = _SENTENCE_END.split(gap.strip())
    head = "" if _ENDS_SENTENCE.search(before) else pieces[0]
    tail = "" if _ENDS_SENTENCE.search(gap) else pieces[-1]
    return f"{head} {tail}"


def _paragraph_breaks(ctx: _Context, snapshot: Snapshot, match: Match) -> Iterator[Problem]:
    # In the document's own numbering: a numbered paragraph's unnumbered continuation is
    # still that paragraph, so joining it to the next numbered one crosses one break.
    first = _printed_paragraph(snapshot, match.spans[0][0])
    last = _printed_paragraph(snapshot, match.spans[-1][1] - 1)
    if last == first:
        return
    how = "printed paragraph numbers" if snapshot.numbered else _counting(snapshot)
    names = f"para. {first} and para. {last}, {how}"
    if last == first + 1:
        yield warning(
            "elision-crosses-paragraph",
            f"the elided quote joins words from two paragraphs ({names}); check that the "
            "join does not change what the source says, or quote each paragraph separately",
            ctx.at,
            **ctx.who,
        )
    else:
        yield error(
            "elision-spans-paragraphs",
            f"the elided quote joins words from {last - first + 1} paragraphs ({names}); "
            "quote one passage, or cite each paragraph separately",
            ctx.at,
            **ctx.who,
        )


def _editorial(snapshot: Snapshot, match: Match) -> Iterator[str]:
    """How each editorial mark reads against the source, for the reviewer."""
    parsed = match.parsed
    if parsed is None or match.outcome == "not-found" or not match.spans:
        return
    yield from _lead(snapshot, parsed, match.spans[0][0])
    if len(parsed.marks) == len(match.spans) - 1:
        for k, gap in _gaps(snapshot, match):
            for mark in parsed.marks[k]:
                yield _reading(mark.kind, mark.typed, gap)
    for mark in parsed.trail:
        yield f"{mark.typed} is added" if mark.kind == "interpolation" else mark.typed


_PUNCTUATION_AROUND = re.compile(r"^\W+|\W+$")


def _lead(snapshot: Snapshot, parsed: Parsed, start: int) -> Iterator[str]:
    before = snapshot.text[max(0, start - 80) : start].split()
    for mark in parsed.lead:
        word = _PUNCTUATION_AROUND.sub("", before[-1]) if before else ""
        if mark.kind == "interpolation" and word:
            yield f'{mark.typed} stands for the source\'s "{word}"'
        elif mark.kind == "interpolation":
            yield f"{mark.typed} is added"
        else:
            yield mark.typed


def _reading(kind: str, typed: str, gap: str) -> str:
    if kind == "elision":
        return (
            f'{typed} leaves out "{_shown(gap)}"' if gap.strip() else f"{typed} (nothing left out)"
        )
    if kind == "interpolation":
        return f'{typed} stands for "{_shown(gap)}"' if gap.strip() else f"{typed} is added"
    return typed


def _shown(text: str) -> str:
    words = text.split()
    if len(words) > _SHOWN_WORDS:
        half = _SHOWN_WORDS // 2
        words = [*words[:half], "…", *words[-half:]]
    return " ".join(words)


# ----------------------------------------------------------------------------- locators


def _printed(snapshot: Snapshot, paragraph: int) -> int:
    """The paragraph number a reader of the document uses: the printed number in force
    (a paragraph without one belongs to the last numbered one before it), or the count."""
    if not snapshot.numbered:
        return paragraph
    for label in reversed(snapshot.labels[:paragraph]):
        if label is not None:
            return int(label)
    return 0


def _all_printed(snapshot: Snapshot) -> list[int]:
    """`_printed` of every paragraph, in one pass."""
    numbers, current = [], 0
    for label in snapshot.labels:
        current = int(label) if label is not None else current
        numbers.append(current)
    return numbers


def _printed_paragraph(snapshot: Snapshot, offset: int) -> int:
    return _printed(snapshot, snapshot.paragraph_at(offset))


def _para(snapshot: Snapshot, number: int | None) -> str:
    if snapshot.numbered and number == 0:
        return "before the first numbered paragraph"
    if snapshot.numbered:
        return f"para. {number}, the printed paragraph number"
    return f"para. {number}, {_counting(snapshot)}"


def _counting(snapshot: Snapshot) -> str:
    kind = (
        "article"
        if snapshot.discarded or snapshot.path.suffix.lower() in (".html", ".htm")
        else "document"
    )
    return f"counting the {kind}'s paragraphs"


def _locator_span(snapshot: Snapshot, locator: Locator | None) -> tuple[int, int] | None:
    """The text of the paragraphs or pages the locator names, searched first."""
    if locator is None:
        return None
    if locator.kind == "page":
        pages = _page_range(snapshot, locator)
        if pages is None:
            return None
        end = (
            snapshot.pages[pages[1] + 1]
            if pages[1] + 1 < len(snapshot.pages)
            else len(snapshot.text)
        )
        return snapshot.pages[pages[0]], end
    paragraphs = _paragraph_range(snapshot, locator)
    if paragraphs is None:
        return None
    first = snapshot.paragraph_span(paragraphs[0])
    last = snapshot.paragraph_span(paragraphs[1])
    return (first[0], last[1]) if first and last else None


def _paragraph_range(snapshot: Snapshot, locator: Locator) -> tuple[int, int] | None:
    """The paragraphs (1-based, as counted) that the locator's numbers name."""
    first, last = int(locator.first), int(locator.last)
    if not snapshot.numbered:
        return (first, last) if 1 <= first <= last <= len(snapshot.starts) else None
    inside = [n for n, p in enumerate(_all_printed(snapshot), start=1) if first <= p <= last]
    return (inside[0], inside[-1]) if inside else None


def _page_range(snapshot: Snapshot, locator: Locator) -> tuple[int, int] | None:
    """Indexes into `pages` of the first and last page the locator names."""
    labels = [label.lower() for label in snapshot.page_labels]
    if locator.first not in labels or locator.last not in labels:
        return None
    first, last = labels.index(locator.first), labels.index(locator.last)
    return (first, last) if first <= last else None


def _locator_problems(
    ctx: _Context, snapshot: Snapshot, match: Match, locator: Locator | None
) -> Iterator[Problem]:
    if locator is None:
        return
    if locator.kind == "page":
        yield from _page_problems(ctx, snapshot, match, locator)
        return
    found = (
        _printed_paragraph(snapshot, match.start),
        _printed_paragraph(snapshot, max(match.start, match.end - 1)),
    )
    wanted = (int(locator.first), int(locator.last))
    if wanted[0] <= found[0] and found[1] <= wanted[1]:
        return
    how = "the printed paragraph number" if snapshot.numbered else _counting(snapshot)
    if found[0] == 0:  # before the document's first printed number: a title, a preamble
        yield warning(
            "locator-mismatch",
            f"the locator says '{ctx.ref.locator}' but the quote comes before the first "
            f"numbered paragraph of the archived snapshot ({how}); cite it without a "
            "paragraph number (a page, or no locator)",
            ctx.locator_at,
            **ctx.who,
        )
        return
    write = locator.write(str(found[0]), str(found[1]))
    yield warning(
        "locator-mismatch",
        f"the locator says '{ctx.ref.locator}' but the quote is in {write} of the archived "
        f"snapshot ({how}); write '{write}'",
        ctx.locator_at,
        **ctx.who,
    )


def _page_problems(
    ctx: _Context, snapshot: Snapshot, match: Match, locator: Locator
) -> Iterator[Problem]:
    if not snapshot.pages:
        return  # not a paged document: a page locator cannot be checked against it
    first = bisect.bisect_right(snapshot.pages, match.start) - 1
    last = bisect.bisect_right(snapshot.pages, max(match.start, match.end - 1)) - 1
    wanted = _page_range(snapshot, locator)
    if wanted is not None and wanted[0] <= first and last <= wanted[1]:
        return
    write = locator.write(snapshot.page_labels[max(first, 0)], snapshot.page_labels[max(last, 0)])
    missing = "the PDF has no page labelled as the locator says; " if wanted is None else ""
    yield warning(
        "locator-mismatch",
        f"the locator says '{ctx.ref.locator}' but the quote is on {write} of the archived "
        f"PDF (the PDF's page label); {missing}write '{write}'",
        ctx.locator_at,
        **ctx.who,
    )
