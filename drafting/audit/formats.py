"""An `Audit` as text (one diagnostic a line), JSON (for CI and tools) or Markdown (the
audit a reviewer reads, e.g. on GitHub).

JSON and Markdown name files relative to the workspace root, so that the output is the same
on every machine; text names them relative to the current folder, as compilers do. The JSON
layout is described by `docs/check-output.schema.json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drafting.audit.checks import Audit, CitationAudit, ClaimAudit, Finding
from drafting.model import Location
from drafting.problems import display_path

JSON_VERSION = 1


def finding_line(finding: Finding, base: Path | None = None) -> str:
    """Compiler style; an accepted problem reads `accepted[code]` instead of its severity."""
    line = finding.problem.format(base)
    if finding.accepted:
        tag = f"{finding.problem.severity}[{finding.problem.code}]"
        line = line.replace(tag, f"accepted[{finding.problem.code}]", 1)
    return line


def summary(audit: Audit) -> str:
    claims = len(audit.claims)
    return (
        f"{claims} claim(s) checked: {audit.errors} error(s), {audit.warnings} warning(s), "
        f"{audit.accepted} accepted."
    )


# ------------------------------------------------------------------------------- JSON


def to_json(audit: Audit) -> str:
    root = audit.workspace.root
    document = {
        "version": JSON_VERSION,
        "report": audit.report.name if audit.report else None,
        "summary": {
            "claims": len(audit.claims),
            "errors": audit.errors,
            "warnings": audit.warnings,
            "accepted": audit.accepted,
        },
        "problems": [_problem_json(f, root) for f in audit.findings],
        "claims": [_claim_json(c, root) for c in audit.claims],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _problem_json(finding: Finding, root: Path) -> dict[str, Any]:
    p = finding.problem
    return {
        "severity": p.severity,
        "code": p.code,
        **_where(p.location, root),
        "claim": p.claim or None,
        "source": p.source or None,
        "message": p.message,
        "accepted": finding.accepted,
    }


def _claim_json(claim: ClaimAudit, root: Path) -> dict[str, Any]:
    return {
        "id": claim.id,
        "status": claim.status,
        "text": claim.text,
        "section": claim.section or None,
        **_where(claim.location, root),
        "independent_origins": claim.independent_origins,
        "origins": [list(group) for group in claim.origins],
        "citations": [_citation_json(c, root) for c in claim.citations],
    }


def _citation_json(c: CitationAudit, root: Path) -> dict[str, Any]:
    return {
        "key": c.key,
        **_where(c.location, root),
        "quote": c.quote or None,
        "locator": c.locator or None,
        "outcome": c.outcome,
        "score": c.score,
        "paragraph": c.paragraph,
        "numbering": c.numbering or None,
        "page": c.page,
        "passage": c.passage or None,
        "editorial": list(c.editorial),
        "translation": c.translation or None,
        "found_elsewhere": c.found_elsewhere or None,
    }


def _where(location: Location | None, root: Path) -> dict[str, Any]:
    if location is None:
        return {"file": None, "line": None, "column": None}
    return {
        "file": display_path(location.file, root),
        "line": location.line,
        "column": location.column,
    }


# --------------------------------------------------------------------------- Markdown


def to_markdown(audit: Audit) -> str:
    root = audit.workspace.root
    title = audit.report.title if audit.report else "(report not loaded)"
    lines = [
        f"# Citation audit: {cell(title)}",
        "",
        f"{summary(audit)} Report: `{_report_file(audit, root)}`.",
        "",
        "Outcomes: **exact** (word for word; a changed first capital and editorial marks such "
        "as [...] and [sic] allowed), **normalised** (same words, different typography), "
        "**fuzzy** (close, not the same: read the passage), **not found**. "
        "*Origins* counts the independent origins a claim rests on (sources that share an "
        "origin count once).",
    ]
    for heading, claims in _by_section(audit):
        lines += ["", f"## {cell(heading)}", "", *_claims_table(claims)]
    lines += ["", "## Problems", ""]
    lines += list(_problems_table(audit, root)) if audit.findings else ["No problems found."]
    return "\n".join(lines) + "\n"


def _report_file(audit: Audit, root: Path) -> str:
    return display_path(audit.report.location.file, root) if audit.report else "?"


def _by_section(audit: Audit) -> Iterator[tuple[str, list[ClaimAudit]]]:
    sections: dict[str, list[ClaimAudit]] = {}
    for claim in audit.claims:
        sections.setdefault(claim.section or "Claims no paragraph uses", []).append(claim)
    yield from sections.items()


def _claims_table(claims: list[ClaimAudit]) -> list[str]:
    rows = [
        "| Claim | Status | Origins | Source | Locator | Outcome | Para. | Passage found |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for claim in claims:
        head = f"`{claim.id}`<br>{cell(claim.text)}"
        roots = "; ".join(" + ".join(group) for group in claim.origins)
        first = [head, claim.status, f"{claim.independent_origins}<br>{cell(roots)}"]
        if not claim.citations:
            rows.append(_row([*first, "—", "", "no source", "", ""]))
        for i, c in enumerate(claim.citations):
            lead = first if i == 0 else ["", "", ""]
            rows.append(
                _row([*lead, f"`{c.key}`", cell(c.locator), _outcome(c), _para(c), _found(c)])
            )
    return rows


def _outcome(c: CitationAudit) -> str:
    name = c.outcome.replace("-", " ")
    if c.outcome in ("fuzzy", "not-found") and c.score:
        return f"**{name}** ({c.score:.0f})"
    return name if c.outcome in ("exact", "normalised") else f"**{name}**"


def _para(c: CitationAudit) -> str:
    """The paragraph in the document's numbering (printed numbers are marked), and the page."""
    where = []
    if c.paragraph is not None:
        where.append(f"{c.paragraph} (printed)" if c.numbering == "printed" else str(c.paragraph))
    if c.page is not None:
        where.append(f"p. {cell(c.page)}")
    return "<br>".join(where)


def _found(c: CitationAudit) -> str:
    """The passage, then how the quote's editorial marks read and its translation."""
    lines = [cell(c.passage)] if c.passage else []
    if c.found_elsewhere:
        lines.append(f"*found in {cell(c.found_elsewhere)} instead*")
    lines += [f"*{cell(reading)}*" for reading in c.editorial]
    if c.translation:
        lines.append(f"translation: {cell(c.translation)}")
    return "<br>".join(lines)


def _problems_table(audit: Audit, root: Path) -> Iterator[str]:
    yield "| | Code | Where | Claim | Source | Message |"
    yield "| --- | --- | --- | --- | --- | --- |"
    for f in audit.findings:
        p = f.problem
        where = ""
        if p.location is not None:
            where = display_path(p.location.file, root)
            where += f":{p.location.line}" if p.location.line else ""
        kind = f"accepted ({p.severity})" if f.accepted else p.severity
        yield _row(
            [
                kind,
                f"`{p.code}`",
                f"`{where}`" if where else "",
                f"`{p.claim}`" if p.claim else "",
                f"`{p.source}`" if p.source else "",
                cell(p.message),
            ]
        )


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def cell(text: str) -> str:
    """Text safe inside a GitHub table cell: one line, no column breaks, no markup or HTML."""
    text = " ".join(text.split())
    for char in "\\`*_[]|":
        text = text.replace(char, "\\" + char)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, entity)
    return text
