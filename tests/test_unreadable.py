"""Every input path that is not a readable regular file is a located problem, never a
traceback and never a hang: a folder, a FIFO, a dangling symbolic link, a link loop, a name
too long or holding a NUL, a file the user may not read. Each kind is tried in each place an
input is read: the library (sources/*.bib, *.json), report.yaml and a claim file."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, copy_workspace, run_draft

REPORT = Path("reports/example")


def _folder(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("nowhere"))


def _loop(path: Path) -> None:
    other = path.with_name("loop-other")
    path.symlink_to(other)
    other.symlink_to(path)


# kind: (how to make it, expected code, a fragment of the message)
KINDS: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "folder": (_folder, "not-a-file", "is a folder, not a file"),
    "fifo": (_fifo, "not-a-file", "is a named pipe (FIFO), not a file"),
    "dangling symlink": (_dangling, "unreadable-file", "which does not exist"),
    "symlink loop": (_loop, "unreadable-file", "leads round in a loop"),
}
# place: (path of the input, relative to the workspace)
PLACES = {
    "library .bib": Path("sources/broken.bib"),
    "library .json": Path("sources/broken.json"),
    "report.yaml": REPORT / "report.yaml",
    "claim file": REPORT / "more.yaml",
}


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A FIFO opened for reading waits for a writer for ever: fail instead of hanging."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("draft hung on an input that is not a regular file")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _workspace(root: Path, claim_file: str | None = None) -> Path:
    ws = copy_workspace(FIXTURES / "example", root / "ws")
    if claim_file is not None:  # the report names a claim file besides its own claims
        report = ws / REPORT / "report.yaml"
        data = yaml.safe_load(report.read_text(encoding="utf-8"))
        data["claims"] = [data["claims"], claim_file]
        report.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return ws


def _assert_problem(ws: Path, code: str, fragment: str, where: str) -> None:
    for command in ("check", "build"):
        result = run_draft(command, ws / REPORT)
        assert result.exit_code == 1, result.stderr
        lines = [line for line in result.stderr.splitlines() if f"error[{code}]" in line]
        assert lines, result.stderr
        assert fragment in lines[0], lines[0]
        assert lines[0].startswith(where), (lines[0], where)
        assert "Traceback" not in result.stdout + result.stderr
    assert not (ws / "build").exists(), "nothing may be written"


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", KINDS)
def test_an_input_that_is_not_a_regular_file_is_a_located_problem(
    tmp_path: Path, kind: str, place: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, code, fragment = KINDS[kind]
    relative = PLACES[place]
    ws = _workspace(tmp_path, relative.name if place == "claim file" else None)
    target = ws / relative
    target.unlink(missing_ok=True)
    make(target)
    monkeypatch.chdir(ws)
    # A claim file's problem is located where report.yaml names it; others at the path.
    where = f"{REPORT}/report.yaml:" if place == "claim file" else f"{relative}: "
    _assert_problem(ws, code, fragment, where)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        pytest.param("x" * 300 + ".yaml", "its name is too long", id="name too long"),
        pytest.param("more\x00.yaml", "holds a NUL character (U+0000)", id="NUL in the name"),
    ],
)
def test_a_claim_file_name_the_system_refuses_is_a_located_problem(
    tmp_path: Path, name: str, fragment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path, name)
    monkeypatch.chdir(ws)
    _assert_problem(ws, "unreadable-file", fragment, f"{REPORT}/report.yaml:")


def test_hidden_files_are_not_read_as_libraries(tmp_path: Path) -> None:
    """macOS leaves `._library.bib` (binary AppleDouble data) beside a copied library."""
    ws = _workspace(tmp_path)
    (ws / "sources" / "._library.bib").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    (ws / "sources" / ".draft.json").write_text("{not json", encoding="utf-8")
    result = run_draft("build", ws / REPORT)
    assert result.exit_code == 0, result.stderr
    assert "._library.bib" not in result.stderr


def _check_as_another_user(tmp_path: Path, ws: Path, unreadable: Path) -> str:
    """`draft check` run by a user who may not read `unreadable` (root reads everything:
    drop to `nobody`); its stderr."""
    unreadable.chmod(0o000)
    temp = Path(tempfile.gettempdir()).resolve()
    for folder in (tmp_path, *tmp_path.parents):  # let the other user reach the workspace
        if folder.is_relative_to(temp) and folder != temp and folder.stat().st_uid == os.geteuid():
            folder.chmod(folder.stat().st_mode | 0o055)
    for path in (ws, *ws.rglob("*")):  # the workspace folder itself too, whatever the umask
        if path != unreadable:
            path.chmod(path.stat().st_mode | 0o044 | (0o011 if path.is_dir() else 0))
    as_nobody = os.geteuid() == 0
    # `nobody` may not read the installation, so every module is imported first, as root: a
    # first run, and the package's modules a run imports only when it needs them (a problem
    # to place, a memo miss), and typer's error display.
    code = (
        "import importlib, os, pkgutil, sys\n"
        "import drafting, typer.rich_utils\n"
        "from draft import app\n"
        "try:\n    app(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "for module in pkgutil.walk_packages(drafting.__path__, 'drafting.'):\n"
        "    importlib.import_module(module.name)\n"
        + ("os.setgid(65534); os.setuid(65534)\n" if as_nobody else "")
        + "print('--- as the user ---', file=sys.stderr, flush=True)\n"
        + "app(['check', sys.argv[1]])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(ws / REPORT)],
        cwd=ws,
        env={**os.environ, "PYTHONPATH": str(REPO), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    stderr = result.stderr.split("--- as the user ---\n")[-1]
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr, stderr
    return stderr


@pytest.fixture
def reachable_tmp() -> Iterator[Path]:
    """A temporary folder another user can reach. Not under pytest's own temporary root:
    every pytest session that starts makes that root private again (mode 0700), so a
    session running beside this one would lock `nobody` out half-way through the test."""
    folder = Path(tempfile.mkdtemp(prefix="draft-unreadable-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):  # a 0000 file cannot be removed otherwise
            with contextlib.suppress(OSError):
                path.chmod(0o700 if path.is_dir() else 0o600)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_file_the_user_may_not_read_is_a_located_problem(reachable_tmp: Path) -> None:
    tmp_path = reachable_tmp
    ws = _workspace(tmp_path)
    secret = ws / "sources" / "secret.bib"
    secret.write_text("@misc{secret, title = {x}}\n", encoding="utf-8")
    stderr = _check_as_another_user(tmp_path, ws, secret)
    assert (
        "sources/secret.bib: error[unreadable-file] 'sources/secret.bib' cannot be read: "
        "you may not read it; ask whoever manages the folder for read access"
    ) in stderr


def test_a_snapshot_the_user_may_not_read_is_a_located_problem_among_the_others(
    reachable_tmp: Path,
) -> None:
    """The integrity check reports it where the entry names the file, and the audit goes
    on: every other problem is still reported in the same run."""
    tmp_path = reachable_tmp
    ws = _workspace(tmp_path)
    snapshots = sorted((ws / "sources" / "archive").iterdir())
    stderr = _check_as_another_user(tmp_path, ws, snapshots[0])
    assert "error[unreadable-file]" in stderr and "you may not read it" in stderr, stderr
    assert f"'sources/archive/{snapshots[0].name}' cannot be read" in stderr, stderr
    assert "warning[unreadable-snapshot]" in stderr and "warning[missing-metadata]" in stderr
