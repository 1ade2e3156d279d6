"""Checks that need the report and the library together: is every assertion attributed?

Returns problems; never raises. `draft build` refuses to write while any is an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from drafting.audit import origins
from drafting.model import ClaimUse, Report, Source
from drafting.problems import Problem, did_you_mean, error, warning


def check_resolution(report: Report, sources: Mapping[str, Source]) -> list[Problem]:
    """Unsourced claims, unknown keys, undefined and unused claims, uncited sources."""
    problems = list(_undefined_claims(report))
    used = {use.id for use in used_claims(report)}
    for claim in report.claims.values():
        if claim.id not in used:
            problems.append(
                warning(
                    "unused-claim",
                    "this claim is defined but no paragraph "
                    "uses it; add it to a paragraph or delete it",
                    claim.location,
                    claim=claim.id,
                )
            )
            continue
        if not claim.sources:
            problems.append(
                error(
                    "unsourced-claim",
                    "the claim has no source; every assertion "
                    "in a brief must cite one (add 'sources:'), or, if it is the "
                    "organisation's own view, write it as 'organisation: ...' in "
                    "the paragraph",
                    claim.location,
                    claim=claim.id,
                )
            )
        for ref in claim.sources:
            for key in (ref.key, ref.quoted_in) if ref.quoted_in else (ref.key,):
                if key not in sources:
                    problems.append(
                        error(
                            "unknown-source",
                            f"'{key}' is not a citation key in "
                            f"sources/*.bib or *.json{did_you_mean(key, sources)}",
                            ref.location,
                            claim=claim.id,
                            source=key,
                        )
                    )
    problems.extend(_unused_sources(report, sources))
    return problems


def used_claims(report: Report) -> Iterator[ClaimUse]:
    for section in report.sections:
        for paragraph in section.paragraphs:
            for part in paragraph:
                if isinstance(part, ClaimUse):
                    yield part


def _undefined_claims(report: Report) -> Iterator[Problem]:
    for use in used_claims(report):
        if use.id not in report.claims:
            yield error(
                "undefined-claim",
                f"the paragraph uses claim '{use.id}', which is not "
                f"defined under 'claims:'{did_you_mean(use.id, report.claims)}",
                use.location,
                claim=use.id,
            )


def cited_keys(report: Report) -> set[str]:
    """Keys the brief cites: every source (and `quoted_in` source) of every placed claim."""
    return {
        key
        for use in used_claims(report)
        if use.id in report.claims
        for ref in report.claims[use.id].sources
        for key in (ref.key, ref.quoted_in)
        if key
    }


def _unused_sources(report: Report, sources: Mapping[str, Source]) -> Iterator[Problem]:
    cited = cited_keys(report)
    # a source another cited source relies on (`origin`) is in use too
    in_use = set().union(*(origins.reachable(key, sources) for key in cited))
    for key, source in sources.items():
        if key not in in_use:
            yield warning(
                "unused-source",
                "no claim of this report cites this source",
                source.location,
                source=key,
            )
