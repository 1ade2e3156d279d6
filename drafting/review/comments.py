"""The Word review edition's comments: per claim, what `draft check` found.

One comment a claim, in plain words a reviewer reads in Word's margin: the claim's outcome,
then per citation the source, the outcome, where the passage was found and the passage as
found, then every problem with its code.
"""

from __future__ import annotations

from drafting.audit.checks import Audit
from drafting.review.page import SYMBOLS, ClaimView, make_page
from drafting.text import xml_safe


def review_name(report: str) -> str:
    return f"{report}.review.docx"


def claim_comments(audit: Audit) -> dict[str, str]:
    """Claim id -> the comment text (paragraphs separated by newlines)."""
    page = make_page(audit, None, "")
    return {c.id: comment_text(c) for c in page.claims}


def comment_text(claim: ClaimView) -> str:
    lines = [
        f"{SYMBOLS[claim.outcome]} {claim.outcome.upper()}: claim '{claim.id}' ({claim.status})"
    ]
    for c in claim.citations:
        where = ", ".join(x for x in (c.paragraph, c.page) if x) or "not placed"
        score = f" (score {c.score})" if c.score else ""
        lines.append(
            f"{c.key}: {c.outcome}{score}, {where}; locator as written: {c.locator or '(none)'}"
        )
        if c.passage:
            found = "found" if c.outcome in ("exact", "normalised") else "closest passage"
            lines.append(f"Passage {found}: “{c.passage}”")
        lines.extend(f"{p.severity}[{p.code}] {p.message}" for p in c.problems)
    lines.extend(f"{p.severity}[{p.code}] {p.message}" for p in claim.problems)
    return xml_safe("\n".join(lines))  # a snapshot may hold characters Word cannot
