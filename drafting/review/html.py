"""The review page as one self-contained HTML file (templates/review.html.j2).

The template runs in the same sandbox as the brief's templates, with HTML autoescaping on:
claim text, quotes, snapshot text and problem messages are untrusted and are always escaped.
A workspace's templates/ may override the page like any other template.
"""

from __future__ import annotations

from pathlib import Path

from drafting.audit.checks import Audit
from drafting.model import Document, Location
from drafting.problems import DraftError, fail
from drafting.render.templating import get_template, make_environment, render, time_limit
from drafting.review.page import ReviewPage, make_page
from drafting.writers.docx import build_time

TEMPLATE = "review.html.j2"


def review_name(report: str) -> str:
    return f"{report}.review.html"


def resolved_document(audit: Audit, style: str | None = None) -> Document | None:
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
            return pipeline.compose(inputs, style)
    except DraftError:
        return None  # the template problems are reported by `draft build`


def review_page(audit: Audit, style: str | None = None) -> ReviewPage:
    document = resolved_document(audit, style)
    date = audit.report.date if audit.report else None
    return make_page(audit, document, build_time(date).date().isoformat())


def render_review(page: ReviewPage, template_dirs: list[Path]) -> str:
    """The page's HTML. Raises `DraftError` for a template that fails (located)."""
    env = make_environment(template_dirs).overlay(autoescape=True, finalize=None)
    with time_limit():
        return render(get_template(env, TEMPLATE), {"page": page})


def write_review(
    audit: Audit, out_dir: Path | None = None, style: str | None = None, *, force: bool = False
) -> Path | None:
    """Write build/NAME.review.html (atomically, guarded like every output); None when the
    report could not be loaded (its problems say why)."""
    from drafting.output.guard import write_guarded

    if audit.report is None:
        return None
    page = review_page(audit, style)
    html = render_review(page, audit.workspace.template_dirs())
    folder = out_dir or audit.workspace.build
    path = folder / review_name(audit.report.name)
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
