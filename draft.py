"""`draft`: build footnoted briefs from sourced claims. The command line only; the work is
done in the `drafting` package."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from drafting import editions, pipeline
from drafting.audit.checks import Audit, Finding
from drafting.audit.formats import finding_line, summary, to_json, to_markdown
from drafting.library.archive import archive
from drafting.load.workspace import find_workspace
from drafting.problems import DraftError, Problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build footnoted Word and Markdown briefs from sourced claims.",
)


class Format(StrEnum):
    md = "md"
    docx = "docx"


class Edition(StrEnum):
    public = "public"
    internal = "internal"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


sources_app = typer.Typer(no_args_is_help=True, help="Manage the source library.")
app.add_typer(sources_app, name="sources")


ReportArg = Annotated[Path, typer.Argument(help="The report's folder, e.g. reports/saratov.")]


def _show(problems: Iterable[Problem | Finding]) -> None:
    """One line a problem on stderr; colour only on a terminal (click strips it otherwise)."""
    for item in problems:
        finding = item if isinstance(item, Finding) else Finding(item)
        colour = "red" if finding.problem.severity == "error" else "yellow"
        typer.secho(finding_line(finding), err=True, fg="cyan" if finding.accepted else colour)


IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODE",
        help="Accept problems with this code (repeatable); they are shown as accepted.",
    ),
]


def _run(debug: bool, action: Callable[[], None]) -> None:
    """The one place errors become exit codes: 1 for problems in the inputs."""
    try:
        action()
    except DraftError as exc:
        if debug:
            raise
        _show(exc.problems)
        errors = sum(p.severity == "error" for p in exc.problems)
        typer.secho(f"{errors} error(s); nothing was written.", err=True, fg="red")
        raise typer.Exit(1) from None


@app.command()
def build(
    report: ReportArg,
    fmt: Annotated[
        list[Format] | None,
        typer.Option(
            "--format", "-f", help="Output format (repeat for several); default: md and docx."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder; default: build/ in the workspace.")
    ] = None,
    reference_doc: Annotated[
        Path | None,
        typer.Option(
            help="A .docx whose styles the brief uses; default: templates/reference.docx."
        ),
    ] = None,
    style: Annotated[
        str | None, typer.Option(help="Citation style; overrides report.yaml.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    ignore: IgnoreOption = None,
    force: Annotated[
        bool,
        typer.Option(help="Replace outputs edited since the last build (a backup is kept)."),
    ] = False,
    review: Annotated[
        bool,
        typer.Option(help="Also write build/NAME.review.docx: one Word comment per claim."),
    ] = False,
    edition: Annotated[
        Edition,
        typer.Option(
            help="public: confidential sources redacted, confidential claims left out; "
            "internal: everything, written as NAME.internal.docx / .md and marked INTERNAL."
        ),
    ] = Edition.public,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Check the report, then write build/NAME.docx and build/NAME.md."""

    def action() -> None:
        inputs = pipeline.gather(report, ignore or ())
        _show(inputs.audit.findings)
        if strict and inputs.problems:
            raise DraftError(inputs.problems)
        formats = [f.value for f in fmt] if fmt else list(pipeline.FORMATS)
        paths = pipeline.build(
            inputs,
            formats,
            out,
            reference_doc,
            style,
            force=force,
            edition=edition.value,
            review=review,
        )
        for path in paths:
            typer.echo(f"wrote {path}")

    _run(debug, action)


@app.command()
def check(
    report: ReportArg,
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: one line a problem (stderr); json: one object on stdout; "
            "markdown: the reviewer's audit on stdout; html: writes the review page "
            "(build/NAME.internal.review.html, or NAME.review.html with --edition public).",
        ),
    ] = CheckFormat.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    ignore: IgnoreOption = None,
    edition: Annotated[
        Edition,
        typer.Option(
            help="internal (default): everything; public: confidential claims left out and "
            "confidential sources named only as 'a confidential source', for audits you share."
        ),
    ] = Edition.internal,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Audit every claim against the archived sources; write nothing.

    Exit status: 0 no errors; 1 errors (with --strict, warnings too); 2 wrong usage.
    """
    result: list[Audit] = []
    _run(debug, lambda: result.append(pipeline.check(report, ignore or ())))
    full = result[0]
    audit = editions.public_audit(full) if edition is Edition.public else full
    if fmt is CheckFormat.html:
        _write_review(full, None, edition, debug)
        if audit.errors or audit.report is None or (strict and audit.warnings):
            raise typer.Exit(1)
        return
    if fmt is CheckFormat.json:
        out, err = to_json(audit), ""
    elif fmt is CheckFormat.markdown:
        out, err = to_markdown(audit), ""
    else:
        out, err = summary(audit) + "\n", "".join(finding_line(f) + "\n" for f in audit.findings)
    if edition is Edition.public:  # the same proof as a public build, before printing
        _run(debug, lambda: pipeline.scan_public(full, {"audit": out + err}))
    if fmt is CheckFormat.text:
        _show(audit.findings)
    typer.echo(out, nl=False)
    if audit.errors or audit.report is None or (strict and audit.warnings):
        raise typer.Exit(1)


def _write_review(full: Audit, out: Path | None, edition: Edition, debug: bool) -> Audit:
    """The reviewer's page of the edition; its problems listed too, as `check` lists them.
    Returns the audit as the edition shows it."""
    from drafting.review.html import write_review

    audit = editions.public_audit(full) if edition is Edition.public else full
    if edition is Edition.public:  # what is printed is proven free of secrets, as by check
        lines = "".join(finding_line(f) + "\n" for f in audit.findings)
        _run(debug, lambda: pipeline.scan_public(full, {"audit": lines + summary(audit)}))
    _show(audit.findings)
    _run(debug, lambda: _echo_written(write_review(full, out, edition=edition.value)))
    typer.echo(summary(audit))
    return audit


def _echo_written(path: Path | None) -> None:
    if path is not None:
        typer.echo(f"wrote {path}")


@app.command()
def review(
    report: ReportArg,
    out: Annotated[
        Path | None, typer.Option(help="Output folder; default: build/ in the workspace.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    ignore: IgnoreOption = None,
    edition: Annotated[
        Edition,
        typer.Option(
            help="internal (default): every source, written as NAME.internal.review.html; "
            "public: confidential claims left out, confidential sources redacted."
        ),
    ] = Edition.internal,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Write build/NAME.internal.review.html: the brief beside its sources' archived text,
    every quoted passage highlighted. One file that needs no network; opens nothing.

    Exit status as for `check`: 0 no errors; 1 errors (with --strict, warnings too).
    """
    result: list[Audit] = []
    _run(debug, lambda: result.append(pipeline.check(report, ignore or ())))
    audit = _write_review(result[0], out, edition, debug)
    if audit.errors or audit.report is None or (strict and audit.warnings):
        raise typer.Exit(1)


class VerifyFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    github = "github"


@app.command()
def verify(
    docx: Annotated[Path, typer.Argument(help="The edited .docx (built by draft, then edited).")],
    report: Annotated[
        Path | None,
        typer.Argument(help="The report's folder: also compare with the current YAML."),
    ] = None,
    fmt: Annotated[
        VerifyFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: one line a finding; json: one object; markdown: a reviewer's table; "
            "github: ::warning annotation lines. All on stdout.",
        ),
    ] = VerifyFormat.text,
    style: Annotated[
        str | None,
        typer.Option(help="The citation style the brief was built with, if not report.yaml's."),
    ] = None,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Report which claims of an edited brief still say what the build said.

    Never changes the fact base. Exit status: 0 nothing to review; 1 something changed that
    needs review, or the file was refused; 2 wrong usage.
    """
    from drafting.verify import compare, formats

    result: list[compare.Verification] = []

    def action() -> None:
        current = None
        if report is not None:  # compose today's fact base as the same edition was built
            edition = compare.read(docx)[1].edition
            current = compare.fact_base(report, style, edition)
        result.append(compare.verify(docx, current))

    _run(debug, action)
    root = find_workspace(report).root if report is not None else None
    writer = {
        VerifyFormat.json: formats.to_json,
        VerifyFormat.markdown: formats.to_markdown,
        VerifyFormat.github: formats.to_github,
    }.get(fmt)
    typer.echo(writer(result[0], root) if writer else formats.to_text(result[0]), nl=False)
    if result[0].needs_review:
        raise typer.Exit(1)


@sources_app.command("archive")
def sources_archive(
    key: Annotated[str, typer.Argument(help="The source's citation key.")],
    file: Annotated[Path, typer.Argument(help="The snapshot to archive (.txt, .html, .pdf).")],
    workspace: Annotated[
        Path | None,
        typer.Option(help="The workspace folder; default: found from the current folder up."),
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="Replace an archived copy that has other content.")
    ] = False,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Copy FILE to sources/archive/KEY.ext; record its path and SHA-256 in the .bib entry."""

    def action() -> None:
        done = archive(find_workspace(workspace or Path.cwd(), report=False), key, file, replace)
        typer.echo(f"archived {done.snapshot} (sha256 {done.sha256}); updated {done.bib}")

    _run(debug, action)


if __name__ == "__main__":
    app()
