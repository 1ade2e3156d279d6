"""Errors become exit codes in one place (`draft._run`): every command reports the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE, run_draft


def test_strict_build_with_only_warnings_shows_each_once_and_says_why_it_failed(
    sample: Path,
) -> None:
    result = run_draft("build", sample / "reports" / SAMPLE, "--strict")
    assert result.exit_code == 1
    warnings = [line for line in result.stderr.splitlines() if "warning[" in line]
    assert warnings, result.stderr
    assert len(warnings) == len(set(warnings)), "a warning was printed twice"
    last = result.stderr.splitlines()[-1]
    assert last == f"{len(warnings)} warning(s) treated as errors (--strict); nothing was written."
    assert "0 error(s)" not in result.stderr
    assert not (sample / "build").exists()


def test_strict_check_fails_on_warnings_and_says_so(sample: Path) -> None:
    plain = run_draft("check", sample / "reports" / SAMPLE)
    assert plain.exit_code == 0, plain.stderr
    strict = run_draft("check", sample / "reports" / SAMPLE, "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1].endswith("warning(s) treated as errors (--strict).")


def test_check_json_stays_one_object_when_it_fails(sample: Path) -> None:
    import json

    result = run_draft("check", sample / "reports" / SAMPLE, "--strict", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"]["warnings"] > 0


def test_a_missing_report_folder_is_exit_1_with_a_located_problem(tmp_path: Path) -> None:
    for command in ("build", "check"):
        result = run_draft(command, tmp_path / "nowhere")
        assert result.exit_code == 1
        assert "error[no-report]" in result.stderr


def test_version_and_short_help() -> None:
    from drafting import __version__

    version = run_draft("--version")
    assert (version.exit_code, version.stdout) == (0, f"draft {__version__}\n")
    short, long = run_draft("-h"), run_draft("--help")
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout and "build" in short.stdout
    assert run_draft("build", "-h").stdout == run_draft("build", "--help").stdout


def test_help_and_version_load_no_stage() -> None:
    """`draft --help` and `--version` start fast because draft.py imports the stages inside
    the commands: none of Jinja2, python-docx, bibtexparser or the pipeline is loaded."""
    import subprocess
    import sys

    from conftest import REPO

    heavy = ("jinja2", "docx", "bibtexparser", "rapidfuzz", "yaml", "drafting.pipeline", "rich")
    for option in ("--help", "--version"):
        code = (
            "import sys\nfrom draft import app\n"
            f"try:\n    app([{option!r}])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} "
            f"or m in {heavy!r}))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
        assert out.splitlines()[-1] == "[]", (option, out)


def test_help_reads_plainly_for_every_command() -> None:
    """No `{REPORT}`, `<path>` or `<bool>` metavars, no `--x / --no-x` flags, and no example
    path that does not exist (reports/NAME is a pattern, not a path)."""
    import re

    import typer.main

    from draft import app

    group = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None) or {}
        paths += [[name, sub] for sub in subcommands] or [[name]]
    for path in paths:
        text = run_draft(*path, "--help").stdout
        assert not re.search(r"[{<][A-Za-z|]+[}>]", text), (path, text)
        assert "/ --no-" not in text, (path, text)
        assert "saratov" not in text, (path, text)
    assert "build [OPTIONS] REPORT\n" in run_draft("build", "-h").stdout


def test_completion_is_offered() -> None:
    text = run_draft("--help").stdout
    assert "--install-completion" in text and "--show-completion" in text


def test_no_color_turns_colour_off(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Colour goes to terminals only; with NO_COLOR set there is none even there."""
    from typer.testing import CliRunner

    from draft import app

    report = sample / "reports" / SAMPLE
    coloured = CliRunner().invoke(app, ["check", str(report)], color=True)
    assert "\x1b[" in coloured.stderr  # the warnings are coloured on a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    plain = CliRunner().invoke(app, ["check", str(report)], color=True)
    assert plain.exit_code == 0
    assert "warning[" in plain.stderr and "\x1b[" not in plain.stderr
