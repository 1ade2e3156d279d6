"""`draft`: build footnoted briefs from sourced claims. The command line only; the work is
done in the `drafting` package."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from drafting import pipeline
from drafting.problems import DraftError, Problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build footnoted Word and Markdown briefs from sourced claims.",
)


class Format(StrEnum):
    md = "md"
    docx = "docx"


ReportArg = Annotated[Path, typer.Argument(help="The report's folder, e.g. reports/saratov.")]


def _show(problems: Iterable[Problem]) -> None:
    for problem in problems:
        typer.secho(
            problem.format(), err=True, fg="red" if problem.severity == "error" else "yellow"
        )


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
    force: Annotated[
        bool,
        typer.Option(help="Replace outputs edited since the last build (a backup is kept)."),
    ] = False,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Check the report, then write build/NAME.docx and build/NAME.md."""

    def action() -> None:
        inputs = pipeline.gather(report)
        _show(inputs.problems)
        if strict and inputs.problems:
            raise DraftError(inputs.problems)
        formats = [f.value for f in fmt] if fmt else list(pipeline.FORMATS)
        for path in pipeline.build(inputs, formats, out, reference_doc, style, force=force):
            typer.echo(f"wrote {path}")

    _run(debug, action)


@app.command()
def check(
    report: ReportArg,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks.")] = False,
) -> None:
    """Check that every claim is sourced and every source exists; write nothing."""

    def action() -> None:
        inputs = pipeline.gather(report)
        _show(inputs.problems)
        if strict and inputs.problems:
            raise DraftError(inputs.problems)
        typer.echo(
            f"{len(inputs.report.claims)} claims checked, "
            f"{len(inputs.problems)} warning(s), no errors."
        )

    _run(debug, action)


if __name__ == "__main__":
    app()
