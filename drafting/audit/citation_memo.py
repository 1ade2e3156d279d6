"""Each citation's audit remembered from the last run, so that a warm `draft check` or
`draft build` redoes only the citations whose inputs changed.

A citation's audit (`quote_checks.check_citation`) depends on the claim's id, the citation's
key, quote, locator and translation, the cited source's snapshot path and address, the bytes
of the snapshot (its SHA-256 now, not the one the library records), the extractor and the
matcher (`snapshots.extractor_version`, rapidfuzz, the Unicode version) and `draft`'s own
code (`drafting.memo.digest`). The memo key is the digest of all of them. A quote missing
from its source is also looked for in every other source (`quote-in-other-source`): such an
entry records a fingerprint of the whole library and is a miss when the library changed;
every other entry does not depend on the library, so adding a source re-audits only the
citations that looked there.

What is remembered does not depend on where the citation stands in the YAML: the audit runs
on a copy of the reference whose locations are placeholders, and the problems it finds point
at "the reference", "its quote" or "its locator". On a hit and on a miss alike, these are
placed at the current reference's lines, so a claim moved down the file reports its new
lines, and the fresh and the remembered path build their results in the same way.

Only a citation whose snapshot is a readable file is remembered: the others (no source, no
quote, no snapshot) are decided without reading anything. On a hit nothing is read but the
snapshot's bytes for their digest, which the integrity check needs anyway.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from drafting import memo
from drafting.audit.results import CitationAudit
from drafting.audit.snapshots import SnapshotCache, UnreadableSnapshotError, extractor_version
from drafting.model import Claim, Location, Source, SourceRef
from drafting.problems import Problem

VERSION = "audit-citation-1"
"""Part of every key: change it when what is stored, or how, changes."""
KIND = "audit"

_REF = Location(Path("\x00audit-memo"), 1)
_QUOTE = Location(Path("\x00audit-memo"), 2)
_LOCATOR = Location(Path("\x00audit-memo"), 3)
_PLACES = {_REF: "ref", _QUOTE: "quote", _LOCATOR: "locator"}
_SEVERITIES = ("error", "warning")


@dataclass(slots=True)
class CitationMemo:
    """The citation audits of one report, remembered across runs."""

    memo: memo.Memo
    sources: Mapping[str, Source]
    snapshots: SnapshotCache
    hits: int = 0
    """Citations taken from the memo this run (tests count them)."""
    misses: int = 0
    """Citations audited afresh and remembered this run."""
    _library: str | None = None
    _parts: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def for_report(
        cls, report_file: Path, sources: Mapping[str, Source], snapshots: SnapshotCache
    ) -> CitationMemo:
        """The memo of the report whose report.yaml is `report_file`."""
        return cls(memo.Memo(KIND, str(report_file.parent.resolve())), sources, snapshots)

    def check(self, claim: Claim, ref: SourceRef, problems: list[Problem]) -> CitationAudit:
        """`check_citation`, from the memo when its inputs are those of a remembered run."""
        key = self._key(claim, ref)
        if key is None:  # decided without reading a snapshot: nothing worth remembering
            return _check_citation(claim, ref, self.sources, self.snapshots, problems)
        remembered = _from_value(self.memo.get(key), self._library_now, ref)
        if remembered is not None:
            self.hits += 1
            audit, found = remembered
        else:
            audit, found = self._audit(claim, ref, key)
        problems.extend(_placed(problem, where, ref) for problem, where in found)
        return audit

    def save(self) -> None:
        """Write what this run used or added (once, at the end of the audit)."""
        self.memo.save()

    def _audit(
        self, claim: Claim, ref: SourceRef, key: str
    ) -> tuple[CitationAudit, list[tuple[Problem, str]]]:
        """The citation audited afresh, its problems with where they point; remembered."""
        lookups = self.snapshots.library_lookups
        fresh: list[Problem] = []
        audit = _check_citation(claim, _placeholder(ref), self.sources, self.snapshots, fresh)
        found = [(p, _PLACES.get(p.location, "") if p.location else "") for p in fresh]
        consulted = self.snapshots.library_lookups != lookups
        if all(where for _, where in found) and self._read_as_keyed(ref):
            self.memo.put(key, _to_value(audit, found, self._library_now() if consulted else None))
            self.misses += 1
        return replace(audit, location=ref.location), found

    # ------------------------------------------------------------------------------ keys

    def _key(self, claim: Claim, ref: SourceRef) -> str | None:
        """The digest of everything the citation's audit depends on, or None when it is
        decided without reading a snapshot."""
        if ref.key not in self._parts:
            self._parts[ref.key] = self._source_part(self.sources.get(ref.key))
        part = self._parts[ref.key]
        if part is None or not ref.quote:
            return None
        fields = (ref.key, ref.quote, ref.locator, ref.quoted_in, ref.translation)
        return memo.digest(part, claim.id, fields)

    def _source_part(self, source: Source | None) -> str | None:
        """What a citation's audit reads of its source, its snapshot's bytes and the
        libraries that read them, as one digest per source."""
        if source is None or source.snapshot is None:
            return None
        sha = self.snapshots.sha256(source.snapshot)
        if sha is None:
            return None
        return memo.digest(
            VERSION,
            extractor_version(),
            memo.versions("rapidfuzz"),  # the fuzzy matcher
            unicodedata.unidata_version,
            [str(source.snapshot), source.url, source.kind, source.sha256, source.confidential],
            sha,
        )

    def _read_as_keyed(self, ref: SourceRef) -> bool:
        """The snapshot the audit read has the digest the key was made with: a file replaced
        while the audit ran is not remembered under its old digest."""
        path, url = self.sources[ref.key].snapshot, self.sources[ref.key].url
        if path is None:
            return False
        try:
            read = self.snapshots.get(path, url or None).sha256  # already read: no work
        except UnreadableSnapshotError:
            return False  # rare, and quick to find again
        return read == self.snapshots.sha256(path)

    def _library_now(self) -> str:
        """A digest of what the library search (`elsewhere.library_index`) reads: each
        source's key, snapshot path and address, and the snapshot's bytes; once per run."""
        if self._library is None:
            self._library = memo.digest(
                [
                    [key, str(s.snapshot or ""), s.url, self._digest_or_why(s.snapshot)]
                    for key, s in sorted(self.sources.items())
                ]
            )
        return self._library

    def _digest_or_why(self, path: Path | None) -> str:
        if path is None:
            return ""
        return self.snapshots.sha256(path) or "unreadable"


def _placeholder(ref: SourceRef) -> SourceRef:
    """`ref` with its locations replaced by placeholders that say which field is blamed."""
    return replace(ref, location=_REF, quote_location=_QUOTE, locator_location=_LOCATOR)


def _placed(problem: Problem, where: str, ref: SourceRef) -> Problem:
    """`problem` blamed at the current `ref`'s line for `where`, as `check_citation` blames
    a problem on `ref` itself: a quote's at its `quote:` line (else the reference's), a
    locator's at its `locator:` line (else the quote's). Any other place is kept."""
    at = ref.quote_location or ref.location
    lines = {"ref": ref.location, "quote": at, "locator": ref.locator_location or at}
    return replace(problem, location=lines[where]) if where in lines else problem


# ------------------------------------------------------------------------------ values


def _to_value(
    audit: CitationAudit, found: list[tuple[Problem, str]], library: str | None
) -> list[Any]:
    """The memo's JSON value: the audit but for what the current YAML gives (its location
    and the citation's own fields), each problem with the field it blames, and the library's
    fingerprint when the audit looked there. A list: read back in a few microseconds."""
    return [
        audit.outcome,
        audit.score,
        audit.paragraph,
        audit.passage,
        audit.numbering,
        audit.page,
        list(audit.editorial),
        audit.found_elsewhere,
        [list(span) for span in audit.spans],
        [[p.severity, p.code, p.message, where, p.claim, p.source] for p, where in found],
        library,
    ]


def _from_value(
    value: object, library_now: Callable[[], str], ref: SourceRef
) -> tuple[CitationAudit, list[tuple[Problem, str]]] | None:
    """The audit and problems a memo value holds for `ref`, or None (a miss) when the value
    is not one `_to_value` writes (the file is outside our control) or it looked in the
    library and the library changed since."""
    if type(value) is not list or len(value) != 11:
        return None
    outcome, score, paragraph, passage, numbering, page, editorial, elsewhere = value[:8]
    spans, stored, library = value[8:]
    if library is not None and library != library_now():
        return None
    # `type(x) is int`, not isinstance: JSON's true is no paragraph number
    well_formed = (
        type(outcome) is str
        and type(passage) is str
        and type(numbering) is str
        and type(elsewhere) is str
        and (score is None or type(score) in (int, float))
        and (paragraph is None or type(paragraph) is int)
        and (page is None or type(page) is str)
        and type(editorial) is list
        and all(type(e) is str for e in editorial)
        and type(spans) is list
        and all(_is_span(s) for s in spans)
    )
    problems = _problems(stored) if well_formed else None
    if problems is None:
        return None
    audit = CitationAudit(
        ref.key,
        ref.location,
        ref.quote,
        ref.locator,
        outcome,
        score=score,
        paragraph=paragraph,
        passage=passage,
        numbering=numbering,
        page=page,
        editorial=tuple(editorial),
        translation=ref.translation,
        found_elsewhere=elsewhere,
        spans=tuple((s[0], s[1]) for s in spans),
    )
    return audit, problems


def _is_span(span: object) -> bool:
    return type(span) is list and len(span) == 2 and type(span[0]) is int and type(span[1]) is int


_WHERE = frozenset({"ref", "quote", "locator"})


def _problems(stored: object) -> list[tuple[Problem, str]] | None:
    if type(stored) is not list:
        return None
    found = []
    for item in stored:
        if not (
            type(item) is list
            and len(item) == 6
            and all(type(part) is str for part in item)
            and item[0] in _SEVERITIES
            and item[3] in _WHERE
        ):
            return None
        severity, code, message, where, claim, source = item
        found.append((Problem(severity, code, message, None, claim, source), where))
    return found


def _check_citation(
    claim: Claim,
    ref: SourceRef,
    sources: Mapping[str, Source],
    snapshots: SnapshotCache,
    problems: list[Problem],
) -> CitationAudit:
    """`quote_checks.check_citation`, imported on the first miss: a run whose citations all
    come from the memo never loads the matcher, normalisation or rapidfuzz."""
    from drafting.audit.quote_checks import check_citation

    return check_citation(claim, ref, sources, snapshots, problems)
