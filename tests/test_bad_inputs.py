"""Every malformed input gives a located, coded, plain-words error and exit 1; never a traceback.

The cases are folders under tests/bad_inputs/, found at run time: add a case by adding a
folder, no Python. Each folder holds the files that differ from the base workspace
(tests/fixtures/example), at the same relative paths, and a `case.yaml`:

    code: yaml-syntax                       # the expected problem code (required)
    message: indent with spaces             # a fragment of the expected message (required)
    where: reports/example/report.yaml:8:1  # fragment of the expected file:line(:col)
    command: build                          # or check; default build
    report: reports/example                 # the report folder to give; default this one
    args: [--out, "{ws}/x"]                 # more arguments; {ws} is the workspace folder
    delete: [reports/example/report.yaml]   # files of the base workspace to remove
    symlinks: {sources/archive/x.txt: /etc/hostname}   # links to make (name: target)
    env: {DRAFT_TEMPLATE_SECONDS: "1"}      # environment variables for the run
    argv: [sources, archive, KEY, "{ws}/f"] # a whole command line instead of command/report
                                            # (run from the workspace folder, as a user would)

Files under the case's `_outside/` folder are copied next to the workspace, to `{ws}/../outside`,
for links that point out of the workspace. Nothing may be written into build/ (unless the
case ships a build/ folder of its own), and no file outside the workspace may change.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, Result, copy_workspace, run_draft

CASES = Path(__file__).resolve().parent / "bad_inputs"


def _cases() -> list[Any]:
    return [pytest.param(case, id=case.name) for case in sorted(CASES.iterdir()) if case.is_dir()]


def _workspace(case: Path, spec: dict[str, Any], ws: Path) -> None:
    copy_workspace(FIXTURES / "example", ws)
    for path in case.rglob("*"):
        if path.is_file() and path.name != "case.yaml":
            relative = path.relative_to(case)
            if relative.parts[0] == "_outside":
                target = ws.parent / "outside" / relative.relative_to("_outside")
            else:
                target = ws / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for name in spec.get("delete", []):
        (ws / name).unlink()
    for name, target in spec.get("symlinks", {}).items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).symlink_to(str(target).format(ws=ws))


def prepare(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], Path, Callable[[], Result]]:
    """A case's spec, its workspace (made in `tmp_path / "ws"`, with the case's environment
    set) and the command the case runs there (also run from the memo by test_load_memo)."""
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    for name, value in spec.get("env", {}).items():
        monkeypatch.setenv(name, str(value))
    ws = tmp_path / "ws"
    _workspace(case, spec, ws)
    args = [str(a).format(ws=ws) for a in spec.get("args", [])]
    report = ws / spec.get("report", "reports/example")
    if "argv" in spec:
        monkeypatch.chdir(ws)

    def run() -> Result:
        if "argv" in spec:
            return run_draft(*(str(a).format(ws=ws) for a in spec["argv"]))
        return run_draft(spec.get("command", "build"), report, *args)

    return spec, ws, run


@pytest.mark.parametrize("case", _cases())
def test_bad_input_is_a_clear_error(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, ws, run = prepare(case, tmp_path, monkeypatch)
    outside = _snapshot(ws.parent / "outside")
    # run_draft does not catch exceptions: an exception escaping the CLI fails this test
    result = run()
    output = result.stdout + result.stderr
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    assert f"error[{spec['code']}]" in result.stderr, result.stderr
    assert spec["message"] in result.stderr, result.stderr
    if "where" in spec:  # "file:line:" means any column; "file:line" also matches with one
        where = spec["where"]
        tail = r"\d+(:\d+)?: " if where.endswith(":") else r"(:\d+)?: "
        pattern = re.escape(where) + tail + re.escape(f"error[{spec['code']}]")
        shown = result.stderr.replace(str(ws) + "/", "")
        assert re.search(f"^{pattern}", shown, re.MULTILINE), shown
    if not (case / "build").exists():
        assert not (ws / "build").exists(), "nothing may be written"
    assert _snapshot(ws.parent / "outside") == outside, "nothing outside may change"


def _snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_corpus_is_not_empty() -> None:
    assert len(_cases()) >= 30
