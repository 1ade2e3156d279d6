"""Render the layout template to Markdown and parse it into a `Document`.

The context handed to templates is plain data (dicts, lists, strings, dates), documented in
the README; templates never see the loader's objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

from drafting.audit.references import cited_keys
from drafting.gcpause import without_gc
from drafting.memo import Memo
from drafting.model import CiteItem, Claim, ClaimSpan, Document, Meta, OrgText, Part, Report, Source
from drafting.problems import fail
from drafting.render.citations import NoteStyle
from drafting.render.parse import parse
from drafting.render.templating import get_template, render
from drafting.render.walk import inlines

LAYOUT = "brief.md.j2"


@without_gc
def render_document(
    report: Report,
    sources: Mapping[str, Source],
    env: jinja2.Environment,
    style: NoteStyle,
    memo: Memo | None = None,
) -> Document:
    """The layout rendered and parsed; with a `memo`, paragraphs parsed before are read back."""
    context = layout_context(report, sources, style)
    env.filters["reference"] = style.entry
    markdown = render(get_template(env, LAYOUT), context)
    meta = Meta(report.title, report.organisation, report.date, report.subtitle, report.name)
    citations = {
        claim.id: tuple(
            CiteItem(ref.key, ref.locator, ref.quoted_in, ref.quote, ref.translation)
            for ref in claim.sources
        )
        for claim in report.claims.values()
    }
    doc = parse(markdown, meta, citations, memo)
    _require_every_claim(report, doc)
    return doc


def layout_context(
    report: Report, sources: Mapping[str, Source], style: NoteStyle
) -> dict[str, Any]:
    cited = cited_keys(report)
    return {
        "title": report.title,
        "subtitle": report.subtitle,
        "organisation": report.organisation,
        "date": report.date,
        "style": report.style,
        "sections": [
            {
                "heading": s.heading,
                "paragraphs": [[_part(part, report.claims) for part in p] for p in s.paragraphs],
            }
            for s in report.sections
        ],
        "claims": {cid: _claim_view(c) for cid, c in report.claims.items()},
        "bibliography": [
            style.view(sources[k]) for k in style.ordered({k: sources[k] for k in cited})
        ],
    }


def _part(part: Part, claims: Mapping[str, Claim]) -> dict[str, Any]:
    if isinstance(part, OrgText):
        return {"kind": "organisation", "text": part.text}
    return _claim_view(claims[part.id])


def _claim_view(claim: Claim) -> dict[str, Any]:
    return {
        "kind": "claim",
        "id": claim.id,
        "text": claim.text,
        "status": claim.status,
        "sources": [ref.key for ref in claim.sources],
    }


def _require_every_claim(report: Report, doc: Document) -> None:
    """A template that leaves out a claim the report places would silently drop an assertion."""
    placed = {node.claim_id for node in inlines(doc) if isinstance(node, ClaimSpan)}
    wanted = {
        part.id
        for s in report.sections
        for p in s.paragraphs
        for part in p
        if not isinstance(part, OrgText)
    }
    missing = sorted(wanted - placed)
    if missing:
        raise fail(
            "template-dropped-claim",
            f"the layout template did not place claim(s) "
            f"{', '.join(missing)}; print each paragraph with the 'paragraph' filter",
            report.location,
        )
