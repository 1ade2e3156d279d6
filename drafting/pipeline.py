"""The stages, named: load -> check -> render -> parse -> resolve citations -> write.

Everything is gathered and checked before anything is written, and all problems of a stage
are reported together.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from drafting import editions
from drafting.audit.checks import Audit, ClaimAudit, accept, run_audit
from drafting.gcpause import freeze_imported
from drafting.load.claims import load_report
from drafting.load.sources import load_sources
from drafting.load.workspace import Workspace, find_workspace
from drafting.model import BulletList, ClaimSpan, Document, Inline, Note, Report, Source
from drafting.output import leaks
from drafting.output.guard import Written, write_guarded
from drafting.problems import DraftError, Problem, fail
from drafting.render.citations import STYLE_FILTERS, NoteStyle, resolve
from drafting.render.document import render_document
from drafting.render.memos import render_memo
from drafting.render.templating import make_environment, time_limit
from drafting.writers import WRITERS
from drafting.writers.docx import check_reference

FORMATS = tuple(WRITERS)


@dataclass(frozen=True, slots=True)
class Inputs:
    """A report and its library, loaded and checked."""

    workspace: Workspace
    report: Report
    sources: Mapping[str, Source]
    problems: tuple[Problem, ...]
    """Warnings (and, from `gather`, never errors: those raise); accepted ones left out."""
    audit: Audit
    """The full audit the inputs passed, accepted problems included."""


def check(report_dir: Path, ignore: Iterable[str] = ()) -> Audit:
    """Load the report and the library and run every check; never raises for input problems.

    `ignore` lists problem codes accepted for the whole report (`--ignore`); a claim's own
    `ignore:` accepts codes for that claim. Accepted problems stay in the audit, marked.
    """
    freeze_imported()
    if not report_dir.is_dir():
        raise fail(
            "no-report",
            f"'{report_dir}' is not a folder; give the report's folder, e.g. reports/NAME",
        )
    workspace = find_workspace(report_dir)
    problems: list[Problem] = []
    report = None
    try:
        report = load_report(report_dir, workspace, problems)
    except DraftError as exc:
        problems.extend(exc.problems)
    sources, found = load_sources(workspace)
    problems.extend(found)
    problems.extend(editions.source_problems(sources))
    claims: list[ClaimAudit] = []
    if report is not None:
        checked, claims = run_audit(report, sources)
        problems.extend(checked)
    return Audit(workspace, report, sources, tuple(claims), accept(problems, report, ignore))


def scan_public(audit: Audit, outputs: Mapping[str, str]) -> None:
    """Prove that none of `outputs` (name -> text about to be printed for a public edition of
    `audit`) holds a confidential string; raise `confidential-leak` otherwise."""
    if audit.report is not None:
        shown = [s.redacted for s in audit.sources.values() if s.confidential]
        texts = {Path(name): text.encode("utf-8") for name, text in outputs.items()}
        leaks.check(texts, editions.secrets(audit.report, audit.sources), shown)


def gather(report_dir: Path, ignore: Iterable[str] = ()) -> Inputs:
    """Audit the report; raise `DraftError` if any error was found and not accepted."""
    result = check(report_dir, ignore)
    if result.report is None:
        raise DraftError(f.problem for f in result.findings)
    if result.errors:
        raise DraftError(result.active)
    return Inputs(result.workspace, result.report, result.sources, result.active, result)


def compose(inputs: Inputs, style: str | None = None, edition: str = "public") -> Document:
    """Render the layout, parse it, and resolve citations into numbered footnotes; notes and
    paragraphs rendered by an earlier run of this edition are read back from its memo."""
    env = make_environment(inputs.workspace.template_dirs())
    env.filters.update(STYLE_FILTERS)
    name = style or inputs.report.style
    memo = render_memo(inputs.report, name, edition)
    note_style = NoteStyle(env, name, inputs.report.style_options, memo)
    doc = render_document(inputs.report, inputs.sources, env, note_style, memo)
    doc = resolve(doc, inputs.sources, note_style)
    memo.save()
    return doc


def compose_edition(inputs: Inputs, edition: str, style: str | None = None) -> Document:
    """`compose` for one edition: applied to the inputs before any template runs."""
    report, sources = editions.apply(edition, inputs.report, inputs.sources)
    doc = compose(replace(inputs, report=report, sources=sources), style, edition)
    return replace(doc, meta=replace(doc.meta, banner=editions.banner(edition)))


@dataclass(frozen=True, slots=True)
class Built:
    """What a build wrote and what the brief holds: the summary a user reads afterwards."""

    written: Written
    """The outputs written and the backups `force` made."""
    claims: frozenset[str]
    """Claims placed in the brief (of this edition)."""
    footnotes: int
    sources: int
    """Distinct sources the footnotes cite."""
    timings: dict[str, float]
    """Seconds per stage (compose, write), for `--verbose`."""


def build_brief(
    inputs: Inputs,
    formats: Sequence[str] = FORMATS,
    out_dir: Path | None = None,
    reference_doc: Path | None = None,
    style: str | None = None,
    *,
    force: bool = False,
    edition: str = "public",
    review: bool = False,
) -> Built:
    """Build the brief in each format from gathered inputs.

    Every output is produced in memory first, so a failure in any writer replaces nothing;
    then all are written at once, unless one of them was edited since the last build. The
    edition is applied to the inputs before any template runs; a public edition's bytes are
    scanned for every confidential string before anything is written. A failed write raises
    `OSError`; the command line turns it into a problem (`cannot-write`). A PDF is the .docx
    converted by LibreOffice, so the .docx (written or not) is what the leak scan reads.
    `review` adds NAME.review.docx (NAME.internal.review.docx): the brief with one comment
    per claim from the edition's audit, scanned like the other outputs.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    reference = reference_doc or inputs.workspace.find_template("reference.docx")
    if "docx" in formats or "pdf" in formats or review:
        check_reference(reference)
    with time_limit():
        doc = compose_edition(inputs, edition, style)
    timings["compose"] = time.perf_counter() - started
    started = time.perf_counter()
    folder = inputs.workspace.output_folder(out_dir)
    stem = editions.output_stem(inputs.report.name, edition)
    wanted = [fmt for fmt in dict.fromkeys(formats) if fmt != "pdf"]
    if "pdf" in formats and "docx" not in wanted:
        wanted.append("docx")
    made = {fmt: WRITERS[fmt](doc, reference or Path()) for fmt in wanted}
    reviewed: dict[Path, bytes] = {}
    if review:
        from drafting.review import comments
        from drafting.writers import docx as word

        audit = editions.public_audit(inputs.audit) if edition == "public" else inputs.audit
        reviewed[folder / comments.review_name(stem)] = word.write(
            doc, reference or Path(), comments.claim_comments(audit)
        )
    if edition == "public":
        shown = [s.redacted for s in inputs.sources.values() if s.confidential]
        scanned = {folder / f"{stem}.{fmt}": data for fmt, data in made.items()} | reviewed
        leaks.check(scanned, editions.secrets(inputs.report, inputs.sources), shown)
    outputs = {
        folder / f"{stem}.{fmt}": made[fmt] for fmt in dict.fromkeys(formats) if fmt != "pdf"
    } | reviewed
    if "pdf" in formats:
        from drafting.writers.pdf import docx_to_pdf  # starts LibreOffice: only when asked

        outputs[folder / f"{stem}.pdf"] = docx_to_pdf(made["docx"], stem)
    timings["render"] = time.perf_counter() - started
    started = time.perf_counter()
    written = write_guarded(outputs, inputs.report.name, force=force)
    timings["write"] = time.perf_counter() - started
    notes = [node for node in walk_inlines(doc) if isinstance(node, Note)]
    return Built(
        written=written,
        claims=frozenset(n.claim_id for n in walk_inlines(doc) if isinstance(n, ClaimSpan)),
        footnotes=len(notes),
        sources=len({key for note in notes for key in note.keys}),
        timings=timings,
    )


def walk_inlines(doc: Document) -> Iterator[Inline]:
    """Every inline of the document, depth first (claims hold text and notes)."""
    stack: list[Inline] = []
    for block in doc.blocks:
        if isinstance(block, BulletList):
            for item in block.items:
                stack.extend(reversed(item))
        else:
            stack.extend(reversed(block.content))
        while stack:
            node = stack.pop()
            yield node
            children = getattr(node, "content", None)
            if isinstance(children, tuple):
                stack.extend(reversed(children))
