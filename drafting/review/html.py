"""The review page as one self-contained HTML file (templates/review.html.j2).

The template runs in the same sandbox as the brief's templates, with HTML autoescaping on:
claim text, quotes, snapshot text and problem messages are untrusted and are always escaped.
A workspace's templates/ may override the page like any other template.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from pathlib import Path

from drafting import editions
from drafting.audit.checks import Audit
from drafting.model import Document, Location
from drafting.problems import DraftError, fail
from drafting.render.templating import (
    MAX_OUTPUT,
    get_template,
    make_environment,
    render,
    time_limit,
)
from drafting.review.page import ReviewPage, make_page
from drafting.writers.docx import build_time

TEMPLATE = "review.html.j2"
SCRIPT = "review/script.js.j2"


def review_name(report: str, edition: str = "internal") -> str:
    """NAME.internal.review.html, or NAME.review.html for the public edition: named like
    the edition's other outputs, so an internal file says so in its name too."""
    return f"{editions.output_stem(report, edition)}.review.html"


def resolved_document(
    audit: Audit, style: str | None = None, edition: str = "internal"
) -> Document | None:
    """The brief with its footnotes numbered as in the Word file; None when the inputs are too
    broken to render (a key not in the library, a claim missing): the page then lists the
    claims in order."""
    from drafting import pipeline

    report = audit.report
    if report is None:
        return None
    keys = {r.key for claim in report.claims.values() for r in claim.sources}
    if not keys <= set(audit.sources) or any(
        f.problem.code in ("undefined-claim", "unsourced-claim") for f in audit.findings
    ):
        return None
    inputs = pipeline.Inputs(audit.workspace, report, audit.sources, audit.active, audit)
    try:
        with time_limit():
            return pipeline.compose_edition(inputs, edition, style)
    except DraftError:
        return None  # the template problems are reported by `draft build`


def review_page(full: Audit, style: str | None = None, edition: str = "internal") -> ReviewPage:
    """The page of one edition of the full audit. The public one shows what a public audit
    shows (confidential claims left out, confidential sources only as a label) and the library
    as a public build sees it, so no origin names a confidential source either."""
    document = resolved_document(full, style, edition)
    shown = full
    if edition == "public" and full.report is not None:
        library = editions.apply(edition, full.report, full.sources)[1]
        shown = replace(editions.public_audit(full), sources=library)
    date = full.report.date if full.report else None
    return make_page(shown, document, build_time(date).date().isoformat(), edition)


def render_review(page: ReviewPage, template_dirs: list[Path]) -> str:
    """The page's HTML. Raises `DraftError` for a template that fails (located).

    The Content-Security-Policy allows only the page's own script, by its digest: were any
    text ever to escape escaping, a script in it would still not run."""
    env = make_environment(template_dirs).overlay(autoescape=True, finalize=None)
    with time_limit():
        script = render(get_template(env, SCRIPT), {"page": page})
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        context = {"page": page, "script_sha256": digest}
        return render(get_template(env, TEMPLATE), context, output_limit(page))


PER_CLAIM_OUTPUT = 10_000
"""Characters a claim may add to the page: about three times what the shipped template
writes for one (its text, footnotes, citations, passages and problems)."""
ESCAPED_GROWTH = 6
"""The most an escaped character grows: `"` becomes `&#34;` (five) — with room to spare."""


def output_limit(page: ReviewPage) -> int:
    """The runaway bound for this page: the usual one, plus what its data can honestly need.
    The page shows every cited snapshot's text, so a fixed bound refused the review of a
    long brief (20,000 claims) as a template that never ends."""
    shown = sum(len(snapshot.text) for snapshot in page.snapshots)
    return MAX_OUTPUT + ESCAPED_GROWTH * shown + PER_CLAIM_OUTPUT * len(page.claims)


def write_review(
    audit: Audit,
    out_dir: Path | None = None,
    style: str | None = None,
    *,
    edition: str = "internal",
    force: bool = False,
) -> Path | None:
    """Write the edition's review page (atomically, guarded like every output; a public one
    only after the leak scan finds no confidential string in it); None when the report could
    not be loaded (its problems say why)."""
    from drafting.output.guard import write_guarded
    from drafting.pipeline import scan_public

    if audit.report is None:
        return None
    page = review_page(audit, style, edition)
    html = render_review(page, audit.workspace.template_dirs())
    folder = out_dir or audit.workspace.build
    path = folder / review_name(audit.report.name, edition)
    if edition == "public":
        scan_public(audit, {str(path): html})
    try:
        write_guarded({path: html.encode("utf-8")}, audit.report.name, force=force)
    except OSError as exc:
        raise fail(
            "cannot-write",
            f"cannot write the review to '{folder}' ({exc.strerror or exc}); "
            "check that it is a folder you may write to, or choose another with --out",
            Location(folder.resolve()),
        ) from None
    return path
