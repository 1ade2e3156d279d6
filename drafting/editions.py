"""Public and internal editions: what each may print, decided on the input model.

The public edition (the default) leaves confidential claims out and replaces every
confidential source by a stand-in that carries only its `redacted` text (and its date). This
happens *before* any template runs, so a workspace template cannot print what is not in its
context. `secrets` lists what the public edition must never contain; `output.leaks` proves,
on every public build, that none of it reached the bytes about to be written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from drafting.audit.checks import Audit, ClaimAudit, Finding
from drafting.audit.results import CitationAudit
from drafting.model import Claim, ClaimUse, Part, Report, Section, Source, SourceRef
from drafting.output.leaks import MIN_LENGTH, Secret, normal
from drafting.problems import Problem, error

EDITIONS = ("public", "internal")
INTERNAL_BANNER = "INTERNAL — CONTAINS CONFIDENTIAL SOURCES"
CONFIDENTIAL_ORIGIN = "a confidential source"
"""How the public audit names a confidential source that another source relies on."""

# Fields of a confidential source that identify people or lead to them (the README's list).
# Dates, kinds and places are left out: they name no one, and the public text repeats them.
SENSITIVE_FIELDS = (
    "author",
    "editor",
    "title",
    "shorttitle",
    "subtitle",
    "titleaddon",
    "note",
    "annote",
    "annotation",
    "abstract",
    "howpublished",
    "url",
    "URL",
    "archiveurl",
    "archive_url",
    "archive-url",
    "file",
    "doi",
    "eprint",
    "interviewer",
    "recipient",
)
_ELISION = re.compile(r"\[\s*(?:\.\s*\.\s*\.|…)\s*\]|…|\.\.\.")


def source_problems(sources: Mapping[str, Source]) -> list[Problem]:
    """A confidential source must say what the public edition prints instead, without
    naming the source: the redacted text is printed as it is."""
    problems = []
    for source in sources.values():
        if not source.confidential:
            continue
        if not source.redacted.strip():
            problems.append(
                error(
                    "missing-redacted",
                    "the source is confidential but has no 'redacted' field; add what the "
                    "public edition prints instead, e.g. redacted = {[Interview with a former "
                    "detainee, name withheld for security reasons]}",
                    source.location,
                    source=source.key,
                )
            )
        elif named := _named_in_redacted(source):
            problems.append(
                error(
                    "redacted-names-source",
                    f"the 'redacted' text, which the public edition prints, contains the "
                    f"source's {named}; write it without identifying the source",
                    source.location,
                    source=source.key,
                )
            )
    return problems


def _named_in_redacted(source: Source) -> str:
    """Which identifying field (a name, the key) the redacted text repeats, or ""."""
    redacted = normal(source.redacted)
    names = (*source.authors, *source.editors)
    candidates = [("key", source.key)] + [
        ("author or editor", text) for n in names for text in (n.literal, n.family)
    ]
    for what, text in candidates:
        needle = normal(text)
        if len(needle) >= MIN_LENGTH and needle in redacted:
            return what
    return ""


def output_stem(name: str, edition: str) -> str:
    """build/NAME.docx for the public edition, build/NAME.internal.docx for the internal one."""
    return name if edition == "public" else f"{name}.{edition}"


def banner(edition: str) -> str:
    return INTERNAL_BANNER if edition == "internal" else ""


def apply(
    edition: str, report: Report, sources: Mapping[str, Source]
) -> tuple[Report, Mapping[str, Source]]:
    """The report and library as the edition may show them."""
    if edition == "internal":
        return report, sources
    return public(report, sources)


def public(report: Report, sources: Mapping[str, Source]) -> tuple[Report, Mapping[str, Source]]:
    aliases = stand_in_keys(sources)
    kept = {cid: c for cid, c in report.claims.items() if not c.confidential}
    claims = {cid: _claim(c, aliases) for cid, c in kept.items()}
    sections = tuple(s for s in (_section(s, kept) for s in report.sections) if s is not None)
    library: dict[str, Source] = {}
    for key, source in sources.items():
        if key in aliases:
            library[aliases[key]] = _stand_in(source, aliases[key])
        else:
            library[key] = _without_confidential_origins(source, aliases)
    shown = replace(report, claims=MappingProxyType(claims), sections=sections)
    return shown, MappingProxyType(library)


def stand_in_keys(sources: Mapping[str, Source]) -> dict[str, str]:
    """Confidential key -> "confidential-N": a key that says nothing about the source."""
    aliases: dict[str, str] = {}
    n = 0
    for key in sorted(k for k, s in sources.items() if s.confidential):
        n += 1
        while f"confidential-{n}" in sources:
            n += 1
        aliases[key] = f"confidential-{n}"
    return aliases


def _section(section: Section, kept: Mapping[str, Claim]) -> Section | None:
    """The section without confidential claims; a paragraph (or section) left empty goes."""

    def shown(part: Part) -> bool:
        return not isinstance(part, ClaimUse) or part.id in kept

    paragraphs = []
    for paragraph in section.paragraphs:
        parts = tuple(p for p in paragraph if shown(p))
        if parts or not paragraph:
            paragraphs.append(parts)
    if section.paragraphs and not paragraphs:
        return None
    return replace(section, paragraphs=tuple(paragraphs))


def _claim(claim: Claim, aliases: Mapping[str, str]) -> Claim:
    refs = tuple(
        _ref(ref, ref.key in aliases or ref.quoted_in in aliases, aliases) for ref in claim.sources
    )
    return replace(claim, sources=refs)


def _ref(ref: SourceRef, hidden: bool, aliases: Mapping[str, str]) -> SourceRef:
    """A confidential source's quote, and the translation of it, say what the witness said."""
    return SourceRef(
        aliases.get(ref.key, ref.key),
        ref.location,
        quote="" if hidden else ref.quote,
        locator=ref.locator,
        quoted_in=aliases.get(ref.quoted_in, ref.quoted_in),
        translation="" if hidden else ref.translation,
    )


def _stand_in(source: Source, alias: str) -> Source:
    """Only the redacted text, as a descriptive title, and the date (which names no one)."""
    return Source(
        key=alias,
        kind="misc",
        location=source.location,
        title=source.redacted,
        date=source.date,
        confidential=True,
        redacted=source.redacted,
    )


def _without_confidential_origins(source: Source, aliases: Mapping[str, str]) -> Source:
    """A public source relying on a confidential one keeps its origin, but not its name."""
    if not any(k in aliases for k in source.origin):
        return source
    origin = tuple(k for k in source.origin if k not in aliases)
    fields = {k: v for k, v in source.fields.items() if k != "origin"}
    if origin:
        fields["origin"] = ", ".join(origin)
    return replace(source, origin=origin, fields=MappingProxyType(fields))


def secrets(report: Report, sources: Mapping[str, Source]) -> list[Secret]:
    """Everything confidential: claims' text, and confidential sources' key and fields."""
    found = [
        Secret(claim.text, f"claim '{cid}', its text", claim=claim)
        for cid, claim in report.claims.items()
        if claim.confidential
    ]
    for source in sources.values():
        if source.confidential:
            found.extend(_source_secrets(source, report))
    return found


def _source_secrets(source: Source, report: Report) -> Iterator[Secret]:
    def secret(text: str, what: str) -> Secret:
        return Secret(text, f"source '{source.key}', {what}", source=source)

    yield secret(source.key, "its key")
    for role, names in (("author", source.authors), ("editor", source.editors)):
        for name in names:
            for text in (name.literal, f"{name.given} {name.family}", name.family):
                yield secret(text, f"field {role}")
    for what, text in (
        ("title", source.title),
        ("shorttitle", source.shorttitle),
        ("note", source.note),
        ("url", source.url),
        ("archiveurl", source.archive_url),
    ):
        yield secret(text, f"field {what}")
    for field_name in SENSITIVE_FIELDS:
        yield secret(source.fields.get(field_name, ""), f"field {field_name}")
    if source.snapshot is not None:
        yield secret(source.snapshot.name, "its file name")
        yield secret(Path(source.snapshot.name).stem, "its file name")
    for cid, claim in report.claims.items():
        for ref in claim.sources:
            if source.key in (ref.key, ref.quoted_in):
                for fragment in _ELISION.split(ref.quote):
                    yield secret(fragment, f"the quote in claim '{cid}'")
                for fragment in _ELISION.split(ref.translation):
                    yield secret(fragment, f"the translation of the quote in claim '{cid}'")


def public_audit(audit: Audit) -> Audit:
    """The audit as a public edition may show it: confidential claims left out, confidential
    sources named only as "a confidential source", their quotes and passages dropped."""
    if audit.report is None:
        return audit
    claims = {cid for cid, c in audit.report.claims.items() if c.confidential}
    hidden = {key for key, s in audit.sources.items() if s.confidential}
    return replace(
        audit,
        claims=tuple(
            _public_claim_audit(c, hidden, _quoted_in(audit.report, c.id))
            for c in audit.claims
            if c.id not in claims
        ),
        findings=tuple(_public_finding(f, claims, hidden) for f in audit.findings),
    )


def _quoted_in(report: Report, claim_id: str) -> tuple[str, ...]:
    """Per citation of the claim, in order, the source it is quoted in ("" for none)."""
    claim = report.claims.get(claim_id)
    return tuple(ref.quoted_in for ref in claim.sources) if claim else ()


def _public_claim_audit(
    claim: ClaimAudit, hidden: set[str], quoted_in: tuple[str, ...]
) -> ClaimAudit:
    # A citation quoted in a confidential source repeats what that source said: hide it too,
    # as the public brief does (`_claim`).
    via = quoted_in if len(quoted_in) == len(claim.citations) else ("",) * len(claim.citations)
    citations = tuple(
        _hidden_citation(c) if c.key in hidden or through in hidden else c
        for c, through in zip(claim.citations, via, strict=True)
    )
    origins = tuple(
        tuple(CONFIDENTIAL_ORIGIN if key in hidden else key for key in group)
        for group in claim.origins
    )
    return replace(claim, citations=citations, origins=origins)


def _hidden_citation(citation: CitationAudit) -> CitationAudit:
    """Only what says nothing of the source: a new record, so that a field added to
    `CitationAudit` later (passages, editorial readings, spans...) is left out by default."""
    return CitationAudit(
        CONFIDENTIAL_ORIGIN, citation.location, "", citation.locator, citation.outcome
    )


def _public_finding(finding: Finding, claims: set[str], hidden: set[str]) -> Finding:
    problem = finding.problem
    if problem.claim not in claims and problem.source not in hidden:
        return finding
    message = (
        "concerns a confidential claim or source; run 'draft check --edition internal' to see it"
    )
    return replace(finding, problem=Problem(problem.severity, problem.code, message))
