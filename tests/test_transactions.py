"""The outputs and the manifest change as one: kills, parallel builds, full disks, permissions.

A build is killed (SIGTERM and SIGKILL) at random moments, again and again; after each kill
the folder must hold the previous complete set of outputs or the new one, with a manifest
that vouches for exactly those files, and the next build must leave no temporary file.
The commit point of a build is its journal (see drafting/output/atomic.py): a kill after it
leaves the renames to the next build, which finishes them before anything else, so when a
journal is left the check runs after that recovery step (`recover`, the same function).
"""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_workspace, run_draft

from drafting.files import digest
from drafting.output.atomic import JOURNAL, TEMP_SUFFIX, recover
from drafting.output.guard import MANIFEST

OUTPUTS = ("example.md", "example.docx")
MARK = "Eighteen prison officers"


def _set_marker(ws: Path, n: int, name: str = "example") -> None:
    report = ws / "reports" / name / "report.yaml"
    text = report.read_text(encoding="utf-8")
    start = text.index("    text: Eighteen")
    end = text.index("\n", start)
    line = f"    text: Eighteen prison officers were dismissed (build {n}) after the videos."
    report.write_text(text[:start] + line + text[end:], encoding="utf-8")


def _marker(folder: Path, name: str) -> int | None:
    """The build number an output was made from."""
    path = folder / name
    if name.endswith(".docx"):
        with zipfile.ZipFile(path) as archive:
            text = archive.read("word/document.xml").decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    found = text.split("(build ", 1)
    return int(found[1].split(")", 1)[0]) if len(found) == 2 else None


def _assert_complete(folder: Path, allowed: set[int]) -> int:
    """One build's outputs, all present, all from the same build, and a matching manifest."""
    markers = {_marker(folder, name) for name in OUTPUTS}
    assert len(markers) == 1, f"outputs from different builds: {markers}"
    (marker,) = markers
    assert marker in allowed, (marker, allowed)
    files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    for name in OUTPUTS:
        assert files[name]["sha256"] == digest((folder / name).read_bytes()), name
    assert marker is not None
    return marker


def _leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX) or p.name == JOURNAL
    )


def _child_build(report: Path, out: Path) -> int:
    """Fork a build of `report` into `out` (the parent has already imported everything)."""
    pid = os.fork()
    if pid == 0:  # the child: run the CLI, never return into pytest
        code = 1
        try:
            from draft import app

            app(["build", str(report), "--out", str(out)], standalone_mode=False)
            code = 0
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    return pid


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    _set_marker(ws, 0)
    assert run_draft("build", ws / "reports" / "example").exit_code == 0
    return ws


def _timed_build(ws: Path) -> float:
    start = time.perf_counter()
    pid = _child_build(ws / "reports" / "example", ws / "build")
    os.waitpid(pid, 0)
    return time.perf_counter() - start


def test_builds_killed_at_random_moments_leave_one_complete_set(workspace: Path) -> None:
    rng = random.Random(16)
    folder = workspace / "build"
    duration = max(_timed_build(workspace), 0.05)  # also a warm-up of the forked path
    current = _assert_complete(folder, {0})
    for n in range(1, 61):
        _set_marker(workspace, n)
        pid = _child_build(workspace / "reports" / "example", folder)
        # most kills land near the end, where the files are written; some anywhere
        time.sleep(duration * (rng.uniform(0.7, 1.1) if n % 3 else rng.uniform(0, 1)))
        os.kill(pid, signal.SIGKILL if n % 2 else signal.SIGTERM)
        os.waitpid(pid, 0)
        if (folder / JOURNAL).exists():  # killed after the commit point: finish as a build would
            recover(folder)
        current = _assert_complete(folder, {current, n})
        if n % 6 == 0:  # now and then, a build that runs to the end cleans what kills left
            current = _complete_build(workspace, 1000 + n)
    _complete_build(workspace, 2000)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*OUTPUTS, MANIFEST])


def _complete_build(ws: Path, n: int) -> int:
    _set_marker(ws, n)
    result = run_draft("build", ws / "reports" / "example")
    assert result.exit_code == 0, result.stderr
    assert _assert_complete(ws / "build", {n}) == n
    assert _leftovers(ws / "build") == []
    return n


def test_six_parallel_builds_into_one_folder_keep_every_manifest_entry(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    names = [f"r{i}" for i in range(6)]
    source = ws / "reports" / "example"
    for i, name in enumerate(names):
        (ws / "reports" / name).mkdir()
        (ws / "reports" / name / "report.yaml").write_bytes((source / "report.yaml").read_bytes())
        _set_marker(ws, i, name)
    out = tmp_path / "shared"
    for _round in range(2):
        pids = [_child_build(ws / "reports" / name, out) for name in names]
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
        assert codes == [0] * 6
        files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
        expected = {f"{name}.{ext}" for name in names for ext in ("md", "docx")}
        assert set(files) == expected
        for name in expected:
            assert files[name]["sha256"] == digest((out / name).read_bytes()), name
        for i, name in enumerate(names):
            assert _marker(out, f"{name}.md") == _marker(out, f"{name}.docx") == i
        assert _leftovers(out) == []


def test_a_stale_temporary_file_and_journal_are_finished_by_the_next_build(
    workspace: Path,
) -> None:
    folder = workspace / "build"
    # what a build killed just after its commit point leaves: a journal naming a complete file
    (folder / ".example.md.abc.draft-tmp").write_bytes((folder / "example.md").read_bytes())
    (folder / ".example.docx.def.draft-tmp").write_bytes(b"half a file")  # before the journal
    (folder / JOURNAL).write_text(json.dumps([[".example.md.abc.draft-tmp", "example.md"]]))
    (folder / ".example.docx.k2j_x9qa.tmp").write_bytes(b"left by draft 0.1")
    (folder / ".notes.k2j_x9qa.tmp").write_bytes(b"not ours: no notes file here")
    _set_marker(workspace, 7)
    assert run_draft("build", workspace / "reports" / "example").exit_code == 0
    assert _assert_complete(folder, {7}) == 7
    assert _leftovers(folder) == []
    assert not (folder / ".example.docx.k2j_x9qa.tmp").exists()
    assert (folder / ".notes.k2j_x9qa.tmp").exists()


def test_a_journal_never_renames_outside_its_folder(workspace: Path, tmp_path: Path) -> None:
    folder = workspace / "build"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (folder / JOURNAL).write_text(json.dumps([["../../victim.txt", "x"], ["a", "/etc/x"]]))
    recover(folder)
    assert victim.read_text() == "keep me"
    assert not (folder / JOURNAL).exists()


# --------------------------------------------------------------------------- full disk


def test_a_full_disk_while_staging_replaces_nothing_and_says_so(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workspace / "build"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real_fsync = os.fsync
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the second file staged (the .docx) does not fit on the disk
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    _set_marker(workspace, 9)
    result = run_draft("build", workspace / "reports" / "example")
    monkeypatch.undo()
    assert len(calls) >= 2
    assert result.exit_code == 1
    assert "error[cannot-write]" in result.stderr and "No space left on device" in result.stderr
    assert "nothing was written" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "manifest not stale"


def test_force_keeps_a_complete_backup_and_says_where(workspace: Path) -> None:
    edited = workspace / "build" / "example.md"
    edited.write_text("my edits\n")
    _set_marker(workspace, 3)
    result = run_draft("build", workspace / "reports" / "example", "--force")
    assert result.exit_code == 0, result.stderr
    (backup,) = (workspace / "build").glob("example.md.bak-*")
    assert backup.read_text() == "my edits\n"
    assert f"kept the edited example.md as {backup}" in result.stdout
    assert _leftovers(workspace / "build") == []


# --------------------------------------------------------------------------- permissions


def _umask_build(ws: Path, umask: int) -> None:
    code = f"import os; os.umask({umask}); import draft; draft.app()"
    subprocess.run(
        [sys.executable, "-c", code, "build", str(ws / "reports" / "example")],
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_get_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    _umask_build(ws, umask)
    for name in (*OUTPUTS, MANIFEST):
        assert stat.S_IMODE((ws / "build" / name).stat().st_mode) == mode, name


def test_a_rebuilt_output_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    _umask_build(ws, 0o022)
    (ws / "build" / "example.md").chmod(0o640)
    _set_marker(ws, 2)
    _umask_build(ws, 0o077)
    assert stat.S_IMODE((ws / "build" / "example.md").stat().st_mode) == 0o640
    assert stat.S_IMODE((ws / "build" / "example.docx").stat().st_mode) == 0o644


@pytest.mark.parametrize(
    "corrupt",
    ["[" * 100_000 + "]" * 100_000, "\xff\xfe", '{"files": []}', "null", "1" * 5000, ""],
    ids=["deeply-nested", "not-utf8", "files-a-list", "null", "huge-number", "empty"],
)
def test_a_corrupt_manifest_vouches_for_nothing_and_never_crashes(
    workspace: Path, corrupt: str
) -> None:
    folder = workspace / "build"
    (folder / MANIFEST).write_bytes(corrupt.encode("latin-1"))
    _set_marker(workspace, 5)
    result = run_draft("build", workspace / "reports" / "example")
    assert result.exit_code == 1, result.stderr
    assert "error[output-edited]" in result.stderr and "Traceback" not in result.stderr
    result = run_draft("build", workspace / "reports" / "example", "--force")
    assert result.exit_code == 0, result.stderr
    assert _assert_complete(folder, {5}) == 5


def test_a_full_disk_while_backing_up_leaves_no_truncated_backup(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workspace / "build"
    (folder / "example.md").write_text("my edits\n")
    _set_marker(workspace, 6)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = run_draft("build", workspace / "reports" / "example", "--force")
    monkeypatch.undo()
    assert result.exit_code == 1 and "error[cannot-write]" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "no .bak, no temporary"
