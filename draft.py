"""`draft`: build footnoted briefs from sourced claims. The command line only; the work is
done in the `drafting` package.

Each command imports the stages it needs when it runs, so that `draft --help` and
`draft --version` start at once instead of loading Jinja2, python-docx and the rest.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer import _click
from typer.core import TyperCommand

from drafting import __version__

if TYPE_CHECKING:
    from drafting.audit.checks import Audit, Finding
    from drafting.pipeline import Built
    from drafting.problems import Problem

app = typer.Typer(
    no_args_is_help=True,
    context_settings={"help_option_names": ["--help", "-h"]},
    # Plain help, as pandoc's and mkdocs' read; rich's formatter alone costs 0.2 s a start.
    rich_markup_mode=None,
    help="Build footnoted Word and Markdown briefs from sourced claims.",
)


class _Command(TyperCommand):
    """Help that reads like pandoc's: `draft build [OPTIONS] REPORT`, arguments by name only.

    typer (0.29) writes `{REPORT}` in the usage line and `REPORT <path>` in the list; these
    two methods are click's own hooks for exactly that text, so nothing else changes.
    """

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = param.metavar or (param.name or "").upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                name = param.metavar or (param.name or "").upper()
                arguments.append((name, getattr(param, "help", None) or ""))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"draft {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            show_default=False,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Build footnoted Word and Markdown briefs from sourced claims."""


class Format(StrEnum):
    md = "md"
    docx = "docx"
    pdf = "pdf"


class Edition(StrEnum):
    public = "public"
    internal = "internal"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    github = "github"
    sarif = "sarif"


class ListFormat(StrEnum):
    text = "text"
    json = "json"


sources_app = typer.Typer(no_args_is_help=True, help="Manage the source library.")
app.add_typer(sources_app, name="sources")


ReportArg = Annotated[
    Path, typer.Argument(metavar="REPORT", help="The report's folder, e.g. reports/NAME.")
]
WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        metavar="DIR",
        help="The workspace folder; default: found from the current folder up.",
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", show_default=False, help="Show Python tracebacks.")
]


def _say(message: str, colour: str) -> None:
    """A line on stderr, coloured on a terminal unless NO_COLOR is set (https://no-color.org);
    click already leaves colour out when stderr is not a terminal."""
    typer.secho(message, err=True, fg=colour, color=False if os.environ.get("NO_COLOR") else None)


def _show(problems: Iterable[Problem | Finding]) -> None:
    """One line a problem on stderr; colour only on a terminal (click strips it otherwise)."""
    from drafting.audit.checks import Finding
    from drafting.audit.formats import finding_line

    for item in problems:
        finding = item if isinstance(item, Finding) else Finding(item)
        colour = "red" if finding.problem.severity == "error" else "yellow"
        _say(finding_line(finding), "cyan" if finding.accepted else colour)


def _known_codes(values: list[str] | None) -> list[str] | None:
    """`--ignore` takes only codes `draft` emits: a misspelt code would accept nothing."""
    from drafting.codes import CODES

    unknown = [code for code in values or () if code not in CODES]
    if unknown:
        from drafting.problems import did_you_mean

        raise typer.BadParameter(
            f"unknown problem code '{unknown[0]}'{did_you_mean(unknown[0], CODES)}; "
            f"known codes: {', '.join(sorted(CODES))}"
        )
    return values


StrictOption = Annotated[
    bool,
    typer.Option("--strict", show_default=False, help="Warnings fail the command too (exit 1)."),
]

IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODE",
        callback=_known_codes,
        help="Accept problems with this code (repeatable); they are shown as accepted.",
    ),
]


def _run(
    debug: bool,
    action: Callable[[], Audit | bool | None],
    *,
    strict: bool = False,
    writes: bool = True,
) -> None:
    """The one place errors become exit codes: 1 for problems in the inputs or the files.

    `action` shows what it found and returns the audit it acted on, or whether what it found
    needs someone's attention (`draft verify`), or None; it raises
    `DraftError` for problems that stop it, and any `OSError` it did not expect becomes a
    located problem here, never a traceback (unless `--debug`). With `strict`, the audit's
    warnings fail the command too; `writes` says whether the command would have written.
    """
    from drafting.files import os_problem
    from drafting.problems import DraftError

    nothing = "; nothing was written." if writes else "."
    try:
        audit = action()
    except (DraftError, OSError) as exc:
        if debug:
            raise
        problems = exc.problems if isinstance(exc, DraftError) else (os_problem(exc),)
        _show(problems)
        errors = sum(p.severity == "error" for p in problems)
        _say(f"{errors} error(s){nothing}", "red")
        raise typer.Exit(1) from None
    if audit is None or audit is False:
        return
    if audit is True:
        raise typer.Exit(1)
    if audit.errors or audit.report is None:
        raise typer.Exit(1)
    if strict and audit.warnings:
        _say(f"{audit.warnings} warning(s) treated as errors (--strict){nothing}", "red")
        raise typer.Exit(1)


class _Progress:
    """Stage by stage on stderr: a spinner (rich) on a terminal, plain lines otherwise (CI
    logs), nothing with --quiet. Stage timings are kept for --verbose."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.timings: dict[str, float] = {}
        self.tty = sys.stderr.isatty()

    @contextmanager
    def stage(self, name: str, doing: str) -> Iterator[None]:
        started = time.perf_counter()
        if self.quiet:
            yield
        elif self.tty:
            from rich.console import Console  # only on a terminal

            with Console(stderr=True).status(doing):
                yield
        else:
            typer.echo(f"draft: {doing}", err=True)
            yield
        self.timings[name] = time.perf_counter() - started


def _summary(built: Built, audit: Audit, verbose: bool, timings: dict[str, float]) -> None:
    """The end of a build, on one screen: what was written and what the brief holds."""
    from drafting.problems import display_path

    for path in built.written:
        typer.echo(f"wrote {display_path(path)}")
    accepted = sum(f.accepted for f in audit.findings)
    typer.echo(
        f"{len(built.claims)} claim(s), {built.footnotes} footnote(s), "
        f"{built.sources} source(s) cited; problems: {audit.errors} error(s), "
        f"{audit.warnings} warning(s), {accepted} accepted"
    )
    if verbose:
        stages = {**timings, **built.timings}
        typer.echo("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))


@app.command(cls=_Command)
def build(
    report: ReportArg,
    fmt: Annotated[
        list[Format] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="md, docx or pdf (repeat for several); default: md and docx. "
            "pdf needs LibreOffice.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Output folder; default: build/ in the workspace."),
    ] = None,
    reference_doc: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A .docx whose styles the brief uses; default: templates/reference.docx.",
        ),
    ] = None,
    style: Annotated[
        str | None, typer.Option(metavar="NAME", help="Citation style; overrides report.yaml.")
    ] = None,
    strict: StrictOption = False,
    ignore: IgnoreOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            show_default=False,
            help="Replace outputs edited since the last build (a backup is kept).",
        ),
    ] = False,
    review: Annotated[
        bool,
        typer.Option(
            "--review",
            show_default=False,
            help="Also write build/NAME.review.docx: one Word comment per claim.",
        ),
    ] = False,
    edition: Annotated[
        Edition,
        typer.Option(
            metavar="EDITION",
            help="public (default): confidential sources redacted, confidential claims left "
            "out; internal: everything, written as NAME.internal.docx / .md and marked "
            "INTERNAL.",
        ),
    ] = Edition.public,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            show_default=False,
            help="Build, then rebuild whenever an input of the workspace changes.",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", show_default=False, help="Print only the problems.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", show_default=False, help="Also print how long each stage took."
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Check the report, then write build/NAME.docx and build/NAME.md."""
    formats = [f.value for f in fmt] if fmt else ["md", "docx"]

    def once() -> tuple[Built, Audit] | Audit:
        from drafting import pipeline

        progress = _Progress(quiet)
        with progress.stage("check", f"checking {report} against the archived sources"):
            inputs = pipeline.gather(report, ignore or ())
        _show(inputs.audit.findings)
        if strict and inputs.problems:
            return inputs.audit  # `_run` refuses it: warnings count as errors
        with progress.stage("build", "writing " + ", ".join(formats)):
            built = pipeline.build_brief(
                inputs,
                formats,
                out,
                reference_doc,
                style,
                force=force,
                edition=edition.value,
                review=review,
            )
        for path in built.written.backups:  # even with --quiet: it says where an edit went
            typer.echo(f"kept the edited {path.name.split('.bak-')[0]} as {path}")
        if not quiet:
            _summary(built, inputs.audit, verbose, {"check": progress.timings["check"]})
        return built, inputs.audit

    def action() -> Audit:
        done = once()
        return done[1] if isinstance(done, tuple) else done

    if watch:
        _run(debug, lambda: _watch(report, out, once))
    else:
        _run(debug, action, strict=strict)


def _watch(report: Path, out: Path | None, once: Callable[[], tuple[Built, Audit] | Audit]) -> None:
    """`build --watch`: a failed build is reported and the next change tried again."""
    from drafting.load.workspace import find_workspace
    from drafting.problems import DraftError
    from drafting.watch import BuildState, watch

    workspace = find_workspace(report)

    def build_once() -> BuildState:
        done = once()
        if not isinstance(done, tuple):
            raise DraftError(())  # --strict: its warnings were shown; wait for a fix
        return BuildState(done[0].claims, done[0].footnotes)

    try:
        watch(workspace.root, [out or workspace.build], build_once, typer.echo, _show)
    except KeyboardInterrupt:  # Ctrl-C during a build ends the session as it does between
        typer.echo("stopped")


@app.command(cls=_Command)
def check(
    report: ReportArg,
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text: one line a problem (stderr); json: one object on stdout; "
            "markdown: the reviewer's audit on stdout; github: workflow annotations; "
            "sarif: a SARIF 2.1.0 log for code-scanning dashboards; html: writes the review "
            "page (build/NAME.internal.review.html, or NAME.review.html with --edition public).",
        ),
    ] = CheckFormat.text,
    strict: StrictOption = False,
    ignore: IgnoreOption = None,
    edition: Annotated[
        Edition,
        typer.Option(
            metavar="EDITION",
            help="internal (default): everything; public: confidential claims left out and "
            "confidential sources named only as 'a confidential source', for audits you share.",
        ),
    ] = Edition.internal,
    debug: DebugOption = False,
) -> None:
    """Audit every claim against the archived sources; write nothing (but the review page
    with --format html).

    Exit status: 0 no errors; 1 errors (with --strict, warnings too); 2 wrong usage.
    """

    def action() -> Audit:
        from drafting import editions, pipeline
        from drafting.audit.annotations import to_github, to_sarif
        from drafting.audit.formats import finding_line, summary, to_json, to_markdown

        full = pipeline.check(report, ignore or ())
        if fmt is CheckFormat.html:
            return _write_review(full, None, edition)
        audit = editions.public_audit(full) if edition is Edition.public else full
        if fmt is CheckFormat.json:
            out, err = to_json(audit), ""
        elif fmt is CheckFormat.markdown:
            out, err = to_markdown(audit), ""
        elif fmt is CheckFormat.github:
            out, err = to_github(audit), ""
        elif fmt is CheckFormat.sarif:
            out, err = to_sarif(audit), ""
        else:
            out = summary(audit) + "\n"
            err = "".join(finding_line(f) + "\n" for f in audit.findings)
        if edition is Edition.public:  # the same proof as a public build, before printing
            pipeline.scan_public(full, {"audit": out + err})
        if fmt is CheckFormat.text:
            _show(audit.findings)
        typer.echo(out, nl=False)
        return audit

    _run(debug, action, strict=strict, writes=fmt is CheckFormat.html)


def _write_review(full: Audit, out: Path | None, edition: Edition) -> Audit:
    """Write the edition's review page; its problems are listed too, as `check` lists them.
    Returns the audit as the edition shows it, for the exit status."""
    from drafting import editions, pipeline
    from drafting.audit.formats import finding_line, summary
    from drafting.review.html import write_review

    audit = editions.public_audit(full) if edition is Edition.public else full
    if edition is Edition.public:  # what is printed is proven free of secrets, as by check
        lines = "".join(finding_line(f) + "\n" for f in audit.findings)
        pipeline.scan_public(full, {"audit": lines + summary(audit)})
    _show(audit.findings)
    path = write_review(full, out, edition=edition.value)
    if path is not None:
        typer.echo(f"wrote {path}")
    typer.echo(summary(audit))
    return audit


@app.command(cls=_Command)
def review(
    report: ReportArg,
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Output folder; default: build/ in the workspace."),
    ] = None,
    strict: StrictOption = False,
    ignore: IgnoreOption = None,
    edition: Annotated[
        Edition,
        typer.Option(
            metavar="EDITION",
            help="internal (default): every source, written as NAME.internal.review.html; "
            "public: confidential claims left out, confidential sources redacted.",
        ),
    ] = Edition.internal,
    debug: DebugOption = False,
) -> None:
    """Write build/NAME.internal.review.html: the brief beside its sources' archived text,
    every quoted passage highlighted. One file that needs no network; opens nothing.

    Exit status as for `check`: 0 no errors; 1 errors (with --strict, warnings too).
    """

    def action() -> Audit:
        from drafting import pipeline

        return _write_review(pipeline.check(report, ignore or ()), out, edition)

    _run(debug, action, strict=strict)


class VerifyFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    github = "github"


@app.command(cls=_Command)
def verify(
    docx: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The edited .docx (built by draft, then edited)."),
    ],
    report: Annotated[
        Path | None,
        typer.Argument(
            metavar="REPORT", help="The report's folder: also compare with the current YAML."
        ),
    ] = None,
    fmt: Annotated[
        VerifyFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text: one line a finding; json: one object; markdown: a reviewer's table; "
            "github: ::warning annotation lines. All on stdout.",
        ),
    ] = VerifyFormat.text,
    style: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="The citation style the brief was built with, if not report.yaml's.",
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Report which claims of an edited brief still say what the build said.

    Never changes the fact base. Exit status: 0 nothing to review; 1 something changed that
    needs review, or the file was refused; 2 wrong usage.
    """

    def action() -> bool:
        from drafting.load.workspace import find_workspace
        from drafting.verify import compare, formats

        current = None
        if report is not None:  # compose today's fact base as the same edition was built
            edition = compare.read(docx)[1].edition
            current = compare.fact_base(report, style, edition)
        result = compare.verify(docx, current)
        root = find_workspace(report).root if report is not None else None
        writer = {
            VerifyFormat.json: formats.to_json,
            VerifyFormat.markdown: formats.to_markdown,
            VerifyFormat.github: formats.to_github,
        }.get(fmt)
        typer.echo(writer(result, root) if writer else formats.to_text(result), nl=False)
        return result.needs_review

    _run(debug, action, writes=False)


@sources_app.command("archive", cls=_Command)
def sources_archive(
    key: Annotated[str, typer.Argument(metavar="KEY", help="The source's citation key.")],
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The snapshot to archive (.txt, .html, .pdf)."),
    ],
    workspace: WorkspaceOption = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", show_default=False, help="Replace an archived copy that has other content."
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Copy FILE to sources/archive/KEY.ext; record its path and SHA-256 in the .bib entry."""

    def action() -> None:
        from drafting.library.archive import archive
        from drafting.load.workspace import find_workspace

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


@sources_app.command("list", cls=_Command)
def sources_list(
    workspace: WorkspaceOption = None,
    fmt: Annotated[
        ListFormat,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="text: a table; json: a list of objects."
        ),
    ] = ListFormat.text,
    debug: DebugOption = False,
) -> None:
    """List the sources: snapshot present, digest OK, claims citing each, independent origin."""

    def action() -> None:
        from drafting.library.listing import list_sources, to_json, to_table
        from drafting.load.sources import load_sources
        from drafting.load.workspace import find_workspace
        from drafting.problems import DraftError

        found = find_workspace(workspace or Path.cwd(), report=False)
        sources, problems = load_sources(found)
        if any(p.severity == "error" for p in problems):
            raise DraftError(problems)
        rows = list_sources(found, sources)
        typer.echo((to_json if fmt is ListFormat.json else to_table)(rows), nl=False)

    _run(debug, action, writes=False)


@sources_app.command("add", cls=_Command)
def sources_add(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A page saved from the browser (.html), a PDF, .warc or .wacz."
        ),
    ],
    key: Annotated[
        str | None,
        typer.Option(
            metavar="KEY", help="The citation key; default: author or outlet, year, title word."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Add a source from a saved page's own metadata, then archive the page as its snapshot."""

    def action() -> None:
        from drafting.library.pages import add_source
        from drafting.load.workspace import find_workspace
        from drafting.problems import display_path

        found = find_workspace(workspace or Path.cwd(), report=False)
        added, done = add_source(found, file, key)
        typer.echo(f"added '{added}' to {display_path(done.bib)}")
        typer.echo(f"archived {display_path(done.snapshot)} (sha256 {done.sha256})")
        typer.echo("check the entry: only what the page states was recorded")

    _run(debug, action)


@app.command(cls=_Command)
def init(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="The new workspace's folder; default: here.")
    ] = Path(),
    debug: DebugOption = False,
) -> None:
    """Start a workspace: sources/ with an example entry and snapshot, reports/example/."""

    def action() -> None:
        from drafting.library.scaffold import init_workspace
        from drafting.problems import display_path

        for path in init_workspace(folder):
            typer.echo(f"created {display_path(path)}")
        report = display_path(folder / "reports" / "example")
        typer.echo(f"next: draft check {report}, then draft build {report}")

    _run(debug, action)


@app.command(cls=_Command)
def new(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The report's name, e.g. detention-2025.")
    ],
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Start a report: reports/NAME/report.yaml with a commented example of every field."""

    def action() -> None:
        from drafting.library.scaffold import new_report
        from drafting.load.sources import load_sources
        from drafting.load.workspace import find_workspace
        from drafting.problems import display_path

        found = find_workspace(workspace or Path.cwd(), report=False)
        sources, _problems = load_sources(found)  # only to cite a real key in the example
        for path in new_report(found.root, name, sources):
            typer.echo(f"created {display_path(path)}")

    _run(debug, action)


if __name__ == "__main__":
    app()
