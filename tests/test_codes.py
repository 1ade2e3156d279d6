"""The one list of problem codes (drafting/codes.py) agrees with the code and the README."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SAMPLE, run_draft

from drafting.codes import CODES, TABLES, table

CALLS = {"error", "warning", "fail", "Problem", "_error"}
"""Functions whose first argument (`Problem`'s second) is a problem code."""


def _code_argument(call: ast.Call) -> ast.expr | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in CALLS or not call.args:
        return None
    return call.args[1] if name == "Problem" and len(call.args) > 1 else call.args[0]


def _assigned_strings(function: ast.AST, name: str) -> set[str]:
    """String constants assigned to `name` in a function (`kind = "a" if x else "b"`)."""
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found |= {
                c.value
                for c in ast.walk(node.value)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            }
    return found


def emitted_codes() -> dict[str, str]:
    """Every code literal the package emits -> where, found by reading the source."""
    codes: dict[str, str] = {}
    for path in [*sorted((REPO / "drafting").rglob("*.py")), REPO / "draft.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                arg = _code_argument(call) if isinstance(call, ast.Call) else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    codes.setdefault(arg.value, f"{path.name}:{call.lineno}")  # type: ignore[attr-defined]
                elif isinstance(arg, ast.Name):  # a variable: the strings assigned to it
                    for value in _assigned_strings(function, arg.id):
                        codes.setdefault(value, f"{path.name}:{function.lineno}")
    return codes


def test_every_code_the_package_emits_is_listed() -> None:
    emitted = emitted_codes()
    assert len(emitted) > 60, "the scan found too few codes: has the calling style changed?"
    missing = {code: where for code, where in emitted.items() if code not in CODES}
    assert not missing, f"add these to drafting/codes.py: {missing}"


def test_every_listed_code_is_emitted() -> None:
    unused = set(CODES) - set(emitted_codes())
    assert not unused, f"drafting/codes.py lists codes nothing emits: {sorted(unused)}"


def test_the_readme_tables_are_generated_from_the_list() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in TABLES:
        start, end = f"<!-- problem-codes:{name} -->\n", f"<!-- /problem-codes:{name} -->"
        block = readme[readme.index(start) + len(start) : readme.index(end)]
        assert block == table(name), "run: make problem-codes"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "problem_codes.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_every_code_and_command_is_in_the_readme() -> None:
    import typer.main

    from draft import app

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in readme, code
    group = typer.main.get_command(app)
    commands: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            commands += [f"draft {name} {sub}" for sub in subcommands]
        else:
            commands.append(f"draft {name}")
    assert len(commands) >= 8
    section = readme[readme.index("## Commands") :]
    for command in commands:
        assert re.search(rf"^{re.escape(command)}\b", section, re.M), command


def test_ignore_with_an_unknown_code_is_a_usage_error(sample: Path) -> None:
    report = sample / "reports" / SAMPLE
    result = run_draft("check", report, "--ignore", "locator-missmatch")
    assert result.exit_code == 2
    assert "unknown problem code 'locator-missmatch'" in result.stderr
    assert "did you mean 'locator-mismatch'" in result.stderr
    assert "unhedged-allegation" in result.stderr  # the known codes are listed
    assert run_draft("check", report, "--ignore", "locator-mismatch").exit_code == 0
    built = run_draft("build", report, "--ignore", "nonsense")
    assert built.exit_code == 2 and not (sample / "build").exists()
