"""`draft`: build footnoted briefs from sourced claims. The command line only; the work is
done in the `drafting` package."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from drafting import pipeline
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


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


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
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Check the report, then write build/NAME.docx and build/NAME.md."""

    def action() -> None:
        inputs = pipeline.gather(report, ignore or ())
        _show(inputs.audit.findings)
        if strict and inputs.problems:
            raise DraftError(inputs.problems)
        formats = [f.value for f in fmt] if fmt else list(pipeline.FORMATS)
        written = pipeline.build(inputs, formats, out, reference_doc, style, force=force)
        for path in written.backups:
            typer.echo(f"kept the edited {path.name.split('.bak-')[0]} as {path}")
        for path in written:
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
            "markdown: the reviewer's audit on stdout.",
        ),
    ] = CheckFormat.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    ignore: IgnoreOption = None,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Audit every claim against the archived sources; write nothing.

    Exit status: 0 no errors; 1 errors (with --strict, warnings too); 2 wrong usage.
    """
    result: list[Audit] = []
    _run(debug, lambda: result.append(pipeline.check(report, ignore or ())))
    audit = result[0]
    if fmt is CheckFormat.json:
        typer.echo(to_json(audit), nl=False)
    elif fmt is CheckFormat.markdown:
        typer.echo(to_markdown(audit), nl=False)
    else:
        _show(audit.findings)
        typer.echo(summary(audit))
    if audit.errors or audit.report is None or (strict and audit.warnings):
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
        if not done.changed:
            typer.echo(
                f"{done.snapshot} is already archived (sha256 {done.sha256}); nothing changed"
            )
            return
        if done.backup is not None:
            typer.echo(f"kept the previous snapshot as {done.backup}")
        typer.echo(f"archived {done.snapshot} (sha256 {done.sha256}); updated {done.bib}")

    _run(debug, action)


if __name__ == "__main__":
    app()
