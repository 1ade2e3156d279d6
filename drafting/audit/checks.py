"""The citation audit: every check `draft check` and `draft build` run, as one result.

`run_audit` takes a loaded report and library and returns an `Audit`: every problem found
(each marked accepted or not) and, per claim, what each citation's quote matched in its
archived snapshot and how many independent origins the claim rests on. It never raises for
problems in the inputs; the caller decides what is fatal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from drafting.audit import integrity, origins
from drafting.audit.citation_memo import CitationMemo
from drafting.audit.language import hedge_in
from drafting.audit.references import check_resolution, used_claims
from drafting.audit.results import CitationAudit, CitationOutcome
from drafting.audit.snapshots import SnapshotCache, not_a_file
from drafting.files import read_bytes
from drafting.gcpause import without_gc
from drafting.load.workspace import Workspace
from drafting.model import Claim, Location, Report, Source
from drafting.problems import DraftError, Problem, error, warning

__all__ = [
    "Audit",
    "CitationAudit",
    "CitationOutcome",
    "ClaimAudit",
    "Finding",
    "accept",
    "run_audit",
]

STRONG_STATUSES = frozenset({"corroborated", "confirmed"})
"""Statuses that claim independent corroboration: at least two independent origins."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem, and whether the authors accepted it (`ignore:` or `--ignore`)."""

    problem: Problem
    accepted: bool = False


@dataclass(frozen=True, slots=True)
class ClaimAudit:
    id: str
    text: str
    status: str
    location: Location
    section: str
    """Heading of the first section that uses the claim; "" when no paragraph uses it."""
    citations: tuple[CitationAudit, ...]
    origins: tuple[tuple[str, ...], ...]
    """One tuple of root keys per independent origin."""

    @property
    def independent_origins(self) -> int:
        return len(self.origins)


@dataclass(frozen=True, slots=True)
class Audit:
    """Everything `draft check` found, and what it matched, for one report."""

    workspace: Workspace
    report: Report | None
    """None when report.yaml could not be loaded (its problems are in `findings`)."""
    sources: Mapping[str, Source]
    claims: tuple[ClaimAudit, ...]
    findings: tuple[Finding, ...]

    @property
    def active(self) -> tuple[Problem, ...]:
        """The problems that count: those not accepted."""
        return tuple(f.problem for f in self.findings if not f.accepted)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.active)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.active)

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self.findings)


NOT_IGNORABLE = ("unknown-source", "undefined-claim", "unsourced-claim")
"""Errors that would let a brief state something with no source behind it."""


def accept(
    problems: Iterable[Problem], report: Report | None, ignore: Iterable[str] = ()
) -> tuple[Finding, ...]:
    """Mark the problems accepted by `--ignore CODE` or by the claim's own `ignore:`.

    The codes in `NOT_IGNORABLE` are never accepted; asking to is itself an error.
    """
    everywhere = set(ignore)
    claims = report.claims if report is not None else {}
    refused = [_refused(code, None) for code in sorted(everywhere) if code in NOT_IGNORABLE]
    refused += [
        _refused(code, claim)
        for claim in claims.values()
        for code in claim.ignore
        if code in NOT_IGNORABLE
    ]

    def accepted(p: Problem) -> bool:
        if p.code in NOT_IGNORABLE:
            return False
        return p.code in everywhere or (p.claim in claims and p.code in claims[p.claim].ignore)

    return tuple(Finding(p, accepted(p)) for p in (*refused, *problems))


def _refused(code: str, claim: Claim | None) -> Problem:
    where = "in the claim's 'ignore:'" if claim else "with --ignore"
    return error(
        "not-ignorable",
        f"'{code}' cannot be accepted {where}: it means a claim of the brief has no source "
        "behind it; fix the claim or its source instead",
        claim.location if claim else None,
        claim=claim.id if claim else "",
    )


@without_gc  # thousands of matches, problems and snapshots; freed by reference counting
def run_audit(
    report: Report, sources: Mapping[str, Source], snapshots: SnapshotCache | None = None
) -> tuple[list[Problem], list[ClaimAudit]]:
    """Every check on a loaded report: problems, and the per-claim audit. `snapshots` is
    the audit's table of snapshots read (a new one by default; tests pass their own to see
    what was read)."""
    problems = check_resolution(report, sources)
    snapshots = snapshots if snapshots is not None else SnapshotCache()
    remembered = CitationMemo.for_report(report.location.file, sources, snapshots)
    sections = _sections(report)
    claims = []
    for claim in (report.claims[cid] for cid in claims_in_order(report)):
        citations = [remembered.check(claim, ref, problems) for ref in claim.sources]
        groups = origins.citation_groups((r for r in claim.sources if r.key in sources), sources)
        problems.extend(_standard_of_proof(claim, groups))
        claims.append(
            ClaimAudit(
                claim.id,
                claim.text,
                claim.status,
                claim.location,
                sections.get(claim.id, ""),
                tuple(citations),
                groups,
            )
        )
    cited = _cited(report, sources)
    problems.extend(_integrity(cited, snapshots))
    problems.extend(_metadata(cited))
    problems.extend(_cycles(cited, sources))
    problems.extend(_unknown_origins(cited, sources))
    remembered.save()
    return problems, claims


def _sections(report: Report) -> dict[str, str]:
    found: dict[str, str] = {}
    for section in report.sections:
        for paragraph in section.paragraphs:
            for part in paragraph:
                if hasattr(part, "id"):
                    found.setdefault(part.id, section.heading)
    return found


def _cited(report: Report, sources: Mapping[str, Source]) -> list[Source]:
    keys = dict.fromkeys(r.key for c in report.claims.values() for r in c.sources)
    return [sources[k] for k in keys if k in sources]


# ------------------------------------------------------------------ claims and sources


def _standard_of_proof(claim: Claim, groups: tuple[tuple[str, ...], ...]) -> Iterator[Problem]:
    if claim.status in STRONG_STATUSES and claim.sources and len(groups) < 2:
        rests = "; ".join(", ".join(g) for g in groups) or "nothing"
        yield error(
            "single-origin",
            f"status '{claim.status}' needs at least 2 independent origins, but its sources "
            f"all rest on {len(groups)} ({rests}); cite an independent source or lower the "
            "status to 'reported'",
            claim.location,
            claim=claim.id,
        )
    if claim.status == "alleged" and hedge_in(claim.text) is None:
        yield warning(
            "unhedged-allegation",
            "the claim is only alleged but its text states it as fact; attribute it "
            '("according to ...", "X said ...", "X alleged ...") or change its status',
            claim.location,
            claim=claim.id,
        )


def _integrity(cited: list[Source], snapshots: SnapshotCache) -> Iterator[Problem]:
    """`missing-snapshot`, `missing-digest`, `archive-changed`: the judgement `sources list`
    and the review page show too (`integrity.judge`), from the digest the memo's key used."""
    for source in cited:
        state, actual = integrity.judge(source, snapshots.sha256)
        if state == integrity.MISSING:
            assert source.snapshot is not None
            yield error(
                "missing-snapshot",
                f"the archived snapshot '{source.fields.get('file', '')}' "
                f"{not_a_file(source.snapshot)}; put the archived file back, correct the "
                "entry's 'file' field, or archive the source again with "
                f"'draft sources archive {source.key} FILE'",
                _at(source, "file"),  # only on a problem: it reads the entry's fields
                source=source.key,
            )
        elif state == integrity.NOT_RECORDED:
            yield warning(
                "missing-digest",
                "the snapshot has no 'sha256' digest, so a later change to it would go "
                f"unnoticed; record one with 'draft sources archive {source.key} FILE'",
                _at(source, "file"),
                source=source.key,
            )
        elif state == integrity.UNREADABLE:
            assert source.snapshot is not None
            try:  # says why (no permission, an I/O error), where
                read_bytes(source.snapshot, _at(source, "file"))
            except DraftError as exc:
                yield from exc.problems
        elif state == integrity.CHANGED:
            assert source.snapshot is not None
            yield error(
                "archive-changed",
                f"the snapshot {source.snapshot.name} changed after it was archived "
                f"(sha256 is {actual}, the library records {source.sha256}); restore the "
                "archived file, or archive the new one with 'draft sources archive'",
                _at(source, "sha256"),
                source=source.key,
            )


PUBLISHED_ONLINE = frozenset({"online", "article", "report", "video", "audio", "dataset"})
"""Kinds a reader expects to find at a URL; an interview, a book or a statute may have none."""


def _metadata(cited: list[Source]) -> Iterator[Problem]:
    for source in cited:
        missing = [
            name
            for name, present in (
                ("title", source.title),
                ("date", source.date),
                ("URL", source.url or source.kind not in PUBLISHED_ONLINE),
                ("author or organisation", source.authors or source.publisher or source.container),
            )
            if not present
        ]
        if missing:
            yield warning(
                "missing-metadata",
                f"the source's metadata is missing: {'; '.join(missing)}; add what is known "
                "(leave out what is not, rather than guess)",
                source.location,
                source=source.key,
            )


def _cycles(cited: list[Source], sources: Mapping[str, Source]) -> Iterator[Problem]:
    for members in origins.cycles((s.key for s in cited), sources):
        yield warning(
            "origin-cycle",
            f"the 'origin' links go round in a circle ({' -> '.join((*members, members[0]))}); "
            "a source cannot rely on itself",
            sources[members[0]].location,
            source=members[0],
        )


def _unknown_origins(cited: list[Source], sources: Mapping[str, Source]) -> Iterator[Problem]:
    relied = set().union(*(origins.reachable(s.key, sources) for s in cited)) if cited else set()
    for key in sorted(relied):
        for parent in sources[key].origin if key in sources else ():
            if parent not in sources:
                yield warning(
                    "unknown-origin",
                    f"'origin' names '{parent}', which is not a citation key in sources/*.bib; "
                    "add an entry for it so that independence can be judged",
                    _at(sources[key], "origin"),
                    source=key,
                )


def _at(source: Source, name: str) -> Location:
    """The line of the entry's field `name`, for a problem with it (imported only then: the
    .bib editor brings the BibTeX parser, which a run from the memo otherwise never needs)."""
    from drafting.library.bibedit import field_line

    line = field_line(source.location, name)
    return Location(source.location.file, line) if line else source.location


def claims_in_order(report: Report) -> list[str]:
    """Claim ids in the order the brief uses them, then the unused ones."""
    used = dict.fromkeys(u.id for u in used_claims(report) if u.id in report.claims)
    return [*used, *(c for c in report.claims if c not in used)]  # a dict: O(1) membership
