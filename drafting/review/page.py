"""The review page's model: the brief as it reads, each claim with its audit, and each
snapshot's text once, with every quoted passage located by offsets into it.

Everything here is plain data for the template; the template escapes all of it. Offsets are
given in UTF-16 code units, as a browser's JavaScript counts them, so a quote after an emoji
is still highlighted in the right place.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from drafting.audit.checks import Audit, CitationAudit, ClaimAudit, Finding
from drafting.audit.integrity import digest_state
from drafting.audit.snapshots import Snapshot, SnapshotCache, UnreadableSnapshotError
from drafting.model import (
    BulletList,
    ClaimSpan,
    Document,
    Emph,
    Heading,
    Inline,
    Note,
    Para,
    Source,
    Strong,
    Text,
)
from drafting.problems import display_path

OUTCOMES = ("exact", "normalised", "fuzzy", "warning", "error", "accepted")
"""A claim's outcome, in the order the summary lists them."""
ATTENTION = frozenset({"fuzzy", "warning", "error"})
SYMBOLS = {
    "exact": "✓",
    "normalised": "≈",
    "fuzzy": "~",
    "warning": "!",
    "error": "✗",
    "accepted": "○",
}
"""Shown beside each claim with its word, so the page reads without colour."""
MEANINGS = {
    "exact": "every quote found word for word",
    "normalised": "every quote found, typography aside",
    "fuzzy": "a quote differs from its source by mistyped words",
    "warning": "a warning needs review",
    "error": "an error: a quote not found, a source changed or missing",
    "accepted": "problems found and accepted by the authors",
}


NUMBERING = {"printed": "as the document numbers it", "counted": "counting its paragraphs"}


@dataclass(frozen=True, slots=True)
class ProblemView:
    severity: str
    """error | warning | accepted"""
    code: str
    message: str
    where: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text as it reads: plain, or in a claim, or a footnote mark."""

    text: str
    italic: bool = False
    bold: bool = False
    claim: str = ""
    """The claim's anchor when this run belongs to a claim."""
    note: int = 0
    """A footnote mark's number (the text is empty)."""


@dataclass(frozen=True, slots=True)
class Part:
    """Consecutive runs of one claim (or of text outside claims), or one footnote mark."""

    claim: ClaimView | None
    pieces: tuple[Piece, ...]
    note: int = 0
    element_id: str = ""
    """The claim's anchor on its first placement only: a claim placed twice has one id."""


@dataclass(frozen=True, slots=True)
class BlockView:
    kind: str
    """heading | para | item"""
    parts: tuple[Part, ...]

    @property
    def attention(self) -> bool:
        return any(p.claim is not None and p.claim.attention for p in self.parts)


@dataclass(frozen=True, slots=True)
class DiffWord:
    kind: str
    """same | quote (only in the quote) | source (only in the source's passage)"""
    text: str


@dataclass(frozen=True, slots=True)
class CitationView:
    key: str
    source: str
    """The source's anchor on the page."""
    quote: str
    locator: str
    outcome: str
    score: str
    paragraph: str
    """"para. 3" (or "" when the passage was not placed)."""
    numbering: str
    """How the paragraph was numbered: "printed in the document", "counted" or ""."""
    page: str
    passage: str
    snapshot: int
    """Index of the snapshot's text on the page; -1 when there is none."""
    spans: str
    """Highlighted passages as "start-end" pairs (UTF-16 offsets), comma separated."""
    diff: tuple[DiffWord, ...]
    notes: tuple[str, ...]
    """Editorial marks read, a translation, where a missing quote was found instead."""
    problems: tuple[ProblemView, ...]


@dataclass(frozen=True, slots=True)
class ClaimView:
    id: str
    anchor: str
    outcome: str
    symbol: str
    note: int
    text: str
    status: str
    section: str
    where: str
    origins: tuple[tuple[str, ...], ...]
    citations: tuple[CitationView, ...]
    problems: tuple[ProblemView, ...]

    @property
    def attention(self) -> bool:
        return self.outcome in ATTENTION


@dataclass(frozen=True, slots=True)
class SourceView:
    key: str
    anchor: str
    title: str
    url: str
    snapshot_file: str
    digest: str
    """The snapshot's SHA-256 as read now, or ""."""
    digest_state: str
    """One of `audit.integrity.STATES`: the words `sources list` uses too."""
    recorded: str
    origin: tuple[str, ...]
    problems: tuple[ProblemView, ...]


@dataclass(frozen=True, slots=True)
class SnapshotView:
    index: int
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    claims: int
    sources: int
    outcomes: tuple[tuple[str, int, str, str], ...]
    """(outcome, count, symbol, meaning) in `OUTCOMES` order."""
    errors: int
    warnings: int
    accepted: int
    build_date: str
    report_digest: str


@dataclass(frozen=True, slots=True)
class ReviewPage:
    report: str
    title: str
    subtitle: str
    organisation: str
    edition: str
    summary: Summary
    blocks: tuple[BlockView, ...]
    """The brief as it reads; empty when it cannot be rendered (then claims are listed)."""
    rendered: bool
    claims: tuple[ClaimView, ...]
    sources: tuple[SourceView, ...]
    snapshots: tuple[SnapshotView, ...]
    problems: tuple[ProblemView, ...]
    """Problems that belong to no claim or cited source (files that cannot be read, ...)."""


def make_page(
    audit: Audit, document: Document | None, build_date: str, edition: str = "internal"
) -> ReviewPage:
    """The page model for `audit`; `document` is the resolved brief (footnote numbers as in
    the Word file), or None when it cannot be rendered (errors in the inputs)."""
    root = audit.workspace.root
    claim_anchor = {c.id: f"claim-{i}" for i, c in enumerate(audit.claims, 1)}
    notes = _note_numbers(document) if document is not None else {}
    cited = list(dict.fromkeys(c.key for claim in audit.claims for c in claim.citations))
    sources = [audit.sources[k] for k in cited if k in audit.sources]
    source_anchor = {s.key: f"source-{i}" for i, s in enumerate(sources, 1)}
    texts = _Snapshots()
    source_views = tuple(
        _source_view(s, source_anchor[s.key], texts, audit.findings, root) for s in sources
    )
    state = {s.key: s for s in source_views}
    by_claim: dict[str, list[Finding]] = {}
    for f in audit.findings:
        by_claim.setdefault(f.problem.claim, []).append(f)
    claims = tuple(
        _claim_view(c, claim_anchor[c.id], notes.get(c.id, 0), state, texts, by_claim, audit, root)
        for c in audit.claims
    )
    views = {c.anchor: c for c in claims}
    claimed = {c.id for c in audit.claims} | set(state)
    general = tuple(
        _problem(f, root)
        for f in audit.findings
        if f.problem.claim not in claimed and f.problem.source not in claimed
    )
    report = audit.report
    return ReviewPage(
        report=report.name if report else "",
        title=report.title if report else "(report not loaded)",
        subtitle=report.subtitle if report else "",
        organisation=report.organisation if report else "",
        edition=edition,
        summary=_summary(audit, claims, len(sources), build_date),
        blocks=tuple(_blocks(document, claim_anchor, views))
        if document is not None
        else tuple(
            BlockView("para", (Part(c, (Piece(c.text, claim=c.anchor),), 0, c.anchor),))
            for c in claims
        ),
        rendered=document is not None,
        claims=claims,
        sources=source_views,
        snapshots=texts.views(),
        problems=general,
    )


# ---------------------------------------------------------------------------- the brief


def _note_numbers(document: Document) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for block in document.blocks:
        for line in _lines(block):
            for node in _walk(line):
                if isinstance(node, Note) and node.claim_id:
                    numbers.setdefault(node.claim_id, node.number)
    return numbers


def _lines(block: Heading | Para | BulletList) -> Iterator[tuple[Inline, ...]]:
    if isinstance(block, BulletList):
        yield from block.items
    else:
        yield block.content


def _walk(nodes: tuple[Inline, ...]) -> Iterator[Inline]:
    for node in nodes:
        yield node
        if isinstance(node, Emph | Strong | ClaimSpan):
            yield from _walk(node.content)


def _blocks(
    document: Document, anchors: Mapping[str, str], claims: Mapping[str, ClaimView]
) -> Iterator[BlockView]:
    placed: set[str] = set()

    def first(part: Part) -> Part:
        if part.claim is None or part.note or part.claim.anchor in placed:
            return part
        placed.add(part.claim.anchor)
        return replace(part, element_id=part.claim.anchor)

    for block in document.blocks:
        kind = {Heading: "heading", Para: "para"}.get(type(block), "item")
        for line in _lines(block):
            yield BlockView(kind, tuple(first(p) for p in _parts(_pieces(line, anchors), claims)))


def _parts(pieces: Iterable[Piece], claims: Mapping[str, ClaimView]) -> Iterator[Part]:
    run: list[Piece] = []
    for piece in pieces:
        if run and (piece.note or piece.claim != run[0].claim):
            yield Part(claims.get(run[0].claim), tuple(run))
            run = []
        if piece.note:
            yield Part(claims.get(piece.claim), (), piece.note)
        else:
            run.append(piece)
    if run:
        yield Part(claims.get(run[0].claim), tuple(run))


def _pieces(
    nodes: tuple[Inline, ...],
    anchors: Mapping[str, str],
    italic: bool = False,
    bold: bool = False,
    claim: str = "",
) -> Iterator[Piece]:
    for node in nodes:
        if isinstance(node, Text):
            yield Piece(node.text, italic, bold, claim)
        elif isinstance(node, Emph):
            yield from _pieces(node.content, anchors, not italic, bold, claim)
        elif isinstance(node, Strong):
            yield from _pieces(node.content, anchors, italic, True, claim)
        elif isinstance(node, ClaimSpan):
            yield from _pieces(node.content, anchors, italic, bold, anchors.get(node.claim_id, ""))
        elif isinstance(node, Note):
            yield Piece("", claim=anchors.get(node.claim_id, ""), note=node.number)


# ------------------------------------------------------------------------ claims, sources


def _claim_view(
    claim: ClaimAudit,
    anchor: str,
    note: int,
    sources: Mapping[str, SourceView],
    texts: _Snapshots,
    by_claim: Mapping[str, list[Finding]],
    audit: Audit,
    root: Path,
) -> ClaimView:
    mine = by_claim.get(claim.id, [])
    citations = tuple(
        _citation_view(
            c,
            sources.get(c.key),
            texts,
            audit,
            [f for f in mine if f.problem.source == c.key],
            root,
        )
        for c in claim.citations
    )
    own = tuple(
        _problem(f, root)
        for f in mine
        if not f.problem.source or f.problem.source not in {c.key for c in claim.citations}
    )
    outcome = claim_outcome(
        claim, mine, [sources[c.key] for c in claim.citations if c.key in sources]
    )
    return ClaimView(
        id=claim.id,
        anchor=anchor,
        outcome=outcome,
        symbol=SYMBOLS[outcome],
        note=note,
        text=claim.text,
        status=claim.status,
        section=claim.section,
        where=_where(claim.location.file, claim.location.line, root),
        origins=claim.origins,
        citations=citations,
        problems=own,
    )


def claim_outcome(
    claim: ClaimAudit, findings: Iterable[Finding], sources: Iterable[SourceView] = ()
) -> str:
    """The claim's mark: its worst problem, else how its quotes were found."""
    findings = list(findings)
    severities: set[str] = {f.problem.severity for f in findings if not f.accepted}
    # a changed or missing snapshot undermines every claim citing it; metadata gaps do not
    severities |= {p.severity for s in sources for p in s.problems if p.severity == "error"}
    outcomes = {c.outcome for c in claim.citations}
    if "error" in severities or outcomes & {"not-found", "unknown-source"}:
        return "error"
    if "fuzzy" in outcomes:
        return "fuzzy"
    if "warning" in severities or outcomes - {"exact", "normalised"}:
        return "warning"
    if any(f.accepted for f in findings):
        return "accepted"
    return "normalised" if "normalised" in outcomes else "exact"


def _citation_view(
    c: CitationAudit,
    source: SourceView | None,
    texts: _Snapshots,
    audit: Audit,
    findings: list[Finding],
    root: Path,
) -> CitationView:
    snapshot, spans = -1, ""
    found = audit.sources.get(c.key)
    if found is None:  # a label only: an unknown key, or a confidential source made public
        c = CitationAudit(c.key, c.location, c.quote, c.locator, c.outcome)
    elif c.passage:
        snapshot, spans = texts.locate(found, c)
    page = c.page or ""
    notes = [*c.editorial, *_translation(c), *_elsewhere(c)]
    return CitationView(
        key=c.key,
        source=source.anchor if source else "",
        quote=c.quote,
        locator=c.locator,
        outcome=c.outcome,
        score=f"{c.score:.0f}"
        if c.score is not None and c.outcome in ("fuzzy", "not-found")
        else "",
        paragraph=f"para. {c.paragraph}" if c.paragraph else "",
        numbering=NUMBERING.get(c.numbering, c.numbering),
        page=f"p. {page}" if page else "",
        passage=c.passage,
        snapshot=snapshot,
        spans=spans,
        diff=word_diff(c.quote, c.passage) if c.outcome in ("fuzzy", "not-found") else (),
        notes=tuple(notes),
        problems=tuple(_problem(f, root) for f in findings),
    )


def _translation(c: CitationAudit) -> Iterator[str]:
    if c.translation:
        yield f"translation given: {c.translation}"


def _elsewhere(c: CitationAudit) -> Iterator[str]:
    if c.found_elsewhere:
        yield f"the quote was found instead in {c.found_elsewhere}"


def _source_view(
    source: Source, anchor: str, texts: _Snapshots, findings: Iterable[Finding], root: Path
) -> SourceView:
    snapshot = texts.read(source)
    actual = snapshot.sha256 if snapshot is not None else ""
    state = digest_state(source, actual or None)
    return SourceView(
        key=source.key,
        anchor=anchor,
        title=source.title,
        url=source.url,
        snapshot_file=display_path(source.snapshot, root) if source.snapshot else "",
        digest=actual,
        digest_state=state,
        recorded=source.sha256,
        origin=source.origin,
        problems=tuple(
            _problem(f, root)
            for f in findings
            if f.problem.source == source.key and not f.problem.claim
        ),
    )


def _problem(finding: Finding, root: Path) -> ProblemView:
    p = finding.problem
    where = _where(p.location.file, p.location.line, root) if p.location else ""
    return ProblemView("accepted" if finding.accepted else p.severity, p.code, p.message, where)


def _where(file: Path, line: int | None, root: Path) -> str:
    shown = display_path(file, root)
    return f"{shown}:{line}" if line else shown


def _summary(audit: Audit, claims: tuple[ClaimView, ...], sources: int, build_date: str) -> Summary:
    counts = Counter(c.outcome for c in claims)
    return Summary(
        claims=len(claims),
        sources=sources,
        outcomes=tuple((o, counts[o], SYMBOLS[o], MEANINGS[o]) for o in OUTCOMES),
        errors=audit.errors,
        warnings=audit.warnings,
        accepted=audit.accepted,
        build_date=build_date,
        report_digest=report_digest(audit),
    )


def report_digest(audit: Audit) -> str:
    """SHA-256 over report.yaml and every claim file it names, in a fixed order: the fact
    base this review was made from."""
    if audit.report is None:
        return ""
    files = {audit.report.location.file} | {c.location.file for c in audit.report.claims.values()}
    total = hashlib.sha256()
    for path in sorted(files):
        if path.is_file():
            total.update(display_path(path, audit.workspace.root).encode() + b"\0")
            total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


# ---------------------------------------------------------------------------- snapshots


class _Snapshots:
    """Each snapshot's text once, and where each passage lies in it."""

    def __init__(self) -> None:
        self._cache = SnapshotCache()
        self._index: dict[Path, int] = {}
        self._views: list[SnapshotView] = []
        self._astral: dict[int, list[int]] = {}

    def read(self, source: Source) -> Snapshot | None:
        if source.snapshot is None or not source.snapshot.is_file():
            return None
        try:
            return self._cache.get(source.snapshot, source.url or None)
        except UnreadableSnapshotError:
            return None

    def locate(self, source: Source, c: CitationAudit) -> tuple[int, str]:
        snapshot = self.read(source)
        if snapshot is None:
            return -1, ""
        spans = c.spans
        if not spans:
            return -1, ""
        index = self._add(snapshot.path, source.key, snapshot.text)
        astral = self._astral[index]
        return index, ",".join(
            f"{_utf16(s, astral)}-{_utf16(e, astral)}" for s, e in spans if 0 <= s < e
        )

    def _add(self, path: Path, key: str, text: str) -> int:
        if path not in self._index:
            index = len(self._views)
            self._index[path] = index
            self._views.append(SnapshotView(index, key, _displayable(text)))
            self._astral[index] = [m.start() for m in _ASTRAL.finditer(text)]
        return self._index[path]

    def views(self) -> tuple[SnapshotView, ...]:
        return tuple(self._views)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
"""Characters beyond U+FFFF: two UTF-16 code units each in the browser's offsets."""


def _utf16(offset: int, astral: list[int]) -> int:
    """A code-point offset as UTF-16 code units: each character beyond U+FFFF before it
    counts twice."""
    return offset + bisect.bisect_left(astral, offset)


def _displayable(text: str) -> str:
    """The text as an HTML parser will give it back, character for character: a carriage
    return would be folded into the next line feed and a NUL replaced, shifting offsets."""
    return text.replace("\r", "\n").replace("\0", "\ufffd")


def word_diff(quote: str, passage: str) -> tuple[DiffWord, ...]:
    """The quote against the source's passage, word by word: what a fuzzy match changed."""
    a, b = quote.split(), passage.split()
    diff: list[DiffWord] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            diff.append(DiffWord("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            diff.append(DiffWord("quote", " ".join(a[i1:i2])))
        if j2 > j1:
            diff.append(DiffWord("source", " ".join(b[j1:j2])))
    return tuple(diff)
