"""`draft` works on any workspace, from any folder, installed or from a wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_workspace, run_draft

from drafting.load.workspace import find_workspace


def _installed_draft() -> str:
    script = Path(sys.executable).parent / "draft"
    if not script.exists():
        pytest.skip("the 'draft' console script is not installed in this environment")
    return str(script)


def test_installed_command_builds_a_workspace_outside_the_repository(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "elsewhere")
    elsewhere = tmp_path / "some" / "other" / "folder"
    elsewhere.mkdir(parents=True)
    result = subprocess.run(
        [_installed_draft(), "build", str(ws / "reports" / "example")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (ws / "build" / "example.docx").is_file()
    assert (ws / "build" / "example.md").is_file()
    assert not (elsewhere / "build").exists()


def test_workspace_templates_override_the_shipped_ones(example: Path) -> None:
    (example / "templates").mkdir()
    layout = (REPO / "templates" / "brief.md.j2").read_text()
    (example / "templates" / "brief.md.j2").write_text(layout.replace("# Sources", "# Works cited"))
    assert run_draft("build", example / "reports" / "example").exit_code == 0
    assert "## Works cited" in (example / "build" / "example.md").read_text()


def test_workspace_is_found_from_the_report_folder(example: Path) -> None:
    assert find_workspace(example / "reports" / "example").root == example.resolve()


def test_a_folder_without_sources_is_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "reports" / "x").mkdir(parents=True)
    (tmp_path / "reports" / "x" / "report.yaml").write_text("title: x\n")
    result = run_draft("build", tmp_path / "reports" / "x")
    assert result.exit_code == 1
    assert "error[no-workspace]" in result.stderr


def test_wheel_carries_the_templates_and_builds_outside_the_repository(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("draft_briefs-*.whl")  # the distribution's name
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    for shipped in ("brief.md.j2", "styles/chicago-note.md.j2", "reference.docx"):
        assert f"drafting/_templates/{shipped}" in names
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    code = (
        f"import drafting, draft; assert drafting.__file__.startswith({str(unpacked)!r}),"
        " drafting.__file__; draft.app()"
    )
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    result = subprocess.run(
        [sys.executable, "-c", code, "build", str(ws / "reports" / "example")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (ws / "build" / "example.docx").is_file()
    shutil.rmtree(unpacked)
